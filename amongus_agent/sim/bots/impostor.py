"""The impostor bot: fake tasks, hunt isolated crewmates, kill unseen, vent away, sabotage, lie.

"Unseen" is judged from what this impostor itself can see: a crewmate it cannot see may still
witness a kill from behind a corner, which is how bodies get pinned on the right player sometimes.
In meetings it gives an alibi away from the body, frames someone it saw, keeps its story across
meetings, and votes with the crowd.
"""

from __future__ import annotations

import random

from ...world.schema import Point
from ..engine import Game
from ..state import IDLE, PlayerInput
from . import talk
from .base import Bot

HUNT_RADIUS_FACTOR = 1.0
SABOTAGE_CHANCE = 0.05  # per look (every half second) once the shared cooldown is over
SABOTAGE_MIX = (("lights", 0.3), ("reactor", 0.2), ("oxygen", 0.2), ("comms", 0.15), ("doors", 0.15))


class ImpostorBot(Bot):
    def __init__(self, game: Game, pid: int, rng: random.Random) -> None:
        super().__init__(game, pid, rng)
        self.partners = {p.id for p in self.game.players if p.is_impostor and p.id != self.pid}
        self._fake = 0  # index of the fake task being walked to
        self._fake_wait = 0.0
        self._hunt: int | None = None
        self._kill_now: int | None = None
        self._escape: list[int] = []  # vent ids to move through
        self._exit_at = 0.0
        self._flee_to: Point | None = None
        self.kills: list[tuple[int, str, float]] = []
        self.framed: int | None = None
        self.alibi_room: str | None = None
        self._sabotage_pending = False
        self._moved = False

    # ------------------------------------------------------------------ task phase

    def look(self) -> None:
        super().look()
        g, me = self.game, self.me
        self._kill_now = None
        if not me.alive:
            if g.t >= g.sabotage_ready_at and g.sabotage is None and self.rng.random() < SABOTAGE_CHANCE:
                self._sabotage_pending = True
            return
        if me.vent is not None:
            return
        if me.kill_cooldown <= 8.0:
            self._pick_target()
        if g.t >= g.sabotage_ready_at and g.sabotage is None and self.rng.random() < SABOTAGE_CHANCE:
            self._sabotage_pending = True

    def _pick_target(self) -> None:
        g, me = self.game, self.me
        r = g.vision_radius(me) * HUNT_RADIUS_FACTOR
        reach = g.settings.kill_range
        crew_visible = [p for p in g.players if p.alive and not p.is_impostor and p.vent is None
                        and (p.x - me.x) ** 2 + (p.y - me.y) ** 2 <= r * r and g.map.sight(me.x, me.y, p.x, p.y)]
        if not crew_visible:
            self._hunt = None
            return
        crew_radius = g.settings.vision_radius * g.settings.crew_vision
        for target in sorted(crew_visible, key=lambda p: (p.x - me.x) ** 2 + (p.y - me.y) ** 2):
            others = [o for o in crew_visible if o is not target]
            watched = any(
                ((o.x - target.x) ** 2 + (o.y - target.y) ** 2 <= crew_radius**2
                 and g.map.sight(o.x, o.y, target.x, target.y))
                or ((o.x - me.x) ** 2 + (o.y - me.y) ** 2 <= crew_radius**2 and g.map.sight(o.x, o.y, me.x, me.y))
                for o in others
            )
            if watched:
                continue
            if me.kill_cooldown <= 0 and (target.x - me.x) ** 2 + (target.y - me.y) ** 2 <= (reach * 0.9) ** 2:
                self._kill_now = target.id
            self._hunt = target.id
            return
        self._hunt = None

    def play(self) -> PlayerInput:
        g, me = self.game, self.me
        if self._sabotage_pending:
            self._sabotage_pending = False
            return self._sabotage()
        if not me.alive:
            return IDLE
        if me.vent is not None:
            return self._vent_travel()
        if self._kill_now is not None and me.kill_cooldown <= 0:
            victim = g.players[self._kill_now]
            self._kill_now = None
            if victim.alive:
                self.kills.append((victim.id, g.map.room_of(victim.pos), g.t))
                self._plan_escape()
                return PlayerInput(kill=victim.id)
        if self._escape:
            vent = g.map.data.vents[self._escape[0]]
            if (me.x - vent.position[0]) ** 2 + (me.y - vent.position[1]) ** 2 <= (g.settings.use_distance * 0.9) ** 2:
                self._escape.pop(0)
                self._exit_at = g.t + 1.0 + self.rng.random() * 2.0
                return PlayerInput(vent="enter")
            return self.walk(vent.position, arrive=g.settings.use_distance * 0.9)
        if self._flee_to is not None:
            if self.nav.arrived(me.pos, 0.3):
                self._flee_to = None
            else:
                return self.walk(self._flee_to, arrive=0.3)
        if self._hunt is not None and me.kill_cooldown <= 8.0:
            target = g.players[self._hunt]
            if target.alive and target.vent is None:
                return self.walk(target.pos, slack=0.8)
            self._hunt = None
        return self._fake_task()

    def course_holds(self) -> bool:
        # walking to a fake task: what could change it (a target, a sabotage, a vent) comes with a look
        return (self._hunt is None and self._kill_now is None and not self._sabotage_pending and not self._escape
                and self._flee_to is None and self.me.vent is None and self.me.alive)

    def _plan_escape(self) -> None:
        g, me = self.game, self.me
        near = [v for v in g.map.data.vents if (v.position[0] - me.x) ** 2 + (v.position[1] - me.y) ** 2 <= 16.0]
        self._hunt = None
        if near and self.rng.random() < 0.7:
            first = min(near, key=lambda v: (v.position[0] - me.x) ** 2 + (v.position[1] - me.y) ** 2)
            self._escape = [first.id]
        else:
            rooms = [r for r in g.map.rooms if r != g.map.room_of(me.pos)]
            self._flee_to = g.map.anchor(rooms[self.rng.randrange(len(rooms))])

    def _vent_travel(self) -> PlayerInput:
        g, me = self.game, self.me
        assert me.vent is not None  # called only while in a vent
        vent = g.map.data.vents[me.vent]
        if g.t < self._exit_at:
            return IDLE
        if not self._moved and vent.links:
            self._moved = True
            self._exit_at = g.t + 0.5 + self.rng.random()
            return PlayerInput(vent_to=vent.links[self.rng.randrange(len(vent.links))])
        self._moved = False
        self.nav.stop()
        return PlayerInput(vent="exit")

    def _sabotage(self) -> PlayerInput:
        g = self.game
        x = self.rng.random()
        acc = 0.0
        kind = "lights"
        for name, weight in SABOTAGE_MIX:
            acc += weight
            if x < acc:
                kind = name
                break
        room = None
        if kind == "doors":
            rooms = sorted({d.room for d in g.map.data.doors})
            room = rooms[self.rng.randrange(len(rooms))]
        return PlayerInput(sabotage=kind, sabotage_room=room)

    def _fake_task(self) -> PlayerInput:
        g, me = self.game, self.me
        tasks = me.tasks
        if tasks:
            spot, wait = tasks[self._fake % len(tasks)].places[0].spot, tasks[self._fake % len(tasks)].durations[0]
        else:  # a lobby without tasks: nothing to fake, so stroll from room to room like everyone else
            rooms = g.map.rooms
            spot, wait = g.map.anchor(rooms[self._fake % len(rooms)]), 3.0
        if (me.x - spot[0]) ** 2 + (me.y - spot[1]) ** 2 <= 0.01:
            if self._fake_wait == 0.0:
                self._fake_wait = g.t + wait
            if g.t >= self._fake_wait:
                self._fake += 1 + self.rng.randrange(2)
                self._fake_wait = 0.0
            return IDLE
        return self.walk(spot, arrive=0.1)

    def on_new_round(self) -> None:
        self._hunt = None
        self._escape = []
        self._flee_to = None

    # ------------------------------------------------------------------ meetings

    def speak(self) -> list[str]:
        g = self.game
        m = g.meeting
        assert m is not None
        lines: list[str] = []
        kill_rooms = {room for _, room, t in self.kills if t >= m.started - 60}
        if self.alibi_room is None or self.alibi_room in kill_rooms:
            # claim a room away from the kills: one of the fake tasks' rooms, kept across meetings
            rooms = [t.places[0].room for t in self.me.tasks if t.places[0].room not in kill_rooms]
            self.alibi_room = rooms[0] if rooms else "Cafeteria"
        fake = next((t.name for t in self.me.tasks if t.places[0].room == self.alibi_room), None)
        accusers = [c.speaker for c in self.memory.claims
                    if c.t >= m.started and c.target == self.pid and c.kind in ("saw_kill", "saw_vent", "vote")]
        if m.caller == self.pid and m.victim is not None:
            lines.append(talk.found_body(self.name(m.victim), g.map.room_of(self.me.pos)))
        lines.append(talk.alibi(self.alibi_room, fake))
        if self.framed is None or not g.players[self.framed].alive:
            seen = [pid for pid in self.memory.seen if pid not in self.partners and pid != self.pid
                    and g.players[pid].alive]
            if seen and self.rng.random() < 0.45:
                self.framed = seen[self.rng.randrange(len(seen))]
        if self.framed is not None and g.players[self.framed].alive and kill_rooms:
            lines.append(talk.was_near(self.name(self.framed), sorted(kill_rooms)[0]))
        if accusers:
            lines.append(talk.defend(self.name(accusers[0]), self.alibi_room))
        return lines

    def choose_vote(self) -> int | str:
        g = self.game
        m = g.meeting
        assert m is not None
        counts: dict[int, int] = {}
        for target in m.votes.values():
            if isinstance(target, int) and target not in self.partners and target != self.pid:
                counts[target] = counts.get(target, 0) + 1
        if counts:
            return max(sorted(counts.items()), key=lambda kv: kv[1])[0]
        accusers = [c.speaker for c in self.memory.claims if c.t >= m.started
                    and c.target in self.partners | {self.pid} and c.kind in ("saw_kill", "saw_vent")]
        if accusers and g.players[accusers[0]].alive:
            return accusers[0]
        if self.framed is not None and g.players[self.framed].alive and self.rng.random() < 0.5:
            return self.framed
        return "skip"
