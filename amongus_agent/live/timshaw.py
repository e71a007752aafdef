"""A state source that polls the files written by the TimShaw1/Among-Us-AI BepInEx mod, all of them.

The mod writes, in its data folder (formats as its own readers parse them; player ids are colour
ids in the game's order: red 0, blue 1, ... coral 17):
- `sendData.txt`, the local player, one item a line: `x y`; role (`crewmate`/`impostor`); `[task,
  ...]`; `[room, ...]`; `[done/total, ...]`; map id (`Ship` is The Skeld); dead `0/1`; in a meeting
  `0/1`; speed; own colour id; room; lights sabotaged `0/1`; players near `[id/x/y, ...]`; players in
  vents `[id/0|1, ...]`; players dead `[id/0|1, ...]`. Older builds write only the first 7 lines.
  Active sabotages appear in the task list as their fix tasks (Fix Lights, Reset Reactor, ...).
- `chatData.txt`: the meeting chat, a line a message, `COLOUR: text`.
- `meetingData.txt`: the colour id of who called the meeting, then the dead as `[id, id, ]`.
- `timerData.txt`: the voting time in seconds.
- `killData.txt`: kills, a line each, `killer id, victim id`.
- `imposterData.txt` (impostors only): fellow impostors `[id/dead 0|1, ...]`, then the kill cooldown.
- `inGameData.txt`: `1` while a game runs, `0` after.

Each poll reads them all into one `Frame` (the same the TCP bridge carries) plus the events the
player perceived (a meeting called or over, chat lines, its own kills and death, the end), placing
each task at its standing spot from our task table. Every line is validated: numbers finite and in
range, ids within the colours, lists bounded; a file caught mid-write or malformed is counted and
skipped, and the last good state stands.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AmongUsError
from ..ports import Actuator, ChatLine, MeetingView, SabotageView, SeenPlayer, TaskStepView
from ..world.map import GameMap
from ..world.tasks import TaskTable
from .frames import FrameWorld
from .limits import MAX_CHAT
from .protocol import End, Frame, Hello

log = logging.getLogger(__name__)
COLOR_IDS = ("red", "blue", "green", "pink", "orange", "yellow", "black", "white", "purple", "brown", "cyan",
             "lime", "maroon", "rose", "banana", "gray", "tan", "coral")
FIX_TASKS = {"Fix Lights": "lights", "Reset Reactor": "reactor", "Restore Oxygen": "oxygen",
             "Fix Communications": "comms"}
MAX_FILE = 1 << 16  # the mod's files are a few hundred bytes; anything larger is not theirs
MAX_ITEMS = 64
MAX_COORD = 1000.0


class TimShawError(AmongUsError):
    pass


def _list(line: str, where: str) -> list[str]:
    inner = line.strip().strip("[]").strip()
    items = [part.strip() for part in inner.split(",")] if inner else []
    items = [i for i in items if i]  # the mod leaves a trailing ", " in some lists
    if len(items) > MAX_ITEMS:
        raise ValueError(f"{where}: more than {MAX_ITEMS} items")
    return items


def _number(text: str, where: str, lo: float = -MAX_COORD, hi: float = MAX_COORD) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: expected a number, got {text[:40]!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{where}: {value} is out of range ({lo} to {hi})")
    return value


def _color(text: str, where: str) -> int:
    try:
        cid = int(text.strip())
    except ValueError:
        raise ValueError(f"{where}: expected a colour id, got {text[:40]!r}") from None
    if not 0 <= cid < len(COLOR_IDS):
        raise ValueError(f"{where}: colour id {cid} is not one of the game's {len(COLOR_IDS)}")
    return cid


def _flags(line: str, where: str) -> dict[int, bool]:
    out = {}
    for k, item in enumerate(_list(line, where)):
        cid, _, flag = item.partition("/")
        out[_color(cid, f"{where} item {k + 1}")] = flag.strip() not in ("0", "")
    return out


def _bit(line: str, where: str) -> bool:
    value = line.strip()
    if value not in ("0", "1"):
        raise ValueError(f"{where}: expected 0 or 1, got {value[:40]!r}")
    return value == "1"


@dataclass
class SendData:
    """`sendData.txt`, validated."""

    position: tuple[float, float]
    impostor: bool
    tasks: list[str]
    rooms: list[str]
    steps: list[tuple[int, int]]
    map_id: str = "Ship"
    dead: bool = False
    in_meeting: bool = False
    speed: float | None = None
    color: int | None = None
    room: str | None = None
    lights_out: bool = False
    nearby: dict[int, tuple[float, float]] = field(default_factory=dict)
    vented: dict[int, bool] = field(default_factory=dict)
    players_dead: dict[int, bool] = field(default_factory=dict)


def read_send_data(text: str) -> SendData:
    """Parse `sendData.txt`; raises ValueError naming the line when it cannot be read."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValueError("line 1: empty (no position)")
    parts = lines[0].split()
    if len(parts) < 2:
        raise ValueError(f"line 1: expected 'x y', got {lines[0][:40]!r}")
    x, y = (_number(v, "line 1") for v in parts[:2])
    get = lambda k: lines[k] if len(lines) > k else None  # noqa: E731
    role = (get(1) or "crewmate").strip().lower()
    tasks = _list(get(2) or "", "line 3")
    rooms = _list(get(3) or "", "line 4")
    steps = []
    for k, item in enumerate(_list(get(4) or "", "line 5")):
        a, sep, b = item.partition("/")
        if not sep:
            raise ValueError(f"line 5 item {k + 1}: expected done/total, got {item[:40]!r}")
        done, total = int(_number(a, "line 5", 0, 100)), int(_number(b, "line 5", 0, 100))
        steps.append((min(done, total), total))
    data = SendData(position=(x, y), impostor="impostor" in role or "shapeshifter" in role, tasks=tasks,
                    rooms=rooms, steps=steps)
    if get(5) is not None:
        data.map_id = get(5).strip()[:40]
    if get(6) is not None:
        data.dead = _bit(get(6), "line 7")
    if get(7) is not None:
        data.in_meeting = _bit(get(7), "line 8")
    if get(8) is not None:
        data.speed = _number(get(8), "line 9", 0, 20)
    if get(9) is not None:
        data.color = _color(get(9), "line 10")
    if get(10) is not None:
        data.room = get(10).strip()[:40] or None
    if get(11) is not None:
        data.lights_out = "0" not in get(11)
    if get(12) is not None:
        for k, item in enumerate(_list(get(12), "line 13")):
            bits = item.split("/")
            if len(bits) != 3:
                raise ValueError(f"line 13 item {k + 1}: expected id/x/y, got {item[:40]!r}")
            data.nearby[_color(bits[0], "line 13")] = (_number(bits[1], "line 13"), _number(bits[2], "line 13"))
    if get(13) is not None:
        data.vented = _flags(get(13), "line 14")
    if get(14) is not None:
        data.players_dead = _flags(get(14), "line 15")
    return data


