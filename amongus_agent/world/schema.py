"""File formats of the static world: map files (`maps/*.json`) and task tables (`tasks/*.json`).

These pydantic models are the boundary: everything read from disk passes through them, and the
loaders in `world/map.py` and `world/tasks.py` add the cross-checks a schema alone cannot make
(edges pointing at real nodes, spots on the walkable area, rooms that exist).
Coordinates are Unity world units, the frame the game client uses.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Limits that keep a map buildable: the walkable raster is bounds / 0.05 units per cell, and routing
# keeps all-pairs distances between nodes (n^2). The real maps are far inside them (The Skeld:
# 45 x 26 units, 474 nodes; a recorded map a few thousand nodes at most).
MAX_COORD = 1000.0  # world units from the origin
MAX_EXTENT = 200.0  # width and height of `bounds`
MAX_NODES = 3000  # routing tables of 3000 nodes take about 0.5 GB and 4 s to build
MAX_EDGES = 20000
MAX_ITEMS = 500  # regions, rectangles of a region, vents, doors, spawn points, tasks, steps, places
MAX_TEXT = 200  # names and labels

Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD, allow_inf_nan=False)]
Point = tuple[Coord, Coord]
Rect = tuple[Coord, Coord, Coord, Coord]  # x0, y0, x1, y1 with x0 < x1, y0 < y1
Name = Annotated[str, Field(max_length=MAX_TEXT)]
Id = Annotated[int, Field(ge=0, le=1_000_000)]

MAP_FORMAT_VERSION = 1
TASKS_FORMAT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Strict):
    """A room or a named hallway: the union of its rectangles. `anchor` is where a route to it ends."""

    name: Name = Field(min_length=1)
    kind: Literal["room", "hallway"]
    rects: list[Rect] = Field(min_length=1, max_length=MAX_ITEMS)
    anchor: Point


class Vent(_Strict):
    id: Id
    name: Name
    position: Point
    links: list[Id] = Field(max_length=MAX_ITEMS)
    room: Name


class Door(_Strict):
    id: Id
    room: Name
    position: Point


class EmergencyButton(_Strict):
    console: Point
    spot: Point
    estimated: bool = False


class Spawn(_Strict):
    """Players appear on a circle around the table at the start and after every meeting."""

    center: Point
    radius: float = Field(gt=0, le=MAX_EXTENT)
    points: list[Point] = Field(min_length=1, max_length=MAX_ITEMS)


class MapFile(_Strict):
    version: Literal[1] = MAP_FORMAT_VERSION
    name: Name
    display_name: Name
    units: Literal["unity"] = "unity"
    source: str = Field("", max_length=10_000)
    corridor_half_width: float = Field(gt=0, le=5)
    bounds: Rect
    nodes: list[Point] = Field(min_length=2, max_length=MAX_NODES)
    edges: list[tuple[Id, Id]] = Field(min_length=1, max_length=MAX_EDGES)
    regions: list[Region] = Field(min_length=1, max_length=MAX_ITEMS)
    vents: list[Vent] = Field([], max_length=MAX_ITEMS)
    doors: list[Door] = Field([], max_length=MAX_ITEMS)
    emergency_button: EmergencyButton
    spawn: Spawn


TaskKind = Literal["common", "long", "short"]
SabotageKind = Literal["lights", "reactor", "oxygen", "comms", "doors"]


class Location(_Strict):
    """Where one step of a task is done: the room, where the player stands, and the console."""

    room: Name
    spot: Point
    console: Point
    where: Name = ""  # tells apart two places of one task in one room (Reactor's two vents)


class TaskStep(_Strict):
    label: Name
    duration_s: float = Field(gt=0, le=3600)
    wait_before_s: float = Field(default=0.0, ge=0, le=3600)  # Inspect Sample: the analysis runs 60 s
    options: list[Location] = Field(min_length=1, max_length=MAX_ITEMS)


class TaskDef(_Strict):
    name: Name
    kind: TaskKind
    visual: bool = False
    distinct_rooms: bool = False  # Fix Wiring: each panel in a different room
    steps: list[TaskStep] = Field(min_length=1, max_length=MAX_ITEMS)


class SabotageFix(_Strict):
    kind: SabotageKind
    label: Name
    panels: list[Location] = Field(max_length=MAX_ITEMS)
    estimated: bool = False


class TaskFile(_Strict):
    version: Literal[1] = TASKS_FORMAT_VERSION
    map: Name
    source: str = Field("", max_length=10_000)
    tasks: list[TaskDef] = Field(min_length=1, max_length=MAX_ITEMS)
    sabotage_fixes: list[SabotageFix] = Field([], max_length=MAX_ITEMS)
