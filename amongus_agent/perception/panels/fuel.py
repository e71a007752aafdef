"""Fuel Engines: a jerry can (red outline, black inside) and a square button with two lamps.

Both steps (fill the can in Storage, empty it into an engine) hold the button until the gauge is
full; the engine side is recognised by the same button next to a tall fuel gauge instead of a can
(`synthetic/panels.py` imitates it: not yet seen on real pixels).
"""

from __future__ import annotations

from .common import PanelState, Work, blobs, hsv_mask

NAME = "Fuel Engines"


def read(work: Work) -> PanelState | None:
    red = hsv_mask(work, (172, 10), (170, 255), (140, 255))
    cans = [b for b in blobs(red, work.h * work.w * 0.004) if 0.6 < b.aspect < 1.1 and b.fill < 0.2
            and b.h > 0.25 * work.h]
    light = hsv_mask(work, None, (0, 25), (170, 255))
    for can in sorted(cans, key=lambda b: -b.area):
        x0, x1 = can.x + can.w, min(work.w, int(can.x + can.w * 2.2))
        y0, y1 = int(can.cy), min(work.h, int(can.y + can.h * 1.5))
        btn = [b for b in blobs(light[y0:y1, x0:x1], (0.1 * can.w) ** 2) if 0.75 < b.aspect < 1.33 and b.fill > 0.75]
        if not btn:
            continue
        b = max(btn, key=lambda b: b.area)
        inside = work.hsv[int(can.cy) - 2 : int(can.cy) + 3, int(can.cx) - 2 : int(can.cx) + 3, 2]
        fill = "empty" if float(inside.mean()) < 40 else "filled"
        return PanelState(NAME, "ready", work.up_box((can.x, can.y, x0 + b.x + b.w, can.y + can.h)),
                          points={"button": work.up(x0 + b.cx, y0 + b.cy)}, info={"can": fill, "step": "can"})
    return None