def read_chat(text: str) -> list[tuple[int | None, str]]:
    """`chatData.txt` -> (speaker colour id or None, text), oldest first."""
    out: list[tuple[int | None, str]] = []
    for line in text.splitlines()[-MAX_CHAT:]:
        name, sep, said = line.partition(": ")
        cid = COLOR_IDS.index(name.strip().lower()) if sep and name.strip().lower() in COLOR_IDS else None
        out.append((cid, (said if cid is not None else line).strip()[:200]))
    return [(c, t) for c, t in out if t]


def read_meeting(text: str) -> tuple[int | None, list[int]]:
    """`meetingData.txt` -> (caller colour id, colour ids of the dead)."""
    lines = text.splitlines()
    caller = _color(lines[0], "meetingData line 1") if lines and lines[0].strip() else None
    dead = [_color(i, "meetingData line 2") for i in _list(lines[1], "meetingData line 2")] if len(lines) > 1 else []
    return caller, dead


def read_kills(text: str) -> list[tuple[int, int]]:
    """`killData.txt` -> (killer, victim) colour ids."""
    out = []
    for k, line in enumerate(text.splitlines()[:MAX_ITEMS]):
        if not line.strip():
            continue
        killer, sep, victim = line.partition(",")
        if not sep:
            raise ValueError(f"killData line {k + 1}: expected 'killer, victim', got {line[:40]!r}")
        out.append((_color(killer, f"killData line {k + 1}"), _color(victim, f"killData line {k + 1}")))
    return out


def read_impostor(text: str) -> tuple[dict[int, bool], float]:
    """`imposterData.txt` -> (fellow impostors -> dead, kill cooldown in seconds)."""
    lines = text.splitlines()
    if len(lines) < 2:
        raise ValueError("imposterData: expected 2 lines")
    return _flags(lines[0], "imposterData line 1"), _number(lines[1], "imposterData line 2", 0, 3600)


def parse_send_data(text: str, game_map: GameMap, tasks: TaskTable, t: float) -> Frame:
    """One `sendData.txt` alone -> a frame (the other files add to it in `TimShawWorld`)."""
    return build_frame(read_send_data(text), game_map, tasks, t)


