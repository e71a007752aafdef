"""Wire a feed to one agent seat of the simulator: its emitter, its callbacks, its Neuro vote."""

from __future__ import annotations

from typing import Any

from ..commentary.emitter import Emitter
from ..commentary.events import Background
from ..commentary.feed import Feed
from ..commentary.sinks import NeuroVoteAdvisor


def attach_seat(feed: Feed, game: Any, seat: Any, persona: Any = None, neuro_timeout_s: float = 5.0) -> Emitter:
    """An emitter for `seat` (an `AgentSeat`); sets the agent's `on_action` and, with a neuro sink, its `vote_advisor`.

    The caller chains `emitter.on_decision` into the agent's `on_decision` and feeds `emitter.on_events`
    from the runner's `on_events` (both already have the live view's callbacks to call).
    """
    me = game.players[seat.seat]
    background = Background(map=game.map.name, role=me.role, player=me.name,
                            persona=persona.name if persona is not None else None)

    def sees(e: dict) -> bool:  # only kills the player could have seen
        x, y = e["pos"]
        return bool(game.sees_point(game.players[seat.seat], x, y))

    emitter = Emitter(feed.emit, me=seat.seat, names={p.id: p.name for p in game.players}, background=background,
                      sees=sees, rooms=lambda pos: game.map.room_of((pos[0], pos[1])))
    seat.agent.on_action = emitter.on_action
    neuro = feed.sink("neuro")
    if neuro is not None:
        seat.agent.vote_advisor = NeuroVoteAdvisor(neuro, neuro_timeout_s)
    emitter.start(game.t)
    return emitter
