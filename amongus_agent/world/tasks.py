"""The task table of a map: every task type, its steps and where each step can be done.

Loaded against a map so that a task spot that is off the walkable area, or a room the map does not
know, is caught when the file is read, not when a player walks into a wall mid-game.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError
from ..paths import resolve_data_file
from .loading import load_json_model
from .map import GameMap
from .schema import Location, SabotageFix, TaskDef, TaskFile


@dataclass(frozen=True, slots=True)
class PlacedLocation:
    """One place where a step of a task can be done, with the path to it in the file."""

    task: str
    step: int
    label: str
    location: Location
    where: str  # field path in the task file, for messages


class TaskTable:
    def __init__(self, data: TaskFile, source: str = "<memory>") -> None:
        self.data = data
        self.source = source
        self.tasks: dict[str, TaskDef] = {t.name: t for t in data.tasks}
        self.sabotage_fixes: dict[str, SabotageFix] = {s.kind: s for s in data.sabotage_fixes}

    def by_kind(self, kind: str) -> list[TaskDef]:
        return [t for t in self.data.tasks if t.kind == kind]

    def locations(self) -> Iterator[PlacedLocation]:
        """Every task step location and every sabotage panel."""
        for ti, task in enumerate(self.data.tasks):
            for si, step in enumerate(task.steps):
                for oi, loc in enumerate(step.options):
                    yield PlacedLocation(task.name, si, step.label, loc, f"tasks[{ti}].steps[{si}].options[{oi}]")
        for fi, fix in enumerate(self.data.sabotage_fixes):
            for pi, loc in enumerate(fix.panels):
                yield PlacedLocation(fix.label, pi, fix.label, loc, f"sabotage_fixes[{fi}].panels[{pi}]")

    def task_locations(self, name: str) -> list[Location]:
        """Distinct places of a task (or sabotage fix), in file order."""
        seen: dict[tuple[str, str, tuple[float, float]], Location] = {}
        for placed in self.locations():
            if placed.task == name:
                seen.setdefault((placed.location.room, placed.location.where, placed.location.spot), placed.location)
        return list(seen.values())


def load_tasks(name_or_path: str | Path = "skeld", game_map: GameMap | None = None) -> TaskTable:
    """Load a task table; with a map, also check every location against it."""
    path = resolve_data_file("tasks", str(name_or_path))
    data = load_json_model(path, TaskFile)
    table = TaskTable(data, str(path))
    names: set[str] = set()
    for ti, task in enumerate(data.tasks):
        if task.name in names:
            raise DataError(str(path), f"tasks[{ti}].name", f"'{task.name}' is listed twice")
        names.add(task.name)
    if game_map is not None:
        check_tasks_on_map(table, game_map)
    return table


def check_tasks_on_map(table: TaskTable, game_map: GameMap) -> None:
    source = table.source
    if table.data.map != game_map.name:
        raise DataError(source, "map", f"written for map '{table.data.map}', not '{game_map.name}'")
    regions = set(game_map.region_names())
    for placed in table.locations():
        loc = placed.location
        if loc.room not in regions:
            raise DataError(source, f"{placed.where}.room", f"unknown room '{loc.room}' (map has: {', '.join(sorted(regions))})")
        if not game_map.is_walkable(loc.spot):
            raise DataError(source, f"{placed.where}.spot", f"{list(loc.spot)} is off the walkable area of {game_map.name}")
        found = game_map.room_of(loc.spot)
        if found != loc.room:
            raise DataError(source, f"{placed.where}.room", f"says '{loc.room}' but its spot lies in '{found}'")
