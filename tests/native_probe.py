"""Play games in which some seats press random buttons, and print what was recorded (for test_native.py).

Bots only ever send what bots send; other producers (a pad's kill that names nobody, keys that hold
the stick at whole numbers, a bridge peer's odd but valid input) reach the engine too. Seats 0 to 3
here send a random mix of everything a `PlayerInput` can hold; the rest are bots, so the games still
have kills, meetings and votes. Run once with AMONGUS_PURE=1 and once compiled: the output must agree.

Usage: python tests/native_probe.py SEED [SEED ...]   (one JSON line: digest and event counts per seed)
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from amongus_agent.recording import RecordingWriter
from amongus_agent.sim.engine import SABOTAGE_KINDS, Game
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings
from amongus_agent.sim.state import IDLE, PlayerInput

STICKS = [(0.0, 0.0), (1, 0), (0, -1), (1, 1), (-1, 0), (0.3, -0.7), (0.05, 0.0), (2.5, -2.5)]


class Buttons:
    """A seat whose thumbs wander: holds a stick for a while, presses buttons now and then."""

    def __init__(self, game: Game, pid: int, rng: random.Random) -> None:
        self.game, self.pid, self.rng = game, pid, rng
        self.stick: tuple[float, float] = (0.0, 0.0)
        self.rooms = sorted(game.map.rooms)

    def act(self) -> PlayerInput:
        r, g = self.rng, self.game
        if r.random() < 0.05:
            self.stick = r.choice(STICKS) if r.random() < 0.6 else (r.uniform(-1.5, 1.5), r.uniform(-1.5, 1.5))
        if r.random() < 0.7:
            return PlayerInput(stick=self.stick) if self.stick != (0.0, 0.0) else IDLE
        n = len(g.players)
        return PlayerInput(
            stick=self.stick,
            use=r.random() < 0.3,
            report=r.random() < 0.1,
            kill=r.choice([None, None, True, False, r.randrange(n)]),
            vent=r.choice([None, None, None, "enter", "exit"]),
            vent_to=r.choice([None, None, r.randrange(20)]),
            sabotage=r.choice([None] * 6 + [*SABOTAGE_KINDS, "nothing"]),
            sabotage_room=r.choice([None, *self.rooms]),
            chat=r.choice([None] * 5 + ["where?", "i saw red vent", "skip", "x" * 200]),
            vote=r.choice([None] * 5 + ["skip", r.randrange(n), n + 3]),
        )

    def witness(self, events: list[dict]) -> None:
        pass


def probe(seed: int, tmp: Path) -> dict:
    game = new_game(GameSettings(), seed)
    rng = random.Random(seed)
    seats = {pid: Buttons(game, pid, random.Random(rng.getrandbits(64))) for pid in range(4)}
    path = tmp / f"{seed}.jsonl"
    with RecordingWriter(path, game.header()) as writer:
        result = play(game, controllers=seats, sinks=[writer])
    kinds = Counter(json.loads(line)["type"] for line in path.read_text().splitlines()[1:])
    return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "winner": result.winner,
            "events": dict(sorted(kinds.items()))}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps({seed: probe(int(seed), Path(tmp)) for seed in sys.argv[1:]}))


if __name__ == "__main__":
    main()
