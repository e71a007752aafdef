"""The tasks a screens seat can be dealt: those whose panel the window draws and our readers read.

The game deals every player from the whole task table; the screens seat is dealt again, after the
game is set up and before its header is written, from this pool only, keeping the number of tasks of
each kind where the pool allows (a kind the pool lacks is filled from the others). The draw uses a
generator seeded from the game's seed, so the game's own random stream, and with it every other
seat's course, is the same as without the window.
"""

from __future__ import annotations

import random

from ...errors import AmongUsError
from ..engine import Game

# task (as the task table names it) -> the panel kind `panels.py` draws for its steps
POOL: dict[str, str] = {
    "Fix Wiring": "wiring",
    "Clear Asteroids": "asteroids",
    "Submit Scan": "scan",
    "Clean O2 Filter": "o2_filter",
    "Fuel Engines": "fuel",
}


class PoolTooSmallError(AmongUsError):
    """The settings deal the seat more tasks than the screens window can draw panels for."""


def deal_drawable(game: Game, seat: int) -> list[str]:
    """Give `seat` tasks from the pool only (same count); returns their names."""
    me = game.players[seat]
    table = game.table.tasks
    pool = [name for name in POOL if name in table]
    if len(me.tasks) > len(pool):
        raise PoolTooSmallError(f"the screens window draws {len(pool)} tasks ({', '.join(pool)}); the settings deal "
                                f"{len(me.tasks)} a player (lower --set common_tasks/long_tasks/short_tasks)")
    rng = random.Random(f"screens:{game.seed}:{seat}")
    left = list(pool)
    rng.shuffle(left)
    chosen: list[str] = []
    for task in me.tasks:
        same = [n for n in left if table[n].kind == task.kind]
        pick = same[0] if same else left[0]
        left.remove(pick)
        chosen.append(pick)
    state = game.rng.getstate()  # `_assign` draws each step's room from the game's generator: put it back after
    game.rng.seed(f"screens-rooms:{game.seed}:{seat}")
    try:
        me.tasks = [game._assign(table[name]) for name in chosen]
    finally:
        game.rng.setstate(state)
    if not me.is_impostor:
        game.tasks_total = sum(len(p.tasks) for p in game.players if not p.is_impostor)
    return chosen
