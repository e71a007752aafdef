"""JSON shapes of what perception reports at the boundary (CLI output, logs, the agent's memory)."""

from __future__ import annotations

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


