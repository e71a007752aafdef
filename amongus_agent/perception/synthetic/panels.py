"""Imitations of the Skeld panels the shared real screenshots do not show yet.

Clean O2 Filter, Clear Asteroids, the O2 keypad, the comms dial, Submit Scan and the engine side of
Fuel Engines are drawn here after the game's layout (panel centred, sized by the screen height,
the game's colours), each with its ground truth, so their recognisers and flows can be built and
tested. docs/perception.md marks them "not yet seen on real pixels": the first real screenshot of
each must be checked against its recogniser.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np

Box = tuple[int, int, int, int]


@dataclass
class Rendered:
    image: np.ndarray
    panel: Box
    truth: dict = field(default_factory=dict)


def _scene(w: int, h: int, seed: int) -> np.ndarray:
    """A dim floor behind the panel (the game darkens the map under an open task)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), (58, 62, 60), np.uint8)
    for _ in range(12):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(20, w // 4)), y + int(rng.integers(20, h // 4))),
                      tuple(int(c) for c in rng.integers(35, 90, 3)), -1)
    return img


def _frame(img: np.ndarray, box: Box, fill: tuple[int, int, int], u: float) -> None:
    x0, y0, x1, y1 = box
    cv2.rectangle(img, (x0, y0), (x1, y1), (20, 20, 20), max(2, round(6 * u)))
    cv2.rectangle(img, (x0 + round(6 * u), y0 + round(6 * u)), (x1 - round(6 * u), y1 - round(6 * u)), fill, -1)


def _panel_box(w: int, h: int, aspect: float) -> tuple[Box, float]:
    ph = round(h * 0.62)
    pw = round(ph * aspect)
    x0, y0 = (w - pw) // 2, (h - ph) // 2
    return (x0, y0, x0 + pw, y0 + ph), ph / 670


def panel_box(w: int, h: int, aspect: float) -> tuple[Box, float]:
    """The panel's box on a w x h screen (centred, 62 % of the height) and its unit (panel px per 670)."""
    return _panel_box(w, h, aspect)


O2_ASPECT, ASTEROIDS_ASPECT, SCAN_ASPECT, FUEL_ASPECT = 1.0, 1.0, 1.1, 0.9
LEAF_COLOURS = [(40, 120, 160), (50, 150, 90), (30, 90, 150)]


def o2_intake(box: Box, u: float) -> Box:
    x0, y0, x1, y1 = box
    return (x0 + round(12 * u), (y0 + y1) // 2 - round(110 * u), x0 + round(95 * u), (y0 + y1) // 2 + round(110 * u))


def draw_o2_filter(img: np.ndarray, box: Box, u: float, leaves: list[tuple[tuple[int, int], int, int]]) -> Box:
    """The panel in place: glass, the intake (returned), and leaves given as (centre, angle, colour index)."""
    _frame(img, box, (205, 215, 170), u)  # pale teal glass
    intake = o2_intake(box, u)
    cv2.rectangle(img, intake[:2], intake[2:], (30, 30, 30), -1)
    for i in range(4):  # grate bars
        yy = intake[1] + round((i + 1) * (intake[3] - intake[1]) / 5)
        cv2.line(img, (intake[0], yy), (intake[2], yy), (90, 90, 90), max(1, round(4 * u)))
    for c, ang, k in leaves:
        colour = LEAF_COLOURS[k % 3]
        cv2.ellipse(img, c, (round(42 * u), round(20 * u)), ang, 0, 360, colour, -1)
        cv2.ellipse(img, c, (round(42 * u), round(20 * u)), ang, 0, 360, (20, 40, 40), max(1, round(3 * u)))
    return intake


def o2_leaves(box: Box, u: float, rng: random.Random, leaves: int) -> list[tuple[int, int]]:
    x0, y0, x1, y1 = box
    centres: list[tuple[int, int]] = []
    while len(centres) < leaves:
        c = (rng.randint(x0 + round(200 * u), x1 - round(70 * u)), rng.randint(y0 + round(70 * u), y1 - round(70 * u)))
        if all(math.dist(c, d) > 95 * u for d in centres):
            centres.append(c)
    return centres


def render_o2_filter(w: int = 1920, h: int = 1080, seed: int = 0, leaves: int = 6,
                     at: list[tuple[int, int]] | None = None) -> Rendered:
    """Clean O2 Filter: leaves on a pale glass; each is dragged into the dark intake on the left.

    `at` places the leaves (image pixels) instead of scattering `leaves` of them: a stand-in that
    moves or removes leaves redraws the panel with it.
    """
    rng = random.Random(seed)
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, O2_ASPECT)
    if at is None:
        centres = o2_leaves(box, u, rng, leaves)
        drawn = [(c, rng.randint(0, 179), i) for i, c in enumerate(centres)]
    else:  # a leaf's look follows from where it is, so a redraw keeps every leaf as it was
        centres = list(at)
        drawn = [(c, (c[0] * 7 + c[1] * 13) % 180, (c[0] + c[1]) % 3) for c in centres]
    intake = draw_o2_filter(img, box, u, drawn)
    return Rendered(img, box, {"leaves": centres, "intake": intake})


