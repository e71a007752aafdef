"""A fixed pure-Python workload, to state simulator speed in proportion to what the machine gives now.

This machine is shared: the same build measures 500x or 1500x real time depending on what else
runs. Timing this workload in the same process, right next to the games, and reporting game
seconds per reference run cancels most of that (both slow down together), so figures taken at
different loads, or of two versions run side by side, can be compared. The mix is the
simulator's own: attribute reads and writes on slotted objects, float arithmetic, `math.floor`,
byte-table look-ups, dict updates and small function calls.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

ROUNDS = 20_000  # a few tens of milliseconds


@dataclass(slots=True)
class _Body:
    x: float
    y: float


def _step(b: _Body, dx: float, dy: float) -> None:
    b.x = (b.x + dx) % 13.0
    b.y = (b.y + dy) % 7.0


def work(rounds: int = ROUNDS) -> int:
    bodies = [_Body(i * 0.37 % 13.0, i * 0.91 % 7.0) for i in range(64)]
    table = bytes(range(256)) * 16
    counts: dict[int, int] = {}
    acc = 0
    for k in range(rounds):
        b = bodies[k & 63]
        _step(b, 0.25 * ((k % 7) - 3), 0.125 * ((k % 5) - 2))
        col = math.floor(b.x * 20.0)
        row = math.floor(b.y * 20.0)
        acc += table[(row * 64 + col) & 4095]
        key = (col ^ row) & 31
        counts[key] = counts.get(key, 0) + 1
    return acc + len(counts)


def reference_s(rounds: int = ROUNDS) -> float:
    """Wall seconds the reference workload takes in this process, now."""
    t0 = time.perf_counter()
    work(rounds)
    return time.perf_counter() - t0