def build_frame(d: SendData, game_map: GameMap, tasks: TaskTable, t: float, *, impostor: tuple | None = None,
                chat: list[ChatLine] | None = None, meeting: dict | None = None) -> Frame:
    me = d.color if d.color is not None else 0
    name = COLOR_IDS[me]
    views, done, sabotage_panels, sabotage_kind = [], [], [], None
    for k, task_name in enumerate(d.tasks):
        room = d.rooms[k] if k < len(d.rooms) else ""
        kind = FIX_TASKS.get(task_name)
        if kind is not None:  # an active sabotage shows as its fix task
            sabotage_kind = sabotage_kind or kind
            spot = _spot(tasks, task_name, room, fix=kind)
            if spot is not None:
                sabotage_panels.append((room, spot))
            continue
        step, total = d.steps[k] if k < len(d.steps) else (0, 1)
        if (d.dead or d.impostor) and k == 0 and task_name == "Submit Scan" and room == "Hallway":
            continue  # the mod's placeholder for players without tasks
        if step >= total:
            done.append(task_name)
            continue
        spot = _spot(tasks, task_name, room)
        if spot is None:
            continue
        task = tasks.tasks.get(task_name)
        views.append(TaskStepView(task=task_name, index=k, step=step, steps=total, label=task_name,
                                  kind=task.kind if task else "short", room=room or game_map.room_of(spot),
                                  position=spot))
    if d.lights_out and sabotage_kind is None:
        sabotage_kind = "lights"
        sabotage_panels = [(p.room, p.spot) for p in tasks.sabotage_fixes["lights"].panels] \
            if "lights" in tasks.sabotage_fixes else []
    pos = d.position
    players = []
    for cid, (x, y) in d.nearby.items():
        if cid == me or d.vented.get(cid) or d.players_dead.get(cid):
            continue
        players.append(SeenPlayer(id=cid, name=COLOR_IDS[cid], color=COLOR_IDS[cid], position=(x, y),
                                  distance=round(math.dist(pos, (x, y)), 3), room=game_map.room_of((x, y))))
    alive = [(me, name)] if not d.dead else []
    alive += [(cid, COLOR_IDS[cid]) for cid, dead in sorted(d.players_dead.items()) if not dead and cid != me]
    partners, kill_cooldown = [], 0.0
    if impostor is not None and d.impostor:
        fellows, kill_cooldown = impostor
        partners = [cid for cid in fellows if cid != me]
    view = None
    if d.in_meeting and meeting is not None:
        caller = meeting.get("caller")
        victim = meeting.get("victim")
        view = MeetingView(
            reason="report" if victim is not None else "emergency", caller=caller if caller is not None else me,
            caller_name=COLOR_IDS[caller] if caller is not None else name, victim=victim,
            victim_name=COLOR_IDS[victim] if victim is not None else None, phase="voting",
            time_left=max(0.0, round(meeting.get("time_left", 0.0), 2)), chat=chat or [], voted=[],
            my_vote=meeting.get("my_vote"))
    return Frame(t=t, phase="meeting" if d.in_meeting else "tasks", me=me, name=name, color=name,
                 role="impostor" if d.impostor else "crewmate", position=pos,
                 room=d.room or game_map.room_of(pos), alive=not d.dead, tasks=views, tasks_done=done,
                 players=players, alive_players=alive, partners=partners, kill_cooldown=kill_cooldown,
                 sabotage=SabotageView(kind=sabotage_kind, panels=sabotage_panels) if sabotage_kind else None,
                 meeting=view)


def _spot(tasks: TaskTable, name: str, room: str, fix: str | None = None):
    if fix is not None:
        panels = tasks.sabotage_fixes[fix].panels if fix in tasks.sabotage_fixes else []
        same = [p.spot for p in panels if p.room.replace(" ", "").lower() == room.replace(" ", "").lower()]
        return same[0] if same else (panels[0].spot if panels else None)
    for loc in tasks.task_locations(name):
        if loc.room.replace(" ", "").lower() == room.replace(" ", "").lower():
            return loc.spot
    locs = tasks.task_locations(name)
    return locs[0].spot if len(locs) == 1 else None


