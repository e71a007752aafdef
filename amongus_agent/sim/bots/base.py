"""What every bot shares: its senses (only what its player could see), memory, and meeting conduct.

A bot reads the game through `Game.sees` and the events its player witnessed, never through
hidden state: crew do not know roles, and what they say in meetings comes from their own memory.

Bots think at a human rate, not every tick: a decision (`play`) a few times a second, and at once
when something happens to them (an event they perceive, a sabotage starting or ending, reaching
the end of a walk, a new sighting when they look). Between decisions they only steer: the stick is
held, as a thumb holds it, until the next waypoint of the route is reached (then it is re-aimed
along the route) or a wall gets in the way (the player slides along it or stops: re-aimed every
tick until free again, so the route follower's stuck handling sees every tick of it). Timing
depends only on the tick counter, so a seed still replays exactly.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ...act.movement import LOOKAHEAD, Mover
from ...world.schema import Point
from ..engine import Game
from ..state import IDLE, Player, PlayerInput
from .talk import Claim, parse_chat

LOOK_S = 0.5  # impostors look twice a second (hunting needs it); crew once (vision is the costly part)
THINK_S = 0.3  # a decision three times a second, plus one at once on each event that matters
WAKE_EVENTS = frozenset({"sabotage", "sabotage_fixed", "meeting_start", "meeting_end"})  # everyone notices these


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
        hz = game.settings.tick_hz
        self.look_every = max(1, round(LOOK_S * hz * (1 if self.me.is_impostor else 2)))
        self.think_every = max(1, round(THINK_S * hz))
        self._next_look = pid % self.look_every  # seats look and decide on different ticks: with several
        self._next_think = pid % self.think_every  # players near a body, the first of them sees it sooner
        self.wake = False  # think on the next tick, whatever the cadence says
        self._hold: PlayerInput = IDLE  # what the thumbs keep doing between decisions
        self._hold_until = 0  # the held input is used on ticks before this one
        self._on_hold_end = 0  # 0: think; 1: re-aim along the route
        self._step = game.settings.player_speed * game.dt
        self._ghost_step = self._step * game.settings.ghost_speed_factor
        self._reach = max(self.nav.step, LOOKAHEAD)  # the route follower moves on this close to a waypoint
        self._last_x = self._last_y = 0.0
        self._arrive = 0.0
        self._walked = False
        self.decisions = 0
        self._talk: list[tuple[float, str]] = []
        self._vote_at: float | None = None
        self._voted = False
        self._meeting_seen: int = 0
        self._meeting_next = 0.0

    # ------------------------------------------------------------------ the per-tick entry

    def act(self) -> PlayerInput:
        g = self.game
        if g.phase == "meeting":
            return self._meeting_act()
        if self._meeting_seen != g.meetings_held:
            self._after_meeting()
        tick = g.tick
        if self.wake or tick >= self._next_think:
            return self._think(tick)
        me = self.me
        if tick < self._hold_until and (self._hold is IDLE or (not me.slid and (me.x != self._last_x
                                                                                 or me.y != self._last_y))):
            self._last_x, self._last_y = me.x, me.y
            return self._hold
        if self._on_hold_end:
            return self._reaim()  # a waypoint is reached, or the player did not move: steer along the route
        return self._think(tick)  # the end of the walk is near, or a wait is over

    def _think(self, tick: int) -> PlayerInput:
        woken, self.wake = self.wake, False
        looking = tick >= self._next_look
        if looking:
            self._next_look = tick + self.look_every
            self.look()
        nxt = tick + self.think_every
        self._next_think = nxt if nxt < self._next_look else self._next_look  # a look is followed by a decision
        self.decisions += 1
        me = self.me
        if (not woken and not looking and tick < self._hold_until and self._hold is not IDLE
                and not me.slid and (me.x != self._last_x or me.y != self._last_y) and self.course_holds()):
            self._last_x, self._last_y = me.x, me.y
            return self._hold  # nothing this decision rests on has changed: the same decision, as held
        self._walked = False
        inp = self.play()
        if self._walked:
            self._hold = inp  # `walk_to` set how long to hold it
        else:  # standing still, or a button pressed once: until the next decision, or an event
            self._hold, self._hold_until, self._on_hold_end = IDLE, tick + 1 + self.think_every, 0
        self._last_x, self._last_y = self.me.x, self.me.y
        return inp

    def _reaim(self) -> PlayerInput:
        me = self.me
        stick = self.nav.stick((me.x, me.y))
        self._hold_for(stick, self._arrive)
        inp = self._hold = PlayerInput(stick=stick) if stick != (0.0, 0.0) else IDLE
        if inp is IDLE:
            self.wake = True
        self._last_x, self._last_y = me.x, me.y
        return inp

    def _hold_for(self, stick: tuple[float, float], arrive: float) -> None:
        """How many ticks the stick can be held before the route needs another look."""
        nav, me = self.nav, self.me
        route = nav.route
        if not route or stick == (0.0, 0.0):
            self._hold_until, self._on_hold_end = 0, 0
            return
        speed = self._step if me.alive else self._ghost_step
        tx, ty = route[nav.wp]
        d = ((tx - me.x) ** 2 + (ty - me.y) ** 2) ** 0.5
        if nav.wp < len(route) - 1:  # the route follower moves on within max(step, lookahead) of a waypoint
            ticks = int((d - self._reach) / speed) + 1
            ticks = ticks if ticks > 0 else 0
            self._on_hold_end = 1
        else:  # the last leg: decide again just before the goal (arrival)
            ticks = int((d - arrive) / speed) - 1
            ticks = ticks if ticks > 0 else 0
            self._on_hold_end = 0
        self._hold_until = self.game.tick + 1 + ticks

    def play(self) -> PlayerInput:  # pragma: no cover - overridden
        raise NotImplementedError

    def course_holds(self) -> bool:
        """True when a decision now would only repeat the walk under way (nothing it rests on can
        have changed since the last one without an event or a look). The cache of decisions per
        cause: subclasses say which causes their walking decisions rest on."""
        return False

    # ------------------------------------------------------------------ senses

    def look(self) -> None:
        g, me = self.game, self.me
        game_map = g.map
        mx, my = me.x, me.y
        self.room_now = game_map.room_of((mx, my))
        if not me.alive:
            return
        r = g.vision_radius(me)
        r2 = r * r
        sight, room_of, seen, t = game_map.sight, game_map.room_of, self.memory.seen, g.t
        for other in g.players:
            if other is me or not other.alive or other.vent is not None:
                continue
            ox, oy = other.x, other.y
            dx, dy = ox - mx, oy - my
            if dx * dx + dy * dy <= r2 and sight(mx, my, ox, oy):
                trail = seen.setdefault(other.id, [])
                pos = (ox, oy)
                room = room_of(pos)
                if trail and trail[-1].room == room and t - trail[-1].t < 5:
                    trail[-1] = Sighting(t, room, pos)
                else:
                    trail.append(Sighting(t, room, pos))
                    if len(trail) > 40:
                        del trail[:10]

    def visible_bodies(self) -> list:
        g, me = self.game, self.me
        return [b for b in g.bodies if g.sees_point(me, b.x, b.y)]

    def witness(self, events: list[dict]) -> None:
        """Called with each tick's events: keep those this bot's player saw happen, and wake for them."""
        g, me = self.game, self.me
        pid = self.pid
        for e in events:
            if e["type"] in WAKE_EVENTS or e.get("player") == pid or e.get("killer") == pid or e.get("victim") == pid:
                self.wake = True
        if not me.alive:
            return
        for e in events:
            kind = e["type"]
            if kind == "kill" and e["victim"] != self.pid:
                killer = g.players[e["killer"]]
                if g.sees_point(me, killer.x, killer.y) and g.sees_point(me, *e["pos"]):
                    self.memory.witnessed[killer.id] = f"kill {g.players[e['victim']].name} in {e['room']}"
                    self.wake = True
            elif kind == "vent" and e["action"] in ("enter", "exit") and e["player"] != self.pid:
                vent = g.map.data.vents[e["vent"]] if e["vent"] < len(g.map.data.vents) else None
                if vent is not None and g.sees_point(me, *vent.position):
                    self.memory.witnessed[e["player"]] = f"vent in {vent.room}"
                    self.wake = True
            elif kind == "task" and e.get("visual") and e["player"] != self.pid:
                p = g.players[e["player"]]
                if g.sees_point(me, p.x, p.y):
                    self.memory.cleared.add(p.id)
            elif kind == "chat" and e["player"] != self.pid:
                self.memory.claims.extend(parse_chat(e["player"], e["text"], g, e["t"]))

    # ------------------------------------------------------------------ meetings

    def _meeting_act(self) -> PlayerInput:
        g = self.game
        if self._meeting_seen == g.meetings_held and g.t < self._meeting_next:
            return IDLE  # nothing planned before then: the next line of chat, or the vote
        m = g.meeting
        assert m is not None
        if self._meeting_seen != g.meetings_held:
            self._meeting_seen = g.meetings_held
            self.nav.stop()
            self._voted = False
            self._talk = self.plan_talk() if self.me.alive else []
            self._vote_at = m.voting_at + 1.0 + self.rng.random() * 12.0
        if not self.me.alive:
            self._meeting_next = math.inf
            return IDLE
        chat = None
        if self._talk and g.t >= self._talk[0][0]:
            chat = self._talk.pop(0)[1]
            self.memory.own_claims.append(chat)
        vote = None
        if not self._voted and self._vote_at is not None and g.t >= self._vote_at:
            vote = self.choose_vote()
            self._voted = True
        self._meeting_next = min(self._talk[0][0] if self._talk else math.inf,
                                 math.inf if self._voted or self._vote_at is None else self._vote_at)
        return IDLE if chat is None and vote is None else PlayerInput(chat=chat, vote=vote)

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

    def walk_to(self, goal: Point, slack: float = 0.0, arrive: float = 0.0) -> tuple[float, float]:
        """The stick toward `goal` (see `walk`)."""
        return self.walk(goal, slack, arrive).stick

    def walk(self, goal: Point, slack: float = 0.0, arrive: float = 0.0) -> PlayerInput:
        """Walk toward `goal`: held until the next waypoint or, on the last leg, until within `arrive`.

        Deciding to go on with the walk under way changes nothing: the stick stays as it is held.
        """
        self._walked = True
        nav, me, hold = self.nav, self.me, self._hold
        if (self.game.tick < self._hold_until and hold is not IDLE and arrive == self._arrive and nav.goal is not None
                and (nav.goal == goal or (slack > 0 and math.dist(nav.goal, goal) <= slack))
                and not me.slid and (me.x != self._last_x or me.y != self._last_y)):
            return hold
        pos = (me.x, me.y)
        nav.go(pos, goal, through_walls=not me.alive, slack=slack)
        stick = nav.stick(pos)
        self._arrive = arrive
        self._hold_for(stick, arrive)
        return PlayerInput(stick=stick)

    def meeting_body_room(self) -> str | None:
        m = self.game.meeting
        if m is None or m.victim is None:
            return None
        for claim in self.memory.claims:
            if claim.kind == "body" and claim.target == m.victim:
                return claim.room
        return None
