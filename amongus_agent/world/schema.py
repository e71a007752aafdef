"""File formats of the static world: map files (`maps/*.json`) and task tables (`tasks/*.json`).

These pydantic models are the boundary: everything read from disk passes through them, and the
loaders in `world/map.py` and `world/tasks.py` add the cross-checks a schema alone cannot make
(edges pointing at real nodes, spots on the walkable area, rooms that exist).
Coordinates are Unity world units, the frame the game client uses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 with x0 < x1, y0 < y1

MAP_FORMAT_VERSION = 1
TASKS_FORMAT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Strict):
    """A room or a named hallway: the union of its rectangles. `anchor` is where a route to it ends."""

    name: str = Field(min_length=1)
    kind: Literal["room", "hallway"]
    rects: list[Rect] = Field(min_length=1)
    anchor: Point


class Vent(_Strict):
    id: int
    name: str
    position: Point
    links: list[int]
    room: str


class Door(_Strict):
    id: int
    room: str
    position: Point


class EmergencyButton(_Strict):
    console: Point
    spot: Point
    estimated: bool = False


class Spawn(_Strict):
    """Players appear on a circle around the table at the start and after every meeting."""

    center: Point
    radius: float = Field(gt=0)
    points: list[Point] = Field(min_length=1)


class MapFile(_Strict):
    version: Literal[1] = MAP_FORMAT_VERSION
    name: str
    display_name: str
    units: Literal["unity"] = "unity"
    source: str = ""
    corridor_half_width: float = Field(gt=0, le=5)
    bounds: Rect
    nodes: list[Point] = Field(min_length=2)
    edges: list[tuple[int, int]] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    vents: list[Vent] = []
    doors: list[Door] = []
    emergency_button: EmergencyButton
    spawn: Spawn


TaskKind = Literal["common", "long", "short"]
SabotageKind = Literal["lights", "reactor", "oxygen", "comms", "doors"]


class Location(_Strict):
    """Where one step of a task is done: the room, where the player stands, and the console."""

    room: str
    spot: Point
    console: Point
    where: str = ""  # tells apart two places of one task in one room (Reactor's two vents)


class TaskStep(_Strict):
    label: str
    duration_s: float = Field(gt=0)
    wait_before_s: float = Field(default=0.0, ge=0)  # Inspect Sample: the analysis runs 60 s
    options: list[Location] = Field(min_length=1)


class TaskDef(_Strict):
    name: str
    kind: TaskKind
    visual: bool = False
    distinct_rooms: bool = False  # Fix Wiring: each panel in a different room
    steps: list[TaskStep] = Field(min_length=1)


class SabotageFix(_Strict):
    kind: SabotageKind
    label: str
    panels: list[Location]
    estimated: bool = False


class TaskFile(_Strict):
    version: Literal[1] = TASKS_FORMAT_VERSION
    map: str
    source: str = ""
    tasks: list[TaskDef] = Field(min_length=1)
    sabotage_fixes: list[SabotageFix] = []
