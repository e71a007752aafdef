"""The one tick loop: play a simulated game to the end, a controller per seat, events to sinks.

Controllers are bots by default; sessions put the agent in some seats (in process, or behind the
bridge for `sim-server`) through the same `act()`/`witness()` interface. Events go to the
recording writer (if any), to every controller, and to the caller's hooks. `simulate`, `bench` and
`sim-server` all run their games here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..world.map import GameMap, load_map
from ..world.tasks import TaskTable, load_tasks
from .bots import make_bot
from .engine import Game
from .settings import GameSettings
from .state import PlayerInput


class Controller(Protocol):
    def act(self) -> PlayerInput: ...

    def witness(self, events: list[dict]) -> None: ...


class EventSink(Protocol):
    def write_tick(self, events: list[dict]) -> None:
        """One tick's events, kept together: a recording flushes them once, as one write."""
        ...


@dataclass(slots=True)
class GameResult:
    seed: int
    winner: str
    reason: str
    duration_s: float
    ticks: int
    kills: int = 0
    meetings: int = 0
    ejections: list[dict] = field(default_factory=list)
    tasks_done: int = 0
    tasks_total: int = 0
    sabotages: int = 0
    recording: str | None = None

    def count(self, events: list[dict]) -> None:
        """Tally the notable events of one tick (kills, meetings, ejections, sabotages)."""
        for e in events:
            kind = e["type"]
            if kind == "kill":
                self.kills += 1
            elif kind == "meeting_start":
                self.meetings += 1
            elif kind == "eject" and e["player"] is not None:
                self.ejections.append({"player": e["player"], "role": e.get("role"), "t": e["t"]})
            elif kind == "sabotage":
                self.sabotages += 1

    def as_dict(self) -> dict:
        return {
            "seed": self.seed, "winner": self.winner, "reason": self.reason, "duration_s": round(self.duration_s, 2),
            "ticks": self.ticks, "kills": self.kills, "meetings": self.meetings, "ejections": self.ejections,
            "impostors_ejected": sum(1 for e in self.ejections if e.get("role") == "impostor"),
            "crew_ejected": sum(1 for e in self.ejections if e.get("role") == "crewmate"),
            "tasks_done": self.tasks_done, "tasks_total": self.tasks_total, "sabotages": self.sabotages,
            "recording": self.recording,
        }


_WORLD_CACHE: dict[str, tuple[GameMap, TaskTable]] = {}


def world(map_name: str) -> tuple[GameMap, TaskTable]:
    """Load a map and its task table once per process (bench workers play many games)."""
    if map_name not in _WORLD_CACHE:
        game_map = load_map(map_name)
        _WORLD_CACHE[map_name] = (game_map, load_tasks(game_map.name, game_map))
    return _WORLD_CACHE[map_name]


def new_game(settings: GameSettings, seed: int) -> Game:
    game_map, tasks = world(settings.map)
    return Game(settings, seed, game_map, tasks)


def play(
    game: Game,
    controllers: dict[int, Controller] | None = None,
    sinks: Iterable[EventSink] = (),
    on_events: Callable[[Game, list[dict]], None] | None = None,
    speed: float = 0.0,
    until: float | None = None,
    on_tick: Callable[[Game, list[dict]], None] | None = None,
    stop: Callable[[Game], bool] | None = None,
) -> GameResult:
    """Run `game` to its end. Seats without a controller get a bot seeded from the game's RNG.

    Sinks receive every event (the header is the caller's: `RecordingWriter(path, game.header())`).
    `speed` > 0 paces the game to that many game seconds per wall second (for watching, and for
    the realtime clock); the game's own course never depends on it. `until` stops early at that game
    time (the game can be played on by calling `play` again with the same controllers); `stop` is
    asked after every tick (a server whose last client left). `on_tick` sees every tick's events
    (positions included) after the controllers have witnessed them; `on_events` only ticks with
    notable events.
    """
    import time

    started, t0 = (time.perf_counter() if speed > 0 else 0.0), game.t  # a resumed game paces from here
    seats: dict[int, Controller] = dict(controllers or {})
    for p in game.players:
        if p.id not in seats:
            seats[p.id] = make_bot(game, p.id, random.Random(game.rng.getrandbits(64)))
    sinks = list(sinks)
    order = sorted(seats.items())
    watchers = [c for _, c in order]
    acts = [(pid, c.act) for pid, c in order]  # bound once a game: every seat acts every tick
    result = GameResult(game.seed, "", "", 0.0, 0, tasks_total=game.tasks_total)
    while not game.over and (until is None or game.t < until):
        inputs = {pid: act() for pid, act in acts}
        events = game.step(inputs)
        if events:
            for sink in sinks:
                sink.write_tick(events)
            notable = [e for e in events if e["type"] != "pos"]
            if notable:
                for c in watchers:
                    c.witness(notable)
                result.count(notable)
                if on_events is not None:
                    on_events(game, notable)
        if on_tick is not None:
            on_tick(game, events)
        if speed > 0:
            lag = (game.t - t0) / speed - (time.perf_counter() - started)
            if lag > 0:
                time.sleep(lag)
        if stop is not None and stop(game):
            break
    result.winner = game.winner or ""
    result.reason = game.reason or ""
    result.duration_s = game.t
    result.ticks = game.tick
    result.tasks_done = game.tasks_done
    return result

