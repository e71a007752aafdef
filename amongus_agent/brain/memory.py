"""Episodic memory and suspicion, from what the agent itself observed and heard.

A memory stream in the manner of Generative Agents: each entry has a time, an importance and
keywords; retrieval ranks by recency (exponential decay), importance and relevance (keyword
overlap with the query; an embedding function can replace it). Suspicion per player comes from
evidence: a witnessed kill or vent is certain; being last seen near a body counts some; claims in
chat count a little and never as instructions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..ports import Observation
from . import untrusted

DECAY_PER_S = 0.995
_WORD = re.compile(r"[a-z0-9]+")
Relevance = Callable[[str, "Entry"], float]


@dataclass(frozen=True, slots=True)
class Entry:
    t: float
    text: str
    importance: float  # 1..10
    keywords: frozenset[str]
    players: tuple[int, ...] = ()


def keywords(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2)


def keyword_relevance(query: str, entry: Entry) -> float:
    q = keywords(query)
    if not q or not entry.keywords:
        return 0.0
    return len(q & entry.keywords) / len(q | entry.keywords)


@dataclass(slots=True)
class Memory:
    entries: list[Entry] = field(default_factory=list)
    suspicion: dict[int, float] = field(default_factory=dict)
    witnessed: dict[int, str] = field(default_factory=dict)  # player -> what they were seen doing
    cleared: set[int] = field(default_factory=set)
    last_seen: dict[int, tuple[float, str, tuple[float, float]]] = field(default_factory=dict)
    own_claims: list[str] = field(default_factory=list)
    relevance: Relevance = keyword_relevance
    vents: list[tuple[tuple[float, float], str]] = field(default_factory=list)  # (position, room) of the map's vents
    _prev_players: dict[int, tuple[float, float]] = field(default_factory=dict)
    _known_bodies: set[int] = field(default_factory=set)

    def add(self, t: float, text: str, importance: float, players: tuple[int, ...] = ()) -> None:
        self.entries.append(Entry(t, text, importance, keywords(text), players))
        if len(self.entries) > 400:  # forget the least important old half, keep it bounded
            self.entries.sort(key=lambda e: (e.importance, e.t))
            del self.entries[:100]
            self.entries.sort(key=lambda e: e.t)

    def retrieve(self, query: str, now: float, k: int = 5) -> list[Entry]:
        def score(e: Entry) -> float:
            recency = DECAY_PER_S ** max(0.0, now - e.t)
            return recency + e.importance / 10 + self.relevance(query, e)
        return sorted(self.entries, key=score, reverse=True)[:k]

    def suspect(self, pid: int, amount: float) -> None:
        self.suspicion[pid] = self.suspicion.get(pid, 0.0) + amount

    def observe(self, obs: Observation) -> None:
        """Fold one observation in: sightings, new bodies, and what the last moments imply."""
        t = obs.t
        now_players = {p.id: p.position for p in obs.players}
        for p in obs.players:
            prev = self.last_seen.get(p.id)
            if prev is None or prev[1] != p.room or t - prev[0] > 20:
                self.add(t, f"saw {p.name} in {p.room}", 2, (p.id,))
            self.last_seen[p.id] = (t, p.room, p.position)
        for body in obs.bodies:
            if body.victim in self._known_bodies:
                continue
            self._known_bodies.add(body.victim)
            self.add(t, f"found the body of {body.name} in {body.room}", 9, (body.victim,))
            for pid, pos in self._prev_players.items():
                if pid == body.victim:
                    # the victim was alive in view a moment ago: whoever stood next to them did it
                    near = [q for q in obs.players if math.dist(q.position, pos) <= obs.rules.kill_range + 0.5]
                    for q in near:
                        self.witnessed[q.id] = f"kill {body.name} in {body.room}"
                        self.suspect(q.id, 1.0)
                        self.add(t, f"saw {q.name} kill {body.name} in {body.room}", 10, (q.id, body.victim))
            for q in obs.players:
                if math.dist(q.position, body.position) < 4.0:
                    self.suspect(q.id, 0.3)
        if obs.role == "crewmate":
            for pid, pos in self._prev_players.items():
                if pid not in now_players and pid not in {b.victim for b in obs.bodies}:
                    # vanished while in plain view, right on a vent: that was a vent
                    for vent_pos, room in self.vents:
                        if math.dist(pos, vent_pos) < 0.8 and math.dist(pos, obs.position) < 3.0:
                            self.witnessed[pid] = f"vent in {room}"
                            self.suspect(pid, 1.0)
                            self.add(t, f"saw player {pid} vent in {room}", 10, (pid,))
        self._prev_players = now_players

    def hear(self, speaker: int, speaker_name: str, text: str, t: float, names: dict[str, int], me: int) -> None:
        """A chat line: remembered as a claim by its speaker (name defused, words fenced), weighed lightly,
        never obeyed."""
        self.add(t, f"{untrusted.name(speaker_name)} said: {untrusted.fence(text)}", 4, (speaker,))
        low = text.lower()
        accusing = any(w in low for w in ("kill", "vent", "sus", "vote", "saw"))
        for name, pid in names.items():
            if pid in (speaker, me) or name.lower() not in low:
                continue
            if accusing:
                self.suspect(pid, 0.25)
        if me in names.values() and any(name.lower() in low for name, pid in names.items() if pid == me) and accusing:
            self.suspect(speaker, 0.5)  # I know I am innocent: the accuser is wrong or lying

    def most_suspected(self, alive: set[int], exclude: set[int]) -> tuple[int | None, float]:
        best = (None, 0.0)
        for pid, s in sorted(self.suspicion.items()):
            if pid in alive and pid not in exclude and pid not in self.cleared and s > best[1]:
                best = (pid, s)
        return best

