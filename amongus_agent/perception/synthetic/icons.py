"""Player icons: a crewmate head-and-body disk in the player's colour, or a ghost for dead players.

The body colour fills most of the lower-left of the icon (the visor sits upper right), which is
where a reader samples it; the dark outline keeps it apart from whatever it is drawn on.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..palette import PLAYER_COLORS, bgr

OUTLINE = (20, 20, 24)
VISOR = bgr((150, 205, 232))
_SH = 4


def _p(x: float, y: float) -> tuple[int, int]:
    return (round(x * (1 << _SH)), round(y * (1 << _SH)))


def draw_icon(img: np.ndarray, x: float, y: float, d: float, color: str, ghost: bool = False) -> None:
    """Draw a `d`-pixel icon with its top-left corner at (x, y), in place, anti-aliased."""
    c = bgr(PLAYER_COLORS[color])
    r = d / 2
    cx, cy = x + r, y + r
    lw = max(1, round(d / 14))
    aa = cv2.LINE_AA
    if ghost:
        # a ghost: round head, straight sides and a wavy hem
        pts = [(cx - r * 0.9, cy)]
        for i in range(7):
            t = i / 6
            pts.append((cx - r * 0.9 + 1.8 * r * t, cy + r * (0.85 if i % 2 == 0 else 0.65)))
        pts.append((cx + r * 0.9, cy))
        poly = np.array([_p(*q) for q in pts], np.int32)
        cv2.fillPoly(img, [poly], c, aa, _SH)
        cv2.ellipse(img, _p(cx, cy), (round(0.9 * r * (1 << _SH)),) * 2, 0, 180, 360, c, -1, aa, _SH)
        cv2.polylines(img, [poly], False, OUTLINE, lw, aa, _SH)
        cv2.ellipse(img, _p(cx, cy), (round(0.9 * r * (1 << _SH)),) * 2, 0, 180, 360, OUTLINE, lw, aa, _SH)
    else:
        cv2.circle(img, _p(cx, cy), round((r - lw / 2) * (1 << _SH)), c, -1, aa, _SH)
        cv2.circle(img, _p(cx, cy), round((r - lw / 2) * (1 << _SH)), OUTLINE, lw, aa, _SH)
    axes = (round(0.3 * d * (1 << _SH)), round(0.16 * d * (1 << _SH)))
    vx, vy = cx + 0.14 * d, cy - 0.14 * d
    cv2.ellipse(img, _p(vx, vy), axes, 0, 0, 360, VISOR, -1, aa, _SH)
    cv2.ellipse(img, _p(vx, vy), axes, 0, 0, 360, OUTLINE, lw, aa, _SH)
