"""Chart Course: a blue star map with the ship and dashed-ring waypoints, to be dragged through in order.

White strokes on the map are merged into marks (closing by a fraction of the map's height); tiny
ones are stars. The game lays the course out left to right, so the leftmost mark is the ship.
"""

from __future__ import annotations

import cv2
import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask

NAME = "Chart Course"


def read(work: Work) -> PanelState | None:
    blue = hsv_mask(work, (96, 108), (140, 255), (130, 255))
    cand = [b for b in blobs(close(blue, 5), work.h * work.w * 0.08) if 1.4 < b.aspect < 2.3 and b.fill > 0.75]
    for m in sorted(cand, key=lambda b: -b.area):
        white = hsv_mask(work, None, (0, 60), (200, 255))
        sub = white[m.y : m.y + m.h, m.x : m.x + m.w]
        strokes = np.zeros_like(sub)
        for b in blobs(sub, max(2.0, (0.012 * m.h) ** 2)):  # drop the stars
            strokes[b.y : b.y + b.h, b.x : b.x + b.w] |= sub[b.y : b.y + b.h, b.x : b.x + b.w]
        r = max(2, int(0.03 * m.h))
        grown = cv2.dilate(strokes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
        marks = [b for b in blobs(grown, (0.08 * m.h) ** 2) if 0.5 < b.aspect < 2.0 and b.w < 0.4 * m.h]
        if not 3 <= len(marks) <= 7:
            continue
        marks.sort(key=lambda b: b.cx)
        pts = [work.up(m.x + b.cx, m.y + b.cy) for b in marks]
        return PanelState(NAME, "ready", work.up_box(m.box), points={"ship": pts[0], "waypoints": pts[1:]})
    return None
