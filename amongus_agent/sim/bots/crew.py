"""The crewmate bot: route through tasks, answer sabotages, report bodies, call out what it saw.

In meetings it argues only from its own memory (sightings, witnessed kills and vents, visual tasks
seen) and from claims made in chat, weighted by how much it trusts the speaker; it votes when the
evidence is strong and skips otherwise.
"""

from __future__ import annotations

import random

from ...world.schema import Point
from ..engine import Game
from ..state import IDLE, PlayerInput, Sabotage, TaskProgress
from . import talk
from .base import Bot

REPORT_WEIGHT = {"saw_kill": 0.6, "saw_vent": 0.6, "vote": 0.15, "near": 0.2, "defend": 0.0}
VOTE_THRESHOLD = 0.55
DAWDLE_CHANCE = 0.7
BANDWAGON = 0.15  # per vote already cast for a player
FIX_RADIUS = 14.0  # lights: crew within this walk of the panel go and fix it


class CrewBot(Bot):
    def __init__(self, game: Game, pid: int, rng: random.Random) -> None:
        super().__init__(game, pid, rng)
        self._target: tuple[str, int] | None = None  # ("task", index) | ("fix", panel) | ("body", victim) | ("button", 0)
        self._wander_to: Point | None = None
        self.found_body: tuple[int, str] | None = None
        self._bodies_in_view: list = []
        self._task_goal: Point | None = None
        self._was_using = False
        self._idle_until = 0.0
        self._recheck_at = 0.0
        self._fixing: Sabotage | None = None
        self._task_of_goal: tuple[TaskProgress, int] | None = None

    def look(self) -> None:
        super().look()
        self._bodies_in_view = self.visible_bodies() if self.game.bodies else []

    # ------------------------------------------------------------------ task phase

    def play(self) -> PlayerInput:
        g, me = self.game, self.me
        if me.using is not None:
            self._was_using = True
            return IDLE  # busy at a console: stand still until it finishes
        if self._was_using:
            self._was_using = False
            if self.rng.random() < DAWDLE_CHANCE:  # people linger after a task: read chat, look around
                self._idle_until = g.t + 2.0 + self.rng.random() * 6.0
        if g.t < self._idle_until and me.alive and not g.bodies and g.sabotage is None:
            return IDLE
        if me.alive:
            bodies = self._bodies_in_view
            if bodies and not all(b in g.bodies for b in bodies):
                bodies = self._bodies_in_view = [b for b in bodies if b in g.bodies]
            if bodies:
                self._task_of_goal = None  # choose the next task afresh from wherever this leads
                body = min(bodies, key=lambda b: (b.x - me.x) ** 2 + (b.y - me.y) ** 2)
                reach = g.settings.report_distance * 0.8
                if (body.x - me.x) ** 2 + (body.y - me.y) ** 2 <= reach * reach:
                    self.found_body = (body.victim, g.map.room_of((body.x, body.y)))
                    return PlayerInput(report=True)
                return self.walk((body.x, body.y), arrive=reach)
            if (self.memory.witnessed and me.emergencies_left > 0 and g.t >= g.button_ready_at
                    and not g.critical_active() and any(g.players[pid].alive for pid in self.memory.witnessed)):
                self._task_of_goal = None
                return self._go_use(g.map.data.emergency_button.spot, tolerance=0.3)
            sab = g.sabotage
            if sab is not None and self._should_fix(sab):
                fix = g.table.sabotage_fixes.get(sab.kind)
                if fix is not None:
                    open_panels = [k for k in range(len(fix.panels)) if k not in sab.panels_done]
                    if open_panels:
                        self._task_of_goal = None
                        k = self._pick_panel(fix, open_panels)
                        return self._go_use(fix.panels[k].spot)
        task = self._next_task()
        if task is not None:
            return self._go_use(task)
        return self._wander()

    def course_holds(self) -> bool:
        # a walk to a task or a wander goal: bodies come only with a look, witnessed crimes and
        # sabotages with an event, the task's step with a task event; lights (the distance to the
        # panel) and a witnessed crime (the button's cooldown) depend on more, so they always decide
        g, me = self.game, self.me
        return (g.sabotage is None and not self._bodies_in_view and not self.memory.witnessed
                and me.using is None and g.t >= self._idle_until)

    def _go_use(self, spot: Point, tolerance: float = 0.1) -> PlayerInput:
        me = self.me
        if (me.x - spot[0]) ** 2 + (me.y - spot[1]) ** 2 <= tolerance * tolerance:
            self.nav.stop()
            return PlayerInput(use=True)
        return self.walk(spot, arrive=tolerance)

    def _next_task(self) -> Point | None:
        g, me = self.game, self.me
        if g.sabotage is not None and g.sabotage.kind == "comms" and me.alive:
            return None
        goal = self.nav.goal
        chosen = self._task_of_goal
        if (goal is None or goal == self._task_goal) and chosen is not None and chosen[0].step == chosen[1]:
            return self._task_goal  # still on the way to (or standing at) the same step of the same task
        if g.t < self._recheck_at:
            return None
        self._task_goal = self._choose_task()
        if self._task_goal is None:
            self._recheck_at = g.t + 0.5  # nothing to do now (all done, or waiting): look again later
        return self._task_goal

    def _choose_task(self) -> Point | None:
        g, me = self.game, self.me
        best = None
        now = g.t
        for task in me.tasks:  # `task.current`, written out: asked for every task at every choice
            step = task.step
            if now < task.ready_at - 8.0 or step >= len(task.places):
                continue
            spot = task.places[step].spot
            d = (spot[0] - me.x) ** 2 + (spot[1] - me.y) ** 2  # straight-line first guess
            if best is None or d < best[0]:
                best = (d, task)
        if best is None:
            return None
        candidates = [t for t in me.tasks if t.current is not None and g.t >= t.ready_at - 8.0]
        if len(candidates) > 1 and me.alive:
            task = min(candidates, key=lambda t: g.map.spot_distance(me.pos, t.places[t.step].spot))
        else:
            task = best[1]
        self._task_of_goal = (task, task.step)
        return task.places[task.step].spot  # a step not done: `task.current`

    def _should_fix(self, sab: Sabotage) -> bool:
        kind = sab.kind
        if kind in ("reactor", "oxygen", "comms"):
            return True  # comms hides every task, so there is nothing better to do than fix it
        fix = self.game.table.sabotage_fixes.get(kind)
        if fix is None or not self.me.alive:
            return False
        if self._fixing is sab:
            return True  # once on the way, keep going until it is fixed
        # lights: whoever is reasonably close goes; the rest keep working (asked again at each decision)
        me, spot = self.me, fix.panels[0].spot
        if (spot[0] - me.x) ** 2 + (spot[1] - me.y) ** 2 >= FIX_RADIUS**2:
            return False  # no walk is shorter than the straight line
        if self.game.map.spot_distance(me.pos, spot) < FIX_RADIUS:
            self._fixing = sab
            return True
        return False

    def _pick_panel(self, fix, open_panels: list[int]) -> int:
        if len(open_panels) == 1:
            return open_panels[0]
        # split the crew between panels: prefer one by seat number, unless the other is much nearer
        me = self.me
        def cost(k: int) -> float:
            d = self.game.map.spot_distance(me.pos, fix.panels[k].spot)
            return d + (0.0 if k == self.pid % 2 else 6.0)
        goal = self.nav.goal
        for k in open_panels:
            if goal == fix.panels[k].spot:
                return k
        return min(open_panels, key=cost)

    def _wander(self) -> PlayerInput:
        g, me = self.game, self.me
        if self._wander_to is None or self.nav.arrived(me.pos, 0.3) or not self.nav.route:
            rooms = g.map.rooms
            self._wander_to = g.map.anchor(rooms[self.rng.randrange(len(rooms))])
        return self.walk(self._wander_to, arrive=0.3)

    def on_new_round(self) -> None:
        self._wander_to = None
        self._task_of_goal = None
        self.found_body = None

    # ------------------------------------------------------------------ meetings

    def speak(self) -> list[str]:
        g = self.game
        m = g.meeting
        assert m is not None
        lines: list[str] = []
        body_room = None
        if self.found_body and m.caller == self.pid and m.victim == self.found_body[0]:
            body_room = self.found_body[1]
            lines.append(talk.found_body(self.name(self.found_body[0]), body_room))
        for pid, what in sorted(self.memory.witnessed.items()):
            if not g.players[pid].alive:
                continue
            if what.startswith("kill "):
                victim, room = what[5:].split(" in ", 1)
                lines.append(talk.saw_kill(self.name(pid), victim, room))
            else:
                lines.append(talk.saw_vent(self.name(pid), what.split(" in ", 1)[1]))
        if body_room:
            near = [p for p in self.memory.near(body_room, g.t - 25.0) if g.players[p].alive and p != self.pid]
            if near and not self.memory.witnessed:
                lines.append(talk.was_near(self.name(near[0]), body_room))
        task = next((t.name for t in self.me.tasks if t.step > 0), None)
        lines.append(talk.alibi(self.room_now, task))
        return lines

    def suspicion(self) -> dict[int, float]:
        g = self.game
        score: dict[int, float] = {}
        for pid in self.memory.witnessed:
            score[pid] = score.get(pid, 0.0) + 1.0
        body_room = self.meeting_body_room()
        if body_room:
            for pid in self.memory.near(body_room, g.t - 25.0):
                if pid != self.pid:
                    score[pid] = score.get(pid, 0.0) + 0.25
        m = g.meeting
        since = m.started if m else 0.0
        for claim in self.memory.claims:
            if claim.t < since or claim.target is None or claim.target == claim.speaker:
                continue
            weight = REPORT_WEIGHT.get(claim.kind, 0.0)
            if claim.target == self.pid:  # I know I am innocent: the accuser is lying
                if claim.kind in ("saw_kill", "saw_vent", "vote"):
                    score[claim.speaker] = score.get(claim.speaker, 0.0) + 0.9
                continue
            if claim.speaker in self.memory.witnessed:
                weight = 0.0
            score[claim.target] = score.get(claim.target, 0.0) + weight
        for pid in self.memory.cleared:
            score[pid] = score.get(pid, 0.0) - 1.0
        return {pid: s for pid, s in score.items() if g.players[pid].alive and pid != self.pid}

    def choose_vote(self) -> int | str:
        score = self.suspicion()
        m = self.game.meeting
        if m is not None:  # votes are public: a player others already vote for looks worse
            for target in m.votes.values():
                if isinstance(target, int) and target != self.pid and target not in self.memory.cleared:
                    score[target] = score.get(target, 0.0) + BANDWAGON
        if not score:
            return "skip"
        pid, best = max(sorted(score.items()), key=lambda kv: kv[1])
        return pid if best >= VOTE_THRESHOLD else "skip"
