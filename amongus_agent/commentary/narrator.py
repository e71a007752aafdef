"""Turn a `GameDecisionEvent` into one short spoken line in the persona's voice.

Templates by default (offline, instant, from `prompts/commentary_templates.json`); with a model,
the same OpenAI-compatible client the agent uses writes the line from `prompts/commentary.txt`,
and the template line stands in whenever the model fails or says nothing (narration is
decoration: silence or a stock line beats a stall).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..agent.persona import Persona
from ..brain.untrusted import chat_problem, defuse
from ..errors import DataError
from ..paths import resolve_data_file
from ..prompts import load_prompt, load_prompt_json
from .events import GameDecisionEvent

MAX_CHARS = 140


@lru_cache(maxsize=8)
def load_templates(name: str = "commentary_templates") -> dict[str, list[str]]:
    """Lines by event kind from a JSON file in `prompts/` (or a path)."""
    path = resolve_data_file("prompts", name, ".json")
    raw = load_prompt_json(name)
    if not isinstance(raw, dict):
        raise DataError(str(path), "", "expected an object of kind -> list of lines")
    out: dict[str, list[str]] = {}
    for kind, lines in raw.items():
        if kind.startswith("_"):
            continue
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise DataError(str(path), kind, "expected a list of strings")
        out[kind] = lines
    return out


def clip(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2:] else cut) + "…"


class Narrator:
    def __init__(self, persona: Persona | None = None, llm: Any = None, templates: str = "commentary_templates",
                 max_chars: int = MAX_CHARS) -> None:
        self.persona = persona
        self.llm = llm
        self.templates = load_templates(templates)
        self.max_chars = max_chars

    def fields(self, event: GameDecisionEvent) -> dict[str, str]:
        values: dict[str, Any] = {**event.background.model_dump(), "kind": event.kind, "task": event.task,
                                  "action": event.action, "thought": event.thought, "observation": event.observation,
                                  **event.detail}
        if self.persona is not None and self.persona.catchphrases:
            values["catchphrase"] = self.persona.catchphrases[event.seq % len(self.persona.catchphrases)]
        else:
            values.setdefault("catchphrase", "")
        return {k: clip(str(v), self.max_chars) for k, v in values.items() if v is not None and v != ""} | {
            "catchphrase": values.get("catchphrase") or ""}

    def template_line(self, event: GameDecisionEvent) -> str:
        """The first variant (rotating by `seq`) whose fields the event has."""
        values = self.fields(event)
        variant = event.detail.get("variant")
        for key in ((f"{event.kind}.{variant}", event.kind) if variant else (event.kind,)):
            lines = self.templates.get(key) or []
            for i in range(len(lines)):
                template = lines[(event.seq + i) % len(lines)]
                try:
                    line = template.format(**values)
                except (KeyError, IndexError, ValueError):
                    continue
                return clip(line, self.max_chars)
        return clip(event.thought or event.observation or event.action or event.kind.replace("_", " "), self.max_chars)

    def narrate(self, event: GameDecisionEvent) -> str:
        draft = self.template_line(event)
        if self.llm is None:
            return draft
        said = self.llm.say(self._system(event), self._user(event, draft), max_chars=self.max_chars)
        if not said:
            return draft
        said = clip(said, self.max_chars)
        # spoken aloud on stream: JSON, code, markup or instruction text is never said (the template
        # line is); talking about its own role is the commentary's business, so that is allowed here
        problem = chat_problem(said, limit=self.max_chars)
        return said if problem in (None, "role or thought leak") else draft

    def _system(self, event: GameDecisionEvent) -> str:
        """The player's own system message, the same as its decisions' (one cached prefix at the server)."""
        from ..brain.prompt import system_prompt

        bg = event.background
        voice = self.persona.describe() if self.persona else ""
        return system_prompt(bg.role or "crewmate", bg.player or "the player", voice)

    def _instructions(self, event: GameDecisionEvent) -> str:
        bg = event.background
        return load_prompt("commentary").format(
            persona_name=self.persona.name if self.persona else (bg.persona or bg.player or "the streamer"),
            game=bg.game, map=bg.map, player=bg.player or "your character", role=bg.role or "player",
            max_chars=self.max_chars)

    def _user(self, event: GameDecisionEvent, draft: str) -> str:
        facts = {k: v for k, v in self.fields(event).items() if k not in ("game", "map", "persona", "catchphrase")}
        lines = [f"{k}: {defuse(v)}" for k, v in facts.items()]
        return self._instructions(event) + "\n\n" + load_prompt("commentary_event").format(
            priority=event.priority, t=f"{event.game_t:.0f}", facts="\n".join(lines), draft=draft)
