"""Unlock Manifolds: a saturated blue frame holding 2 x 5 light-blue cells numbered 1..10.

The cells are found inside the frame, their digits read (`digits.read_permutation`), and a cell
already pressed is recognised by its colour turning from blue to green, so a half-done panel plans
only the rest.
"""

from __future__ import annotations

import cv2
import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask
from .digits import read_permutation

NAME = "Unlock Manifolds"


def read(work: Work) -> PanelState | None:
    frame = hsv_mask(work, (100, 125), (170, 255), (140, 255))
    cand = [b for b in blobs(frame, work.h * work.w * 0.004) if 1.9 < b.aspect < 3.2 and b.fill < 0.5]
    if not cand:
        return None
    f = max(cand, key=lambda b: b.area)
    cw, ch = f.w / 5, f.h / 2
    bgr = work.bgr
    cells, glyphs, pressed = [], [], []
    for r in range(2):
        for c in range(5):
            x0, y0 = f.x + c * cw, f.y + r * ch
            inner = (slice(int(y0 + 0.18 * ch), int(y0 + 0.82 * ch)), slice(int(x0 + 0.18 * cw), int(x0 + 0.82 * cw)))
            hsv = work.hsv[inner]
            light = (hsv[..., 2] > 150) & (hsv[..., 1] < 150)
            blue = light & (hsv[..., 0] >= 100) & (hsv[..., 0] <= 125)
            green = (hsv[..., 2] > 100) & (hsv[..., 1] > 60) & (hsv[..., 0] >= 40) & (hsv[..., 0] <= 90)
            if blue.mean() < 0.35 and green.mean() < 0.35:
                return None  # not a cell: something else inside a blue frame
            gray = cv2.cvtColor(bgr[inner], cv2.COLOR_BGR2GRAY)
            ink = gray < min(110, float(np.percentile(gray, 95)) * 0.6)
            cells.append((x0 + cw / 2, y0 + ch / 2))
            glyphs.append(close(ink.astype(np.uint8), 1) > 0)
            pressed.append(bool(green.mean() > blue.mean()))
    digits = read_permutation(glyphs)
    if digits is None:
        return None
    order = sorted(range(10), key=lambda i: digits[i])
    return PanelState(NAME, "done" if all(pressed) else "ready", work.up_box(f.box),
                      points={"cells": [work.up(*cells[i]) for i in order]},
                      info={"digits": digits, "pressed": [pressed[i] for i in order],
                            "cell_size": (round(cw * work.k), round(ch * work.k))})