class TimShawWorld(FrameWorld):
    """The agent's world ports over the mod's files (input goes to a device, never to the files)."""

    def __init__(self, folder: str | Path, game_map: GameMap, tasks: TaskTable, actuator: Actuator,
                 poll_s: float = 0.1) -> None:
        super().__init__()
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise TimShawError(f"{self.folder}: no such folder (the mod's data folder, holding sendData.txt)")
        self.map, self.tasks, self.poll_s = game_map, tasks, poll_s
        self.actuator = actuator  # a device: the mod's files take no input
        self.hello = Hello(seat=0, name="me", map=game_map.name, tick_s=poll_s)
        self.end: End | None = None
        self.frames = 0
        self.malformed = 0
        self.reconnects = 0
        self._started = time.monotonic()
        self._chat: list[ChatLine] = []
        self._chat_seen = len(self._optional("chatData.txt", read_chat) or [])  # older lines are not this game's
        self._kills_seen = 0
        self._meeting_since: float | None = None
        self._was_in_game = False
        self._last: SendData | None = None

    def _read(self, name: str) -> str | None:
        path = self.folder / name
        try:
            if path.stat().st_size > MAX_FILE:
                raise ValueError(f"{name}: larger than {MAX_FILE} bytes")
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def _optional(self, name: str, reader):
        """A side file read with `reader`; a bad one is counted and skipped, the frame goes on."""
        text = self._read(name)
        if text is None or not text.strip():
            return None
        try:
            return reader(text)
        except ValueError as exc:
            self.malformed += 1
            log.warning("timshaw: skipped %s (%s)", name, exc)
            return None

    def poll(self) -> bool:
        """Read the files once; True when a new frame was read."""
        t = round(time.monotonic() - self._started, 3)
        try:
            text = self._read("sendData.txt")
            if text is None:
                return False
            data = read_send_data(text)
        except ValueError as exc:
            self.malformed += 1
            log.warning("timshaw: skipped sendData.txt (%s)", exc)
            return False
        me = data.color if data.color is not None else 0
        impostor = self._optional("imposterData.txt", read_impostor) if data.impostor else None
        meeting = None
        if data.in_meeting:
            if self._meeting_since is None:
                self._meeting_since = t
                self._chat = []
            caller, dead = self._optional("meetingData.txt", read_meeting) or (None, [])
            timer = self._optional("timerData.txt", lambda s: _number(s.strip(), "timerData", 0, 3600))
            known_dead = {c for c, d in (self._last.players_dead.items() if self._last else []) if d}
            fresh = [c for c in dead if c not in known_dead]
            meeting = {"caller": caller, "victim": fresh[0] if fresh else None,
                       "time_left": (timer - (t - self._meeting_since)) if timer is not None else 0.0}
            if self._last is None or not self._last.in_meeting:
                reason = "report" if meeting["victim"] is not None else "emergency"
                self.heard({"type": "meeting_start", "t": t, "caller": caller, "reason": reason})
            self._take_chat(t)
        elif self._meeting_since is not None:
            self._meeting_since = None
            self.heard({"type": "meeting_end", "t": t})
        self._take_kills(t, me, data.position)
        self._last = data
        self._frame = build_frame(data, self.map, self.tasks, t, impostor=impostor, chat=list(self._chat),
                                  meeting=meeting)
        self.frames += 1
        in_game = self._optional("inGameData.txt", lambda s: _bit(s.strip()[:1], "inGameData"))
        if in_game:
            self._was_in_game = True
        elif in_game is False and self._was_in_game and self.end is None:
            self.heard({"type": "end", "t": t, "winner": None, "reason": "game over"})
            self.end = End(winner=None, reason="game over (the mod does not say who won)")
        return True

    def _take_chat(self, t: float) -> None:
        lines = self._optional("chatData.txt", read_chat) or []
        if len(lines) < self._chat_seen:
            self._chat_seen = 0  # the file was cleared: what is there now is new
        for cid, said in lines[self._chat_seen:]:
            if cid is None:
                continue
            line = ChatLine(player=cid, name=COLOR_IDS[cid], text=said, t=t)
            self._chat.append(line)
            self.heard({"type": "chat", "t": t, "player": cid, "text": said})
        self._chat_seen = len(lines)

    def _take_kills(self, t: float, me: int, pos: tuple[float, float]) -> None:
        kills = self._optional("killData.txt", read_kills) or []
        if len(kills) < self._kills_seen:
            self._kills_seen = 0  # cleared between rounds
        for killer, victim in kills[self._kills_seen:]:
            if me in (killer, victim):  # what the player knows first-hand
                self.heard({"type": "kill", "t": t, "killer": killer, "victim": victim, "pos": list(pos)})
        self._kills_seen = len(kills)

    def wait_frame(self, after: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.poll() and self.frames > after:
                return True
            time.sleep(self.poll_s)
        return False

    def flush(self) -> None:
        """Nothing to send: input went to the device actuator as the agent acted."""

    def close(self) -> None:
        self._stop.set()
