"""Turn what the agent's player perceives, decides and starts doing into `GameDecisionEvent`s.

World events come in the recording format (docs/recording.md) — the simulator's runner hands
them over, a live bridge will too — and only what this player could know becomes commentary: its
own kills and death, kills it saw, bodies it reported, meetings, its vote, ejections, sabotages,
its own finished tasks and chat lines, the end. Decisions (thought, observation, action) come from
the agent's `on_decision` callback and action starts from its `on_action` callback. Emitting is
cheap and never blocks: the events go to `emit` (a `Feed`), which only queues them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .events import Background, GameDecisionEvent, make_event

EmitFn = Callable[[GameDecisionEvent], Any]
SABOTAGE_NAMES = {"lights": "Lights", "reactor": "Reactor", "oxygen": "O2", "comms": "Comms", "doors": "Doors"}


class Emitter:
    """Commentary events for one seat. `sees(event)` says whether the player saw a kill happen."""

    def __init__(self, emit: EmitFn, *, me: int, names: dict[int, str], background: Background,
                 sees: Callable[[dict], bool] | None = None, rooms: Callable[[list[float]], str | None] | None = None
                 ) -> None:
        self.emit_fn = emit
        self.me = me
        self.names = names
        self.background = background
        self.sees = sees
        self.rooms = rooms
        self.game_t = 0.0
        self._report: dict | None = None
        self._body_rooms: dict[int, str | None] = {}
        self._announced: str | None = None
        self.started = False

    def _name(self, pid: Any) -> str | None:
        return None if pid is None else self.names.get(int(pid), str(pid))

    def emit(self, kind: str, t: float, **fields: Any) -> None:
        self.game_t = max(self.game_t, t)
        detail = {k: v for k, v in fields.pop("detail", {}).items() if v is not None}
        self.emit_fn(make_event(kind, background=self.background, game_t=t, detail=detail, **fields))

    # ------------------------------------------------------------------ the world

    def start(self, t: float = 0.0) -> None:
        if not self.started:
            self.started = True
            self.emit("game_start", t)

    def on_events(self, events: list[dict]) -> None:
        for e in events:
            self._event(e)

    def _event(self, e: dict) -> None:
        kind, t, me = e["type"], float(e.get("t", self.game_t)), self.me
        if kind == "kill":
            room = self.rooms(e["pos"]) if self.rooms and e.get("pos") else None
            self._body_rooms[e["victim"]] = room
            detail = {"killer": self._name(e["killer"]), "victim": self._name(e["victim"]), "room": room}
            if e["killer"] == me:
                self.emit("kill", t, detail=detail)
            elif e["victim"] == me:
                self.emit("death", t, detail=detail | {"variant": None if detail["killer"] else "unseen"})
            elif self.sees is not None and self.sees(e):
                self.emit("kill_seen", t, detail=detail)
        elif kind == "report":
            self._report = e
            if e["reporter"] == me:
                room = e.get("room") or self._body_rooms.get(e["victim"])
                self.emit("body_found", t, detail={"victim": self._name(e["victim"]), "room": room})
        elif kind == "emergency":
            self._report = e
        elif kind == "meeting_start":
            opener = self._report or {}
            caller = e.get("caller", opener.get("reporter", opener.get("caller")))
            reason = e.get("reason") or opener.get("type")
            variant = None if reason is None else (f"{reason}.mine" if caller == me else reason)
            self.emit("meeting", t, detail={"caller": self._name(caller), "reason": reason, "variant": variant,
                                            "victim": self._name(e.get("victim", opener.get("victim")))})
            self._report = None
        elif kind == "vote" and e["voter"] == me:
            target = e["target"]
            self.emit("vote", t, detail={"target": "skip" if target == "skip" else self._name(target),
                                         "variant": "skip" if target == "skip" else None})
        elif kind == "eject":
            role = e.get("role")
            variant = "nobody" if e.get("player") is None else role
            self.emit("eject", t, detail={"target": self._name(e.get("player")), "role": role, "variant": variant,
                                          "outcome": "", "tally": e.get("tally")})
        elif kind == "sabotage":
            self.emit("sabotage", t, detail={"sabotage": SABOTAGE_NAMES.get(e["kind"], e["kind"]), "room": e.get("room"),
                                             "mine": e.get("by") == me, "variant": "mine" if e.get("by") == me else None})
        elif kind == "sabotage_fixed":
            self.emit("sabotage_fixed", t, detail={"sabotage": SABOTAGE_NAMES.get(e["kind"], e["kind"]),
                                                   "by": self._name(e.get("by"))})
        elif kind == "task" and e.get("player") == me and e.get("done"):
            self.emit("task_done", t, task=e["task"])
        elif kind == "chat" and e.get("player") == me:
            self.emit("chat", t, detail={"speaker": self._name(me), "line": e["text"]})
        elif kind == "end":
            winner = {"crew": "Crewmates", "impostors": "Impostors"}.get(e["winner"], e["winner"])
            self.emit("game_end", t, detail={"winner": winner, "reason": e.get("reason")})

    # ------------------------------------------------------------------ the agent

    def on_decision(self, agent: Any, obs: Any, decision: Any, outcome: Any = None) -> None:
        """The agent's `on_decision` callback: its thought, observation and chosen action."""
        action = decision.action
        if action.kind == "vote":  # the vote itself is narrated when it is cast (the `vote` event)
            return
        self._announced = action.name
        self.emit("decision", float(obs.t), action=action.name, thought=decision.thought or None,
                  observation=decision.observation or None, task=action.name if action.kind == "task" else None,
                  detail={"source": "model" if outcome is not None and outcome.decision is not None else "builtin"})

    def on_action(self, agent: Any, obs: Any, action: Any) -> None:
        """The agent's `on_action` callback: an action flow starts (queued steps of a plan too)."""
        if action.name == self._announced:  # the decision event already said so
            self._announced = None
            return
        self._announced = None
        self.emit("action_started", float(obs.t), action=action.name,
                  task=action.name if action.kind == "task" else None)
