"""`GameDecisionEvent`: one thing worth narrating, with the background a narrator needs and a priority.

The seed design wraps world events, the agent's thoughts and its current action into these events
and gives each a priority so the commentary never falls behind the game: critical and high events
jump the queue and clear stale low chatter, and every event carries an expiry (wall and game time)
after which saying it would be late. Priorities use the Neuro API's four levels.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Priority = Literal["critical", "high", "medium", "low"]
PRIORITIES: tuple[Priority, ...] = ("critical", "high", "medium", "low")
RANK: dict[str, int] = {p: i for i, p in enumerate(PRIORITIES)}  # 0 is the most urgent

Kind = Literal[
    "game_start", "kill", "death", "kill_seen", "body_found", "meeting", "vote", "eject", "sabotage",
    "sabotage_fixed", "task_done", "decision", "thought", "observation", "action_started", "chat", "game_end",
]

# kind -> (priority, seconds of wall time it stays worth saying, seconds of game time likewise)
POLICY: dict[str, tuple[Priority, float, float]] = {
    "game_start": ("high", 30.0, 20.0),
    "kill": ("critical", 20.0, 15.0),
    "death": ("critical", 20.0, 30.0),
    "kill_seen": ("critical", 20.0, 15.0),
    "body_found": ("critical", 20.0, 15.0),
    "meeting": ("critical", 30.0, 30.0),
    "eject": ("critical", 30.0, 20.0),
    "game_end": ("critical", 60.0, 1e9),
    "vote": ("high", 20.0, 15.0),
    "sabotage": ("high", 15.0, 10.0),
    "sabotage_fixed": ("medium", 10.0, 8.0),
    "task_done": ("medium", 10.0, 8.0),
    "chat": ("medium", 10.0, 8.0),
    "decision": ("low", 6.0, 5.0),
    "action_started": ("low", 6.0, 5.0),
    "thought": ("low", 6.0, 5.0),
    "observation": ("low", 6.0, 5.0),
}


class Background(BaseModel):
    """The game around the event: what a narrator needs to set the scene, the same for a whole game."""

    model_config = ConfigDict(frozen=True)

    game: str = "Among Us"
    map: str = "skeld"
    role: Literal["crewmate", "impostor"] | None = None
    player: str | None = None  # the agent's in-game name
    persona: str | None = None  # who narrates (the persona's name)


class GameDecisionEvent(BaseModel):
    """One narratable moment. `text` is filled by the narrator just before it goes out."""

    model_config = ConfigDict(extra="forbid")

    seq: int = 0  # emission order, set by the queue: same-priority events go out in this order
    kind: Kind
    priority: Priority
    background: Background = Background()
    game_t: float = 0.0  # game seconds
    wall_t: float = Field(default_factory=time.time)  # Unix seconds when emitted
    expires_wall: float | None = None  # Unix seconds after which it is not said
    expires_game: float | None = None  # game seconds after which it is not said
    task: str | None = None
    action: str | None = None
    thought: str | None = None
    observation: str | None = None
    detail: dict[str, Any] = {}  # names and facts the templates use (victim, target, room, ...)
    text: str = ""

    def expired(self, now_wall: float, now_game: float | None = None) -> bool:
        if self.expires_wall is not None and now_wall > self.expires_wall:
            return True
        return now_game is not None and self.expires_game is not None and now_game > self.expires_game


def make_event(kind: str, *, background: Background, game_t: float, priority: Priority | None = None,
               wall_t: float | None = None, **fields: Any) -> GameDecisionEvent:
    """An event with the default priority and expiry of its kind (both can be overridden)."""
    default, ttl_wall, ttl_game = POLICY[kind]
    now = time.time() if wall_t is None else wall_t
    return GameDecisionEvent(kind=kind, priority=priority or default, background=background, game_t=game_t,
                             wall_t=now, expires_wall=now + ttl_wall, expires_game=game_t + ttl_game, **fields)
