"""Fix Lights: five toggle switches over five green lamps; a dark lamp's switch must be flipped.

The lamps are five round green blobs in an evenly spaced row; the switch sits above its lamp by
about 0.7 of the spacing.

The lamp, not the switch, says what to do: the game picks the right position of every switch at
random each game and lights a lamp when its switch is in that position, so a switch that is up
may still need flipping (`sabotage_fix_lights.png`: switches 3 and 4 are up, their lamps dark).
The switch positions are read too (`info["up"]`) so a flow can see that a click flipped one.
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, hsv_mask, rows_of

NAME = "Fix Lights"


def read(work: Work) -> PanelState | None:
    green = hsv_mask(work, (45, 80), (120, 255), (35, 255))
    cand = [b for b in blobs(green, work.h * work.w * 0.0004) if 0.75 < b.aspect < 1.33 and b.fill > 0.55]
    for row in rows_of(cand, lambda b: b.cy, work.h * 0.02):
        if len(row) != 5:
            continue
        gaps = np.diff([b.cx for b in row])
        size = np.median([b.w for b in row])
        if gaps.min() < 1.5 * size or gaps.max() > 1.25 * gaps.min():
            continue
        vals = [float(work.hsv[int(b.cy) - 1 : int(b.cy) + 2, int(b.cx) - 1 : int(b.cx) + 2, 2].mean()) for b in row]
        bright = [v > 160 for v in vals]
        if max(vals) - min(vals) < 40 and not all(bright):
            continue
        sp = float(np.median(gaps))
        switches = [work.up(b.cx, b.cy - 0.7 * sp) for b in row]
        up = [_switch_up(work, b.cx, b.cy - 0.7 * sp, sp) for b in row]
        off = [switches[i] for i in range(5) if not bright[i]]
        box = work.up_box((int(row[0].x - 0.6 * sp), int(row[0].cy - 1.2 * sp), int(row[-1].x + row[-1].w + 0.6 * sp),
                           int(row[0].cy + 0.5 * sp)))
        return PanelState(NAME, "done" if not off else "ready", box,
                          points={"switches": switches, "off": off}, info={"lit": bright, "up": up})
    return None


def _switch_up(work: Work, x: float, y: float, sp: float) -> bool | None:
    """Is the switch at (x, y) (its round plate's centre) up? None when it cannot be told.

    The lever is a metal cone with a black outline: where it points, rows across the switch vary a
    lot; on the other side lie the flat panel (up) or the lever's flat shadow (down is the lever).
    """
    def spread(f0: float, f1: float) -> float:
        y0, y1 = int(y + f0 * sp), int(y + f1 * sp)
        x0, x1 = int(x - 0.2 * sp), int(x + 0.2 * sp)
        if y0 < 0 or y1 > work.h or x0 < 0 or x1 > work.w or y1 <= y0:
            return -1.0
        return float(work.hsv[y0:y1, x0:x1, 2].astype(np.float32).std(axis=1).mean())

    above, below = spread(-0.42, -0.28), spread(0.35, 0.48)
    if above < 0 or below < 0 or abs(above - below) < 10:
        return None
    return above > below
