"""The Fix Wiring panel: four coloured wires on the left, four terminals on the right, shuffled.

Drawn after the game's 2021+ art (docs/wiring_real_vs_rendered.png): a square, nearly black plate
between two grey rails; each wire end a thin bar (3.7 % of the panel's height) reaching in from the
rail, with a colour-blind symbol (blue x, red triangle, yellow circle, magenta star) and a copper tip;
a yellow lamp above each left wire; loose wires hanging through the middle. At any size and any place
on a screen of any size. Colour order on each side comes from the seed, as in the game where each
side is shuffled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..palette import WIRE_COLORS, bgr
from .noise import CLEAN, Noise, degrade, scene_background

PLATE = (24, 24, 26)
RAIL = (58, 58, 60)
FRAME = (8, 8, 8)
COPPER = (40, 105, 190)  # BGR
LAMP = (0, 225, 245)  # BGR, the lit lamp above a left wire
SOCKET = (28, 28, 30)
SYMBOLS = {"blue": "x", "red": "triangle", "yellow": "circle", "magenta": "star"}
WIRE_NAMES = tuple(WIRE_COLORS)

Box = tuple[int, int, int, int]  # x, y, w, h in screen pixels


@dataclass(frozen=True, slots=True)
class WireEnd:
    color: str
    point: tuple[int, int]  # where a player grabs (left) or drops (right) the wire
    box: Box  # the whole coloured part, for tolerant hit tests


@dataclass(frozen=True, slots=True)
class WiringScreen:
    """A rendered frame and what was drawn on it."""

    image: np.ndarray
    panel: Box
    left: tuple[WireEnd, ...]
    right: tuple[WireEnd, ...]
    connected: frozenset[str] = field(default_factory=frozenset)


# geometry in hundredths of the panel's height (measured on the game's 1080p panel)
_ROW0, _PITCH = 20.0, 20.7  # centre of the first row, row spacing
_BAR_H, _BAR_W, _TIP_W, _RAIL_W = 3.7, 9.5, 4.0, 6.5


def panel_layout(panel: Box, left_order: tuple[str, ...], right_order: tuple[str, ...]) -> tuple[
    tuple[WireEnd, ...], tuple[WireEnd, ...]
]:
    """Where each wire end sits for a panel box; shared by the drawing and by hit tests of stand-in windows."""
    x, y, w, h = panel
    u = h / 100.0
    left, right = [], []
    half = 0.75 * _BAR_H * u  # the hit box is half again as tall as the bar
    reach = (_BAR_W + _TIP_W) * u
    for i, (lc, rc) in enumerate(zip(left_order, right_order, strict=True)):
        cy = y + (_ROW0 + _PITCH * i) * u
        left.append(WireEnd(lc, (round(x + (_BAR_W - 1.5) * u), round(cy)),
                            (round(x), round(cy - half), round(reach), round(2 * half))))
        right.append(WireEnd(rc, (round(x + w - (_BAR_W - 1.5) * u), round(cy)),
                             (round(x + w - reach), round(cy - half), round(reach), round(2 * half))))
    return tuple(left), tuple(right)


def _symbol(img: np.ndarray, kind: str, cx: float, cy: float, r: float, p, sh: int) -> None:
    """The colour-blind mark, thin dark strokes as in the game (the bar's colour shows inside)."""
    ink = (20, 20, 20)
    t = max(1, round(r / 5))
    aa = cv2.LINE_AA
    if kind == "x":
        cv2.line(img, p(cx - r, cy - r), p(cx + r, cy + r), ink, t, aa, sh)
        cv2.line(img, p(cx - r, cy + r), p(cx + r, cy - r), ink, t, aa, sh)
        return
    if kind == "circle":
        cv2.circle(img, p(cx, cy), round(r * (1 << sh)), ink, t, aa, sh)
        return
    if kind == "triangle":
        pts = [(cx + r * np.sin(2 * np.pi * k / 3), cy - r * np.cos(2 * np.pi * k / 3)) for k in range(3)]
    else:  # star outline: ten points, alternating outer and inner radius
        pts = [(cx + (r if k % 2 == 0 else 0.45 * r) * np.sin(np.pi * k / 5),
                cy - (r if k % 2 == 0 else 0.45 * r) * np.cos(np.pi * k / 5)) for k in range(10)]
    cv2.polylines(img, [np.array([p(px, py) for px, py in pts], np.int32)], True, ink, t, aa, sh)


def _end(img: np.ndarray, color: str, x_edge: float, cy: float, u: float, side: int, p, sh: int) -> None:
    """One wire end: bar from the rail inwards (side +1 left, -1 right), symbol, copper tip."""
    aa = cv2.LINE_AA
    c = bgr(WIRE_COLORS[color])
    dark = tuple(int(v * 0.7) for v in c)
    half = _BAR_H / 2 * u
    x_in = x_edge + side * _BAR_W * u
    a, z = sorted((x_edge, x_in))
    cv2.rectangle(img, p(a, cy - half - 0.5 * u), p(z, cy + half + 0.5 * u), FRAME, -1, aa, sh)  # ink outline
    cv2.rectangle(img, p(a, cy - half), p(z, cy + half), c, -1, aa, sh)
    cv2.rectangle(img, p(a, cy + 0.45 * half), p(z, cy + half), dark, -1, aa, sh)
    _symbol(img, SYMBOLS[color], x_edge + side * 2.3 * u, cy, 0.6 * half, p, sh)
    # copper strands: a short fan of lines out of the bar's inner end
    for k in range(5):
        dy = (k - 2) * 0.32 * half
        cv2.line(img, p(x_in, cy + dy), p(x_in + side * _TIP_W * u, cy + 0.8 * dy), COPPER,
                 max(1, round(0.35 * u)), aa, sh)


def draw_panel(img: np.ndarray, panel: Box, left_order: tuple[str, ...], right_order: tuple[str, ...],
               connected: frozenset[str] = frozenset()) -> tuple[tuple[WireEnd, ...], tuple[WireEnd, ...]]:
    """Draw the panel into `img` in place; `connected` colours get a wire across (a half-done task)."""
    x, y, w, h = panel
    u = h / 100.0
    aa = cv2.LINE_AA
    sh = 4  # fixed-point bits so small panels keep sub-pixel geometry

    def p(px: float, py: float) -> tuple[int, int]:
        return (round(px * (1 << sh)), round(py * (1 << sh)))

    cv2.rectangle(img, p(x - 1.2 * u, y - 1.2 * u), p(x + w + 1.2 * u, y + h + 1.2 * u), FRAME, -1, aa, sh)
    cv2.rectangle(img, p(x, y), p(x + w, y + h), PLATE, -1, aa, sh)
    cv2.rectangle(img, p(x, y), p(x + _RAIL_W * u, y + h), RAIL, -1, aa, sh)
    cv2.rectangle(img, p(x + w - _RAIL_W * u, y), p(x + w, y + h), RAIL, -1, aa, sh)
    # loose wires hanging through the middle, darker than the ends (distractors of the same hues)
    for k, name in enumerate(("red", "blue", "yellow", "red")):
        c = tuple(int(v * 0.55) for v in bgr(WIRE_COLORS[name]))
        xs = x + w * (0.38 + 0.07 * k)
        pts = np.array([p(xs + 8 * u * np.sin(t * 3 + k), y + t * h) for t in np.linspace(0, 1, 24)], np.int32)
        cv2.polylines(img, [pts], False, c, max(1, round(1.6 * u)), aa, sh)
    left, right = panel_layout(panel, left_order, right_order)
    for end in left:
        cy = y + (end.point[1] - y)
        lamp_y1 = cy - _BAR_H / 2 * u - 0.8 * u
        cv2.rectangle(img, p(x + 0.5 * u, lamp_y1 - 2.4 * u), p(x + _RAIL_W * u, lamp_y1), LAMP, -1, aa, sh)
        _end(img, end.color, x, cy, u, +1, p, sh)
    for end in right:
        cy = end.point[1]
        lamp_y1 = cy - _BAR_H / 2 * u - 0.8 * u
        cv2.rectangle(img, p(x + w - _RAIL_W * u, lamp_y1 - 2.4 * u), p(x + w - 0.5 * u, lamp_y1), SOCKET, -1, aa,
                      sh)
        _end(img, end.color, x + w, cy, u, -1, p, sh)
    for color in connected:
        a = next(e for e in left if e.color == color).point
        z = next(e for e in right if e.color == color).point
        cv2.line(img, p(*a), p(*z), bgr(WIRE_COLORS[color]), max(2, round(3 * u)), aa, sh)
    return left, right


def render_wiring(width: int = 1920, height: int = 1080, seed: int = 0, *, panel_height: int | None = None,
                  center: tuple[int, int] | None = None, noise: Noise = CLEAN, background: bool = True,
                  connected: frozenset[str] = frozenset()) -> WiringScreen:
    """A full screen with the panel somewhere on it; size, place and colour orders follow the seed."""
    rng = np.random.default_rng(seed)
    img = scene_background(width, height, rng) if background else np.full((height, width, 3), 30, np.uint8)
    ph = panel_height or int(rng.uniform(0.55, 0.85) * height)
    pw = ph  # the game's panel is about square
    if pw > width - 4:
        pw = width - 4
        ph = pw
    if center is None:
        cx = int(rng.integers(pw // 2 + 2, width - pw // 2 - 1))
        cy = int(rng.integers(ph // 2 + 2, height - ph // 2 - 1))
    else:
        cx, cy = center
    panel = (cx - pw // 2, cy - ph // 2, pw, ph)
    left_order = tuple(str(c) for c in rng.permutation(WIRE_NAMES))
    right_order = tuple(str(c) for c in rng.permutation(WIRE_NAMES))
    left, right = draw_panel(img, panel, left_order, right_order, connected)
    img = degrade(img, noise, rng)
    return WiringScreen(img, panel, left, right, connected)
