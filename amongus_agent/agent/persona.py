"""A persona: who the agent plays (name, background, personality, tone, catchphrases).

It flavours what the agent says — meeting chat and commentary — never what it decides.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..prompts import load_prompt
from ..world.loading import load_json_model


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    background: str = Field("", max_length=2000)  # the persona goes into every prompt: keep it short
    personality: str = Field("", max_length=2000)
    tone: str = Field("", max_length=500)
    catchphrases: list[Annotated[str, Field(max_length=200)]] = Field([], max_length=50)

    def describe(self) -> str:
        """The persona as told to a model (prompts/persona.txt); lines of empty fields are left out."""
        fields = {"name": self.name, "background": self.background, "personality": self.personality,
                  "tone": self.tone, "catchphrases": "; ".join(self.catchphrases[:4])}
        lines = [line.strip() for line in load_prompt("persona").splitlines()
                 if line.strip() and all(fields.get(k) for k in re.findall(r"{(\w+)}", line))]
        return " ".join(line.format(**fields) for line in lines)

    def catchphrase(self, rng: random.Random) -> str | None:
        return self.catchphrases[rng.randrange(len(self.catchphrases))] if self.catchphrases else None


MAX_PERSONA_BYTES = 1024 * 1024


def load_persona(path: str | Path) -> Persona:
    return load_json_model(Path(path), Persona, max_bytes=MAX_PERSONA_BYTES)
