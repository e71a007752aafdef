"""Bridge messages: JSON Lines over TCP, one object per line, versioned (`v`).

Game -> agent: `hello` (the seat you play), `frame` (what the local player perceives now: an
`Observation` plus `type`/`v`), `event` (something the local player perceived happen: a meeting
called, a chat line, its own task step; the same events a simulator seat is told of), `end`.
Agent -> game: `input` (stick, buttons, chat, vote). A mod
for the real client, or our simulator's `sim-server`, speaks the same lines. Unknown fields are
ignored so either side can grow; see docs/bridge.md (its JSON Schema is generated from these models).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..ports import DEFAULT_RULES, Observation
from ..recording.format import Event as RecordedEvent

BRIDGE_VERSION = 1
MAX_LINE = 1 << 20  # a line longer than this is malformed, whatever it holds


class Hello(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["hello"] = "hello"
    v: int = BRIDGE_VERSION
    seat: int
    name: str = ""
    map: str = "skeld"
    tick_s: float = DEFAULT_RULES.tick_s
    player_speed: float = DEFAULT_RULES.player_speed


class Frame(Observation):
    """One tick of the local player's view."""

    type: Literal["frame"] = "frame"
    v: int = BRIDGE_VERSION


class Event(BaseModel):
    """One event the local player perceived, as the recording format writes it (`type`, `t`, ...)."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["event"] = "event"
    v: int = BRIDGE_VERSION
    event: RecordedEvent


class End(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["end"] = "end"
    v: int = BRIDGE_VERSION
    winner: str | None = None
    reason: str | None = None


class Input(BaseModel):
    """What the agent sends for one tick: buttons are presses (act once), the stick holds until changed."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["input"] = "input"
    v: int = BRIDGE_VERSION
    stick: tuple[float, float] = (0.0, 0.0)
    buttons: list[Literal["use", "report", "kill", "vent", "sabotage"]] = []
    kill_target: int | None = None
    vent: Literal["enter", "exit"] | None = None
    vent_to: int | None = None
    sabotage: str | None = None
    sabotage_room: str | None = None
    chat: Annotated[str, Field(max_length=DEFAULT_RULES.chat_max_chars)] | None = None
    vote: int | Literal["skip"] | None = None


Message = Annotated[Hello | Frame | Event | End | Input, Field(discriminator="type")]
_ADAPTER: TypeAdapter = TypeAdapter(Message)


class BadLine(ValueError):
    pass


def parse_line(line: bytes | str) -> Hello | Frame | Event | End | Input:
    """One line -> one message; anything else raises `BadLine` with what was wrong."""
    if len(line) > MAX_LINE:
        raise BadLine(f"line longer than {MAX_LINE} bytes")
    try:
        raw = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadLine(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise BadLine("not a JSON object")
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BadLine(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None


def dump(message: BaseModel) -> bytes:
    return (message.model_dump_json(exclude_defaults=False) + "\n").encode()


def json_schema() -> dict:
    return _ADAPTER.json_schema()
