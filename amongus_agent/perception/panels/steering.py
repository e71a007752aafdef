"""Stabilize Steering: a round blue grid with a white reticle that must be dragged to its centre.

The reticle sits where the long white lines cross (the row and column with the most white inside
the disc); the target is the disc's centre.
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask

NAME = "Stabilize Steering"


def read(work: Work) -> PanelState | None:
    blue = close(hsv_mask(work, (95, 115), (110, 255), (120, 255)), max(3, work.h // 60))
    cand = [b for b in blobs(blue, work.h * work.w * 0.06) if 0.85 < b.aspect < 1.18 and 0.6 < b.fill < 0.85]
    for d in sorted(cand, key=lambda b: -b.area):
        white = hsv_mask(work, None, (0, 40), (225, 255))[d.y : d.y + d.h, d.x : d.x + d.w]
        cols, rows = white.sum(axis=0), white.sum(axis=1)
        if cols.max() < 0.5 * d.h or rows.max() < 0.4 * d.w:
            continue  # no long crosshair lines: another round blue thing
        rx, ry = d.x + int(np.argmax(cols)), d.y + int(np.argmax(rows))
        cx, cy = d.x + d.w / 2, d.y + d.h / 2
        state = "done" if np.hypot(rx - cx, ry - cy) < 0.04 * d.w else "ready"
        return PanelState(NAME, state, work.up_box(d.box), points={"reticle": work.up(rx, ry), "centre": work.up(cx, cy)})
    return None