def draw_asteroids(img: np.ndarray, box: Box, u: float, rocks: list[tuple[tuple[int, int], int]],
                   destroyed: int = 0) -> None:
    """The panel in place: black space, the green targeting overlay, rocks given as (centre, radius)."""
    _frame(img, box, (8, 8, 8), u)
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    g = (40, 200, 40)
    cv2.circle(img, (cx, cy), round(250 * u), g, max(1, round(2 * u)))
    cv2.line(img, (x0 + round(20 * u), cy), (x1 - round(20 * u), cy), g, max(1, round(2 * u)))
    cv2.line(img, (cx, y0 + round(20 * u)), (cx, y1 - round(20 * u)), g, max(1, round(2 * u)))
    cv2.putText(img, f"DESTROYED: {destroyed}", (x0 + round(30 * u), y1 - round(30 * u)), cv2.FONT_HERSHEY_SIMPLEX,
                0.9 * u, g, max(1, round(2 * u)))
    for c, r in rocks:
        pts = [(c[0] + round(r * (0.8 + 0.2 * math.sin(3 * a)) * math.cos(a)),
                c[1] + round(r * (0.8 + 0.2 * math.cos(2 * a)) * math.sin(a))) for a in np.linspace(0, 2 * math.pi, 12)]
        cv2.fillPoly(img, [np.array(pts, np.int32)], (90, 105, 120))
        cv2.polylines(img, [np.array(pts, np.int32)], True, (40, 50, 60), max(1, round(3 * u)))


def asteroid_spot(box: Box, u: float, rng: random.Random, others: list[tuple[int, int]]) -> tuple[int, int]:
    """A place for a new rock inside the panel, clear of the others."""
    x0, y0, x1, y1 = box
    while True:
        c = (rng.randint(x0 + round(80 * u), x1 - round(80 * u)), rng.randint(y0 + round(80 * u), y1 - round(110 * u)))
        if all(math.dist(c, d) > 110 * u for d in others):
            return c


def render_asteroids(w: int = 1920, h: int = 1080, seed: int = 0, count: int = 4, destroyed: int = 0,
                     at: list[tuple[int, int]] | None = None) -> Rendered:
    """Clear Asteroids: black space behind a green targeting overlay; rocks to click.

    `at` places the rocks (image pixels, inside the panel) instead of scattering `count` of them.
    """
    rng = random.Random(seed)
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, ASTEROIDS_ASPECT)
    if at is None:
        rocks: list[tuple[int, int]] = []
        while len(rocks) < count:
            rocks.append(asteroid_spot(box, u, rng, rocks))
        drawn = [(c, round(rng.randint(32, 44) * u)) for c in rocks]
    else:  # a rock's size follows from where it is, so a redraw keeps every rock as it was
        rocks = list(at)
        drawn = [(c, round((32 + (c[0] * 3 + c[1]) % 13) * u)) for c in rocks]
    draw_asteroids(img, box, u, drawn, destroyed)
    return Rendered(img, box, {"rocks": rocks})


KEYPAD = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["X", "0", "OK"]]


