"""Bridge messages: JSON Lines over TCP, one object per line, versioned (`v`).

Agent -> game: `join` (the seat or name wanted, and a token when the game asks for one) once per
connection, then `input` (stick, buttons, chat, vote). Game -> agent: `hello` (the seat you play),
`frame` (what the local player perceives now: an `Observation` plus `type`/`v`), `event`
(something the local player perceived happen: a meeting called, a chat line, its own task step;
the same events a simulator seat is told of), `end`, and `error` (why the game refused or dropped
you). A mod for the real client, or our simulator's `sim-server`, speaks the same lines. Unknown
fields are ignored so either side can grow; every line is checked against `limits.Limits` before
anyone reads it; see docs/bridge.md (its JSON Schema is generated from these models).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..ports import DEFAULT_RULES, Observation
from ..recording.format import Event as RecordedEvent
from .limits import MAX_BACKLOG, MAX_CHAT, MAX_LINE, MAX_PLAYERS, MAX_TEXT, BadLine, Check, Limits, load_json

__all__ = ["BRIDGE_VERSION", "MAX_LINE", "BadLine", "End", "Error", "Event", "Frame", "Hello", "Input", "Join",
           "Limits", "check", "dump", "json_schema", "parse_line"]

BRIDGE_VERSION = 1
# the longest chat a lobby may allow (`Rules.chat_max_chars`); the lobby's own limit comes in the frame
MAX_CHAT_CHARS = 500


class Hello(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["hello"] = "hello"
    v: int = BRIDGE_VERSION
    seat: int
    name: str = ""
    map: str = "skeld"
    tick_s: float = DEFAULT_RULES.tick_s
    player_speed: float = DEFAULT_RULES.player_speed
    players: int = MAX_PLAYERS  # player ids in frames lie in [0, players)


class Join(BaseModel):
    """The handshake: which seat the client plays. Sent first on every connection, reconnects included."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["join"] = "join"
    v: int = BRIDGE_VERSION
    seat: int | None = None  # a seat id; None: any free seat (or the one `name` names)
    name: str | None = None  # a player name, when the seat id is not known
    token: str | None = None  # required when the game set one (always off localhost)
    backlog: int = 1  # frames the game may hold for us when we fall behind; 1: only the newest


class Frame(Observation):
    """One tick of the local player's view."""

    type: Literal["frame"] = "frame"
    v: int = BRIDGE_VERSION


class Event(BaseModel):
    """One event the local player perceived, as the recording format writes it (`type`, `t`, ...)."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["event"] = "event"
    v: int = BRIDGE_VERSION
    event: RecordedEvent


class End(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["end"] = "end"
    v: int = BRIDGE_VERSION
    winner: str | None = None
    reason: str | None = None


class Error(BaseModel):
    """The game refused the handshake or dropped the client; `fatal`: retrying the same join will not help."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["error"] = "error"
    v: int = BRIDGE_VERSION
    message: str
    fatal: bool = True


