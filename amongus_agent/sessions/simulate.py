"""`simulate`: one game of the simulator with the agent in some seats, a recording and optional commentary.

The assembly is the same as for the other sessions: a world (here, the simulator's seat views), the
agent behind the ports, the recording, the feed attached to the narrated agent through its
listener hooks. The command line only parses flags and presents what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..recording import RecordingWriter
from ..sim.runner import new_game, play
from ..sim.settings import GameSettings
from .feed_options import FeedOptions

if TYPE_CHECKING:  # the agent and the feed are imported only by games that have them (start-up time)
    from ..sim.engine import Game


@dataclass
class SimulateOptions:
    seed: int = 1
    agents: int = 0
    role: str = "random"
    llm: Any = None
    clock: str = "lockstep"
    persona: Any = None
    speed: float = 0.0
    out: Path | None = None
    feed: FeedOptions = field(default_factory=FeedOptions)


@dataclass
class View:
    """What the caller shows while the game runs (the CLI's live view); all optional."""

    on_events: Callable[[Game, list[dict]], None] | None = None
    on_decision: Callable[[Any, Any, Any, Any], None] | None = None  # (agent, obs, decision, outcome)
    announce: Callable[[str], None] | None = None


def _decisions(show: Callable[[Any, Any, Any, Any], None]):
    """The live view's decision lines as an agent listener."""
    from ..agent.loop import AgentListener

    class Decisions(AgentListener):
        def on_decision(self, agent, obs, decision, outcome) -> None:
            show(agent, obs, decision, outcome)

    return Decisions()


def simulate(settings: GameSettings, opts: SimulateOptions, view: View | None = None,
             on_game: Callable[[Game], None] | None = None) -> dict:
    """Play one game to the end; returns the summary (result, roles, per-agent figures, commentary stats).

    `on_game` is told the game before it starts (the CLI's status line reads it).
    """
    view = view or View()
    game = new_game(settings, opts.seed)
    if on_game is not None:
        on_game(game)
    agents = opts.agents
    if opts.feed.specs and agents == 0:
        agents = 1  # commentary is the agent's own: narrate one agent seat
    path = opts.out or Path("recordings") / f"game-{opts.seed}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    seats: dict = {}
    if agents:  # the agent (and all it imports) only when a seat is played by it
        from .seats import agent_seats

        listeners = [_decisions(view.on_decision)] if view.on_decision is not None else []
        seats = agent_seats(game, agents=agents, role=opts.role, llm=opts.llm, clock=opts.clock,
                            persona=opts.persona, listeners=listeners)
    feed = None
    try:
        for s in seats.values():
            s.agent.prepare()  # the model reads the static prompt before the round's clock starts
        feed = opts.feed.open(opts.persona, view.announce)
        if feed is not None:
            from .feed import attach_feed

            seat = seats[min(seats)]
            attach_feed(feed, seat.agent, seat.world.observe(), game.map, persona=opts.persona,
                        neuro_timeout_s=opts.feed.neuro_timeout_s, unpaced=opts.speed == 0)
        with RecordingWriter(path, game.header()) as writer:
            result = play(game, controllers=seats, sinks=[writer], on_events=view.on_events, speed=opts.speed)
    finally:
        for s in seats.values():
            s.close()
        if feed is not None:
            feed.close()
    summary = result.as_dict() | {"recording": str(path), "players": settings.players,
                                  "impostors": settings.impostors}
    if feed is not None:
        summary["commentary"] = feed.stats()
    summary["roles"] = {p.name: p.role for p in game.players}
    summary["agents"] = []
    if seats:
        from .seats import seat_report

        summary["agents"] = [seat_report(game, s) for s in seats.values()]
    return summary
