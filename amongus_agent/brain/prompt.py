"""Render the agent's prompt from the template files in `prompts/`: a pure function of the observation.

The static part (role, goal, background, rules, strategy, voice, constraints, reply format) is the
system message and never changes within a game; every prompt kind (task decision, meeting chat,
vote, commentary) sends the very same system message first, so a server can reuse its cached
prefix whichever kind came before. The changing state (action list, executed tasks, retrieved
memories, status, the chat, the event) comes last, in the user message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..ports import LegalAction, Observation
from ..prompts import load_prompt
from .memory import Memory


@dataclass(frozen=True, slots=True)
class Prompt:
    system: str
    user: str

    @property
    def text(self) -> str:
        return f"{self.system}\n\n{self.user}"

    def approx_tokens(self) -> int:
        """The documented estimate (tokenizer.estimate_tokens), for when no server tokenizer is at hand."""
        from .tokenizer import TEMPLATE_TOKENS, estimate_tokens

        return estimate_tokens(self.system) + estimate_tokens(self.user) + 2 * TEMPLATE_TOKENS


@lru_cache(maxsize=32)
def system_prompt(role: str, name: str, voice: str = "") -> str:
    """The one static system message of a player's game, shared by every prompt kind (see the module doc)."""
    return load_prompt("system").format(
        role=load_prompt(f"role_{role}").format(name=name),
        game=load_prompt("game"),
        rules=load_prompt("rules"),
        strategy=load_prompt(f"strategy_{role}"),
        voice=voice or "Your own: short, plain, in character.",
        constraints=load_prompt("constraints"),
        response_format=load_prompt("response_format"),
    )


def render_actions(legal: list[LegalAction]) -> str:
    lines = []
    for a in legal:
        parts = [f'"{a.name}"']
        if a.description:
            parts.append(a.description)
        if a.distance is not None:
            parts.append(f"distance {a.distance:.1f}")
        if a.position is not None:
            parts.append(f"position ({a.position[0]:.2f}, {a.position[1]:.2f})")
        lines.append(": ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if len(parts) > 1 else ""))
    return "\n".join(lines)


def render_status(obs: Observation) -> str:
    lines = [f"You are in {obs.room}, position ({obs.position[0]:.2f}, {obs.position[1]:.2f}), "
             f"{'alive' if obs.alive else 'dead (a ghost)'}. Task bar {obs.task_bar:.0%}."]
    if obs.role == "impostor":
        lines.append(f"Kill cooldown {obs.kill_cooldown:.0f} s. Fellow impostors: "
                     f"{', '.join(n for pid, n in obs.alive_players if pid in obs.partners) or 'none alive'}.")
    if obs.sabotage is not None:
        left = f", {obs.sabotage.time_left:.0f} s left" if obs.sabotage.time_left is not None else ""
        lines.append(f"Sabotage active: {obs.sabotage.kind}{left}.")
    if obs.tasks_hidden:
        lines.append("Comms are down: your task list is hidden.")
    lines.append("; ".join(f"Body of {b.name} in {b.room}, distance {b.distance:.1f}" for b in obs.bodies)
                 or "No body in sight.")
    if obs.players:
        lines += [f"{p.name} is around you, distance {p.distance:.1f}, in {p.room}" for p in obs.players[:8]]
    else:
        lines.append("Nobody in sight.")
    return "\n".join(lines)


def extra_info(obs: Observation, memory: Memory, k: int = 5) -> str:
    query = " ".join([obs.room, *(b.name for b in obs.bodies), *(p.name for p in obs.players), "kill body vent"])
    lines = [f"[{e.t:.0f}s] {e.text}" for e in sorted(memory.retrieve(query, obs.t, k), key=lambda e: e.t)]
    names = dict(obs.alive_players)
    sus = [(names[pid], s) for pid, s in sorted(memory.suspicion.items()) if pid in names and s > 0.2]
    if sus:
        lines.append("Suspicion: " + ", ".join(f"{n} {s:.1f}" for n, s in sorted(sus, key=lambda x: -x[1])[:4]))
    return "\n".join(lines) or "Nothing notable yet."


def render(obs: Observation, legal: list[LegalAction], memory: Memory, voice: str = "") -> Prompt:
    user = load_prompt("turn").format(
        actions=render_actions(legal),
        executed="\n".join(obs.tasks_done) or "None yet.",
        extra=extra_info(obs, memory),
        status=render_status(obs),
    )
    return Prompt(system_prompt(obs.role, obs.name, voice), user)

