"""Player icons as the game draws them in chat and on the voting tablet: a crewmate facing right.

A bean-shaped body with a backpack on its left, two short legs, the pale visor at the upper right,
the main colour on the front and its shadow tone on the back and lower edge, all inside a thick
dark outline; dead players (ghosts) are drawn with a wavy hem instead of legs.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..palette import PLAYER_COLORS, PLAYER_SHADOWS, VISOR, bgr

OUTLINE = (20, 20, 24)
_SH = 4


def _p(x: float, y: float) -> tuple[int, int]:
    return (round(x * (1 << _SH)), round(y * (1 << _SH)))


def _rounded(img: np.ndarray, x0: float, y0: float, x1: float, y1: float, r: float, color, lw: int = -1) -> None:
    """A filled (lw=-1) or outlined rounded rectangle in sub-pixel coordinates."""
    r = min(r, (x1 - x0) / 2, (y1 - y0) / 2)
    aa = cv2.LINE_AA
    pts = []
    for cx, cy, a0 in ((x1 - r, y0 + r, 270), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
        for k in range(7):
            a = np.deg2rad(a0 + 15 * k)
            pts.append(_p(cx + r * np.cos(a), cy + r * np.sin(a)))
    poly = np.array(pts, np.int32)
    if lw < 0:
        cv2.fillPoly(img, [poly], color, aa, _SH)
    else:
        cv2.polylines(img, [poly], True, color, lw, aa, _SH)


def draw_icon(img: np.ndarray, x: float, y: float, d: float, color: str, ghost: bool = False) -> None:
    """Draw a `d`-pixel icon with its top-left corner at (x, y), in place, anti-aliased."""
    main, shadow = bgr(PLAYER_COLORS[color]), bgr(PLAYER_SHADOWS[color])
    lw = max(1, round(d / 16))
    # backpack (left), body, legs
    parts = [(x + 0.02 * d, y + 0.38 * d, x + 0.3 * d, y + 0.8 * d, 0.08 * d)]
    body = (x + 0.16 * d, y + 0.06 * d, x + 0.9 * d, y + (0.86 if ghost else 0.8) * d, 0.34 * d)
    legs = [] if ghost else [(x + 0.18 * d, y + 0.6 * d, x + 0.48 * d, y + 0.97 * d, 0.1 * d),
                             (x + 0.58 * d, y + 0.6 * d, x + 0.88 * d, y + 0.97 * d, 0.1 * d)]
    for part in parts + legs + [body]:
        _rounded(img, *part, OUTLINE)
    grow = lw * 0.9
    for x0, y0, x1, y1, r in parts + legs + [body]:
        _rounded(img, x0 + grow, y0 + grow, x1 - grow, y1 - grow, max(1.0, r - grow), shadow)
    # the main tone over most of each part, the shadow showing along the back and bottom edges
    bx0, by0, bx1, by1, br = body
    _rounded(img, bx0 + 1.6 * grow, by0 + grow, bx1 - grow, by1 - 1.8 * grow, max(1.0, br - grow), main)
    for x0, y0, x1, y1, r in parts + legs:
        _rounded(img, x0 + 1.6 * grow, y0 + grow, x1 - grow, y1 - 1.8 * grow, max(1.0, r - grow), main)
    # the visor, upper right
    _rounded(img, x + 0.46 * d, y + 0.2 * d, x + 0.97 * d, y + 0.46 * d, 0.12 * d, OUTLINE)
    _rounded(img, x + 0.46 * d + grow, y + 0.2 * d + grow, x + 0.97 * d - grow, y + 0.46 * d - grow,
             max(1.0, 0.12 * d - grow), bgr(VISOR))
