"""The agent loop: perceive -> remember -> decide -> act, the same against the simulator or a live client.

The world behind it is a `ports.World`: `observe()` (an `Observation`), cheap per-tick
proprioception (`t`, `position()`, `busy()`), the events its player perceived (`perceived()`), and
an `Actuator` (stick, buttons, chat, vote). The agent never reaches past them. Decisions never
freeze the body: a flow keeps running while the next decision is computed (in `realtime` clock
mode, on a worker thread), and events that matter —
a body in view, a sabotage, a meeting, a finished task, a lone target for an impostor — trigger a
fresh decision early.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..act.flows import Flow, FlowResult, make_flow
from ..act.movement import Mover
from ..brain import untrusted
from ..brain.actions import legal_actions
from ..brain.builtin import BuiltinBrain
from ..brain.memory import Memory
from ..brain.prompt import render
from ..brain.stats import BrainStats
from ..ports import LegalAction, Observation, VerifiedDecision, World
from ..world.map import GameMap
from .meeting import MeetingAgent
from .persona import Persona

REFRESH_TICKS = 3


@dataclass
class AgentStats(BrainStats):
    """The brain's totals (model calls, fallbacks, latency, tokens) plus what the agent did."""

    overhead_s: list[float] = field(default_factory=list)
    flows_failed: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    chats: int = 0
    votes: list[int | str] = field(default_factory=list)
    task_time_s: float = 0.0
    duty_time_s: float = 0.0  # fixing sabotages, reporting, calling meetings
    stale: int = 0  # realtime answers no longer legal when they arrived (dropped, never executed)

    def as_dict(self) -> dict:
        out = super().as_dict()
        out["fallback_reasons"] = out.pop("fallbacks")
        out["fallbacks"] = out.pop("fallback_total")
        overhead = sorted(self.overhead_s)
        out["decision_overhead_p99_ms"] = (
            round(overhead[min(len(overhead) - 1, int(0.99 * len(overhead)))] * 1000, 3) if overhead
            else None)
        out.update(flows_failed=dict(self.flows_failed), actions=dict(self.actions), chats=self.chats,
                   votes=self.votes, stale=self.stale)
        return out


class AgentListener:
    """Told what the agent perceives, decides and starts doing (a live view, the commentary feed).

    Override what you need; every hook is called on the agent's own thread and must not block.
    """

    def on_perceived(self, agent: Agent, obs: Observation, events: list[dict]) -> None:
        """Events the agent's player perceived (recording format), as its world delivered them."""

    def on_decision(self, agent: Agent, obs: Observation, decision: VerifiedDecision, outcome: Any) -> None:
        """A decision adopted (`outcome` is the model's answer, or None for the built-in brain)."""

    def on_action(self, agent: Agent, obs: Observation, action: LegalAction) -> None:
        """An action flow starts (queued steps of a plan too)."""


