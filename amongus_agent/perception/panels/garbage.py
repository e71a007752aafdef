"""Empty Garbage / Empty Chute: a chute window full of leaves (or junk) and a lever strip to its right.

The lever is pulled down and held until the chute is empty. The chute is the large tall region of
leaf colours; the lever's handle sits right of it at about a third of its height, its travel ends
near the bottom (the panel's layout, scaled by the chute that was seen).
"""

from __future__ import annotations

from .common import PanelState, Work, blobs, close, hsv_mask

NAME = "Empty Garbage"


def read(work: Work) -> PanelState | None:
    leaves = close(hsv_mask(work, (3, 35), (90, 255), (70, 255)), max(5, work.h // 25))
    cand = [b for b in blobs(leaves, work.h * work.w * 0.05) if 0.5 < b.aspect < 1.0 and b.fill > 0.6]
    for c in sorted(cand, key=lambda b: -b.area):
        bx0, bx1 = int(c.x + c.w + 0.1 * c.w), int(c.x + c.w + 0.4 * c.w)
        if bx1 > work.w:
            continue
        band = work.hsv[:, bx0:bx1]
        if float((band[c.y : c.y + c.h, :, 1] < 110).mean()) < 0.7:
            continue  # the lever strip is a plain grey-blue panel
        rim = (band[..., 2] > 165).mean(axis=1) > 0.8
        ys = [y for y in range(c.y, max(0, int(c.y - 1.2 * c.h)), -1) if rim[y]]
        if not ys:
            continue
        top, bottom = ys[0], c.y + c.h
        H = bottom - top
        x = c.x + c.w + 0.255 * c.w
        return PanelState(NAME, "ready", work.up_box((c.x, top, int(c.x + 1.5 * c.w), bottom)),
                          points={"handle": work.up(x, top + 0.36 * H), "bottom": work.up(x, top + 0.92 * H)})
    return None