class Input(BaseModel):
    """What the agent sends for one tick: buttons are presses (act once), the stick holds until changed."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["input"] = "input"
    v: int = BRIDGE_VERSION
    stick: tuple[float, float] = (0.0, 0.0)
    buttons: list[Literal["use", "report", "kill", "vent", "sabotage"]] = []
    kill_target: int | None = None
    vent: Literal["enter", "exit"] | None = None
    vent_to: int | None = None
    sabotage: str | None = None
    sabotage_room: str | None = None
    chat: Annotated[str, Field(max_length=MAX_CHAT_CHARS)] | None = None
    vote: int | Literal["skip"] | None = None


Message = Annotated[Hello | Join | Frame | Event | End | Error | Input, Field(discriminator="type")]
_ADAPTER: TypeAdapter = TypeAdapter(Message)
_DEFAULT = Limits()


def parse_line(line: bytes | str, limits: Limits = _DEFAULT) -> Hello | Join | Frame | Event | End | Error | Input:
    """One line -> one checked message; anything else raises `BadLine` with what was wrong and where."""
    raw = load_json(line, limits.max_line)
    if not isinstance(raw, dict):
        raise BadLine("not a JSON object")
    try:
        message = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BadLine(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    check(message, limits)
    return message


def check(message: BaseModel, limits: Limits) -> None:
    """Range checks no type can express: finite, inside the map, ids within the player count, bounded."""
    c = Check(limits)
    if isinstance(message, Frame):
        _check_frame(c, message)
    elif isinstance(message, Input):
        c.number("stick.0", message.stick[0], -1.0, 1.0)
        c.number("stick.1", message.stick[1], -1.0, 1.0)
        c.length("buttons", message.buttons, 8)
        c.player("kill_target", message.kill_target)
        c.count("vent_to", message.vent_to, 1000)
        c.text("sabotage", message.sabotage)
        c.text("sabotage_room", message.sabotage_room)
        if isinstance(message.vote, int):
            c.player("vote", message.vote)
    elif isinstance(message, Hello):
        c.count("seat", message.seat, MAX_PLAYERS - 1)
        c.count("players", message.players, MAX_PLAYERS)
        if message.seat >= message.players:
            raise BadLine(f"seat: {message.seat} is not among the {message.players} players")
        c.text("name", message.name)
        c.text("map", message.map)
        c.number("tick_s", message.tick_s, 1e-3, 10.0)
        c.number("player_speed", message.player_speed, 0.0, 100.0)
    elif isinstance(message, Join):
        c.count("seat", message.seat, MAX_PLAYERS - 1)
        c.text("name", message.name)
        c.text("token", message.token)
        c.number("backlog", message.backlog, 1, MAX_BACKLOG)
    elif isinstance(message, End):
        c.text("winner", message.winner)
        c.text("reason", message.reason)
    elif isinstance(message, Error):
        c.text("message", message.message, 1000)


def _check_frame(c: Check, f: Frame) -> None:
    c.number("t", f.t)
    c.player("me", f.me)
    for key in ("name", "color", "room"):
        c.text(key, getattr(f, key))
    c.point("position", f.position)
    c.count("in_vent", f.in_vent, 1000)
    c.number("kill_cooldown", f.kill_cooldown)
    c.count("emergencies_left", f.emergencies_left, 1000)
    c.players("partners", f.partners)
    c.length("tasks", f.tasks)
    for k, task in enumerate(f.tasks):
        at = f"tasks.{k}"
        for key in ("task", "label", "room"):
            c.text(f"{at}.{key}", getattr(task, key))
        for key in ("index", "step", "steps"):
            c.count(f"{at}.{key}", getattr(task, key))
        c.point(f"{at}.position", task.position)
        c.number(f"{at}.ready_in", task.ready_in)
    c.length("tasks_done", f.tasks_done)
    for k, name in enumerate(f.tasks_done):
        c.text(f"tasks_done.{k}", name)
    c.length("players", f.players, c.limits.players)
    for k, p in enumerate(f.players):
        _check_seen(c, f"players.{k}", p.id, p.name, p.room, p.position, p.distance)
        c.text(f"players.{k}.color", p.color)
    c.length("bodies", f.bodies, c.limits.players)
    for k, b in enumerate(f.bodies):
        _check_seen(c, f"bodies.{k}", b.victim, b.name, b.room, b.position, b.distance)
    c.length("vents", f.vents)
    for k, v in enumerate(f.vents):
        at = f"vents.{k}"
        c.count(f"{at}.id", v.id, 1000)
        c.text(f"{at}.name", v.name)
        c.text(f"{at}.room", v.room)
        c.point(f"{at}.position", v.position)
        c.number(f"{at}.distance", v.distance)
        c.length(f"{at}.links", v.links, 8)
        for j, link in enumerate(v.links):
            c.count(f"{at}.links.{j}", link, 1000)
    if f.sabotage is not None:
        c.text("sabotage.kind", f.sabotage.kind)
        c.number("sabotage.time_left", f.sabotage.time_left)
        c.length("sabotage.panels", f.sabotage.panels, 8)
        for k, (place, spot) in enumerate(f.sabotage.panels):
            c.text(f"sabotage.panels.{k}.0", place)
            c.point(f"sabotage.panels.{k}.1", spot)
    if f.meeting is not None:
        _check_meeting(c, f.meeting)
    c.players("alive_players", (pid for pid, _ in f.alive_players))
    for k, (_, name) in enumerate(f.alive_players):
        c.text(f"alive_players.{k}.1", name)
    c.number("task_bar", f.task_bar, 0.0, 1.0)
    # the rule values (speed, ranges, tick, chat limit) are range-checked by `Rules` itself


def _check_seen(c: Check, at: str, pid: int, name: str, room: str, position, distance: float) -> None:
    c.player(f"{at}.id", pid)
    c.text(f"{at}.name", name)
    c.text(f"{at}.room", room)
    c.point(f"{at}.position", position)
    c.number(f"{at}.distance", distance)


def _check_meeting(c: Check, m) -> None:
    for key in ("reason", "caller_name", "victim_name"):
        c.text(f"meeting.{key}", getattr(m, key))
    c.player("meeting.caller", m.caller)
    c.player("meeting.victim", m.victim)
    c.number("meeting.time_left", m.time_left)
    c.length("meeting.chat", m.chat, MAX_CHAT)
    for k, line in enumerate(m.chat):
        c.player(f"meeting.chat.{k}.player", line.player)
        c.text(f"meeting.chat.{k}.name", line.name)
        c.text(f"meeting.chat.{k}.text", line.text, MAX_TEXT)
        c.number(f"meeting.chat.{k}.t", line.t)
    c.players("meeting.voted", m.voted)
    if isinstance(m.my_vote, int):
        c.player("meeting.my_vote", m.my_vote)
    else:
        c.text("meeting.my_vote", m.my_vote)


def dump(message: BaseModel) -> bytes:
    return (message.model_dump_json(exclude_defaults=False) + "\n").encode()


def json_schema() -> dict:
    return _ADAPTER.json_schema()
