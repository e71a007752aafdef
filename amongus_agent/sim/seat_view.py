"""The simulator behind the agent's ports: an `Observation` per seat, and an actuator per seat.

This is the only place that reads game state on the agent's behalf, and it applies the same
limits a player has: vision radius cut by walls, nothing hidden shown (roles of others, bodies out
of sight, the task list while comms are down). The actuator takes what a gamepad and keyboard
would send — stick, buttons, chat, vote — and turns it into the seat's input for the next tick.
"""

from __future__ import annotations

import math

from ..ports import (
    Button,
    ChatLine,
    MeetingView,
    Observation,
    SabotageView,
    SeenBody,
    SeenPlayer,
    TaskStepView,
    VentView,
)
from .engine import Game
from .state import PlayerInput

VENT_VIEW_RADIUS = 5.0
# events every seat perceives; others only when they are about the seat itself, or seen
PUBLIC_EVENTS = frozenset({"chat", "meeting_start", "eject", "meeting_end", "report", "emergency", "sabotage",
                           "sabotage_fixed", "end"})


class SeatActuator:
    """The `Actuator` of a simulated seat: collects one tick's stick and button presses as its input.

    The simulator takes everything a player can do, so nothing is refused here; `abort` stops the
    seat's input for good (as the live abort key does).
    """

    aims_kills = True

    def __init__(self) -> None:
        self._input = PlayerInput()
        self._aborted = False
        self.sent: int = 0

    def stick(self, x: float, y: float) -> None:
        self._input.stick = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))

    def press(self, button: Button, target: int | str | None = None) -> None:
        inp = self._input
        if button == "use":
            inp.use = True
        elif button == "report":
            inp.report = True
        elif button == "kill":
            inp.kill = True if target is None else target
        elif button == "vent":
            if isinstance(target, int):
                inp.vent_to = target
            else:
                inp.vent = str(target or "enter")
        elif button == "sabotage":
            kind, _, room = str(target).partition(":")
            inp.sabotage, inp.sabotage_room = kind, room or None
        else:
            raise ValueError(f"unknown button {button!r}")

    def chat(self, text: str) -> bool:
        self._input.chat = text
        return True

    def vote(self, target: int | str) -> bool:
        self._input.vote = target
        return True

    def release_all(self) -> None:
        self._input = PlayerInput()

    def abort(self) -> None:
        self._aborted = True
        self.release_all()

    def take(self) -> PlayerInput:
        out, self._input = self._input, PlayerInput()
        self.sent += 1
        return PlayerInput() if self._aborted else out


