"""Plain state of a simulated game: players, their tasks, bodies, sabotages, meetings, inputs.

Plain slotted dataclasses, not pydantic: the simulator touches these thousands of times per wall
second. Pydantic lives at the edges (settings, recordings, observations handed to agents).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..world.schema import Location, Point

CREWMATE = "crewmate"
IMPOSTOR = "impostor"

# Player colours in the game's order, with RGB close to the game's (for renderers and replays).
COLORS: dict[str, tuple[int, int, int]] = {
    "Red": (197, 17, 17), "Blue": (19, 46, 209), "Green": (17, 127, 45), "Pink": (237, 84, 186),
    "Orange": (239, 125, 13), "Yellow": (245, 245, 87), "Black": (63, 71, 78), "White": (214, 224, 240),
    "Purple": (107, 47, 187), "Brown": (113, 73, 30), "Cyan": (56, 254, 220), "Lime": (80, 239, 57),
    "Maroon": (95, 29, 46), "Rose": (236, 192, 211), "Banana": (240, 231, 168),
}
COLOR_NAMES = list(COLORS)


@dataclass(slots=True)
class TaskProgress:
    """A task assigned to one player: the places chosen for its steps and how far it has got."""

    name: str
    kind: str
    visual: bool
    labels: list[str]
    places: list[Location]
    durations: list[float]
    waits: list[float]
    step: int = 0
    ready_at: float = 0.0  # a step with a wait (Inspect Sample) cannot start before this time

    @property
    def done(self) -> bool:
        return self.step >= len(self.places)

    @property
    def current(self) -> Location | None:
        return None if self.done else self.places[self.step]


@dataclass(slots=True)
class Using:
    """What a player is busy with: a task step or a sabotage panel, with the time spent so far."""

    kind: str  # "task" | "fix"
    index: int  # task index in the player's list, or panel index
    progress: float = 0.0
    solved: bool = False  # a panel seat's step: its panel was solved on screen (`Game.panel_done`)


@dataclass(slots=True)
class Player:
    id: int
    color: str
    name: str
    role: str
    x: float
    y: float
    tasks: list[TaskProgress] = field(default_factory=list)
    alive: bool = True
    died_at: float | None = None
    ejected: bool = False
    vent: int | None = None
    kill_cooldown: float = 0.0
    emergencies_left: int = 1
    using: Using | None = None
    slid: bool = False  # the last step met a wall: it slid along it, or did not move at all
    by_panel: bool = False  # task steps finish when the panel is solved on screen, not after a duration

    @property
    def pos(self) -> Point:
        return (self.x, self.y)

    @property
    def is_impostor(self) -> bool:
        return self.role == IMPOSTOR


@dataclass(slots=True)
class Body:
    victim: int
    x: float
    y: float
    t: float


@dataclass(slots=True)
class Sabotage:
    kind: str  # lights | reactor | oxygen | comms
    by: int
    started: float
    deadline: float | None  # critical sabotages only
    panels_done: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Meeting:
    reason: str  # "report" | "emergency"
    caller: int
    victim: int | None
    started: float
    voting_at: float
    ends_at: float
    votes: dict[int, int | str] = field(default_factory=dict)


@dataclass(slots=True)
class PlayerInput:
    """What one seat sends in one tick: the gamepad stick and buttons, plus meeting chat and vote.

    Buttons act on what is in range, as on a gamepad: `use` starts the nearest task step, panel or
    the emergency button; `report` reports the nearest body in range; `kill` kills the given player
    id, or the nearest crewmate in range when True.
    """

    stick: tuple[float, float] = (0.0, 0.0)
    use: bool = False
    report: bool = False
    kill: int | bool | None = None
    vent: str | None = None  # "enter" | "exit"
    vent_to: int | None = None
    sabotage: str | None = None
    sabotage_room: str | None = None
    chat: str | None = None
    vote: int | str | None = None


IDLE = PlayerInput()
