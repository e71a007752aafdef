"""What every bot shares: its senses (only what its player could see), memory, and meeting conduct.

A bot reads the game through `Game.sees` and the events its player witnessed, never through
hidden state: crew do not know roles, and what they say in meetings comes from their own memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ...act.movement import Mover
from ...world.schema import Point
from ..engine import Game
from ..state import Player, PlayerInput
from .talk import Claim, parse_chat

LOOK_EVERY_TICKS = 5  # impostors look twice a second (hunting needs it); crew once (vision is the costly part)


@dataclass(slots=True)
class Sighting:
    t: float
    room: str
    pos: Point


@dataclass(slots=True)
class Memory:
    """What one bot knows: sightings, witnessed crimes, cleared players, what was said."""

    seen: dict[int, list[Sighting]] = field(default_factory=dict)
    witnessed: dict[int, str] = field(default_factory=dict)  # player -> "kill Blue in Electrical"
    cleared: set[int] = field(default_factory=set)  # seen finishing a visual task
    claims: list[Claim] = field(default_factory=list)
    own_claims: list[str] = field(default_factory=list)
    accused_by_me: list[int] = field(default_factory=list)

    def last_seen(self, pid: int) -> Sighting | None:
        trail = self.seen.get(pid)
        return trail[-1] if trail else None

    def near(self, room: str, since: float) -> list[int]:
        """Players this bot saw in `room` after `since`."""
        return [pid for pid, trail in self.seen.items() if any(s.room == room and s.t >= since for s in trail[-8:])]


class Bot:
    """Base policy. Subclasses fill in `play` (the task phase) and `speak`/`choose_vote`."""

    def __init__(self, game: Game, pid: int, rng: random.Random) -> None:
        self.game = game
        self.pid = pid
        self.me: Player = game.players[pid]
        self.rng = rng
        self.nav = Mover(game.map, game.settings.player_speed * game.dt, rng)
        self.memory = Memory()
        self.room_now = game.map.room_of(self.me.pos)
        self.look_every = LOOK_EVERY_TICKS if self.me.is_impostor else 2 * LOOK_EVERY_TICKS
        self._phase_tick = pid % self.look_every
        self._talk: list[tuple[float, str]] = []
        self._vote_at: float | None = None
        self._voted = False
        self._meeting_seen: int = 0

    # ------------------------------------------------------------------ the per-tick entry

    def act(self) -> PlayerInput:
        g = self.game
        if g.phase == "meeting":
            return self._meeting_act()
        if self._meeting_seen != g.meetings_held:
            self._after_meeting()
        if g.tick % self.look_every == self._phase_tick:
            self.look()
        return self.play()

    def play(self) -> PlayerInput:  # pragma: no cover - overridden
        raise NotImplementedError

    # ------------------------------------------------------------------ senses

    def look(self) -> None:
        g, me = self.game, self.me
        self.room_now = g.map.room_of(me.pos)
        if not me.alive:
            return
        r = g.vision_radius(me)
        r2 = r * r
        for other in g.players:
            if other is me or not other.alive or other.vent is not None:
                continue
            dx, dy = other.x - me.x, other.y - me.y
            if dx * dx + dy * dy <= r2 and g.map._clear(me.x, me.y, other.x, other.y):
                trail = self.memory.seen.setdefault(other.id, [])
                room = g.map.room_of(other.pos)
                if trail and trail[-1].room == room and g.t - trail[-1].t < 5:
                    trail[-1] = Sighting(g.t, room, other.pos)
                else:
                    trail.append(Sighting(g.t, room, other.pos))
                    if len(trail) > 40:
                        del trail[:10]

    def visible_bodies(self) -> list:
        g, me = self.game, self.me
        return [b for b in g.bodies if g.sees_point(me, b.x, b.y)]

    def witness(self, events: list[dict]) -> None:
        """Called with each tick's events: keep those this bot's player saw happen."""
        g, me = self.game, self.me
        if not me.alive:
            return
        for e in events:
            kind = e["type"]
            if kind == "kill" and e["victim"] != self.pid:
                killer = g.players[e["killer"]]
                if g.sees_point(me, killer.x, killer.y) and g.sees_point(me, *e["pos"]):
                    self.memory.witnessed[killer.id] = f"kill {g.players[e['victim']].name} in {e['room']}"
            elif kind == "vent" and e["action"] in ("enter", "exit") and e["player"] != self.pid:
                vent = g.map.data.vents[e["vent"]] if e["vent"] < len(g.map.data.vents) else None
                if vent is not None and g.sees_point(me, *vent.position):
                    self.memory.witnessed[e["player"]] = f"vent in {vent.room}"
            elif kind == "task" and e.get("visual") and e["player"] != self.pid:
                p = g.players[e["player"]]
                if g.sees_point(me, p.x, p.y):
                    self.memory.cleared.add(p.id)
            elif kind == "chat" and e["player"] != self.pid:
                self.memory.claims.extend(parse_chat(e["player"], e["text"], g, e["t"]))

    # ------------------------------------------------------------------ meetings

    def _meeting_act(self) -> PlayerInput:
        g = self.game
        m = g.meeting
        assert m is not None
        if self._meeting_seen != g.meetings_held:
            self._meeting_seen = g.meetings_held
            self.nav.stop()
            self._voted = False
            self._talk = self.plan_talk() if self.me.alive else []
            self._vote_at = m.voting_at + 1.0 + self.rng.random() * 12.0
        if not self.me.alive:
            return PlayerInput()
        chat = None
        if self._talk and g.t >= self._talk[0][0]:
            chat = self._talk.pop(0)[1]
            self.memory.own_claims.append(chat)
        vote = None
        if not self._voted and self._vote_at is not None and g.t >= self._vote_at:
            vote = self.choose_vote()
            self._voted = True
        return PlayerInput(chat=chat, vote=vote)

    def plan_talk(self) -> list[tuple[float, str]]:
        m = self.game.meeting
        assert m is not None
        lines = self.speak()
        out = []
        t = m.started + 0.5 + self.rng.random() * 2.0
        for line in lines[:3]:
            out.append((t, line[: self.game.settings.chat_max_chars]))
            t += 1.5 + self.rng.random() * 4.0
        return out

    def speak(self) -> list[str]:  # pragma: no cover - overridden
        return []

    def choose_vote(self) -> int | str:  # pragma: no cover - overridden
        return "skip"

    def _after_meeting(self) -> None:
        self._meeting_seen = self.game.meetings_held
        self.nav.stop()
        self.on_new_round()

    def on_new_round(self) -> None:
        pass

    # ------------------------------------------------------------------ helpers

    def name(self, pid: int) -> str:
        return self.game.players[pid].name

    def walk_to(self, goal: Point, slack: float = 0.0) -> tuple[float, float]:
        self.nav.go(self.me.pos, goal, through_walls=not self.me.alive, slack=slack)
        return self.nav.stick(self.me.pos)

    def meeting_body_room(self) -> str | None:
        m = self.game.meeting
        if m is None or m.victim is None:
            return None
        for claim in self.memory.claims:
            if claim.kind == "body" and claim.target == m.victim:
                return claim.room
        return None
