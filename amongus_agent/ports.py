"""Shared types at the ports between the agent and a world (simulator or real client).

`Observation` is what one seat perceives at one moment — only what that player could see — and it
travels with what the player may do now (the legal actions are computed from it). Pydantic,
because it crosses boundaries: the simulator hands it to the agent, a bridge reads it off a socket.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Point = tuple[float, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


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
    kill_range: float = 1.8
    use_range: float = 0.8
    report_range: float = 2.0
