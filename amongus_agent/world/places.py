"""Turn what a person types (`Cafeteria`, `Fix Wiring@Admin`, `button`, `3.5,-2`) into a point.

Used by the CLI and by anything that takes places from people; the agent itself works with points.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import PlaceError
from .map import GameMap
from .schema import Point
from .tasks import TaskTable

ROOM_ALIASES = {
    "o2": "Oxygen", "life support": "Oxygen", "nav": "Navigation", "comms": "Communications",
    "elec": "Electrical", "electric": "Electrical", "med": "MedBay", "medbay": "MedBay", "cafe": "Cafeteria",
    "caf": "Cafeteria", "upper": "Upper Engine", "lower": "Lower Engine", "reactor": "Reactor",
}
_COORD = re.compile(r"^\s*\(?\s*(-?\d+(?:\.\d*)?)\s*[, ]\s*(-?\d+(?:\.\d*)?)\s*\)?\s*$")
_TASK_AT = re.compile(r"^(?P<task>.+?)\s*(?:@|\bin\b|\(|/)\s*(?P<room>[^)]+?)\)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Place:
    label: str
    point: Point


def resolve_place(text: str, game_map: GameMap, tasks: TaskTable | None = None) -> Place:
    m = _COORD.match(text)
    if m:
        point = (float(m.group(1)), float(m.group(2)))
        return Place(f"({point[0]:g}, {point[1]:g})", point)
    key = text.strip().lower()
    if key in {"button", "emergency button", "emergency"}:
        return Place("emergency button", game_map.data.emergency_button.spot)
    region = _region(key, game_map)
    if region:
        return Place(region, game_map.anchor(region))
    if tasks is not None:
        place = _task_place(text.strip(), game_map, tasks)
        if place:
            return place
    choices = game_map.region_names() + (sorted(_task_names(tasks)) if tasks else [])
    close = difflib.get_close_matches(text.strip(), choices, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise PlaceError(
        f"unknown place '{text}': give a room, a task (e.g. 'Fix Wiring@Admin'), 'button' or 'x,y'{hint}"
    )


def _region(key: str, game_map: GameMap) -> str | None:
    for name in game_map.region_names():
        if name.lower() == key:
            return name
    alias = ROOM_ALIASES.get(key)
    return alias if alias in game_map.regions else None


def _task_names(tasks: TaskTable) -> set[str]:
    return set(tasks.tasks) | {fix.label for fix in tasks.sabotage_fixes.values()}


def _task_place(text: str, game_map: GameMap, tasks: TaskTable) -> Place | None:
    names = {n.lower(): n for n in _task_names(tasks)}
    room: str | None = None
    task = names.get(text.lower())
    if task is None:
        m = _TASK_AT.match(text)
        if not m or m.group("task").strip().lower() not in names:
            return None
        task = names[m.group("task").strip().lower()]
        room = _region(m.group("room").strip().lower(), game_map)
        if room is None:
            raise PlaceError(f"unknown room '{m.group('room').strip()}' in '{text}'")
    locations = tasks.task_locations(task)
    if room is not None:
        locations = [loc for loc in locations if loc.room == room]
        if not locations:
            rooms = sorted({loc.room for loc in tasks.task_locations(task)})
            raise PlaceError(f"{task} is not done in {room}; it is done in: {', '.join(rooms)}")
    if len({loc.room for loc in locations}) > 1:
        rooms = sorted({loc.room for loc in locations})
        raise PlaceError(f"{task} is done in several rooms; say which, e.g. '{task}@{rooms[0]}' ({', '.join(rooms)})")
    loc = locations[0]
    return Place(f"{task} ({loc.room}{', ' + loc.where if loc.where else ''})", loc.spot)
