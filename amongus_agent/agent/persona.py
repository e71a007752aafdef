"""A persona: who the agent plays (name, background, personality, tone, catchphrases).

It flavours what the agent says — meeting chat and commentary — never what it decides.
"""

from __future__ import annotations

import random
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..world.loading import load_json_model


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    background: str = ""
    personality: str = ""
    tone: str = ""
    catchphrases: list[str] = []

    def describe(self) -> str:
        parts = [f"You speak as {self.name}."]
        for label, value in (("Background", self.background), ("Personality", self.personality), ("Tone", self.tone)):
            if value:
                parts.append(f"{label}: {value}.")
        if self.catchphrases:
            parts.append("Catchphrases: " + "; ".join(self.catchphrases[:4]) + ".")
        return " ".join(parts)

    def catchphrase(self, rng: random.Random) -> str | None:
        return self.catchphrases[rng.randrange(len(self.catchphrases))] if self.catchphrases else None


def load_persona(path: str | Path) -> Persona:
    return load_json_model(Path(path), Persona)
