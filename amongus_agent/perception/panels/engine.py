"""Align Engine Output: a dark green screen of red dashed lines, an arrow on a curved rail to its right.

The arrow must be dragged until the engine lines up with the screen's middle line, i.e. to the
screen's vertical centre; the arrow is the light shape in the strip right of the screen.
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, hsv_mask

NAME = "Align Engine Output"


def read(work: Work) -> PanelState | None:
    g = hsv_mask(work, (45, 75), (90, 255), (10, 50))
    cand = [b for b in blobs(g, work.h * work.w * 0.03) if 0.55 < b.aspect < 0.9 and b.fill > 0.7]
    for s in sorted(cand, key=lambda b: -b.area):
        red = hsv_mask(work, (170, 10), (150, 255), (110, 255))[s.y : s.y + s.h, s.x : s.x + s.w]
        if red.mean() < 0.004:
            continue  # no red lines on it
        x0, x1 = s.x + s.w, min(work.w, s.x + s.w + int(0.55 * s.w))
        strip = np.zeros_like(g)
        strip[s.y : s.y + s.h, x0:x1] = 1
        light = hsv_mask(work, None, (0, 60), (185, 255)) & strip
        arrows = [b for b in blobs(light, (0.04 * s.w) ** 2) if b.w > 0.1 * s.w and b.h < 0.2 * s.h]
        if not arrows:
            continue
        a = max(arrows, key=lambda b: b.area)
        cy = s.y + s.h / 2
        state = "done" if abs(a.cy - cy) < 0.03 * s.h else "ready"
        return PanelState(NAME, state, work.up_box((s.x, s.y, x1, s.y + s.h)),
                          points={"arrow": work.up(a.cx, a.cy), "target": work.up(a.cx - 0.04 * s.w, cy),
                                  "screen": work.up_box(s.box)})
    return None
