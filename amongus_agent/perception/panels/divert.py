"""Divert Power (Electrical: eight sliders, the lit one goes up) and Accept Diverted Power (click the fuse).

Divert: eight orange bow-tie sliders in a row on black tracks; the one to move is drawn brighter
than the rest; its track runs up to the top of the row's tracks. Accept: yellow dashed circuit on
the left, white circuit on the right, a blue-grey fuse between them that is clicked.
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask, rows_of

DIVERT = "Divert Power"
ACCEPT = "Accept Diverted Power"


def read_divert(work: Work) -> PanelState | None:
    orange = close(hsv_mask(work, (0, 22), (150, 255), (70, 255)), 2)
    cand = [b for b in blobs(orange, work.h * work.w * 0.0008) if 0.9 < b.aspect < 2.2 and b.fill > 0.45]
    for row in rows_of(cand, lambda b: b.cy, work.h * 0.03):
        if len(row) != 8:
            continue
        gaps = np.diff([b.cx for b in row])
        if gaps.max() > 1.3 * gaps.min():
            continue
        vals = [float(work.hsv[b.y : b.y + b.h, b.x : b.x + b.w, 2][orange[b.y : b.y + b.h, b.x : b.x + b.w] > 0].mean())
                for b in row]
        order = np.argsort(vals)[::-1]
        if vals[order[0]] - vals[order[1]] < 20:
            return PanelState(DIVERT, "done", work.up_box((row[0].x, row[0].y, row[-1].x + row[-1].w, row[0].y + row[0].h)),
                              info={"levels": vals})
        s = row[int(order[0])]
        # the black track above the slider: walk up its centre column while it stays dark
        x = int(s.cx)
        y = s.y - 1
        v = work.hsv[:, max(0, x - 1) : x + 2, 2].min(axis=1)
        while y > 0 and (v[y] < 70 or s.y - y < 0.3 * s.h):
            y -= 1
        top = y + max(1, int(0.15 * s.h))
        sp = float(np.median(gaps))
        box = (int(row[0].x - 0.5 * sp), int(top - 2.2 * sp), int(row[-1].x + row[-1].w + 0.5 * sp), int(s.y + 2 * s.h))
        return PanelState(DIVERT, "ready", work.up_box(box),
                          points={"slider": work.up(s.cx, s.cy), "top": work.up(s.cx, top)},
                          info={"index": int(order[0]), "levels": [round(v, 1) for v in vals]})
    return None


def read_accept(work: Work) -> PanelState | None:
    yellow = hsv_mask(work, (22, 34), (170, 255), (170, 255))
    dashes = [b for b in blobs(yellow, 4) if (b.aspect > 2.2 or b.aspect < 0.45) and b.fill > 0.6]
    if len(dashes) < 15:
        return None
    ys = np.array([b.cy for b in dashes])
    xs = np.array([b.cx for b in dashes])
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    span = x1 - x0
    fuse = hsv_mask(work, (100, 125), (25, 140), (80, 240))
    right = int(x1 + 0.02 * span), int(min(work.w, x1 + 0.45 * span))
    sub = fuse[int(y0) : int(y1), right[0] : right[1]]
    cand = [b for b in blobs(sub, (0.03 * span) ** 2) if 0.15 < b.aspect < 0.6]
    if not cand:
        return None
    f = max(cand, key=lambda b: b.area)
    fx, fy = right[0] + f.cx, y0 + f.cy
    if abs(fy - (y0 + y1) / 2) > 0.2 * (y1 - y0):
        return None
    white = hsv_mask(work, None, (0, 30), (230, 255))[int(y0) : int(y1), int(fx) : min(work.w, int(fx + span))]
    if white.mean() < 0.02:
        return None  # no white circuit on the far side
    return PanelState(ACCEPT, "ready", work.up_box((int(x0), int(y0), int(fx + span), int(y1))),
                      points={"fuse": work.up(fx, fy)})