def render_o2_keypad(w: int = 1920, h: int = 1080, seed: int = 0, code: str | None = None, typed: str = "") -> Rendered:
    """O2 keypad: a sticky note with today's five-digit code, a 3 x 4 keypad, a display of what was typed."""
    rng = random.Random(seed)
    code = code or "".join(str(rng.randint(0, 9)) for _ in range(5))
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, 1.25)
    _frame(img, box, (120, 120, 120), u)
    x0, y0, x1, y1 = box
    note = (x0 + round(40 * u), y0 + round(120 * u), x0 + round(330 * u), y0 + round(330 * u))
    cv2.rectangle(img, note[:2], note[2:], (140, 235, 250), -1)  # yellow paper
    cv2.putText(img, "TODAY'S CODE:", (note[0] + round(18 * u), note[1] + round(55 * u)), cv2.FONT_HERSHEY_SIMPLEX,
                0.8 * u, (40, 40, 40), max(1, round(2 * u)))
    cv2.putText(img, code, (note[0] + round(25 * u), note[1] + round(150 * u)), cv2.FONT_HERSHEY_SIMPLEX, 2.2 * u,
                (30, 30, 30), max(2, round(5 * u)))
    kx0, ky0 = x0 + round(450 * u), y0 + round(150 * u)
    size, gap = round(105 * u), round(12 * u)
    disp = (kx0, y0 + round(40 * u), kx0 + 3 * size + 2 * gap, y0 + round(120 * u))
    cv2.rectangle(img, disp[:2], disp[2:], (20, 40, 20), -1)
    if typed:
        cv2.putText(img, typed, (disp[0] + round(15 * u), disp[3] - round(20 * u)), cv2.FONT_HERSHEY_SIMPLEX, 1.4 * u,
                    (60, 230, 60), max(1, round(3 * u)))
    keys = {}
    for r, row in enumerate(KEYPAD):
        for c, k in enumerate(row):
            bx, by = kx0 + c * (size + gap), ky0 + r * (size + gap)
            cv2.rectangle(img, (bx, by), (bx + size, by + size), (225, 225, 225), -1)
            cv2.rectangle(img, (bx, by), (bx + size, by + size), (40, 40, 40), max(1, round(3 * u)))
            (tw, th), _ = cv2.getTextSize(k, cv2.FONT_HERSHEY_SIMPLEX, 1.5 * u, max(1, round(4 * u)))
            cv2.putText(img, k, (bx + (size - tw) // 2, by + (size + th) // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.5 * u,
                        (30, 30, 30), max(1, round(4 * u)))
            keys[k] = (bx + size // 2, by + size // 2)
    return Rendered(img, box, {"code": code, "keys": keys, "note": note})


def render_comms(w: int = 1920, h: int = 1080, seed: int = 0, dial_deg: float = 0.0, target_deg: float = 150.0) -> Rendered:
    """Comms: a green waveform that is clean only when the dial points at the hidden signal."""
    rng = np.random.default_rng(seed)
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, 1.2)
    _frame(img, box, (110, 110, 115), u)
    x0, y0, x1, y1 = box
    scr = (x0 + round(40 * u), y0 + round(40 * u), x1 - round(40 * u), y0 + round(330 * u))
    cv2.rectangle(img, scr[:2], scr[2:], (10, 10, 10), -1)
    off = abs((dial_deg - target_deg + 180) % 360 - 180) / 180  # 0 tuned .. 1 opposite
    xs = np.arange(scr[0] + 10, scr[2] - 10)
    mid, amp = (scr[1] + scr[3]) / 2, (scr[3] - scr[1]) * 0.3
    ys = mid + amp * np.sin((xs - xs[0]) / (40 * u)) * (1 - 0.6 * off) + rng.normal(0, amp * 0.9 * off + 0.1, xs.size)
    pts = np.stack([xs, np.clip(ys, scr[1] + 4, scr[3] - 4)], axis=1).astype(np.int32)
    cv2.polylines(img, [pts], False, (60, 230, 60), max(1, round(2 * u)))
    centre = (x1 - round(180 * u), y1 - round(160 * u))
    r = round(100 * u)
    cv2.circle(img, centre, r, (70, 70, 75), -1)
    cv2.circle(img, centre, r, (20, 20, 20), max(2, round(5 * u)))
    a = math.radians(dial_deg)
    knob = (centre[0] + round(0.72 * r * math.cos(a)), centre[1] - round(0.72 * r * math.sin(a)))
    cv2.circle(img, knob, round(16 * u), (230, 230, 230), -1)
    lamp = (x0 + round(80 * u), y1 - round(90 * u))
    cv2.circle(img, lamp, round(26 * u), (40, 200, 40) if off < 0.06 else (30, 30, 160), -1)
    return Rendered(img, box, {"centre": centre, "radius": r, "knob": knob, "off": off, "screen": scr})


def draw_scan(img: np.ndarray, box: Box, u: float, progress: float) -> Box:
    """The panel in place; returns the progress bar's box."""
    _frame(img, box, (60, 45, 25), u)  # dark blue glass
    x0, y0, x1, y1 = box
    for i, t in enumerate(["ID: 0417", "HT: 3' 6\"", "WT: 92lb", "BT: O-"]):
        cv2.putText(img, t, (x0 + round(60 * u), y0 + round((110 + 70 * i) * u)), cv2.FONT_HERSHEY_SIMPLEX, 1.2 * u,
                    (230, 200, 90), max(1, round(3 * u)))
    bar = (x0 + round(60 * u), y1 - round(130 * u), x1 - round(60 * u), y1 - round(80 * u))
    cv2.rectangle(img, bar[:2], bar[2:], (30, 30, 30), -1)
    cv2.rectangle(img, bar[:2], (bar[0] + round((bar[2] - bar[0]) * progress), bar[3]), (230, 200, 90), -1)
    return bar


def render_scan(w: int = 1920, h: int = 1080, seed: int = 0, progress: float = 0.3) -> Rendered:
    """Submit Scan: the MedBay scanner's readout (ID, HT, WT, BT) and a filling bar; nothing to press."""
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, SCAN_ASPECT)
    bar = draw_scan(img, box, u, progress)
    return Rendered(img, box, {"bar": bar})


