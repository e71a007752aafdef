"""The rules of the game checked over a whole recording: one shared checker instead of many hand tests.

The simulator's tests run it over many seeds and settings (as PettingZoo's api test does for an
environment): anything the engine or a bot gets wrong about the rules shows up as a violation
string naming the line, the time and the players. It replays the events with its own small state
(who is alive, kill cooldowns, the open meeting, who is in a vent) and trusts nothing the events
claim about that state. Settings keys it reads are listed in docs/recording.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .format import (
    ChatEvent,
    EjectEvent,
    EmergencyEvent,
    EndEvent,
    EventBase,
    KillEvent,
    MeetingEndEvent,
    MeetingStartEvent,
    PosEvent,
    ReportEvent,
    SabotageEvent,
    SabotageFixedEvent,
    TaskEvent,
    VentEvent,
    VoteEvent,
)
from .io import Recording
from .summary import tasks_assigned

if TYPE_CHECKING:
    from ..world.map import GameMap

DEFAULT_KILL_COOLDOWN_S = 45.0
POS_INTERVAL_S = 0.5  # "at least 2 pos lines per game second"
TIME_TOLERANCE_S = 1e-3  # recordings may round `t`; a kill at exactly the cooldown is legal
# Recordings round positions to 3 decimals (docs/recording.md), which moves a point up to 0.0005 per
# axis: a point counts as on the walkable area when the square of that size around it touches it.
POSITION_TOLERANCE = 0.0005
CRITICAL_SABOTAGES = ("lights", "reactor", "oxygen", "comms")  # one at a time; doors are separate
# Once the game is decided these must not happen any more (pos, chat, meeting_end may still be logged).
GAME_ACTIONS = (KillEvent, VentEvent, SabotageEvent, ReportEvent, EmergencyEvent, MeetingStartEvent, VoteEvent,
                TaskEvent)


@dataclass
class _Meeting:
    t: float
    voting_over: bool = False
    started: bool = False  # a meeting_start line was seen (it may follow the report, or stand alone)
    votes: dict[int, int | str] = field(default_factory=dict)  # voter -> target


@dataclass
class _State:
    alive: list[bool]
    impostor: list[bool]
    cooldown_from: list[float]  # per player: the time its kill cooldown last restarted
    cooldown_len: list[float]
    bodies: set[int] = field(default_factory=set)  # killed and not yet cleared by a meeting
    meeting: _Meeting | None = None
    in_vent: dict[int, int] = field(default_factory=dict)  # player -> vent id
    sabotage: str | None = None  # the active critical sabotage
    tasks_done: set[tuple[int, str]] = field(default_factory=set)
    decided: str | None = None  # why the game should have ended already
    decided_flagged: bool = False
    ended_by_meeting: set[str] = field(default_factory=set)  # reactor/oxygen stopped by a meeting
    last_pos_t: float | None = None
    ended: bool = False
    after_end_flagged: bool = False

    def counts(self) -> tuple[int, int]:
        imps = sum(1 for a, i in zip(self.alive, self.impostor, strict=True) if a and i)
        crew = sum(1 for a, i in zip(self.alive, self.impostor, strict=True) if a and not i)
        return imps, crew


def _setting(settings: dict[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


class _Checker:
    def __init__(self, recording: Recording, game_map: GameMap) -> None:
        self.rec = recording
        self.map = game_map
        self.out: list[str] = []
        settings = recording.header.settings
        self.cooldown = _setting(settings, "kill_cooldown_s", DEFAULT_KILL_COOLDOWN_S)
        # Freeplay is practice: nobody kills or sabotages, nothing decides the game, only the time limit ends it
        self.freeplay = settings.get("freeplay") is True
        initial = _setting(settings, "initial_kill_cooldown_s", self.cooldown)
        n = len(recording.header.players)
        self.s = _State(alive=[True] * n, impostor=[p.role == "impostor" for p in recording.header.players],
                        cooldown_from=[0.0] * n, cooldown_len=[initial] * n)
        self.vents = {v.id: v for v in game_map.data.vents}
        # a recording that logs meeting_end closes meetings there; one that does not closes them at the eject
        self.uses_meeting_end = any(isinstance(e, MeetingEndEvent) for e in recording.events)
        self.line = 0
        self.t = 0.0
        self.runs: set[tuple[str, int]] = set()  # (check, player) pairs inside a run of wrong pos lines

    def flag(self, message: str) -> None:
        self.out.append(f"line {self.line} t={self.t:.2f}: {message}")

    def who(self, pid: int | None) -> str:
        return self.rec.player_name(pid)

    def run(self) -> list[str]:
        last_t = 0.0
        for event, line in zip(self.rec.events, self.rec.lines, strict=True):
            self.line, self.t = line, event.t
            if event.t + TIME_TOLERANCE_S < last_t:
                self.flag(f"time goes backwards ({last_t:.3f} -> {event.t:.3f})")
            last_t = max(last_t, event.t)
            if self.s.ended and not self.s.after_end_flagged:
                self.flag(f"{event.type} event after the end event")
                self.s.after_end_flagged = True
            if self.s.decided and not self.s.decided_flagged and isinstance(event, GAME_ACTIONS):
                self.flag(f"{event.type} after the game was decided ({self.s.decided})")
                self.s.decided_flagged = True  # once: everything after it would repeat the same news
            self.pos_gap(event)
            handler = getattr(self, f"on_{event.type}", None)
            if handler is not None:
                handler(event)
            if isinstance(event, KillEvent | EjectEvent):  # the only events that change who is alive
                self.check_decided()
        if not self.s.ended and not self.rec.truncated:
            self.line = self.rec.lines[-1] if self.rec.lines else 1
            self.flag("the recording has no end event")
        return self.out

    # ------------------------------------------------------------------ helpers

    def pos_gap(self, event: EventBase) -> None:
        since = self.s.last_pos_t if self.s.last_pos_t is not None else 0.0
        if event.t - since > POS_INTERVAL_S + TIME_TOLERANCE_S and not self.s.ended:
            first = "first pos" if self.s.last_pos_t is None else "previous pos"
            self.flag(f"{event.t - since:.2f} s since the {first} line (at least 2 per game second)")
            self.s.last_pos_t = event.t  # report a gap once, not on every event inside it
        if isinstance(event, PosEvent):
            self.s.last_pos_t = event.t

    def walkable(self, point: tuple[float, float]) -> bool:
        """On the walkable area, allowing for the rounding of written positions (see POSITION_TOLERANCE).

        A raster cell is far larger than the tolerance square, so a cell the true point lies in holds
        one of the square's corners: checking the corners is exact."""
        if self.map.is_walkable(point):
            return True
        x, y, d = point[0], point[1], POSITION_TOLERANCE
        return any(self.map.is_walkable((x + dx, y + dy)) for dx in (-d, d) for dy in (-d, d))

    def once(self, key: tuple[str, int], wrong: bool) -> bool:
        """True at the first pos line of a run of wrong ones: a stuck player is one violation, not 2 per second."""
        if not wrong:
            self.runs.discard(key)
            return False
        if key in self.runs:
            return False
        self.runs.add(key)
        return True

    def check_decided(self) -> None:
        if self.s.decided or self.s.ended or self.freeplay:
            return
        imps, crew = self.s.counts()
        if imps == 0:
            self.s.decided = "no impostor alive"
        elif imps >= crew:
            self.s.decided = f"impostors alive {imps} >= crew alive {crew}"

    def in_meeting(self, what: str) -> bool:
        if self.s.meeting is not None:
            self.flag(f"{what} during a meeting")
            return True
        return False

    def restart_cooldowns(self) -> None:
        for pid, imp in enumerate(self.s.impostor):
            if imp:
                self.s.cooldown_from[pid], self.s.cooldown_len[pid] = self.t, self.cooldown

    def close_meeting(self) -> None:
        for pid, vent in sorted(self.s.in_vent.items()):  # a meeting pulls everyone out: `vent exit` lines
            self.flag(f"{self.who(pid)} is still in vent {vent} when the meeting ends (no vent exit line)")
        self.s.in_vent.clear()
        self.s.meeting = None
        self.s.bodies.clear()  # bodies are cleaned up while everyone is at the table
        self.restart_cooldowns()

    # ------------------------------------------------------------------ event handlers

    def on_pos(self, e: PosEvent) -> None:
        s = self.s
        missing = [pid for pid in range(len(s.alive)) if pid not in e.positions]
        if missing:
            self.flag(f"pos line lacks {', '.join(self.who(p) for p in missing)}")
        if e.ghosts is not None:
            ghosts = set(e.ghosts)
            for pid in range(len(s.alive)):
                if self.once(("ghosts", pid), s.alive[pid] == (pid in ghosts)):
                    state = "alive" if s.alive[pid] else "dead"
                    self.flag(f"pos ghosts list disagrees: {self.who(pid)} is {state}")
        for pid, point in e.positions.items():
            if self.once(("walk", pid), s.alive[pid] and not self.walkable(point)):
                self.flag(f"{self.who(pid)} at ({point[0]:.2f}, {point[1]:.2f}) is off the walkable area")

    def on_task(self, e: TaskEvent) -> None:
        if self.s.impostor[e.player]:
            self.flag(f"task by impostor {self.who(e.player)} (impostors fake tasks; no task events)")
        key = (e.player, e.task)
        if key in self.s.tasks_done:
            self.flag(f"{self.who(e.player)} works on {e.task!r} after finishing it")
        if e.done:
            self.s.tasks_done.add(key)
        self.in_meeting(f"task by {self.who(e.player)}")

    def on_kill(self, e: KillEvent) -> None:
        s = self.s
        killer, victim = self.who(e.killer), self.who(e.victim)
        if not s.impostor[e.killer]:
            self.flag(f"kill by crewmate {killer}")
        if not s.alive[e.killer]:
            self.flag(f"kill by dead player {killer}")
        if not s.alive[e.victim]:
            self.flag(f"kill of dead player {victim}")
        if s.impostor[e.victim]:
            self.flag(f"impostor {victim} killed by {killer}")
        if e.killer == e.victim:
            self.flag(f"{killer} kills themself")
        if e.killer in s.in_vent:
            self.flag(f"kill by {killer} from inside a vent")
        waited = e.t - s.cooldown_from[e.killer]
        if s.impostor[e.killer] and waited + TIME_TOLERANCE_S < s.cooldown_len[e.killer]:
            self.flag(f"kill by {killer} {waited:.2f} s into a {s.cooldown_len[e.killer]:g} s kill cooldown")
        if self.freeplay:
            self.flag(f"kill in freeplay by {killer}")
        if not self.walkable(e.pos):
            self.flag(f"kill at ({e.pos[0]:.2f}, {e.pos[1]:.2f}) is off the walkable area")
        self.in_meeting(f"kill by {killer}")
        s.cooldown_from[e.killer], s.cooldown_len[e.killer] = e.t, self.cooldown
        s.alive[e.victim] = False
        s.bodies.add(e.victim)
        s.in_vent.pop(e.victim, None)

    def on_vent(self, e: VentEvent) -> None:
        s, who = self.s, self.who(e.player)
        if not s.impostor[e.player]:
            self.flag(f"vent {e.action} by crewmate {who}")
        if not s.alive[e.player]:
            self.flag(f"vent {e.action} by dead player {who}")
        if e.vent not in self.vents:
            self.flag(f"vent {e.vent} does not exist on {self.map.name}")
            return
        current = s.in_vent.get(e.player)
        if e.action != "exit":  # leaving a vent is how a meeting starts for someone inside one
            self.in_meeting(f"vent {e.action} by {who}")
        if e.action == "enter":
            if current is not None:
                self.flag(f"{who} enters vent {e.vent} while inside vent {current}")
            s.in_vent[e.player] = e.vent
        elif current is None:
            self.flag(f"vent {e.action} by {who}, who is not in a vent")
        elif e.action == "move":
            if e.vent not in self.vents[current].links:
                self.flag(f"{who} moves from vent {current} to vent {e.vent}, which is not linked to it")
            s.in_vent[e.player] = e.vent
        else:
            if e.vent != current:
                self.flag(f"{who} exits vent {e.vent} but is in vent {current}")
            del s.in_vent[e.player]

    def on_sabotage(self, e: SabotageEvent) -> None:
        s = self.s
        if not s.impostor[e.by]:  # dead impostors may sabotage, so only the role is checked
            self.flag(f"{e.kind} sabotage by crewmate {self.who(e.by)}")
        self.in_meeting(f"{e.kind} sabotage")
        if self.freeplay:
            self.flag(f"{e.kind} sabotage in freeplay by {self.who(e.by)}")
        if e.kind in CRITICAL_SABOTAGES:
            if s.sabotage is not None:
                self.flag(f"{e.kind} sabotage while {s.sabotage} is still active")
            s.sabotage = e.kind
            s.ended_by_meeting.discard(e.kind)

    def on_sabotage_fixed(self, e: SabotageFixedEvent) -> None:
        s = self.s
        if e.by is not None and not s.alive[e.by]:
            self.flag(f"{e.kind} fixed by dead player {self.who(e.by)}")
        if e.kind in CRITICAL_SABOTAGES:
            if e.kind in s.ended_by_meeting and s.sabotage != e.kind:
                s.ended_by_meeting.discard(e.kind)  # the optional note that a meeting ended it
                return
            if s.sabotage != e.kind:
                self.flag(f"{e.kind} fixed but the active sabotage is {s.sabotage or 'none'}")
            s.sabotage = None

    def call_meeting(self, caller: int, what: str) -> None:
        if not self.s.alive[caller]:
            self.flag(f"{what} by dead player {self.who(caller)}")
        if self.s.meeting is not None:
            self.flag(f"{what} by {self.who(caller)} during a meeting")
            return
        self.open_meeting()

    def open_meeting(self) -> None:
        s = self.s
        s.meeting = _Meeting(self.t)
        if s.sabotage in ("reactor", "oxygen"):  # a meeting stops a deadly sabotage (lights, comms stay)
            s.ended_by_meeting.add(s.sabotage)
            s.sabotage = None

    def on_report(self, e: ReportEvent) -> None:
        if e.victim not in self.s.bodies:
            why = "alive" if self.s.alive[e.victim] else "not a body on the floor"
            self.flag(f"{self.who(e.reporter)} reports {self.who(e.victim)}, who is {why}")
        self.call_meeting(e.reporter, "report")

    def on_emergency(self, e: EmergencyEvent) -> None:
        self.call_meeting(e.caller, "emergency")

    def on_meeting_start(self, e: MeetingStartEvent) -> None:
        meeting = self.s.meeting
        if meeting is not None:
            if meeting.started or meeting.voting_over:
                self.flag("meeting_start while a meeting is already running")
            meeting.started = True
            return
        if e.caller is not None:
            self.call_meeting(e.caller, e.reason or "meeting")
        else:
            self.open_meeting()
        if self.s.meeting is not None:
            self.s.meeting.started = True

    def on_chat(self, e: ChatEvent) -> None:
        if not self.s.alive[e.player]:
            self.flag(f"dead player {self.who(e.player)} chats: {e.text[:40]!r}")

    def on_vote(self, e: VoteEvent) -> None:
        s, voter = self.s, self.who(e.voter)
        if not s.alive[e.voter]:
            self.flag(f"dead player {voter} votes")
        if s.meeting is None or s.meeting.voting_over:
            self.flag(f"vote by {voter} outside voting time")
            return
        if e.target != "skip" and not s.alive[e.target]:
            self.flag(f"{voter} votes for dead player {self.who(e.target)}")
        if e.voter in s.meeting.votes:
            self.flag(f"{voter} votes twice in one meeting")
            return
        if s.alive[e.voter]:
            s.meeting.votes[e.voter] = e.target

    def on_eject(self, e: EjectEvent) -> None:
        s = self.s
        if s.meeting is None or s.meeting.voting_over:
            self.flag("eject outside a meeting")
            return
        counted = Counter(str(target) for target in s.meeting.votes.values())
        given = {k: v for k, v in e.tally.items() if v}
        if given != dict(counted):
            self.flag(f"eject tally {dict(sorted(given.items()))} != counted votes {dict(sorted(counted.items()))}")
        ranked = counted.most_common()
        expected: int | None = None
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) and ranked[0][0] != "skip":
            expected = int(ranked[0][0])
        if e.player != expected:
            self.flag(f"ejects {self.who(e.player)} but the votes eject {self.who(expected)} "
                      "(plurality; skip is a candidate; a tie ejects nobody)")
        if e.player is not None:
            if not s.alive[e.player]:
                self.flag(f"ejects dead player {self.who(e.player)}")
            actual = "impostor" if s.impostor[e.player] else "crewmate"
            if e.role is not None and e.role != actual:
                self.flag(f"eject says {self.who(e.player)} was {e.role}, the header says {actual}")
            s.alive[e.player] = False
        s.meeting.voting_over = True
        if not self.uses_meeting_end:
            self.close_meeting()

    def on_meeting_end(self, e: MeetingEndEvent) -> None:
        if self.s.meeting is None:
            self.flag("meeting_end without a meeting")
        elif not self.s.meeting.voting_over:
            self.flag("meeting ends without an eject event")
        self.close_meeting()

    def on_end(self, e: EndEvent) -> None:
        s = self.s
        s.ended = True
        if self.freeplay:  # no side wins a practice game: the time limit ends it, whatever the counts
            if e.reason != "time_limit":
                self.flag(f"freeplay ends only at the time limit, not with reason {e.reason!r}")
            return
        imps, crew = s.counts()
        state = f"impostors alive {imps}, crew alive {crew}"
        expected = {"kills": "impostors", "votes": "crew", "tasks": "crew", "sabotage": "impostors"}.get(e.reason)
        if expected is not None and e.winner != expected:
            self.flag(f"winner {e.winner} with reason {e.reason!r} (that reason means {expected} won)")
        if imps == 0 and e.winner != "crew":
            self.flag(f"winner {e.winner} but no impostor is alive ({state})")
        elif imps >= crew and imps > 0 and e.winner != "impostors" and e.reason != "tasks":
            self.flag(f"winner {e.winner} but impostors have the majority ({state})")
        if e.reason == "kills" and not (imps > 0 and imps >= crew):
            self.flag(f"reason 'kills' but impostors do not outnumber the crew ({state})")
        if e.reason == "votes" and imps > 0:
            self.flag(f"reason 'votes' but {imps} impostor(s) still alive")
        if e.reason == "tasks":
            total = tasks_assigned(self.rec)
            done = len(s.tasks_done)
            if total is not None and done < total:
                self.flag(f"reason 'tasks' with {done} of {total} tasks done")
        if e.reason not in ("kills", "votes", "tasks", "sabotage", "time_limit"):
            self.flag(f"unknown end reason {e.reason!r}")


def check_invariants(recording: Recording, game_map: GameMap) -> list[str]:
    """Every rule violation in a recording as one readable line each; an empty list means clean."""
    return _Checker(recording, game_map).run()
