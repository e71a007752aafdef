"""Calibrate Distributor: three spinning rings (yellow, blue, cyan), each with a gauge and a button.

A ring is calibrated by pressing its button while the dark notch on the ring passes the connector
on its right (angle 0); its gauge then fills. The rings are the three stacked annuli of those hues,
the button is the light bar to the right of each, the notch the dark spot on the ring's band.
"""

from __future__ import annotations

import math

import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask, working

NAME = "Calibrate Distributor"
HUES = {"yellow": ((18, 32), 120), "blue": ((104, 122), 120), "cyan": ((84, 98), 50)}  # hue, least saturation


def _ring(work: Work, hue: tuple[int, int], sat: int):
    m = close(hsv_mask(work, hue, (sat, 255), (140, 255)), 3)
    cand = [b for b in blobs(m, work.h * work.w * 0.004) if 0.8 < b.aspect < 1.25 and 0.18 < b.fill < 0.7]
    return max(cand, key=lambda b: b.area) if cand else None


def notch_angle(work: Work, ring) -> float | None:
    """Angle (degrees, 0 = right, counter-clockwise, screen y up) of the dark notch on a ring's band."""
    return _notch(work, ring.x + ring.w / 2, ring.y + ring.h / 2, (ring.w + ring.h) / 4)


def _notch(work: Work, cx: float, cy: float, r: float) -> float | None:
    y0, y1 = max(0, int(cy - r)), min(work.h, int(cy + r))
    x0, x1 = max(0, int(cx - r)), min(work.w, int(cx + r))
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None
    hsv = work.hsv[y0:y1, x0:x1]
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx - cx, yy - cy)
    grey = (d > 0.55 * r) & (d < 0.97 * r) & (hsv[..., 2] > 35) & (hsv[..., 2] < 120) & (hsv[..., 1] < 60)
    parts = [b for b in blobs(grey.astype(np.uint8), (0.06 * r) ** 2)]
    if not parts:
        return None
    b = max(parts, key=lambda b: b.area)
    return math.degrees(math.atan2(-(y0 + b.cy - cy), x0 + b.cx - cx))


def notch_in(patch: np.ndarray, centre: tuple[float, float], radius: float) -> float | None:
    """The notch angle of one ring seen in a small capture of it (`centre`, `radius` in the patch's pixels).

    A flow timing a press polls this many times a second, so it reads only the ring's square (a
    few thousand pixels) instead of the whole panel; a patch too small to hold the ring reads None.
    """
    if patch is None or patch.ndim != 3 or min(patch.shape[:2]) < 40:
        return None
    work = working(patch, max_h=160)
    k = work.k
    return _notch(work, centre[0] / k, centre[1] / k, radius / k)


def read(work: Work) -> PanelState | None:
    rings = {name: _ring(work, h, sat) for name, (h, sat) in HUES.items()}
    if any(r is None for r in rings.values()):
        return None
    order = sorted(rings.items(), key=lambda kv: kv[1].cy)
    sizes = [r.w for _, r in order]
    xs = [r.cx for _, r in order]
    D = float(np.median(sizes))
    if max(sizes) > 1.3 * min(sizes) or max(xs) - min(xs) > 0.3 * D:
        return None
    if any(order[i + 1][1].cy - order[i][1].cy < 0.8 * D for i in range(2)):
        return None
    light = hsv_mask(work, None, (0, 30), (140, 255))
    buttons, gauges, angles = [], [], []
    for _, r in order:
        x0, x1 = int(r.x + r.w * 1.2), min(work.w, int(r.x + r.w * 3.3))
        y0, y1 = max(0, int(r.cy - 0.55 * D)), min(work.h, int(r.cy + 0.7 * D))
        cand = [b for b in blobs(light[y0:y1, x0:x1], (0.08 * D) ** 2) if 2.2 < b.aspect < 10 and b.fill > 0.6 and b.w > 0.5 * D]
        if not cand:
            return None
        b = max(cand, key=lambda b: b.area)
        buttons.append(work.up(x0 + b.cx, y0 + b.cy + 0.04 * D))
        # the gauge: the black bar just above the button; filled part is coloured
        gy0, gy1 = max(0, int(y0 + b.y - 0.45 * D)), int(y0 + b.y)
        gauge = work.hsv[gy0:gy1, x0 + b.x : x0 + b.x + b.w]
        dark = (gauge[..., 2] < 40).sum()
        col = ((gauge[..., 1] > 100) & (gauge[..., 2] > 120)).sum()
        gauges.append(round(float(col / max(1, col + dark)), 2))
        angles.append(notch_angle(work, r))
    done = [g > 0.85 for g in gauges]
    box = work.up_box((order[0][1].x, order[0][1].y, int(order[0][1].x + 3.5 * D), order[-1][1].y + order[-1][1].h))
    return PanelState(NAME, "done" if all(done) else "ready", box,
                      points={"buttons": buttons, "rings": [work.up(r.cx, r.cy) for _, r in order]},
                      info={"colors": [n for n, _ in order], "gauges": gauges, "done": done, "notch_deg": angles,
                            "ring_radius": [round((r.w + r.h) / 4 * work.k, 1) for _, r in order]})


def aligned(state: PanelState, index: int, tolerance_deg: float) -> bool:
    a = state.info["notch_deg"][index]
    return a is not None and abs((a + 180) % 360 - 180) <= tolerance_deg
