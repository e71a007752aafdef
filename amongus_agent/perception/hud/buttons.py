"""Which action buttons (bottom right) are lit.

A lit button is drawn opaque: pure white art inside black outlines. An unavailable one is drawn
translucent, so its whites mix with the scene and never reach pure white, and its outlines lighten.
Both are measured over the button's slot; a slot needs both pure white and near-black pixels to
count as lit, which keeps a bright floor seen through a dim button from passing for a lit one.

Slots: USE at the bottom right, REPORT above it (the crewmate HUD; the screenshots to check the
impostor's KILL / SABOTAGE / VENT slots against are not in the share yet, so those are reported as
None, "not read", rather than guessed).
"""

from __future__ import annotations

import cv2
import numpy as np

from .layout import Layout
from .text_mask import channel_range

# slot boxes in screen heights: (left from the right edge, top from the screen top, size)
_SLOTS = {"use": (0.205, 0.80, 0.165), "report": (0.205, 0.58, 0.178)}
BUTTONS = ("use", "report", "kill", "sabotage", "vent")


def _lit(region: np.ndarray) -> bool:
    if region.size == 0:
        return False
    lo, hi = channel_range(region)
    n = lo.size
    return cv2.countNonZero(cv2.inRange(lo, 235, 255)) >= 0.02 * n and cv2.countNonZero(cv2.inRange(hi, 0, 40)) >= 0.04 * n


def read_buttons(image: np.ndarray, layout: Layout) -> dict[str, bool | None]:
    out: dict[str, bool | None] = dict.fromkeys(BUTTONS)
    h, w = image.shape[:2]
    for name, (left, top, size) in _SLOTS.items():
        x0 = int(layout.right - left * layout.screen_h)
        y0 = layout.y(top)
        s = layout.span(size)
        x0c, y0c = max(0, x0), max(0, y0)
        x1c, y1c = min(w, x0 + s), min(h, y0 + s)
        if x1c - x0c < s // 2 or y1c - y0c < s // 2:
            continue  # the slot is outside this crop: not read
        out[name] = _lit(image[y0c:y1c, x0c:x1c])
    return out