def draw_fuel_engine(img: np.ndarray, box: Box, u: float, level: float) -> dict:
    """The panel in place; returns where its button and gauge are."""
    _frame(img, box, (75, 75, 75), u)
    x0, y0, x1, y1 = box
    gauge = (x0 + round(70 * u), y0 + round(60 * u), x0 + round(300 * u), y1 - round(60 * u))
    cv2.rectangle(img, gauge[:2], gauge[2:], (0, 0, 0), -1)
    cv2.rectangle(img, gauge[:2], gauge[2:], (20, 40, 230), max(2, round(6 * u)))  # red outline, like the can
    top = round(gauge[3] - (gauge[3] - gauge[1]) * level)
    if level > 0:
        cv2.rectangle(img, (gauge[0] + 6, top), (gauge[2] - 6, gauge[3] - 6), (0, 200, 230), -1)
    bx, by = x1 - round(230 * u), y1 - round(220 * u)
    cv2.rectangle(img, (bx - round(15 * u), by - round(15 * u)), (bx + round(145 * u), by + round(145 * u)), (50, 50, 50), -1)
    cv2.rectangle(img, (bx, by), (bx + round(130 * u), by + round(130 * u)), (225, 225, 225), -1)
    cv2.circle(img, (bx + round(25 * u), by - round(45 * u)), round(16 * u), (0, 0, 150), -1)
    cv2.circle(img, (bx + round(105 * u), by - round(45 * u)), round(16 * u), (0, 150, 0), -1)
    return {"button": (bx + round(65 * u), by + round(65 * u)), "button_box": (bx, by, bx + round(130 * u),
                                                                              by + round(130 * u)), "gauge": gauge}


def render_fuel_engine(w: int = 1920, h: int = 1080, seed: int = 0, level: float = 0.0) -> Rendered:
    """Fuel Engines, engine side: a tall fuel gauge instead of the can, the same square button with lamps."""
    img = _scene(w, h, seed)
    box, u = _panel_box(w, h, FUEL_ASPECT)
    drawn = draw_fuel_engine(img, box, u, level)
    return Rendered(img, box, {"button": drawn["button"], "gauge": drawn["gauge"]})


FUEL_CAN_ASPECT = 0.68


