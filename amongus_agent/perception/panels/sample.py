"""Inspect Sample: five test tubes over five round buttons, a green text display with a square button.

States: "start" (the square button is green: press it), "wait" (analysis running: 60 s),
"select" (tubes filled; the one whose liquid differs in hue from the others is the anomaly: press
the round button under it).
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, hsv_mask, rows_of

NAME = "Inspect Sample"


def read(work: Work) -> PanelState | None:
    dark = hsv_mask(work, None, (0, 255), (0, 60))
    lcds = [b for b in blobs(dark, work.h * work.w * 0.003) if 5 < b.aspect < 12 and b.fill > 0.6]
    for lcd in sorted(lcds, key=lambda b: -b.area):
        # green text on it
        txt = hsv_mask(work, (45, 80), (150, 255), (120, 255))[lcd.y : lcd.y + lcd.h, lcd.x : lcd.x + lcd.w]
        if txt.mean() < 0.02:
            continue
        # five round buttons in a row just above the display
        y0, y1 = max(0, int(lcd.y - 1.6 * lcd.h)), lcd.y
        ex0, ex1 = max(0, int(lcd.x - 0.2 * lcd.w)), min(work.w, int(lcd.x + 1.2 * lcd.w))
        edge = hsv_mask(work, None, (0, 255), (0, 110))[y0:y1, ex0:ex1]
        rings = [b for b in blobs(edge, (0.25 * lcd.h) ** 2) if 0.75 < b.aspect < 1.33 and b.w > 0.7 * lcd.h]
        rows = [r for r in rows_of(rings, lambda b: b.cy, lcd.h * 0.3) if len(r) == 5]
        if not rows:
            continue
        row = rows[0]
        buttons = [(ex0 + b.cx, y0 + b.cy) for b in row]
        sp = float(np.median(np.diff([p[0] for p in buttons])))
        # the square button right of the display: green = press to start
        sq = work.hsv[int(lcd.cy) - 2 : int(lcd.cy) + 3, int(lcd.x + lcd.w + 0.6 * lcd.h) : int(lcd.x + lcd.w + 1.0 * lcd.h)]
        start = sq.size > 0 and float(((sq[..., 0] > 45) & (sq[..., 0] < 80) & (sq[..., 1] > 150)).mean()) > 0.5
        square = work.up(lcd.x + lcd.w + 0.8 * lcd.h, lcd.cy)
        # liquid hue of each tube: saturated pixels in the column above its button
        hues = []
        for bx, by in buttons:
            col = work.hsv[int(by - 3.3 * sp) : int(by - 1.9 * sp), int(bx - 0.1 * sp) : int(bx + 0.1 * sp)]
            sat = col[(col[..., 1] > 70) & (col[..., 2] > 120)] if col.size else np.zeros((0, 3))
            hues.append(float(np.median(sat[:, 0])) if len(sat) > 5 else None)
        box = work.up_box((int(buttons[0][0] - 1.6 * sp), int(buttons[0][1] - 6.5 * sp), int(lcd.x + lcd.w + 1.5 * lcd.h),
                           lcd.y + lcd.h))
        pts = {"buttons": [work.up(*p) for p in buttons], "start": square}
        if start:
            return PanelState(NAME, "start", box, points=pts, info={"hues": hues})
        if all(h is not None for h in hues):
            rad = np.radians(np.array(hues) * 2)
            dist = [float(np.abs(np.angle(np.exp(1j * (r - rad)))).sum()) for r in rad]
            odd = int(np.argmax(dist))
            others = [h for i, h in enumerate(hues) if i != odd]
            if max(others) - min(others) < 12 and min(abs(hues[odd] - h) for h in others) > 20:
                return PanelState(NAME, "select", box, points={**pts, "anomaly": pts["buttons"][odd]},
                                  info={"hues": hues, "anomaly": odd})
        return PanelState(NAME, "wait", box, points=pts, info={"hues": hues})
    return None
