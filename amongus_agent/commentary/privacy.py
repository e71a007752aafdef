"""What a feed may show of the agent's secrets: its role and its private thoughts.

A websocket feed can be read by anything that reaches its port, and what it shows often ends up on
stream, where the other players may be watching. So it shows, by default, only what the other
players could know too (`none`); `role` adds the role (own kills, own sabotages, "I'm the
impostor"); `all` adds the agent's mind (decisions, thoughts, observations, planned actions).
"""

from __future__ import annotations

from typing import Literal

from .events import GameDecisionEvent
from .narrator import Narrator

Secrets = Literal["none", "role", "all"]
LEVELS: tuple[Secrets, ...] = ("none", "role", "all")
MIND_KINDS = frozenset({"decision", "action_started", "thought", "observation"})
_public_narrator: Narrator | None = None


def _narrator() -> Narrator:
    global _public_narrator
    if _public_narrator is None:
        _public_narrator = Narrator()
    return _public_narrator


def reveals_role(event: GameDecisionEvent) -> bool:
    """Events only the agent's role explains: its own kill, its own sabotage."""
    return event.kind == "kill" or (event.kind == "sabotage" and bool(event.detail.get("mine")))


def redact(event: GameDecisionEvent, level: Secrets) -> GameDecisionEvent | None:
    """The event as a feed at `level` may show it, or None when it may not be shown at all.

    At `none` the text is narrated again from the templates without the role (a model's line may
    mention it), and `game_start` uses its `public` variant.
    """
    if level == "all":
        return event
    if event.kind in MIND_KINDS:
        return None
    shown = event.model_copy(update={"thought": None, "observation": None})
    if level == "role":
        return shown
    if reveals_role(event):
        return None
    detail = {k: v for k, v in event.detail.items() if k != "mine"}
    if event.kind == "game_start":
        detail["variant"] = "public"
    shown = shown.model_copy(update={"background": event.background.model_copy(update={"role": None}),
                                     "detail": detail})
    shown.text = _narrator().template_line(shown)
    return shown