class Agent:
    def __init__(
        self,
        world: World,
        game_map: GameMap,
        *,
        llm: Any = None,
        clock: str = "lockstep",
        persona: Persona | None = None,
        rng: random.Random | None = None,
        listeners: list[AgentListener] | None = None,
        tasks: Any = None,
    ) -> None:
        self.world = world
        self.map = game_map
        self.rng = rng or random.Random(0)
        self.builtin = BuiltinBrain(game_map, self.rng, tasks)
        self.llm = llm
        self.clock = clock
        self.persona = persona
        self.memory = Memory(vents=[(v.position, v.room) for v in game_map.data.vents])
        self.mover: Mover | None = None  # made from the first observation's rules (speed, tick)
        self.meeting = MeetingAgent(self)
        self.stats = AgentStats()
        self.listeners: list[AgentListener] = list(listeners or [])
        # optional: (obs, vote actions, proposed decision) -> a vote action or None; may block briefly
        self.vote_advisor: Any = None
        self.obs: Observation | None = None
        self.flow: Flow | None = None
        self.queue: list[LegalAction] = []
        self.last: VerifiedDecision | None = None
        self.last_legal: list[LegalAction] = []
        self._ticks = 0
        self._signature: tuple = ()
        self._dirty = True
        self._pending: Future | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._task_started: float | None = None
        self._rules = None
        self._warmed = False

    # ------------------------------------------------------------------ the tick

    def tick(self) -> None:
        w = self.world
        events = w.perceived()
        if any(self._look_again(e) for e in events):
            self._dirty = True  # meeting calls, chat, own task steps: look again now
        if self.obs is None or self._dirty or self._ticks % REFRESH_TICKS == 0:
            self._refresh()
        else:
            obs = self.obs
            obs.t, obs.position, obs.busy = w.t, w.position(), w.busy()
        self._ticks += 1
        obs = self.obs
        assert obs is not None
        if events:
            for listener in self.listeners:
                listener.on_perceived(self, obs, events)
        if obs.phase == "ended":
            w.actuator.release_all()
            return
        if obs.phase == "meeting":
            self.flow, self.queue = None, []
            self._drop_pending()
            self.meeting.tick(obs)
            return
        self.meeting.reset()
        tick_s = obs.rules.tick_s
        if obs.tasks and (self.flow is None or self.flow.action.kind == "task"):
            self.stats.task_time_s += tick_s  # walking to and doing tasks, not fixing or reporting
        elif self.flow is not None and self.flow.action.kind in ("fix", "report", "emergency"):
            self.stats.duty_time_s += tick_s
        if self._pending is not None:
            if not self._pending.done():
                self._step_flow(obs)  # keep walking while the model thinks
                return
            self._adopt(self._pending.result(), obs)
            self._pending = None
        if self.flow is None:
            self._next(obs)
        self._step_flow(obs)

    # ------------------------------------------------------------------ perceive and remember

    def _look_again(self, e: dict) -> bool:
        """Events worth a fresh look at once. A kill seen shows as a body at the next regular look (a
        few ticks later) and one's own kill and vote are confirmed by their flows, so those wait."""
        if e["type"] == "vote":
            return False
        return e["type"] != "kill" or (self.obs is not None and e.get("victim") == self.obs.me)

    def _refresh(self) -> None:
        obs = untrusted.observation(self.world.observe())  # names and chat defused, once, here
        self.obs = obs
        if self.mover is None or self._rules != obs.rules:
            self._rules = obs.rules
            self.mover = Mover(self.map, obs.rules.player_speed * obs.rules.tick_s, self.rng)
        self._dirty = False
        self.memory.observe(obs)
        signature = self._signature_of(obs)
        if signature != self._signature:
            if self._signature and self.flow is not None and not self._keep_flow(obs):
                self.flow = None
                self.queue = []
            self._signature = signature

    def _signature_of(self, obs: Observation) -> tuple:
        lone = obs.role == "impostor" and obs.kill_cooldown <= 0 and sum(
            1 for p in obs.players if p.id not in obs.partners) == 1
        return (obs.phase, len(obs.bodies), obs.sabotage.kind if obs.sabotage else None, lone, obs.alive,
                obs.tasks_hidden)

    def _keep_flow(self, obs: Observation) -> bool:
        """Finish what is in hand when it is the urgent thing anyway (already reporting or fixing)."""
        return self.flow is not None and self.flow.action.kind in ("report", "fix", "kill", "emergency")

    # ------------------------------------------------------------------ decide

    def _next(self, obs: Observation) -> None:
        legal = legal_actions(obs, self.map)
        names = {a.name: a for a in legal}
        while self.queue:
            queued = names.get(self.queue.pop(0).name)
            if queued is not None:  # still legal: carry on with the plan
                self._start(queued, obs)
                return
        self._decide(obs, legal)

    def prepare(self) -> None:
        """Before the round starts (the role-reveal moment): let the model server read the static prompt now.

        Optional; without it the first decision does the warm-up (on the worker thread in realtime).
        """
        if self.llm is not None and not self._warmed:
            self._warm_up(self.world.observe(), wait=True)

    def _warm_up(self, obs: Observation, wait: bool = False) -> None:
        """Once per game: the server reads the static system message before the first decision needs it."""
        self._warmed = True
        if not hasattr(self.llm, "warm_up"):
            return
        system = render(obs, [], self.memory, self.voice).system

        def warm() -> None:
            self.stats.add(self.llm.warm_up(system), "warmup")  # its tokens and time count too

        if self.clock == "realtime" and not wait:
            self.submit(warm)
        else:
            warm()

    def _decide(self, obs: Observation, legal: list[LegalAction]) -> None:
        if self.llm is not None and not self._warmed:
            self._warm_up(obs)
        t0 = time.perf_counter()
        fallback = self.builtin.decide(obs, legal, self.memory)
        if self.llm is None:
            self.stats.overhead_s.append(time.perf_counter() - t0)
            self._adopt((fallback, None, legal), obs)
            return
        prompt = render(obs, legal, self.memory, self.voice)
        self.stats.overhead_s.append(time.perf_counter() - t0)
        if self.clock == "realtime":
            self._pending = self.submit(self._ask, prompt, legal, fallback)
            return
        self._adopt(self._ask(prompt, legal, fallback), obs)

    @property
    def voice(self) -> str:
        """The persona's voice for the shared system prompt ("" without a persona)."""
        return self.persona.describe() if self.persona else ""

    def submit(self, fn, *args) -> Future:
        """Run a model call on the agent's one worker thread: calls queue here, never at the server."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")
        return self._pool.submit(fn, *args)

    def _ask(self, prompt, legal: list[LegalAction], fallback: VerifiedDecision):
        outcome = self.llm.decide(prompt.system, prompt.user, legal, "task")
        return (outcome.decision or fallback, outcome, legal)

    def _adopt(self, result, obs: Observation) -> None:
        decision, outcome, legal = result
        self._count(outcome)
        # never execute what was not offered, even from our own thread: check against the fresh list
        fresh = {a.name: a for a in legal_actions(obs, self.map)} if self.clock == "realtime" else None
        chosen = [a for a in decision.actions if fresh is None or a.name in fresh]
        if not chosen:
            self.stats.stale += 1  # the world moved on while the model thought: decide again
            self._dirty = True
            return
        self.last, self.last_legal = decision, legal
        for listener in self.listeners:
            listener.on_decision(self, obs, decision, outcome)
        self.queue = list(chosen[1:])
        self._start(chosen[0] if fresh is None else fresh[chosen[0].name], obs)

    def _drop_pending(self) -> None:
        """A round decision that came back after the round ended: counted (the model made it), never executed."""
        if self._pending is not None and self._pending.done():
            _, outcome, _ = self._pending.result()
            self._pending = None
            self._count(outcome)
            self.stats.stale += 1

    def adopt_vote(self, decision: VerifiedDecision, outcome, late: bool = False) -> None:
        """A vote the meeting agent decided: counted and reported like any decision."""
        self.stats.add(outcome, "vote", "late" if late else None)
        self.last = decision
        if self.obs is not None:
            for listener in self.listeners:
                listener.on_decision(self, self.obs, decision, outcome)

    def _count(self, outcome) -> None:
        self.stats.add(outcome, "task")

    # ------------------------------------------------------------------ act

    def _start(self, action: LegalAction, obs: Observation) -> None:
        wander_to = None
        if action.kind == "wander":
            rooms = [r for r in self.map.rooms if r != obs.room]
            wander_to = self.map.anchor(rooms[self.rng.randrange(len(rooms))])
        assert self.mover is not None
        self.flow = make_flow(action, self.mover, obs, wander_to)
        self.stats.actions[action.kind] += 1
        for listener in self.listeners:
            listener.on_action(self, obs, action)
        if action.kind == "task" and self._task_started is None:
            self._task_started = obs.t

    def _step_flow(self, obs: Observation) -> None:
        act = self.world.actuator
        if self.flow is None:
            act.stick(0.0, 0.0)
            return
        result: FlowResult = self.flow.step(obs, act)
        if result.status == "running":
            return
        kind = self.flow.action.kind
        if result.status == "failed":
            self.stats.flows_failed[kind] += 1
            self.memory.add(obs.t, f"failed to {self.flow.action.name}: {result.reason}", 3)
            self.queue = []
        elif kind == "task":
            self.memory.add(obs.t, f"did {self.flow.action.name}", 3)
        self.flow = None
        self._dirty = True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._pending is not None and not self._pending.cancelled():
            self._drop_pending()
        if self.llm is not None and hasattr(self.llm, "budget"):
            self.stats.budget = self.llm.budget()
            self.stats.peak_in_flight = getattr(self.llm, "peak_in_flight", None)
        self.world.actuator.release_all()
