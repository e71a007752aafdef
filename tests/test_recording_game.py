"""A small hand-written game on The Skeld, clean by the rules, that the recording tests mutate.

Five players; Red (impostor) follows Blue to Weapons, kills Blue at t=12, vents Weapons -> Navigation,
sabotages the lights (Green fixes them); Green reports Blue's body at t=20; Red is voted out
2-1-1 and the crew wins by votes at t=31. Blue's ghost drifts into a wall, which is legal.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from amongus_agent.recording import Recording, RecordingWriter, check_invariants, read_recording
from amongus_agent.world.map import GameMap, load_map, path_length

WALL = (-8.0, -2.0)
KILL_T, MEETING_T, EJECT_T, END_T = 12.0, 20.0, 30.0, 31.0
SPEED = 1.5
SETTINGS = {"kill_cooldown_s": 10, "initial_kill_cooldown_s": 8, "common_tasks": 1, "long_tasks": 0,
            "short_tasks": 1}
PLAYERS = [("Red", "impostor"), ("Blue", "crewmate"), ("Green", "crewmate"), ("Pink", "crewmate"),
           ("Orange", "crewmate")]
GOALS = ["Weapons", "Weapons", "Admin", "MedBay", "Upper Engine"]


@functools.cache
def skeld_map() -> GameMap:
    """Loaded once per process for the builders below (tests may also use conftest's `skeld` fixture)."""
    return load_map("skeld")


def header() -> dict[str, Any]:
    players = [{"id": k, "color": name.lower(), "name": name, "role": role} for k, (name, role) in enumerate(PLAYERS)]
    return {"type": "header", "version": 1, "seed": 7, "map": "skeld", "settings": dict(SETTINGS),
            "players": players}


def _along(points: list[tuple[float, float]], dist: float) -> tuple[float, float]:
    for a, b in zip(points, points[1:], strict=False):
        step = path_length([a, b])
        if dist <= step:
            f = dist / step if step else 0.0
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        dist -= step
    return points[-1]


def clean_game(game_map: GameMap) -> list[dict[str, Any]]:
    """The events of the game described above, `pos` lines every 0.5 s, in time order (stable sort)."""
    spawn = game_map.data.spawn.points
    routes = [game_map.shortest_path(spawn[k], game_map.anchor(goal)).points for k, goal in enumerate(GOALS)]
    routes[0] = routes[1]  # Red shadows Blue
    kill_pos = _along(routes[1], SPEED * KILL_T)
    vents = {v.id: v.position for v in game_map.data.vents}

    def where(pid: int, t: float) -> tuple[float, float]:
        if t >= MEETING_T and pid != 1:
            return spawn[pid]
        if pid == 1 and t >= 15:
            return WALL  # a ghost goes through walls
        if pid in (0, 1) and t >= KILL_T:
            if pid == 0 and t >= 13:
                return vents[7] if t < 13.5 else vents[12]
            return kill_pos
        return _along(routes[pid], SPEED * t)

    actions: list[dict[str, Any]] = [
        {"t": 5.0, "type": "task", "player": 2, "task": "Fix Wiring", "step": 0, "done": False},
        {"t": 7.0, "type": "task", "player": 3, "task": "Submit Scan", "step": 0, "done": True},
        {"t": KILL_T, "type": "kill", "killer": 0, "victim": 1, "pos": list(kill_pos)},
        {"t": 13.0, "type": "vent", "player": 0, "action": "enter", "vent": 7},
        {"t": 13.5, "type": "vent", "player": 0, "action": "move", "vent": 12},
        {"t": 14.0, "type": "vent", "player": 0, "action": "exit", "vent": 12},
        {"t": 15.0, "type": "sabotage", "kind": "lights", "by": 0},
        {"t": 18.0, "type": "sabotage_fixed", "kind": "lights", "by": 2},
        {"t": MEETING_T, "type": "report", "reporter": 2, "victim": 1},
        {"t": MEETING_T, "type": "meeting_start", "caller": 2, "reason": "report"},
        {"t": 22.0, "type": "chat", "player": 2, "text": "Blue is dead in Weapons, Red was with Blue"},
        {"t": 23.0, "type": "chat", "player": 0, "text": "I was in Admin all game"},
        {"t": 25.0, "type": "vote", "voter": 2, "target": 0},
        {"t": 25.5, "type": "vote", "voter": 3, "target": 0},
        {"t": 26.0, "type": "vote", "voter": 4, "target": "skip"},
        {"t": 27.0, "type": "vote", "voter": 0, "target": 2},
        {"t": EJECT_T, "type": "eject", "player": 0, "tally": {"0": 2, "2": 1, "skip": 1}, "role": "impostor"},
        {"t": END_T, "type": "meeting_end"},
        {"t": END_T, "type": "end", "winner": "crew", "reason": "votes"},
    ]
    events: list[dict[str, Any]] = []
    for k in range(int(END_T * 2)):  # up to 30.5: nothing follows the end line
        t = k * 0.5
        dead = [1] if t >= KILL_T else []
        dead += [0] if t >= EJECT_T else []
        events.append({"t": t, "type": "pos", "positions": {str(p): list(where(p, t)) for p in range(5)},
                       "ghosts": dead})
    events += actions
    # at one time the actions come first, so a pos line's `ghosts` already counts a kill at that time
    events.sort(key=lambda e: (e["t"], e["type"] == "pos"))
    return events


def write(path: Path, events: list[dict[str, Any]], head: dict[str, Any] | None = None) -> Path:
    with RecordingWriter(path, head or header()) as writer:
        for event in events:
            writer.write(event)
    return path


def record(tmp_path: Path, events: list[dict[str, Any]], head: dict[str, Any] | None = None) -> Recording:
    return read_recording(write(tmp_path / "game.jsonl", events, head))


def test_the_clean_game_breaks_no_rule(tmp_path: Path, skeld: GameMap) -> None:
    rec = record(tmp_path, clean_game(skeld))
    assert check_invariants(rec, skeld) == []


def test_the_clean_game_really_walks_on_the_map(skeld: GameMap) -> None:
    # guards the fixture itself: if the living ever stood in a wall the checker's pass above would mean less
    for event in clean_game(skeld):
        if event["type"] == "pos":
            for pid, point in event["positions"].items():
                if int(pid) not in event["ghosts"]:
                    assert skeld.is_walkable(point), (event["t"], pid, point)
    assert not skeld.is_walkable(WALL)
