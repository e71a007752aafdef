"""The decision format of the seed design, and its check against the legal actions.

A brain answers `{"Action": {"name", "position"}, "Thought", "Observation"}`. Model output is
untrusted: the name must be one of the legal actions offered in the prompt, and the position is
always taken from that legal action, never from the model (action verification). Up to three
actions may be queued from one decision (`Actions`, optional, the seed's "no more than 3").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..world.schema import Point

MAX_QUEUED = 3


@dataclass(frozen=True, slots=True)
class LegalAction:
    """One thing the player may do now. `name` is what the model must write back, exactly."""

    name: str
    kind: str  # task | fix | report | emergency | kill | vent | sabotage | fake_task | follow | wait | wander | vote | chat
    position: Point | None = None
    description: str = ""
    target: int | str | None = None  # player id, vent id, sabotage kind, task index...
    distance: float | None = None


class ActionChoice(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=120)
    position: list[float] | None = None


class Decision(BaseModel):
    """A brain's answer as written: field names follow the seed's prompt (capitalised)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    Action: ActionChoice
    Thought: str = Field(default="", max_length=2000)
    Observation: str = Field(default="", max_length=2000)
    Actions: list[ActionChoice] | None = Field(default=None, max_length=MAX_QUEUED)


@dataclass(frozen=True, slots=True)
class VerifiedDecision:
    """A decision after verification: only legal actions, positions from the legal list."""

    actions: tuple[LegalAction, ...]
    thought: str
    observation: str

    @property
    def action(self) -> LegalAction:
        return self.actions[0]


class IllegalDecision(ValueError):
    """The answer parsed but names something not offered; the message is shown to the model on retry."""


def verify(raw: dict | Decision, legal: list[LegalAction]) -> VerifiedDecision:
    """Validate a brain's answer against the legal actions; raise `IllegalDecision` or `ValidationError`."""
    decision = raw if isinstance(raw, Decision) else Decision.model_validate(raw)
    by_name = {a.name: a for a in legal}
    chosen: list[LegalAction] = []
    for choice in [decision.Action, *(decision.Actions or [])][:MAX_QUEUED]:
        action = by_name.get(choice.name.strip())
        if action is None:
            names = ", ".join(f'"{n}"' for n in list(by_name)[:12])
            raise IllegalDecision(f'"{choice.name}" is not one of the legal actions: {names}')
        if action not in chosen:
            chosen.append(action)
    return VerifiedDecision(tuple(chosen), decision.Thought.strip(), decision.Observation.strip())


def decision_schema(legal_names: list[str], text_chars: int | None = None) -> dict:
    """JSON schema of the answer with the legal names as an enum, for constrained decoding.

    `text_chars` bounds `Thought` and `Observation` (maxLength): a grammar-constrained server then
    cannot spend the time budget on a long monologue.
    """
    text: dict = {"type": "string"} if text_chars is None else {"type": "string", "maxLength": text_chars}
    return {
        "type": "object",
        "properties": {
            "Action": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "enum": legal_names},
                    "position": {"anyOf": [{"type": "array", "items": {"type": "number"}, "minItems": 2,
                                            "maxItems": 2}, {"type": "null"}]},
                },
                "required": ["name", "position"],
                "additionalProperties": False,
            },
            "Thought": dict(text),
            "Observation": dict(text),
        },
        "required": ["Action", "Thought", "Observation"],
        "additionalProperties": False,
    }


__all__ = [
    "ActionChoice", "Decision", "IllegalDecision", "LegalAction", "VerifiedDecision", "ValidationError",
    "decision_schema", "verify",
]
