"""Everything that crosses between the agent and a world (the simulator or the real client).

One agent, two worlds: the agent reaches a world only through what is written here.
- `Observation` (pydantic, it crosses process boundaries) is what one seat perceives at one moment,
  with the lobby's `Rules` the player knows;
- `LegalAction` is one thing the player may do now, with its numbers as fields (never prose to be
  parsed back) and a typed `ActionKind`; `VerifiedDecision` is a brain's checked choice among them;
- `World` and `Actuator` are the Protocols a world implements: observations and proprioception in,
  stick, buttons, chat and vote out. An actuator that cannot carry something out (a gamepad cannot
  type) says so by returning False and logging why; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field

Point = tuple[float, float]

ActionKind = Literal[
    "task", "fix", "report", "emergency", "kill", "vent", "sabotage", "fake_task", "follow", "wait", "wander",
    "vote", "chat",
]
ACTION_KINDS: frozenset[str] = frozenset(get_args(ActionKind))
Button = Literal["use", "report", "kill", "vent", "sabotage"]
SabotageKind = Literal["lights", "reactor", "oxygen", "comms", "doors"]


class UnknownActionKind(ValueError):
    """An action of a kind no flow knows: a programming error, never a silent stand-still."""


@dataclass(frozen=True, slots=True)
class LegalAction:
    """One thing the player may do now. `name` is what a model must write back, exactly.

    The numbers a brain needs are fields: `step`/`steps` of a task, `ready_in` seconds until a step
    can be done (Inspect Sample's wait), `time_left` of a critical sabotage, `witnesses` in view of a
    kill, `task` the task's name in the task table. `target` is a player id, vent id ("enter"/"exit"),
    sabotage kind or task index.
    """

    name: str
    kind: ActionKind
    position: Point | None = None
    description: str = ""
    target: int | str | None = None
    distance: float | None = None
    task: str | None = None
    step: int | None = None
    steps: int | None = None
    ready_in: float = 0.0
    time_left: float | None = None
    witnesses: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTION_KINDS:
            known = ", ".join(sorted(ACTION_KINDS))
            raise UnknownActionKind(f"unknown action kind {self.kind!r} (known: {known})")


@dataclass(frozen=True, slots=True)
class VerifiedDecision:
    """A decision after verification: only legal actions, positions from the legal list."""

    actions: tuple[LegalAction, ...]
    thought: str
    observation: str

    @property
    def action(self) -> LegalAction:
        return self.actions[0]


MAX_PLAYERS = 15  # the game's lobby maximum: settings, recordings and bridge frames are held to it


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Rules(_Model):
    """The rule values a player knows (the lobby shows them): the one table the simulator's settings,
    the observation and the brains read. Defaults are the real game's (SkeldJS GameOptions); speeds
    and ranges in world units are estimates."""

    player_speed: float = Field(2.5, gt=0, le=20, description="units per second at full stick (estimate)")
    tick_s: float = Field(0.1, gt=0, le=1, description="seconds between two inputs of the world's loop")
    kill_cooldown_s: float = Field(45.0, ge=0, le=3600)
    kill_range: float = Field(1.8, gt=0, le=10, description="medium kill distance")
    use_range: float = Field(0.8, gt=0, le=10, description="from a standing spot, vent or button (estimate)")
    report_range: float = Field(2.0, gt=0, le=20, description="estimate")
    chat_max_chars: int = Field(100, ge=1, le=500)
    discussion_s: float = Field(15.0, ge=0, le=3600)
    voting_s: float = Field(120.0, gt=0, le=3600)


DEFAULT_RULES = Rules()


class SeenPlayer(_Model):
    id: int
    name: str
    color: str
    position: Point
    distance: float
    room: str


class SeenBody(_Model):
    victim: int
    name: str
    position: Point
    distance: float
    room: str


class TaskStepView(_Model):
    task: str
    index: int  # the task's index in the player's list
    step: int
    steps: int
    label: str
    kind: Literal["common", "long", "short"]
    room: str
    position: Point
    ready_in: float = 0.0  # seconds until the step can be done (Inspect Sample's wait)


class VentView(_Model):
    id: int
    name: str
    room: str
    position: Point
    distance: float
    links: list[int]


class SabotageView(_Model):
    kind: str
    time_left: float | None = None
    panels: list[tuple[str, Point]] = []  # (room and place, standing spot) still to fix


class ChatLine(_Model):
    player: int
    name: str
    text: str
    t: float


class MeetingView(_Model):
    reason: str
    caller: int
    caller_name: str
    victim: int | None = None
    victim_name: str | None = None
    phase: Literal["discussion", "voting"]
    time_left: float
    chat: list[ChatLine] = []
    voted: list[int] = []  # who has voted (not for whom, as the game shows)
    my_vote: int | str | None = None


class Observation(_Model):
    t: float
    phase: Literal["tasks", "meeting", "ended"]
    me: int
    name: str
    color: str
    role: Literal["crewmate", "impostor"]
    position: Point
    room: str
    alive: bool
    in_vent: int | None = None
    busy: bool = False  # at a console: a task or fix is in progress
    kill_cooldown: float = 0.0
    emergencies_left: int = 0
    button_ready: bool = False
    sabotage_ready: bool = False
    partners: list[int] = []
    tasks: list[TaskStepView] = []
    tasks_hidden: bool = False
    tasks_done: list[str] = []
    players: list[SeenPlayer] = []
    bodies: list[SeenBody] = []
    vents: list[VentView] = []
    sabotage: SabotageView | None = None
    meeting: MeetingView | None = None
    alive_players: list[tuple[int, str]] = []
    task_bar: float = 0.0
    rules: Rules = DEFAULT_RULES


class Actuator(Protocol):
    """Input out: what a gamepad, keyboard and mouse can do, and nothing else.

    `press` taps a button (held as long as the device needs to register it); `target` says which
    player to kill, which vent to move to ("enter"/"exit"/vent id) or which sabotage to start
    ("kind" or "doors:Room"). `chat` and `vote` return False when this actuator cannot carry them
    out, after logging why. `abort` stops all input at once and refuses more.
    """

    def stick(self, x: float, y: float) -> None: ...

    def press(self, button: Button, target: int | str | None = None) -> None: ...

    def chat(self, text: str) -> bool: ...

    def vote(self, target: int | str) -> bool: ...

    def release_all(self) -> None: ...

    def abort(self) -> None: ...


class World(Protocol):
    """One seat's window on a game: observations, cheap proprioception, events it perceived, input out."""

    actuator: Actuator

    @property
    def t(self) -> float: ...

    def observe(self) -> Observation: ...

    def position(self) -> Point: ...

    def busy(self) -> bool: ...

    def perceived(self) -> list[dict]:
        """Events this seat perceived since the last call (meeting calls, chat, its own task steps)."""
        ...
