"""The Fix Wiring panel: four coloured wires on the left, four terminals on the right, shuffled.

Drawn like the game's panel (dark metal plate, dark frame, a hazard stripe, bolts, wire stubs with
grey connectors on the left, sockets on the right) at any size and any place on a screen of any
size. Colour order on each side comes from the seed, as in the game where each side is shuffled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..palette import WIRE_COLORS, bgr
from .noise import CLEAN, Noise, degrade, scene_background

PLATE = (52, 52, 58)
FRAME = (18, 18, 20)
CONNECTOR = (170, 170, 176)
SOCKET = (28, 28, 30)
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


def panel_layout(panel: Box, left_order: tuple[str, ...], right_order: tuple[str, ...]) -> tuple[
    tuple[WireEnd, ...], tuple[WireEnd, ...]
]:
    """Where each wire end sits for a panel box; shared by the drawing and by hit tests of stand-in windows."""
    x, y, w, h = panel
    u = h / 100.0
    left, right = [], []
    for i, (lc, rc) in enumerate(zip(left_order, right_order, strict=True)):
        cy = y + (24 + 19 * i) * u
        half = 3.2 * u
        lx0, lx1 = x + 6 * u, x + 17 * u
        left.append(WireEnd(lc, (round(lx1 + 1.5 * u), round(cy)), (round(lx0), round(cy - half),
                                                                       round(lx1 + 4 * u - lx0), round(2 * half))))
        rx0, rx1 = x + w - 17 * u, x + w - 6 * u
        right.append(WireEnd(rc, (round(rx0 - 1.5 * u), round(cy)), (round(rx0 - 4 * u), round(cy - half),
                                                                        round(rx1 - rx0 + 4 * u), round(2 * half))))
    return tuple(left), tuple(right)


def draw_panel(img: np.ndarray, panel: Box, left_order: tuple[str, ...], right_order: tuple[str, ...],
               connected: frozenset[str] = frozenset()) -> tuple[tuple[WireEnd, ...], tuple[WireEnd, ...]]:
    """Draw the panel into `img` in place; `connected` colours get a wire across (a half-done task)."""
    x, y, w, h = panel
    u = h / 100.0
    aa = cv2.LINE_AA
    sh = 4  # fixed-point bits so small panels keep sub-pixel geometry

    def p(px: float, py: float) -> tuple[int, int]:
        return (round(px * (1 << sh)), round(py * (1 << sh)))

    cv2.rectangle(img, p(x, y), p(x + w, y + h), bgr(FRAME), -1, aa, sh)
    b = 2.5 * u
    cv2.rectangle(img, p(x + b, y + b), p(x + w - b, y + h - b), bgr(PLATE), -1, aa, sh)
    cv2.rectangle(img, p(x + b, y + b), p(x + w - b, y + h - b), (98, 90, 90), max(1, round(0.6 * u)), aa, sh)
    # hazard stripe along the top (yellow and black, a distractor for the yellow wire)
    sy0, sy1 = y + 5 * u, y + 10 * u
    k = 0
    sx = x + 22 * u
    while sx < x + w - 22 * u:
        col = (0, 200, 250) if k % 2 == 0 else (20, 20, 20)
        poly = np.array([p(sx, sy1), p(sx + 3 * u, sy0), p(sx + 6 * u, sy0), p(sx + 3 * u, sy1)], np.int32)
        cv2.fillConvexPoly(img, poly, col, aa, sh)
        sx += 3 * u
        k += 1
    for bx, by in ((x + 6 * u, y + 6 * u), (x + w - 6 * u, y + 6 * u), (x + 6 * u, y + h - 6 * u),
                   (x + w - 6 * u, y + h - 6 * u)):
        cv2.circle(img, p(bx, by), round(1.8 * u * (1 << sh)), (150, 150, 150), -1, aa, sh)
    left, right = panel_layout(panel, left_order, right_order)
    for end in left:
        cy = end.point[1]
        c = bgr(WIRE_COLORS[end.color])
        dark = tuple(int(v * 0.72) for v in c)
        cv2.rectangle(img, p(x + 6 * u, cy - 3.2 * u), p(x + 17 * u, cy + 3.2 * u), c, -1, aa, sh)
        cv2.rectangle(img, p(x + 6 * u, cy + 1.2 * u), p(x + 17 * u, cy + 3.2 * u), dark, -1, aa, sh)
        cv2.rectangle(img, p(x + 17 * u, cy - 2 * u), p(x + 21 * u, cy + 2 * u), bgr(CONNECTOR), -1, aa, sh)
    for end in right:
        cy = end.point[1]
        c = bgr(WIRE_COLORS[end.color])
        dark = tuple(int(v * 0.72) for v in c)
        cv2.rectangle(img, p(x + w - 17 * u, cy - 3.2 * u), p(x + w - 6 * u, cy + 3.2 * u), c, -1, aa, sh)
        cv2.rectangle(img, p(x + w - 17 * u, cy + 1.2 * u), p(x + w - 6 * u, cy + 3.2 * u), dark, -1, aa, sh)
        cv2.rectangle(img, p(x + w - 21 * u, cy - 2.4 * u), p(x + w - 17 * u, cy + 2.4 * u), bgr(SOCKET), -1, aa, sh)
    for color in connected:
        a = next(e for e in left if e.color == color).point
        z = next(e for e in right if e.color == color).point
        cv2.line(img, p(*a), p(*z), bgr(WIRE_COLORS[color]), max(2, round(4 * u)), aa, sh)
    return left, right


def render_wiring(width: int = 1920, height: int = 1080, seed: int = 0, *, panel_height: int | None = None,
                  center: tuple[int, int] | None = None, noise: Noise = CLEAN, background: bool = True,
                  connected: frozenset[str] = frozenset()) -> WiringScreen:
    """A full screen with the panel somewhere on it; size, place and colour orders follow the seed."""
    rng = np.random.default_rng(seed)
    img = scene_background(width, height, rng) if background else np.full((height, width, 3), 30, np.uint8)
    ph = panel_height or int(rng.uniform(0.55, 0.85) * height)
    pw = int(ph * 1.2)
    if pw > width - 4:
        pw = width - 4
        ph = int(pw / 1.2)
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
