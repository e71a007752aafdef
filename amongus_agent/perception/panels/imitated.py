"""Recognisers built against imitations (`synthetic/panels.py`), not yet seen on real pixels.

Clean O2 Filter, Clear Asteroids, the O2 keypad, the comms dial, Submit Scan and the engine side of
Fuel Engines. They follow the same rules as the others (colours, shapes, relations; no fixed
coordinates), but their colours and proportions are the imitation's: each must be checked on the
first real screenshot of its panel.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask, rows_of

O2_FILTER = "Clean O2 Filter"
ASTEROIDS = "Clear Asteroids"
KEYPAD = "O2 Keypad"
COMMS = "Comms Dial"
SCAN = "Submit Scan"
FUEL_ENGINE = "Fuel Engines"
LAYOUT = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["X", "0", "OK"]]


def _largest(mask: np.ndarray, work: Work, least: float, aspect: tuple[float, float], fill: float):
    cand = [b for b in blobs(mask, work.h * work.w * least) if aspect[0] < b.aspect < aspect[1] and b.fill > fill]
    return max(cand, key=lambda b: b.area) if cand else None


def read_o2_filter(work: Work) -> PanelState | None:
    glass = close(hsv_mask(work, (75, 95), (25, 90), (170, 240)), 3)
    g = _largest(glass, work, 0.08, (0.8, 1.25), 0.6)
    if g is None:
        return None
    sat = hsv_mask(work, None, (100, 255), (60, 255))[g.y : g.y + g.h, g.x : g.x + g.w]
    leaves = [b for b in blobs(sat, (0.03 * g.w) ** 2) if b.w < 0.25 * g.w and b.h < 0.25 * g.h]
    dark = close(hsv_mask(work, None, (0, 255), (0, 60))[g.y : g.y + g.h, g.x : g.x + int(0.25 * g.w)],
                 max(3, g.h // 40))  # one intake across its grate bars
    intake = [b for b in blobs(dark, (0.05 * g.w) ** 2) if b.aspect < 0.8]
    if not intake:
        return None
    i = max(intake, key=lambda b: b.area)
    target = work.up(g.x + i.cx, g.y + i.cy)
    state = "ready" if leaves else "done"
    return PanelState(O2_FILTER, state, work.up_box(g.box),
                      points={"leaves": [work.up(g.x + b.cx, g.y + b.cy) for b in sorted(leaves, key=lambda b: b.cx)],
                              "intake": target}, info={"progress": len(leaves)})


def read_asteroids(work: Work) -> PanelState | None:
    black = close(hsv_mask(work, None, (0, 255), (0, 25)), 5)
    s = _largest(black, work, 0.08, (0.8, 1.25), 0.5)
    if s is None:
        return None
    sub = work.hsv[s.y : s.y + s.h, s.x : s.x + s.w]
    green = ((sub[..., 0] > 45) & (sub[..., 0] < 80) & (sub[..., 1] > 120) & (sub[..., 2] > 120)).astype(np.uint8)
    if green.mean() < 0.005:
        return None  # no targeting overlay
    rock = ((sub[..., 1] < 110) & (sub[..., 2] > 70) & (sub[..., 2] < 170)).astype(np.uint8)
    rocks = [b for b in blobs(close(rock, 3), (0.03 * s.w) ** 2) if 0.5 < b.aspect < 2 and b.fill > 0.4]
    return PanelState(ASTEROIDS, "ready" if rocks else "wait", work.up_box(s.box),
                      points={"rocks": [work.up(s.x + b.cx, s.y + b.cy) for b in rocks]},
                      info={"progress": sorted((round(b.cx / 8), round(b.cy / 8)) for b in rocks)})  # rocks moved = progress


def _read_code(work: Work, note) -> str | None:
    from ..tesseract import TesseractMissingError, image_to_data

    x0, y0, x1, y1 = note.x, note.y, note.x + note.w, note.y + note.h
    gray = cv2.cvtColor(work.bgr[y0 + int(0.35 * note.h) : y1, x0:x1], cv2.COLOR_BGR2GRAY)
    ink = np.where(gray < 110, 0, 255).astype(np.uint8)
    ink = cv2.copyMakeBorder(cv2.resize(ink, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), 20, 20, 20, 20,
                             cv2.BORDER_CONSTANT, value=255)
    try:
        data = image_to_data(ink, psm=7)
    except TesseractMissingError:
        return None
    text = "".join(t for t in data["text"] if t.strip())
    digits = "".join(ch for ch in text.replace("O", "0").replace("o", "0").replace("l", "1").replace("I", "1")
                     if ch.isdigit())
    return digits if len(digits) == 5 else None


def read_keypad(work: Work) -> PanelState | None:
    paper = close(hsv_mask(work, (20, 34), (70, 200), (200, 255)), 3)
    note = _largest(paper, work, 0.01, (0.9, 2.0), 0.8)
    if note is None:
        return None
    light = hsv_mask(work, None, (0, 30), (190, 255))
    keys = [b for b in blobs(light, (0.15 * note.h) ** 2) if 0.8 < b.aspect < 1.25 and b.fill > 0.6 and b.cx > note.cx]
    rows = [r for r in rows_of(keys, lambda b: b.cy, note.h * 0.15) if len(r) == 3]
    if len(rows) != 4:
        return None
    pos = {LAYOUT[r][c]: work.up(rows[r][c].cx, rows[r][c].cy) for r in range(4) for c in range(3)}
    code = _read_code(work, note)
    x0 = note.x
    x1 = max(b.x + b.w for r in rows for b in r)
    box = work.up_box((x0, min(b.y for b in rows[0]), x1, max(b.y + b.h for b in rows[-1])))
    return PanelState(KEYPAD, "ready" if code else "unread", box, points={"keys": pos}, info={"code": code})


def read_comms(work: Work) -> PanelState | None:
    black = hsv_mask(work, None, (0, 255), (0, 25)) | hsv_mask(work, (45, 80), (120, 255), (120, 255))
    scr = _largest(close(black, 3), work, 0.03, (1.6, 4.5), 0.6)
    if scr is None:
        return None
    sub = work.hsv[scr.y : scr.y + scr.h, scr.x : scr.x + scr.w]
    trace = (sub[..., 0] > 45) & (sub[..., 0] < 80) & (sub[..., 1] > 120) & (sub[..., 2] > 120)
    cols = np.flatnonzero(trace.any(axis=0))
    if cols.size < 0.5 * scr.w:
        return None
    ys = np.array([np.flatnonzero(trace[:, c]).mean() for c in cols])
    noise = float(np.abs(np.diff(ys, 2)).mean() / scr.h)
    # the dial: a dark grey disc below-right of the screen, with a white knob on it
    y0 = scr.y + scr.h
    dial = hsv_mask(work, None, (0, 30), (50, 95))[y0:, scr.x : scr.x + int(scr.w * 1.1)]
    d = [b for b in blobs(dial, (0.12 * scr.h) ** 2) if 0.8 < b.aspect < 1.25 and b.fill > 0.6]
    if not d:
        return None
    dd = max(d, key=lambda b: b.area)
    cx, cy, r = scr.x + dd.cx, y0 + dd.cy, dd.w / 2
    knob = hsv_mask(work, None, (0, 30), (200, 255))[int(cy - r) : int(cy + r), int(cx - r) : int(cx + r)]
    k = [b for b in blobs(knob, 4) if b.w < r]
    if not k:
        return None
    kb = max(k, key=lambda b: b.area)
    kx, ky = cx - r + kb.cx, cy - r + kb.cy
    angle = math.degrees(math.atan2(-(ky - cy), kx - cx))
    lamp = hsv_mask(work, (45, 80), (150, 255), (150, 255))[y0:, scr.x : scr.x + scr.w // 3]
    tuned = float(lamp.mean()) > 0.002
    return PanelState(COMMS, "tuned" if tuned else "ready", work.up_box((scr.x, scr.y, scr.x + scr.w, int(cy + r))),
                      points={"centre": work.up(cx, cy), "knob": work.up(kx, ky)},
                      info={"angle": round(angle, 1), "radius": round(r * 0.72 * work.k), "noise": round(noise, 4),
                            "progress": round(angle / 10)})


def read_scan(work: Work) -> PanelState | None:
    glass = close(hsv_mask(work, (98, 112), (110, 200), (40, 80)), 5)
    g = _largest(glass, work, 0.08, (0.9, 1.4), 0.6)
    if g is None:
        return None
    sub = work.hsv[g.y : g.y + g.h, g.x : g.x + g.w]
    text = (sub[..., 0] > 90) & (sub[..., 0] < 105) & (sub[..., 1] > 90) & (sub[..., 2] > 180)
    lines = [r for r in rows_of(blobs(text.astype(np.uint8), 3), lambda b: b.cy, g.h * 0.03) if len(r) >= 3]
    if len(lines) < 4:
        return None
    return PanelState(SCAN, "scanning", work.up_box(g.box))


def read_fuel_engine(work: Work) -> PanelState | None:
    red = hsv_mask(work, (172, 10), (170, 255), (140, 255))
    gauges = [b for b in blobs(red, work.h * work.w * 0.004) if 0.25 < b.aspect < 0.6 and b.fill < 0.3]
    light = hsv_mask(work, None, (0, 25), (170, 255))
    for gauge in sorted(gauges, key=lambda b: -b.area):
        x0, x1 = gauge.x + gauge.w, min(work.w, int(gauge.x + gauge.w * 3.5))
        y0, y1 = int(gauge.cy), min(work.h, gauge.y + gauge.h)
        btn = [b for b in blobs(light[y0:y1, x0:x1], (0.15 * gauge.w) ** 2) if 0.75 < b.aspect < 1.33 and b.fill > 0.75]
        if not btn:
            continue
        b = max(btn, key=lambda b: b.area)
        return PanelState(FUEL_ENGINE, "ready", work.up_box((gauge.x, gauge.y, x0 + b.x + b.w, gauge.y + gauge.h)),
                          points={"button": work.up(x0 + b.cx, y0 + b.cy)}, info={"step": "engine"})
    return None


READERS = [
    (O2_FILTER, read_o2_filter),
    (ASTEROIDS, read_asteroids),
    (KEYPAD, read_keypad),
    (COMMS, read_comms),
    (SCAN, read_scan),
    ("Fuel Engines (engine)", read_fuel_engine),
]
