"""Attach a commentary feed to one agent, in any world: fed only from the agent's own perceptions.

The emitter hears what the agent's player perceived (its world's events), what the agent decided
and which action flows it started, through the agent's listener hooks; it never reads a
simulator's state, so `simulate`, `sim-server`'s clients and `play` narrate the same way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from ..agent.loop import Agent, AgentListener
from ..commentary.emitter import Emitter
from ..commentary.events import Background
from ..commentary.feed import Feed
from ..commentary.narrator import Narrator
from ..commentary.sinks import NeuroVoteAdvisor
from ..commentary.sinks.ws import is_loopback
from ..commentary.spec import FeedSpec, build_sinks
from ..ports import LegalAction, Observation, VerifiedDecision
from ..world.map import GameMap

log = logging.getLogger(__name__)

SAID_WAIT_S = 5.0  # the longest an unpaced game waits for its lines to be said: bounds a stuck sink


def open_feed(specs: list[FeedSpec], *, persona: Any = None, narrator_llm: Any = None, gap_s: float | None = None,
              token: str | None = None, origins: list[str] | None = None, secrets: str = "none",
              announce: Callable[[str], None] | None = None) -> Feed:
    """Start the feed's sinks; every websocket feed is announced once, with its token, through `announce`
    (the only place the token is shown)."""
    if gap_s is None:
        gap_s = 2.5 if any(s.kind == "openllmvtuber" for s in specs) else 0.0
    sinks = build_sinks(specs, token or os.environ.get("AMONGUS_FEED_TOKEN"), origins or [], secrets)
    feed = Feed(sinks, Narrator(persona, narrator_llm), gap_s=gap_s)
    for ws in (s for s in feed.sinks if s.name == "ws"):
        if announce is not None:
            where = "" if is_loopback(ws.host) else " (reachable from other machines)"
            announce(f"commentary: {ws.url}{where} token {ws.token} (shows secrets: {ws.secrets}) — follow it with: "
                     f"amongus-agent feed tail {ws.url} --token {ws.token}; an overlay connects to {ws.client_url}")
    return feed


class FeedListener(AgentListener):
    """The agent's hooks -> the emitter; player names are learnt from what the agent sees."""

    def __init__(self, emitter: Emitter, wait_said: Callable[[], bool] | None = None) -> None:
        self.emitter = emitter
        self.wait_said = wait_said  # set for an unpaced game: it waits until the lines that matter are said

    def _learn(self, obs: Observation) -> None:
        names = self.emitter.names
        for pid, name in obs.alive_players:
            names.setdefault(pid, name)
        for p in obs.players:
            names.setdefault(p.id, p.name)

    def on_perceived(self, agent: Agent, obs: Observation, events: list[dict]) -> None:
        self._learn(obs)
        self.emitter.on_events(events)
        if self.wait_said is not None and events:
            self.wait_said()

    def on_decision(self, agent: Agent, obs: Observation, decision: VerifiedDecision, outcome: Any) -> None:
        self.emitter.on_decision(agent, obs, decision, outcome)

    def on_action(self, agent: Agent, obs: Observation, action: LegalAction) -> None:
        self.emitter.on_action(agent, obs, action)


def attach_feed(feed: Feed, agent: Agent, obs: Observation, game_map: GameMap, *, persona: Any = None,
                neuro_timeout_s: float = 5.0, unpaced: bool = False) -> Emitter:
    """Narrate `agent` from its first observation `obs` on; with a Neuro API sink, the VTuber may choose the vote.

    `unpaced` is for a game played as fast as the machine allows (`simulate --speed 0`): after each
    batch of perceived events the game waits (at most `SAID_WAIT_S`) until the feed has said all but
    the low chatter (with `--feed-gap`: all the urgent lines), so every meeting, vote and ejection is
    said whatever the machine's load; chatter may still be dropped, as it is in real time.

    Kills reach the emitter only when the player perceived them (its world filters events), so every
    kill it hears that is not its own was seen.
    """
    background = Background(map=game_map.name, role=obs.role, player=obs.name,
                            persona=persona.name if persona is not None else None)
    names = {obs.me: obs.name}
    emitter = Emitter(feed.emit, me=obs.me, names=names, background=background, sees=lambda e: True,
                      rooms=lambda pos: game_map.room_of((pos[0], pos[1])))
    listener = FeedListener(emitter, (lambda: feed.wait_said(SAID_WAIT_S)) if unpaced else None)
    listener._learn(obs)
    agent.listeners.append(listener)
    neuro = feed.sink("neuro")
    if neuro is not None:
        agent.vote_advisor = NeuroVoteAdvisor(neuro, neuro_timeout_s)
    emitter.start(obs.t)
    return emitter
