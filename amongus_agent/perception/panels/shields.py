"""Prime Shields: seven hexagons on a globe; the red ones must be clicked (white ones are primed).

The hexagons are the equal-sized holes left by their red and white outlines; each is classed by
which outline colour surrounds it.
"""

from __future__ import annotations

import cv2
import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask

NAME = "Prime Shields"


def read(work: Work) -> PanelState | None:
    red = hsv_mask(work, (172, 6), (170, 255), (170, 255))
    white = hsv_mask(work, None, (0, 45), (215, 255))
    lines = close(red | white, 3)
    holes = [b for b in blobs(1 - lines, work.h * work.w * 0.004)
             if 0.95 < b.aspect < 1.35 and 0.68 < b.fill < 0.84]
    if len(holes) < 5:
        return None
    med = float(np.median([b.area for b in holes]))
    hexes = [b for b in holes if abs(b.area - med) < 0.15 * med]
    if not 5 <= len(hexes) <= 8:
        return None
    _, lab = cv2.connectedComponents(1 - lines, connectivity=8)
    reds, whites = [], []
    for b in hexes:
        inside = np.zeros(lines.shape, np.uint8)
        inside[b.y : b.y + b.h, b.x : b.x + b.w] = (lab[b.y : b.y + b.h, b.x : b.x + b.w] == lab[int(b.cy), int(b.cx)])
        r = max(2, b.w // 12)
        ring = cv2.dilate(inside, np.ones((2 * r + 1, 2 * r + 1), np.uint8)) & (1 - inside)
        nr, nw = int((ring & red).sum()), int((ring & white).sum())
        (reds if nr > nw else whites).append(work.up(b.cx, b.cy))
    x0 = min(b.x for b in hexes)
    y0 = min(b.y for b in hexes)
    x1 = max(b.x + b.w for b in hexes)
    y1 = max(b.y + b.h for b in hexes)
    state = "done" if not reds else "ready"
    return PanelState(NAME, state, work.up_box((x0, y0, x1, y1)), points={"red": sorted(reds), "white": sorted(whites)},
                      info={"hex_size": round(med ** 0.5 * work.k)})
