"""The room label at the bottom centre: white outlined text naming the room the player stands in.

Found as the run of white glyphs closest to the image's horizontal centre in the band the HUD keeps
for it near the screen's bottom edge; read with the task list in the same Tesseract call, then
matched to a room name. A player's name walking past may sit right next to the label ("Dummy
Reactor"), so the room is looked for inside the text rather than as the whole of it.
"""

from __future__ import annotations

import cv2
import numpy as np

from .layout import Layout
from .text_mask import text_masks
from .vocab import best_room_in

_LABEL_TOP, _LABEL_BOTTOM = 0.895, 0.99  # screen heights


def find_room_label(image: np.ndarray, layout: Layout) -> tuple[int, int, int, int] | None:
    h, w = image.shape[:2]
    y0, y1 = max(0, layout.y(_LABEL_TOP)), min(h, layout.y(_LABEL_BOTTOM))
    x0, x1 = w // 5, w - w // 5
    if y1 - y0 < 8 or x1 <= x0:
        return None
    white = (text_masks(image[y0:y1, x0:x1]) == 1).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(white, connectivity=8)
    cap = layout.span(0.028)  # capital height of the label
    comps = sorted((int(s[0]), int(s[0] + s[2]), int(s[1]), int(s[1] + s[3])) for s in stats[1:]
                   if s[4] >= 4 and 0.3 * cap <= s[3] <= 1.6 * cap and s[2] <= 2 * cap)
    if not comps:
        return None
    runs: list[list[int]] = []
    for a, b, t, u in comps:
        if runs and a - runs[-1][1] <= 0.9 * cap:
            r = runs[-1]
            r[1], r[2], r[3], r[4] = max(r[1], b), min(r[2], t), max(r[3], u), r[4] + 1
        else:
            runs.append([a, b, t, u, 1])
    runs = [r for r in runs if r[4] >= 3]
    if not runs:
        return None
    cx = (x1 - x0) / 2
    r = min(runs, key=lambda r: 0 if r[0] <= cx <= r[1] else min(abs(r[0] - cx), abs(r[1] - cx)))
    return (x0 + r[0], y0 + r[2], x0 + r[1], y0 + r[3])


def label_crop(image: np.ndarray, box: tuple[int, int, int, int], height: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 5)
    y0, y1 = max(0, y0 - pad), min(image.shape[0], y1 + pad)
    x0, x1 = max(0, x0 - pad), min(image.shape[1], x1 + pad)
    crop = np.where(text_masks(image[y0:y1, x0:x1]) == 1, 0, 255).astype(np.uint8)
    scale = height / (y1 - y0)
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def room_from_text(text: str) -> str | None:
    return best_room_in(text)
