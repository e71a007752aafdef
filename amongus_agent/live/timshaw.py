"""A state source that polls the files written by the TimShaw1/Among-Us-AI BepInEx mod.

That mod writes the local player's state to `sendData.txt` in its data folder, one item a line:
`x y`, the role (`crewmate`/`impostor`...), `[task, ...]`, `[room, ...]`, `[done/total, ...]`, the
map id (`Ship` is The Skeld), and `1` when dead. We turn it into the same `Frame` the TCP bridge
carries, placing each task at its standing spot from our task table. The mod exposes no other
players and no meeting state in that file, so those parts of the frame stay empty. Files are read
whole on each poll; a file caught mid-write or malformed is counted and skipped.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ..errors import AmongUsError
from ..ports import TaskStepView
from ..sim.seat_view import SimActuator
from ..world.map import GameMap
from ..world.tasks import TaskTable
from .frames import FrameWorld
from .protocol import End, Frame, Hello

log = logging.getLogger(__name__)
MAPS = {"Ship": "skeld", "0": "skeld"}


class TimShawError(AmongUsError):
    pass


def _list(line: str) -> list[str]:
    inner = line.strip().strip("[]").strip()
    return [part.strip() for part in inner.split(",")] if inner else []


def parse_send_data(text: str, game_map: GameMap, tasks: TaskTable, t: float) -> Frame:
    """One `sendData.txt` -> a frame; raises ValueError naming the line when it cannot be read."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValueError("line 1: empty (no position)")
    try:
        x, y = (float(v) for v in lines[0].split()[:2])
    except ValueError:
        raise ValueError(f"line 1: expected 'x y', got {lines[0]!r}") from None
    role_text = lines[1].strip().lower() if len(lines) > 1 else "crewmate"
    role = "impostor" if "impostor" in role_text or "shapeshifter" in role_text else "crewmate"
    names = _list(lines[2]) if len(lines) > 2 else []
    rooms = _list(lines[3]) if len(lines) > 3 else []
    steps = _list(lines[4]) if len(lines) > 4 else []
    dead = len(lines) > 6 and lines[6].strip() == "1"
    views = []
    for k, name in enumerate(names):
        room = rooms[k] if k < len(rooms) else ""
        done, total = 0, 1
        if k < len(steps) and "/" in steps[k]:
            a, _, b = steps[k].partition("/")
            done, total = int(a), int(b)
        if done >= total:
            continue
        spot = _spot(tasks, name, room)
        if spot is None:
            continue
        task = tasks.tasks.get(name)
        kind = task.kind if task else "short"
        views.append(TaskStepView(task=name, index=k, step=done, steps=total, label=name, kind=kind,
                                  room=room or game_map.room_of(spot), position=spot))
    pos = (x, y)
    return Frame(t=t, phase="tasks", me=0, name="me", color="me", role=role, position=pos,
                 room=game_map.room_of(pos), alive=not dead, tasks=views, alive_players=[(0, "me")],
                 tasks_done=[n for k, n in enumerate(names) if k < len(steps) and _done(steps[k])])


def _done(step: str) -> bool:
    a, _, b = step.partition("/")
    return a.strip() == b.strip() and bool(b.strip())


def _spot(tasks: TaskTable, name: str, room: str):
    for loc in tasks.task_locations(name):
        if loc.room.replace(" ", "").lower() == room.replace(" ", "").lower():
            return loc.spot
    locs = tasks.task_locations(name)
    return locs[0].spot if len(locs) == 1 else None


class TimShawWorld(FrameWorld):
    """The agent's world ports over the mod's files (input goes to a device, never to the files)."""

    def __init__(self, folder: str | Path, game_map: GameMap, tasks: TaskTable, poll_s: float = 0.1) -> None:
        super().__init__()
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise TimShawError(f"{self.folder}: no such folder (the mod's data folder, holding sendData.txt)")
        self.map, self.tasks, self.poll_s = game_map, tasks, poll_s
        self.actuator = SimActuator()
        self.hello = Hello(seat=0, name="me", map=game_map.name, tick_s=poll_s)
        self.end: End | None = None
        self.frames = 0
        self.malformed = 0
        self.reconnects = 0
        self._started = time.monotonic()

    def poll(self) -> bool:
        """Read the file once; True when a new frame was read."""
        path = self.folder / "sendData.txt"
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        try:
            frame = parse_send_data(text, self.map, self.tasks, round(time.monotonic() - self._started, 3))
        except ValueError as exc:
            self.malformed += 1
            log.warning("timshaw: skipped %s (%s)", path, exc)
            return False
        self._frame = frame
        self.frames += 1
        return True

    def wait_frame(self, after: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.poll() and self.frames > after:
                return True
            time.sleep(self.poll_s)
        return False

    def flush(self):
        raise TimShawError("the TimShaw mod's files take no input: use --input gamepad or dry")

    def close(self) -> None:
        self._stop.set()
