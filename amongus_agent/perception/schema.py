"""JSON shapes of what perception reports at the boundary (CLI output, logs, the agent's memory)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ChatMessageOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    speaker: str
    color: str
    text: str


class WirePairOut(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    color: str
    start: tuple[int, int] = Field(serialization_alias="from")
    end: tuple[int, int] = Field(serialization_alias="to")


class WiringOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    panel: tuple[int, int, int, int]
    pairs: list[WirePairOut]




class ChatLineOut(BaseModel):
    """One line of `ocr-chat --json`: a chat message or a vote notice ("X has voted. N remaining.")."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    kind: Literal["chat", "vote"]
    speaker: str = Field(max_length=64)  # "" for a vote notice
    color: str = Field(max_length=16)  # a palette colour, or "unknown"
    text: str = Field(max_length=400)
    is_self: bool = Field(serialization_alias="self")
    confidence: float = Field(ge=0, le=1)


class TargetOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    click: tuple[int, int]


class PlateOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    color: str | None  # None when the body's colour is not sure: never vote for such a plate by colour
    name: str = Field(max_length=64)
    alive: bool
    voted: bool
    reporter: bool
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    click: tuple[int, int]


class VotingOut(BaseModel):
    """`read-voting --json`."""

    model_config = ConfigDict(frozen=True)

    stage: Literal["voting", "results"]
    plates: list[PlateOut]
    skip: TargetOut | None
    confirm: TargetOut | None
