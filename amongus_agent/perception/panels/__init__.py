"""Task and sabotage panels of The Skeld, recognised from pixels: which panel is open and in what state.

`read_panel(image)` returns the first recogniser's `PanelState`; `identify_panel(image)` only the
name, reading a small copy first (the HUD reader calls it on every frame). Recognisers are tried
in a fixed order; each checks its panel's own colours and shapes and their relations, so one that
does not see its panel costs a few masks of a 960x540 copy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import (
    chart,
    data,
    distributor,
    divert,
    engine,
    fuel,
    garbage,
    lights,
    manifolds,
    reactor,
    sample,
    shields,
    steering,
    swipe,
)
from .common import WORK_H, PanelState, Work, working
from .gate import passes, thumbnail_hsv

Reader = Callable[[Work], PanelState | None]


def _wiring(work: Work) -> PanelState | None:
    """Fix Wiring through the HUD reader's solver (perception/wires.py), wrapped as a panel state."""
    from ..wires import solve_wiring

    sol = solve_wiring(work.bgr)
    if sol is None:
        return None
    pairs = [(work.up(*p.start), work.up(*p.end), p.color) for p in sol.pairs]
    xs = [q for a, b, _ in pairs for q in (a[0], b[0])]
    ys = [q for a, b, _ in pairs for q in (a[1], b[1])]
    return PanelState("Fix Wiring", "ready", (min(xs), min(ys), max(xs), max(ys)), points={"pairs": pairs})


def _synthetic_readers() -> list[tuple[str, Reader]]:
    from . import imitated

    return imitated.READERS


READERS: list[tuple[str, Reader]] = [
    (manifolds.NAME, manifolds.read),
    (swipe.NAME, swipe.read),
    (reactor.START, reactor.read_start),
    (reactor.MELTDOWN, reactor.read_meltdown),
    (engine.NAME, engine.read),
    (distributor.NAME, distributor.read),
    (chart.NAME, chart.read),
    (divert.DIVERT, divert.read_divert),
    (divert.ACCEPT, divert.read_accept),
    ("Download Data|Upload Data", data.read),
    (garbage.NAME, garbage.read),
    (fuel.NAME, fuel.read),
    (sample.NAME, sample.read),
    (shields.NAME, shields.read),
    (steering.NAME, steering.read),
    (lights.NAME, lights.read),
    ("Fix Wiring", _wiring),
]


def all_readers() -> list[tuple[str, Reader]]:
    try:
        extra = _synthetic_readers()
    except ImportError:
        extra = []
    return READERS + extra


def _names(entry: str) -> list[str]:
    """Panel names a registry entry can report: "Download Data|Upload Data", "Fuel Engines (engine)"."""
    return [n.split(" (")[0] for n in entry.split("|")]


def read_panel(image: np.ndarray, only: str | None = None) -> PanelState | None:
    """The open panel and its state, points in `image` pixels; None when no known panel is open."""
    work = working(image)
    for name, reader in all_readers():
        if only is not None and only not in _names(name):
            continue
        state = reader(work)
        if state is not None:
            return state
    return None


def identify_panel(image: np.ndarray, screen_h: int | None = None) -> str | None:
    """Name of the open task panel (e.g. "Unlock Manifolds"), or None.

    Cheap first: a thumbnail's colour fractions rule out the panels that cannot be there
    (`gate.py`); only the rest run their recogniser. `screen_h`: when `image` is a cut-out of a
    bigger frame around the panel (the HUD reader passes the part the close button marks), the
    frame's height, so the recognisers see the panel at the scale they would in the whole frame.
    """
    if image is None or image.ndim != 3 or min(image.shape[:2]) < 40:
        raise ValueError("expected a BGR image of at least 40x40 pixels")
    thumb = thumbnail_hsv(image)
    work = None
    max_h = WORK_H if screen_h is None else WORK_H * image.shape[0] / screen_h
    for name, reader in all_readers():
        if not passes(name, thumb):
            continue
        work = work or working(image, max_h)
        state = reader(work)
        if state is not None:
            return state.name
    return None


__all__ = ["PanelState", "READERS", "identify_panel", "read_panel"]
