"""The decision format of the seed design, and its check against the legal actions.

A brain answers `{"Action": {"name", "position"}, "Thought", "Observation"}`. Model output is
untrusted: the name must be one of the legal actions offered in the prompt, and the position is
always taken from that legal action, never from the model (action verification). Up to three
actions may be queued from one decision (`Actions`, optional, the seed's "no more than 3").
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..ports import LegalAction, VerifiedDecision

MAX_QUEUED = 3


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


__all__ = ["ActionChoice", "Decision", "IllegalDecision", "ValidationError", "decision_schema", "verify"]
