"""Task panels that react to the mouse as the game's do, and say when they are solved.

One object per opened panel, living in the window's thread: `press`/`move`/`release` get mouse
events in window pixels, `tick` the game time, `draw` paints the panel (the look of
`perception/synthetic`, which our readers are built on) into the frame. `solved` turns true once;
the window then closes the panel and tells the game. What resets where the game resets: a wire
dropped on the wrong terminal springs back; a leaf let go outside the intake stays where it fell;
a released fuel button stops the gauge where it is; a missed shot at an asteroid does nothing.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

from ...perception.palette import WIRE_COLORS, bgr
from ...perception.synthetic import panels as look
from ...perception.synthetic.hud import close_button
from ...perception.synthetic.wiring import WIRE_NAMES, draw_panel, panel_layout

Box = tuple[int, int, int, int]  # x0, y0, x1, y1


def _inside(p: tuple[int, int], box: Box, pad: int = 0) -> bool:
    return box[0] - pad <= p[0] <= box[2] + pad and box[1] - pad <= p[1] <= box[3] + pad


class Panel:
    """Base: a centred panel with a close button at its top left."""

    name = ""

    def __init__(self, w: int, h: int, box: Box) -> None:
        self.w, self.h, self.box = w, h, box
        self.solved = False
        r = max(8, round(0.037 * h))
        self.close_at = (box[0] - round(1.4 * r), box[1] + r)  # left of the panel's top corner, as in the game
        self.close_r = r

    def hits_close(self, x: int, y: int) -> bool:
        return math.dist((x, y), self.close_at) <= self.close_r

    def press(self, x: int, y: int, t: float) -> None: ...

    def move(self, x: int, y: int, t: float) -> None: ...

    def release(self, x: int, y: int, t: float) -> None: ...

    def tick(self, t: float) -> None: ...

    def draw(self, img: np.ndarray) -> None:
        self._draw(img)
        close_button(img, self.close_at, self.close_r)

    def _draw(self, img: np.ndarray) -> None:
        raise NotImplementedError


class WiringPanel(Panel):
    """Fix Wiring: drag each left wire end to the right terminal of its colour."""

    name = "Fix Wiring"

    def __init__(self, w: int, h: int, rng: random.Random) -> None:
        side = round(0.83 * h)  # the game's wiring panel nearly fills the screen's height
        x0, y0 = (w - side) // 2, (h - side) // 2
        super().__init__(w, h, (x0, y0, x0 + side, y0 + side))
        self.panel = (x0, y0, side, side)
        left, right = list(WIRE_NAMES), list(WIRE_NAMES)
        rng.shuffle(left)
        rng.shuffle(right)
        self.left_order, self.right_order = tuple(left), tuple(right)
        self.left, self.right = panel_layout(self.panel, self.left_order, self.right_order)
        self.joined: set[str] = set()
        self.held: str | None = None
        self.cursor = (0, 0)

    @staticmethod
    def _box(end) -> Box:
        x, y, w, h = end.box
        return (x, y, x + w, y + h)

    def press(self, x: int, y: int, t: float) -> None:
        for end in self.left:
            if end.color not in self.joined and _inside((x, y), self._box(end)):
                self.held, self.cursor = end.color, (x, y)
                return

    def move(self, x: int, y: int, t: float) -> None:
        self.cursor = (x, y)

    def release(self, x: int, y: int, t: float) -> None:
        held, self.held = self.held, None
        if held is None:
            return
        target = next(e for e in self.right if e.color == held)
        if _inside((x, y), self._box(target)):
            self.joined.add(held)  # any other drop: the wire springs back
        self.solved = len(self.joined) == len(self.left)

    def _draw(self, img: np.ndarray) -> None:
        draw_panel(img, self.panel, self.left_order, self.right_order, frozenset(self.joined))
        if self.held is not None:
            start = next(e for e in self.left if e.color == self.held).point
            cv2.line(img, start, self.cursor, bgr(WIRE_COLORS[self.held]), max(2, round(0.03 * self.panel[3])),
                     cv2.LINE_AA)


class O2FilterPanel(Panel):
    """Clean O2 Filter: drag every leaf into the intake on the left."""

    name = "Clean O2 Filter"
    LEAVES = 6

    def __init__(self, w: int, h: int, rng: random.Random) -> None:
        box, self.u = look.panel_box(w, h, look.O2_ASPECT)
        super().__init__(w, h, box)
        self.intake = look.o2_intake(box, self.u)
        centres = look.o2_leaves(box, self.u, rng, self.LEAVES)
        self.leaves = [[c, rng.randint(0, 179), i] for i, c in enumerate(centres)]
        self.held: int | None = None
        self.grab = (0, 0)

    def press(self, x: int, y: int, t: float) -> None:
        best = None
        for i, (c, _, _) in enumerate(self.leaves):
            d = math.dist((x, y), c)
            if d <= 45 * self.u and (best is None or d < best[0]):
                best = (d, i)
        if best is not None:
            self.held = best[1]
            c = self.leaves[best[1]][0]
            self.grab = (c[0] - x, c[1] - y)

    def move(self, x: int, y: int, t: float) -> None:
        if self.held is not None:
            bx0, by0, bx1, by1 = self.box
            self.leaves[self.held][0] = (min(max(x + self.grab[0], bx0), bx1), min(max(y + self.grab[1], by0), by1))

    def release(self, x: int, y: int, t: float) -> None:
        if self.held is None:
            return
        self.move(x, y, t)
        if _inside(self.leaves[self.held][0], self.intake, round(20 * self.u)):
            del self.leaves[self.held]  # sucked out; a leaf let go anywhere else stays where it fell
        self.held = None
        self.solved = not self.leaves

    def _draw(self, img: np.ndarray) -> None:
        look.draw_o2_filter(img, self.box, self.u, [(tuple(c), a, k) for c, a, k in self.leaves])


class AsteroidsPanel(Panel):
    """Clear Asteroids: click rocks until `TARGET` are destroyed (the count stays when the panel closes)."""

    name = "Clear Asteroids"
    TARGET = 20
    ON_SCREEN = 4

    def __init__(self, w: int, h: int, rng: random.Random, destroyed: int = 0) -> None:
        box, self.u = look.panel_box(w, h, look.ASTEROIDS_ASPECT)
        super().__init__(w, h, box)
        self.rng = rng
        self.destroyed = destroyed
        self.rocks: list[tuple[tuple[int, int], int]] = []
        self._refill()

    def _refill(self) -> None:
        while len(self.rocks) < min(self.ON_SCREEN, self.TARGET - self.destroyed):
            spot = look.asteroid_spot(self.box, self.u, self.rng, [c for c, _ in self.rocks])
            self.rocks.append((spot, round(self.rng.randint(32, 44) * self.u)))

    def press(self, x: int, y: int, t: float) -> None:
        for i, (c, r) in enumerate(self.rocks):
            if math.dist((x, y), c) <= r:
                del self.rocks[i]
                self.destroyed += 1
                self._refill()  # the next rock drifts in somewhere else
                self.solved = self.destroyed >= self.TARGET
                return

    def _draw(self, img: np.ndarray) -> None:
        look.draw_asteroids(img, self.box, self.u, self.rocks, self.destroyed)


class ScanPanel(Panel):
    """Submit Scan: stand still while the scanner fills its bar (`seconds` of game time)."""

    name = "Submit Scan"

    def __init__(self, w: int, h: int, rng: random.Random, seconds: float, t: float) -> None:
        box, self.u = look.panel_box(w, h, look.SCAN_ASPECT)
        super().__init__(w, h, box)
        self.seconds, self.t0, self.progress = max(0.1, seconds), t, 0.0

    def tick(self, t: float) -> None:
        self.progress = min(1.0, (t - self.t0) / self.seconds)
        self.solved = self.progress >= 1.0

    def _draw(self, img: np.ndarray) -> None:
        look.draw_scan(img, self.box, self.u, self.progress)


class FuelPanel(Panel):
    """Fuel Engines: hold the button until the can (Storage) or the engine's gauge is full.

    Even steps fill the can in Storage, odd ones empty it into an engine (the task table's four
    visits). The level rises only while the button is held, `seconds` of game time from empty to full.
    """

    name = "Fuel Engines"

    def __init__(self, w: int, h: int, seconds: float, t: float, engine: bool) -> None:
        self.engine = engine
        if engine:
            box, self.u = look.panel_box(w, h, look.FUEL_ASPECT)
        else:
            box, self.u = look.fuel_can_box(w, h), 1.0
        super().__init__(w, h, box)
        self.seconds, self.t, self.level = max(0.1, seconds), t, 0.0
        self.holding = False
        scratch = np.zeros((h, w, 3), np.uint8)
        self.button = self._paint(scratch)["button_box"]

    def _paint(self, img: np.ndarray) -> dict:
        if self.engine:
            return look.draw_fuel_engine(img, self.box, self.u, self.level)
        return look.draw_fuel_can(img, self.box, self.level)

    def press(self, x: int, y: int, t: float) -> None:
        self.tick(t)
        self.holding = _inside((x, y), self.button)

    def release(self, x: int, y: int, t: float) -> None:
        self.tick(t)
        self.holding = False  # the level stays where it got to

    def tick(self, t: float) -> None:
        if self.holding:
            self.level = min(1.0, self.level + max(0.0, t - self.t) / self.seconds)
        self.t = t
        self.solved = self.level >= 1.0

    def _draw(self, img: np.ndarray) -> None:
        self._paint(img)


PANEL_KINDS = ("wiring", "o2_filter", "asteroids", "scan", "fuel")


def open_panel(kind: str, w: int, h: int, seed: str, *, t: float, seconds: float, destroyed: int = 0,
               step: int = 0) -> Panel:
    """A fresh panel of `kind` (see `pool.POOL`) for a w x h window; `step` is the task's step."""
    rng = random.Random(seed)
    if kind == "fuel":
        return FuelPanel(w, h, seconds, t, engine=step % 2 == 1)
    if kind == "wiring":
        return WiringPanel(w, h, rng)
    if kind == "o2_filter":
        return O2FilterPanel(w, h, rng)
    if kind == "asteroids":
        return AsteroidsPanel(w, h, rng, destroyed)
    if kind == "scan":
        return ScanPanel(w, h, rng, seconds, t)
    raise ValueError(f"no panel of kind {kind!r} (known: {', '.join(PANEL_KINDS)})")
