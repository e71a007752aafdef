"""What happened in a game, in figures: the `replay` command's report and the benchmarks' raw data.

`Summary` is a pydantic model because it leaves the process (`replay --json`, benchmark output);
it reads the events as given and does not judge them, that is `invariants.py`'s job.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from .format import (
    ChatEvent,
    EjectEvent,
    EmergencyEvent,
    EndEvent,
    KillEvent,
    MeetingEndEvent,
    MeetingStartEvent,
    ReportEvent,
    Role,
    SabotageEvent,
    SabotageFixedEvent,
    TaskEvent,
    VoteEvent,
    Winner,
)
from .io import Recording


class PlayerSummary(BaseModel):
    id: int
    name: str
    color: str
    role: Role
    survived: bool
    death: Literal["killed", "ejected"] | None = None
    died_at_s: float | None = None
    tasks_done: int = 0


class KillSummary(BaseModel):
    t: float
    killer: int
    victim: int
    pos: tuple[float, float]


class MeetingSummary(BaseModel):
    t: float
    reason: Literal["report", "emergency"] | None = None
    caller: int | None = None
    body: int | None = None  # the reported victim
    votes: int = 0
    tally: dict[str, int] = {}
    ejected: int | None = None
    ejected_role: Role | None = None


class EjectionSummary(BaseModel):
    t: float
    player: int
    role: Role


class SabotageSummary(BaseModel):
    t: float
    kind: str
    by: int
    room: str | None = None
    fixed_at_s: float | None = None
    fixed_by: int | None = None


class Summary(BaseModel):
    version: int
    seed: int | str | None
    map: str
    winner: Winner | None  # None: the recording stops before the `end` event
    reason: str | None
    duration_s: float
    truncated: bool
    events: int
    players: list[PlayerSummary]
    kills_count: int
    kills: list[KillSummary]
    meetings_count: int
    meetings: list[MeetingSummary]
    ejections: list[EjectionSummary]
    tasks_completed: int
    tasks_total: int | None  # None when neither the settings nor the players say how many were assigned
    task_steps_completed: int
    sabotages_count: int
    sabotages: list[SabotageSummary]
    chat_messages: int
    votes: int
    skip_votes: int


def tasks_assigned(recording: Recording) -> int | None:
    """Total tasks given to crewmates, from the header: see docs/recording.md for the keys."""
    header = recording.header
    extra: dict[str, Any] = header.model_extra or {}
    if isinstance(extra.get("tasks_total"), int):
        return int(extra["tasks_total"])
    if isinstance(extra.get("tasks"), dict):
        return sum(len(names) for names in extra["tasks"].values() if isinstance(names, list))
    counts = [header.settings.get(k) for k in ("common_tasks", "long_tasks", "short_tasks")]
    if any(isinstance(c, int) for c in counts):
        crew = sum(1 for p in header.players if p.role == "crewmate")
        return crew * sum(c for c in counts if isinstance(c, int))
    return None


def summarize(recording: Recording) -> Summary:
    header = recording.header
    players = [PlayerSummary(id=p.id, name=p.name, color=p.color, role=p.role, survived=True)
               for p in header.players]
    kills: list[KillSummary] = []
    meetings: list[MeetingSummary] = []
    ejections: list[EjectionSummary] = []
    sabotages: list[SabotageSummary] = []
    tasks_completed = steps = chats = votes = skips = 0
    winner: Winner | None = None
    reason: str | None = None
    pending: tuple[str, int, int | None] | None = None  # a report/emergency waiting for its meeting_start
    in_meeting = False

    def open_meeting(t: float, why: str | None, caller: int | None, body: int | None) -> None:
        nonlocal in_meeting
        meetings.append(MeetingSummary(t=t, reason=why, caller=caller, body=body))  # type: ignore[arg-type]
        in_meeting = True

    def die(pid: int, how: Literal["killed", "ejected"], t: float) -> None:
        if players[pid].survived:
            players[pid].survived, players[pid].death, players[pid].died_at_s = False, how, t

    for event in recording.events:
        if isinstance(event, TaskEvent):
            steps += 1
            if event.done:
                tasks_completed += 1
                players[event.player].tasks_done += 1
        elif isinstance(event, KillEvent):
            kills.append(KillSummary(t=event.t, killer=event.killer, victim=event.victim, pos=event.pos))
            die(event.victim, "killed", event.t)
        elif isinstance(event, ReportEvent | EmergencyEvent):
            # a report or button press opens the meeting even when no meeting_start follows
            if isinstance(event, ReportEvent):
                pending = ("report", event.reporter, event.victim)
            else:
                pending = ("emergency", event.caller, None)
            open_meeting(event.t, pending[0], pending[1], pending[2])
        elif isinstance(event, MeetingStartEvent):
            if pending is None or not in_meeting:
                open_meeting(event.t, event.reason, event.caller, None)
            pending = None
        elif isinstance(event, ChatEvent):
            chats += 1
        elif isinstance(event, VoteEvent):
            votes += 1
            skips += event.target == "skip"
            if meetings:
                meetings[-1].votes += 1
        elif isinstance(event, EjectEvent):
            role = event.role
            if event.player is not None:
                role = role or header.players[event.player].role
                ejections.append(EjectionSummary(t=event.t, player=event.player, role=role))
                die(event.player, "ejected", event.t)
            if meetings:
                meetings[-1].tally = dict(event.tally)
                meetings[-1].ejected = event.player
                meetings[-1].ejected_role = role if event.player is not None else None
            pending, in_meeting = None, False
        elif isinstance(event, MeetingEndEvent):
            pending, in_meeting = None, False
        elif isinstance(event, SabotageEvent):
            sabotages.append(SabotageSummary(t=event.t, kind=event.kind, by=event.by, room=event.room))
        elif isinstance(event, SabotageFixedEvent):
            for sab in reversed(sabotages):
                room = getattr(event, "room", None)  # doors: the simulator names the room reopened
                if sab.kind == event.kind and sab.fixed_at_s is None and (room is None or room == sab.room):
                    sab.fixed_at_s, sab.fixed_by = event.t, event.by
                    break
        elif isinstance(event, EndEvent):
            winner, reason = event.winner, event.reason
    return Summary(
        version=header.version,
        seed=header.seed,
        map=header.map,
        winner=winner,
        reason=reason,
        duration_s=recording.events[-1].t if recording.events else 0.0,
        truncated=recording.truncated,
        events=len(recording.events),
        players=players,
        kills_count=len(kills),
        kills=kills,
        meetings_count=len(meetings),
        meetings=meetings,
        ejections=ejections,
        tasks_completed=tasks_completed,
        tasks_total=tasks_assigned(recording),
        task_steps_completed=steps,
        sabotages_count=len(sabotages),
        sabotages=sabotages,
        chat_messages=chats,
        votes=votes,
        skip_votes=skips,
    )