class SeatView:
    """One seat's window on a simulated game: the `World` port the agent plays through."""

    def __init__(self, game: Game, seat: int) -> None:
        self.game = game
        self.seat = seat
        self.me = game.players[seat]
        self.actuator = SeatActuator()
        self._perceived: list[dict] = []
        self.chat_log: list[ChatLine] = []
        self._meeting_no = -1
        self._my_vote: int | str | None = None
        self._rules = game.settings.rules()

    # cheap proprioception, every tick
    @property
    def t(self) -> float:
        return self.game.t

    def position(self) -> tuple[float, float]:
        return self.me.pos

    def busy(self) -> bool:
        return self.me.using is not None

    def perceived(self) -> list[dict]:
        out, self._perceived = self._perceived, []
        return out

    def see_events(self, events: list[dict]) -> None:
        """Take in a tick's events: keep what this player perceives, and the meeting chat."""
        self._perceived.extend(e for e in events if self.perceives(e))
        for e in events:
            if e["type"] == "chat":
                p = self.game.players[e["player"]]
                self.chat_log.append(ChatLine(player=p.id, name=p.name, text=e["text"], t=e["t"]))
            elif e["type"] == "vote" and e["voter"] == self.seat:
                self._my_vote = e["target"]

    def perceives(self, e: dict) -> bool:
        """Would this seat's player perceive event `e`, as the game shows it to them?"""
        kind, seat = e["type"], self.seat
        if kind in PUBLIC_EVENTS:
            return True
        if kind == "kill":
            x, y = e["pos"]
            return seat in (e["killer"], e["victim"]) or bool(self.game.sees_point(self.me, x, y))
        if kind == "vote":
            return e["voter"] == seat
        return e.get("player") == seat or e.get("victim") == seat

    def observe(self) -> Observation:
        g, me = self.game, self.me
        room_of = g.map.room_of
        players, bodies = [], []
        for p in g.players:
            if p is me or not p.alive or p.vent is not None:
                continue
            if g.phase == "meeting" or g.sees(me, p):
                d = math.dist(me.pos, p.pos)
                players.append(SeenPlayer(id=p.id, name=p.name, color=p.color, position=p.pos, distance=round(d, 3),
                                          room=room_of(p.pos)))
        if g.phase != "meeting":
            for b in g.bodies:
                if g.sees_point(me, b.x, b.y):
                    victim = g.players[b.victim]
                    bodies.append(SeenBody(victim=b.victim, name=victim.name, position=(b.x, b.y),
                                           distance=round(math.dist(me.pos, (b.x, b.y)), 3), room=room_of((b.x, b.y))))
        hidden = g.sabotage is not None and g.sabotage.kind == "comms" and me.alive
        tasks = []
        if not hidden:
            for k, task in enumerate(me.tasks):
                place = task.current
                if place is None:
                    continue
                tasks.append(TaskStepView(
                    task=task.name, index=k, step=task.step, steps=len(task.places), label=task.labels[task.step],
                    kind=task.kind, room=place.room, position=place.spot, ready_in=max(0.0, task.ready_at - g.t)))
        sabotage = None
        if g.sabotage is not None:
            fix = g.table.sabotage_fixes.get(g.sabotage.kind)
            panels = []
            if fix is not None:
                panels = [(f"{p.room}{' ' + p.where if p.where else ''}", p.spot)
                          for k, p in enumerate(fix.panels) if k not in g.sabotage.panels_done]
            left = None if g.sabotage.deadline is None else round(g.sabotage.deadline - g.t, 2)
            sabotage = SabotageView(kind=g.sabotage.kind, time_left=left, panels=panels)
        vents = []
        if me.is_impostor:
            for v in g.map.data.vents:
                d = math.dist(me.pos, v.position)
                if d <= VENT_VIEW_RADIUS or me.vent == v.id:
                    vents.append(VentView(id=v.id, name=v.name, room=v.room, position=v.position,
                                          distance=round(d, 3), links=v.links))
        meeting = None
        if g.phase == "meeting" and g.meeting is not None:
            m = g.meeting
            if self._meeting_no != g.meetings_held:
                self._meeting_no = g.meetings_held
                self._my_vote = None
            voting = g.t >= m.voting_at
            meeting = MeetingView(
                reason=m.reason, caller=m.caller, caller_name=g.players[m.caller].name, victim=m.victim,
                victim_name=g.players[m.victim].name if m.victim is not None else None,
                phase="voting" if voting else "discussion",
                time_left=round((m.ends_at if voting else m.voting_at) - g.t, 2),
                chat=[c for c in self.chat_log if c.t >= m.started], voted=sorted(m.votes), my_vote=self._my_vote)
        done = [t.name for t in me.tasks if t.done]
        return Observation(
            t=round(g.t, 3), phase=g.phase if g.phase != "ended" else "ended", me=me.id, name=me.name,
            color=me.color, role=me.role, position=me.pos, room=room_of(me.pos), alive=me.alive, in_vent=me.vent,
            busy=me.using is not None, kill_cooldown=round(me.kill_cooldown, 2) if me.is_impostor else 0.0,
            emergencies_left=me.emergencies_left,
            button_ready=g.t >= g.button_ready_at and not g.critical_active() and me.emergencies_left > 0,
            sabotage_ready=me.is_impostor and g.t >= g.sabotage_ready_at and g.sabotage is None,
            partners=[p.id for p in g.players if p.is_impostor and p is not me] if me.is_impostor else [],
            tasks=tasks, tasks_hidden=hidden, tasks_done=done if not me.is_impostor else [],
            players=players, bodies=bodies, vents=vents, sabotage=sabotage, meeting=meeting,
            alive_players=[(p.id, p.name) for p in g.players if p.alive], task_bar=round(g.task_bar(), 3),
            rules=self._rules,
        )
