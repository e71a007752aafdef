"""The recording file format (JSON Lines, `docs/recording.md`): one header line, then one event per line.

These models are the boundary for reading: every line of a recording passes through them. Writing
goes around them on purpose (the simulator writes plain dicts, see `io.py`), so the models are as
permissive as the format allows: extra fields are kept, unknown event types become `GenericEvent`.
Player ids are small ints; in JSON object keys (`positions`, `tally`) they appear as strings.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, field_validator

from ..ports import MAX_PLAYERS

RECORDING_VERSION = 1

Point = tuple[float, float]
Role = Literal["crewmate", "impostor"]
Winner = Literal["crew", "impostors"]
SabotageKind = Literal["lights", "reactor", "oxygen", "comms", "doors"]
# Limits a reader holds every line to (docs/recording.md): finite numbers in ranges no game reaches,
# so nothing downstream (summary, checker, drawing) meets an overflow, and text no longer than a line.
MAX_TIME_S = 1e6
MAX_COORD = 1e4
MAX_TEXT = 10_000
PlayerId = Annotated[int, Field(ge=0, le=1000)]
Time = Annotated[float, Field(ge=0, le=MAX_TIME_S, allow_inf_nan=False)]
Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Name = Annotated[str, Field(max_length=200)]

END_REASONS = ("tasks", "votes", "kills", "sabotage", "time_limit")

# The twelve Among Us colours as (B, G, R) for OpenCV, keyed by the name a header uses.
PLAYER_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (17, 17, 197),
    "blue": (209, 46, 19),
    "green": (45, 127, 17),
    "pink": (186, 84, 237),
    "orange": (13, 125, 239),
    "yellow": (87, 245, 245),
    "black": (78, 71, 63),
    "white": (240, 224, 214),
    "purple": (187, 47, 107),
    "brown": (30, 73, 113),
    "cyan": (220, 254, 56),
    "lime": (57, 239, 80),
}
COLOR_ORDER = list(PLAYER_COLORS)


class _Open(BaseModel):
    """Extra fields are allowed: the simulator may add details the format does not name yet."""

    model_config = ConfigDict(extra="allow", frozen=True)


class PlayerInfo(_Open):
    id: PlayerId
    color: Name
    name: Name
    role: Role


class Header(_Open):
    type: Literal["header"] = "header"
    version: int
    seed: int | Name | None = None
    map: Annotated[str, Field(min_length=1, max_length=4096)]
    settings: dict[str, Any] = {}
    players: list[PlayerInfo] = Field(min_length=1, max_length=MAX_PLAYERS)

    @field_validator("players")
    @classmethod
    def _ids_in_order(cls, players: list[PlayerInfo]) -> list[PlayerInfo]:
        # ids double as list indices everywhere (summaries, the checker), so they must be 0..N-1
        ids = [p.id for p in players]
        if ids != list(range(len(players))):
            raise ValueError(f"player ids must be 0..{len(players) - 1} in order, got {ids}")
        return players


class EventBase(_Open):
    """What every event has: game seconds since the start, and its type."""

    t: Time
    type: Name


class PosEvent(EventBase):
    type: Literal["pos"]
    positions: dict[PlayerId, tuple[Coord, Coord]]  # JSON keys are strings; pydantic turns "3" into 3
    ghosts: list[PlayerId] | None = Field(None, max_length=MAX_PLAYERS)


class TaskEvent(EventBase):
    type: Literal["task"]
    player: PlayerId
    task: Name
    step: Annotated[int, Field(ge=0, le=1000)]
    done: bool


class KillEvent(EventBase):
    type: Literal["kill"]
    killer: PlayerId
    victim: PlayerId
    pos: tuple[Coord, Coord]


class VentEvent(EventBase):
    type: Literal["vent"]
    player: PlayerId
    action: Literal["enter", "move", "exit"]
    vent: Count


class SabotageEvent(EventBase):
    type: Literal["sabotage"]
    kind: SabotageKind
    by: PlayerId
    room: Name | None = None


class SabotageFixedEvent(EventBase):
    type: Literal["sabotage_fixed"]
    kind: SabotageKind
    by: PlayerId | None = None


class ReportEvent(EventBase):
    type: Literal["report"]
    reporter: PlayerId
    victim: PlayerId


class EmergencyEvent(EventBase):
    type: Literal["emergency"]
    caller: PlayerId


class MeetingStartEvent(EventBase):
    type: Literal["meeting_start"]
    caller: PlayerId | None = None
    reason: Literal["report", "emergency"] | None = None


class ChatEvent(EventBase):
    type: Literal["chat"]
    player: PlayerId
    text: Text


class VoteEvent(EventBase):
    type: Literal["vote"]
    voter: PlayerId
    target: PlayerId | Literal["skip"]


class EjectEvent(EventBase):
    type: Literal["eject"]
    player: PlayerId | None
    tally: dict[Name, Count] = Field(max_length=MAX_PLAYERS + 1)
    role: Role | None = None

    @field_validator("tally")
    @classmethod
    def _tally_keys(cls, tally: dict[str, int]) -> dict[str, int]:
        bad = [k for k in tally if k != "skip" and not (k.isascii() and k.isdigit() and len(k) <= 4)]
        if bad:
            raise ValueError(f"tally keys are player ids or 'skip', not {bad[0]!r}")
        return tally


class MeetingEndEvent(EventBase):
    type: Literal["meeting_end"]


class EndEvent(EventBase):
    type: Literal["end"]
    winner: Winner
    reason: Name


class GenericEvent(EventBase):
    """An event type this reader does not know: kept, so newer simulators stay readable."""


KNOWN_EVENTS: dict[str, type[EventBase]] = {
    "pos": PosEvent,
    "task": TaskEvent,
    "kill": KillEvent,
    "vent": VentEvent,
    "sabotage": SabotageEvent,
    "sabotage_fixed": SabotageFixedEvent,
    "report": ReportEvent,
    "emergency": EmergencyEvent,
    "meeting_start": MeetingStartEvent,
    "chat": ChatEvent,
    "vote": VoteEvent,
    "eject": EjectEvent,
    "meeting_end": MeetingEndEvent,
    "end": EndEvent,
}


def _event_tag(raw: Any) -> str:
    kind = raw.get("type") if isinstance(raw, dict) else getattr(raw, "type", None)
    return kind if isinstance(kind, str) and kind in KNOWN_EVENTS else "other"  # a list or dict is no tag


Event = Annotated[
    Annotated[PosEvent, Tag("pos")]
    | Annotated[TaskEvent, Tag("task")]
    | Annotated[KillEvent, Tag("kill")]
    | Annotated[VentEvent, Tag("vent")]
    | Annotated[SabotageEvent, Tag("sabotage")]
    | Annotated[SabotageFixedEvent, Tag("sabotage_fixed")]
    | Annotated[ReportEvent, Tag("report")]
    | Annotated[EmergencyEvent, Tag("emergency")]
    | Annotated[MeetingStartEvent, Tag("meeting_start")]
    | Annotated[ChatEvent, Tag("chat")]
    | Annotated[VoteEvent, Tag("vote")]
    | Annotated[EjectEvent, Tag("eject")]
    | Annotated[MeetingEndEvent, Tag("meeting_end")]
    | Annotated[EndEvent, Tag("end")]
    | Annotated[GenericEvent, Tag("other")],
    Discriminator(_event_tag),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

# Fields of each event type that name a player, so the reader can check them against the header.
PLAYER_FIELDS: dict[str, tuple[str, ...]] = {
    "task": ("player",),
    "kill": ("killer", "victim"),
    "vent": ("player",),
    "sabotage": ("by",),
    "sabotage_fixed": ("by",),
    "report": ("reporter", "victim"),
    "emergency": ("caller",),
    "meeting_start": ("caller",),
    "chat": ("player",),
    "vote": ("voter", "target"),
    "eject": ("player",),
}


def player_ids(event: EventBase) -> list[int]:
    """Every player id an event refers to (None and "skip" left out)."""
    ids = [getattr(event, name) for name in PLAYER_FIELDS.get(event.type, ())]
    if isinstance(event, PosEvent):
        ids += list(event.positions) + list(event.ghosts or [])
    elif isinstance(event, EjectEvent):
        ids += [int(k) for k in event.tally if k.isdigit()]
    return [i for i in ids if isinstance(i, int)]