def draw_fuel_can(img: np.ndarray, box: Box, level: float) -> dict:
    """Fuel Engines, storage side, after the real panel (../shared/real-screens/skeld/task_fuel_engines.png):
    a grey plate with a black jerry can in a red and white outline, level marks, "REFUEL STATION" below,
    and the square button with a red and a green lamp outside the plate's bottom right. The can fills
    yellow from the bottom while the button is held. Returns where the button and the can are."""
    x0, y0, x1, y1 = box
    pw, ph = x1 - x0, y1 - y0
    u = ph / 678  # the real panel's height at 1080p
    cv2.rectangle(img, (x0 - round(4 * u), y0 - round(4 * u)), (x1 + round(4 * u), y1 + round(4 * u)), (20, 20, 20), -1)
    cv2.rectangle(img, (x0, y0), (x1, y1), (92, 90, 88), -1)

    def p(fx: float, fy: float) -> tuple[int, int]:
        return (round(x0 + fx * pw), round(y0 + fy * ph))

    body = np.array([p(0.18, 0.29), p(0.34, 0.15), p(0.66, 0.15), p(0.80, 0.30), p(0.80, 0.72), p(0.72, 0.77),
                     p(0.18, 0.77)], np.int32)
    spout = np.array([p(0.07, 0.14), p(0.10, 0.11), p(0.30, 0.22), p(0.26, 0.26), p(0.07, 0.16)], np.int32)
    red, white = (20, 50, 235), (245, 245, 245)
    for poly in (spout, body):
        cv2.fillPoly(img, [poly], (0, 0, 0), cv2.LINE_AA)
    if level > 0:
        top = 0.77 - 0.47 * min(1.0, level)
        mask = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(mask, [body], 1)
        mask[: p(0, top)[1]] = 0
        img[mask > 0] = (0, 200, 230)
    for poly in (spout, body):
        cv2.polylines(img, [poly], True, red, max(2, round(14 * u)), cv2.LINE_AA)
        cv2.polylines(img, [poly], True, white, max(1, round(5 * u)), cv2.LINE_AA)
    cv2.rectangle(img, p(0.37, 0.19), p(0.62, 0.23), white, max(1, round(5 * u)))
    for k, fy in enumerate((0.31, 0.41, 0.51, 0.61, 0.71)):
        a, b = p(0.19, fy), p(0.36 if k % 2 == 0 else 0.27, fy)
        for xx in range(a[0], b[0], max(4, round(18 * u))):
            cv2.line(img, (xx, a[1]), (min(b[0], xx + round(10 * u)), a[1]), white, max(1, round(4 * u)))
    cv2.putText(img, "REFUEL STATION", p(0.04, 0.95), cv2.FONT_HERSHEY_SIMPLEX, 1.45 * u, (40, 40, 40),
                max(1, round(5 * u)), cv2.LINE_AA)
    # the button beside the plate
    bx0, by1 = x1 + round(72 * u), y1
    bx1, by0 = bx0 + round(160 * u), by1 - round(163 * u)
    cv2.rectangle(img, (bx0, by0), (bx1, by1), (20, 20, 20), -1)
    cv2.rectangle(img, (bx0 + round(8 * u), by0 + round(8 * u)), (bx1 - round(8 * u), by1 - round(8 * u)), (80, 80, 80), -1)
    button = (bx0 + round(32 * u), by0 + round(30 * u), bx1 - round(30 * u), by1 - round(30 * u))
    cv2.rectangle(img, button[:2], button[2:], (225, 225, 225), -1)
    cv2.circle(img, (bx0 + round(40 * u), by0 - round(18 * u)), round(16 * u), (30, 30, 200), -1)
    cv2.circle(img, (bx1 - round(40 * u), by0 - round(18 * u)), round(16 * u), (30, 170, 30), -1)
    return {"button": ((button[0] + button[2]) // 2, (button[1] + button[3]) // 2), "button_box": button,
            "can": (p(0.18, 0.15), p(0.80, 0.77))}


def fuel_can_box(w: int, h: int) -> Box:
    """Where the storage-side plate sits: as in the game, 83 % of the screen's height, centred."""
    ph = round(h * 0.83)
    pw = round(ph * FUEL_CAN_ASPECT)
    x0 = (w - pw) // 2
    y0 = round(h * 0.085)
    return (x0, y0, x0 + pw, y0 + ph)


def render_fuel_can(w: int = 1920, h: int = 1080, seed: int = 0, level: float = 0.0) -> Rendered:
    img = _scene(w, h, seed)
    box = fuel_can_box(w, h)
    drawn = draw_fuel_can(img, box, level)
    return Rendered(img, box, {"button": drawn["button"]})
