"""What the real client would show the seat now: a snapshot taken in the game's thread, drawn in the window's.

`Snapshot.take` reads the game once a tick (the game thread owns the game), from the same
`Observation` the bridge frame is made of plus what only the screen shows (chat lines, the task being
done). `draw_walk`, `draw_meeting` and `draw_voting` turn a snapshot into the client's picture in the
look of `perception/synthetic` (HUD, meeting chat, voting tablet); panels are drawn by `panels.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ...perception.hud.vocab import hud_room_names
from ...perception.synthetic.fonts import load_font
from ...perception.synthetic.hud import HudLine, blit, render_hud, text_sprite
from ...perception.synthetic.icons import draw_icon
from ...perception.synthetic.meeting import ChatMessage, chat_panel_box, render_meeting
from ...perception.synthetic.voting import VotePlayer, VotingScreen, render_voting
from ...ports import Observation
from ..engine import Game

SPACE = (56, 42, 36)  # BGR: outside the ship (dark blue, never near black: panels are)
FLOOR = (118, 124, 128)
WALL = (60, 64, 70)
CONSOLE = (40, 200, 230)  # yellow outline of a console the seat can use
VIEW_UNITS = 9.0  # map units shown across the screen's height
# how the task list writes a task's progress: (k/n) for these, with n as the game shows it
_COUNTED = {"Fix Wiring": 3, "Clear Asteroids": 20, "Fuel Engines": 2, "Empty Chute": 2, "Empty Garbage": 2,
            "Align Engine Output": 2, "Upload Data": 2, "Divert Power": 2}


def display_room(room: str) -> str:
    return next(iter(hud_room_names((room,))))


@dataclass(frozen=True, slots=True)
class TaskLine:
    index: int
    task: str
    room: str
    step: int
    steps: int
    done: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    t: float
    phase: str  # tasks | meeting | ended
    seat: int
    name: str
    color: str
    alive: bool
    position: tuple[float, float]
    room: str
    tasks: tuple[TaskLine, ...]
    tasks_hidden: bool
    task_bar: float
    use_ready: bool
    report_ready: bool
    using: tuple[int, int, str, float, float] | None  # task index, step, task name, step duration, opened at
    spots: tuple[tuple[float, float], ...]  # consoles of the current steps (outlined when near)
    others: tuple[tuple[str, str, tuple[float, float]], ...]  # colour, name, position
    bodies: tuple[tuple[str, tuple[float, float]], ...]
    meeting_no: int = 0
    voting: bool = False
    time_left: float = 0.0
    chat: tuple[tuple[int, str, str, str], ...] = ()  # player, name, colour, text
    players: tuple[tuple[int, str, str, bool], ...] = ()  # id, name, colour, alive
    voted: bool = False
    winner: str | None = None
    impostor: bool = False
    sabotage: tuple[str, float | None, int, int] | None = None  # kind, seconds left, panels fixed, panels

    @staticmethod
    def take(game: Game, seat: int, obs: Observation) -> Snapshot:
        """Read the game in its own thread; `obs` is the seat's observation of this tick (chat included)."""
        me = game.players[seat]
        s = game.settings
        tasks = tuple(TaskLine(k, t.name, t.places[min(t.step, len(t.places) - 1)].room, t.step, len(t.places), t.done)
                      for k, t in enumerate(me.tasks))
        using = None
        if me.using is not None and me.using.kind == "task":
            t = me.tasks[me.using.index]
            if not t.done:
                using = (me.using.index, t.step, t.name, t.durations[t.step], round(game.t - me.using.progress, 3))
        reach2 = s.use_distance ** 2
        spots = tuple(v.position for v in obs.tasks)
        near = any((x - me.x) ** 2 + (y - me.y) ** 2 <= reach2 and v.ready_in <= 0
                   for v, (x, y) in zip(obs.tasks, spots, strict=True))
        bx, by = game.map.data.emergency_button.spot
        near = near or ((bx - me.x) ** 2 + (by - me.y) ** 2 <= 1.6 * reach2 and obs.button_ready)
        if obs.sabotage is not None:
            near = near or any((x - me.x) ** 2 + (y - me.y) ** 2 <= reach2 for _, (x, y) in obs.sabotage.panels)
        report = any(b.distance <= s.report_distance for b in obs.bodies)
        chat: tuple = ()
        voting = False
        left = 0.0
        voted = False
        if obs.meeting is not None:
            chat = tuple((c.player, c.name, game.players[c.player].color, c.text) for c in obs.meeting.chat)
            voting = obs.meeting.phase == "voting"
            left = obs.meeting.time_left
            voted = obs.meeting.my_vote is not None
        sabotage = None
        if obs.sabotage is not None:
            fix = game.table.sabotage_fixes.get(obs.sabotage.kind)
            total = len(fix.panels) if fix is not None else 0
            sabotage = (obs.sabotage.kind, obs.sabotage.time_left, total - len(obs.sabotage.panels), total)
        return Snapshot(
            sabotage=sabotage, t=obs.t, phase=obs.phase, seat=seat, name=me.name, color=me.color, alive=me.alive, position=me.pos,
            room=obs.room, tasks=tasks, tasks_hidden=obs.tasks_hidden, task_bar=obs.task_bar,
            use_ready=me.alive and near and me.using is None, report_ready=me.alive and report, using=using,
            spots=spots, others=tuple((p.color, p.name, p.position) for p in obs.players),
            bodies=tuple((game.players[b.victim].color, b.position) for b in obs.bodies),
            meeting_no=game.meetings_held, voting=voting, time_left=left, chat=chat,
            players=tuple((p.id, p.name, p.color, p.alive) for p in game.players), voted=voted,
            winner=game.winner, impostor=me.is_impostor)


def hud_lines(snap: Snapshot, counts: dict[int, int] | None = None) -> list[HudLine]:
    """The task list as the game writes it; `counts` overrides k in (k/n) (asteroids destroyed so far)."""
    if snap.tasks_hidden:
        return [HudLine("Comms Sabotaged", "critical")]
    if snap.sabotage is not None:  # the game adds the sabotage's line under the tasks
        kind, left, fixed, total = snap.sabotage
        line = {"lights": HudLine("Fix Lights (%0)", "in_progress"),
                "reactor": HudLine(f"Reactor Meltdown in {int(left or 0)} ({fixed}/{total})", "critical"),
                "oxygen": HudLine(f"Oxygen Depleted in {int(left or 0)} ({fixed}/{total})", "critical")}.get(kind)
        return _task_lines(snap, counts) + ([line] if line is not None else [])
    return _task_lines(snap, counts)


def _task_lines(snap: Snapshot, counts: dict[int, int] | None) -> list[HudLine]:
    out = []
    for line in snap.tasks:
        n = _COUNTED.get(line.task)
        text = f"{display_room(line.room)}: {line.task}"
        k = (counts or {}).get(line.index, line.step * (n or 0) // max(1, line.steps))  # Fuel Engines: 4 visits, "(k/2)"
        if line.done:
            k = n or 0
        if n is not None:
            text += f" ({min(k, n)}/{n})"
        state = "done" if line.done else ("in_progress" if k > 0 or line.step > 0 else "todo")
        out.append(HudLine(text, state))
    return out


@dataclass
class MapView:
    """The ship's floor around the seat, cut from the walkable mask (one cheap warp a frame)."""

    game: Game
    w: int
    h: int
    _floor: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        x0, y0, res, cw, ch, mask = self.game.map.cells()
        walk = np.frombuffer(bytes(mask), np.uint8).reshape(ch, cw)
        img = np.empty((ch, cw, 3), np.uint8)
        img[:] = SPACE
        img[walk == 1] = FLOOR
        edge = cv2.dilate(walk, np.ones((3, 3), np.uint8)) - walk
        img[edge == 1] = WALL
        self._floor, self._origin = img, (x0, y0, res, ch)
        self.k = self.h / VIEW_UNITS  # screen pixels per map unit

    def px(self, centre: tuple[float, float], p: tuple[float, float]) -> tuple[int, int]:
        return (round(self.w / 2 + (p[0] - centre[0]) * self.k), round(self.h / 2 - (p[1] - centre[1]) * self.k))

    def draw(self, centre: tuple[float, float]) -> np.ndarray:
        x0, y0, res, ch = self._origin
        s = self.k * res  # screen pixels per mask cell
        col = (centre[0] - x0) / res
        row = ch - (centre[1] - y0) / res
        m = np.float32([[s, 0, self.w / 2 - s * col], [0, s, self.h / 2 - s * row]])
        return cv2.warpAffine(self._floor, m, (self.w, self.h), flags=cv2.INTER_NEAREST,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=SPACE)


def _palette_name(color: str) -> str:
    return color.lower()


def _names(img: np.ndarray, labels: list[tuple[tuple[int, int], str]], px: int) -> np.ndarray:
    for (x, y), name in labels:
        sprite = text_sprite(name, px, (255, 255, 255), True)
        blit(img, sprite, x - (sprite[0].shape[1] + 2 * sprite[2]) / 2, y)
    return img


@lru_cache(maxsize=64)
def _icon_sprite(color: str, d: int, ghost: bool) -> tuple[np.ndarray, np.ndarray, int, int]:
    """A crewmate icon drawn once: drawn on black and on white, the difference gives its alpha."""
    pad = 2
    on_black = np.zeros((d + 2 * pad, d + 2 * pad, 3), np.uint8)
    on_white = np.full_like(on_black, 255)
    draw_icon(on_black, pad, pad, d, color, ghost=ghost)
    draw_icon(on_white, pad, pad, d, color, ghost=ghost)
    alpha = 1.0 - (on_white.astype(np.float32) - on_black.astype(np.float32)).mean(axis=2, keepdims=True) / 255.0
    colour = np.where(alpha > 0.01, on_black / np.maximum(alpha, 0.01), 0).clip(0, 255).astype(np.uint8)
    return colour, alpha.astype(np.float32), -pad, -pad


def _icon(img: np.ndarray, x: float, y: float, d: int, color: str, ghost: bool = False) -> None:
    blit(img, _icon_sprite(color, d, ghost), x, y)


def draw_walk(snap: Snapshot, view: MapView, counts: dict[int, int] | None = None, *, hud: bool = True) -> np.ndarray:
    """The walking view: the ship around the seat, the players it sees, its consoles, the HUD on top."""
    img = view.draw(snap.position)
    d = round(0.09 * view.h)  # a crewmate's height on screen
    reach = view.game.settings.use_distance
    for x, y in snap.spots:
        cx, cy = view.px(snap.position, (x, y))
        r = round(0.35 * view.k)
        near = math.dist((x, y), snap.position) <= reach
        cv2.rectangle(img, (cx - r, cy - r), (cx + r, cy + r), CONSOLE if near else (70, 110, 120), max(2, d // 20))
    labels = []
    for color, pos in snap.bodies:
        cx, cy = view.px(snap.position, pos)
        _icon(img, cx - d / 2, cy - d / 4, d, _palette_name(color), ghost=True)
        cv2.line(img, (cx - d // 3, cy), (cx + d // 3, cy + d // 2), (30, 30, 200), max(2, d // 12))
    for color, name, pos in snap.others:
        cx, cy = view.px(snap.position, pos)
        _icon(img, cx - d / 2, cy - d / 2, d, _palette_name(color))
        labels.append(((cx, cy - d // 2 - round(0.03 * view.h)), name))
    _icon(img, view.w / 2 - d / 2, view.h / 2 - d / 2, d, _palette_name(snap.color), ghost=not snap.alive)
    labels.append(((view.w // 2, view.h // 2 - d // 2 - round(0.03 * view.h)), snap.name))
    img = _names(img, labels, round(0.024 * view.h))
    if hud:
        draw_hud(img, snap, counts)
    return img


def draw_hud(img: np.ndarray, snap: Snapshot, counts: dict[int, int] | None = None) -> None:
    """The HUD over the picture, in place: task list, room label (none in hallways), USE and REPORT."""
    room = snap.room if snap.room and "Hallway" not in snap.room else None
    buttons = {"use": snap.use_ready, "report": snap.report_ready}
    render_hud(img, hud_lines(snap, counts), display_room(room) if room else None, task_bar=snap.task_bar,
               buttons=buttons)


def dim(img: np.ndarray) -> np.ndarray:
    """The game darkens the ship behind an open task panel."""
    return (img.astype(np.uint16) * 6 // 10).astype(np.uint8)


# ---------------------------------------------------------------- meetings

@dataclass(frozen=True, slots=True)
class ChatBox:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the text box


def chat_input_box(w: int, h: int) -> tuple[int, int, int, int]:
    """Where `render_meeting` draws the text box (same arithmetic), as x0, y0, x1, y1."""
    from ...perception.synthetic.fonts import DEFAULT_FONT

    f = DEFAULT_FONT.size_1080 * h / 1080
    px, py, pw, ph = chat_panel_box(w, h)
    margin, input_h = round(0.5 * f), round(2.2 * f)
    return (px + margin, py + ph - margin - input_h, px + pw - margin - 1, py + ph - margin)


def draw_meeting(snap: Snapshot, w: int, h: int, typed: str, focused: bool) -> np.ndarray:
    """The meeting chat: every line of this meeting, ours on the right, what is being typed in the box."""
    alive = {pid: ok for pid, _, _, ok in snap.players}
    msgs = [ChatMessage(name, _palette_name(color), text, is_self=pid == snap.seat, is_ghost=not alive.get(pid, True))
            for pid, name, color, text in snap.chat]
    img = render_meeting(msgs, w, h).image
    x0, y0, x1, y1 = chat_input_box(w, h)
    px = max(8, round(0.55 * (y1 - y0)))
    shown = typed + ("|" if focused else "")
    if not shown:
        return img
    pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(pil)
    font = load_font("sans", False, px)
    while shown and draw.textlength(shown, font=font) > (x1 - x0) - 2 * px:
        shown = shown[1:]  # the box scrolls: the end of what is typed stays in view
    draw.text((x0 + px // 2, (y0 + y1) / 2 - 0.6 * px), shown, font=font, fill=(40, 40, 44))
    return cv2.cvtColor(np.asarray(pil), cv2.COLOR_RGB2BGR)


def draw_voting(snap: Snapshot, w: int, h: int, selected: str | None) -> VotingScreen:
    """The voting tablet: every player's plate (the dead greyed), the selected one with its confirm button."""
    players = [VotePlayer(name, _palette_name(color), dead=not ok) for _, name, color, ok in snap.players]
    return render_voting(players, w, h, selected=selected)


def draw_end(snap: Snapshot, w: int, h: int) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    won = (snap.winner == "impostors") == snap.impostor
    text = ("Victory" if won else "Defeat") + (f" ({snap.winner} win)" if snap.winner else "")
    return _names(img, [((w // 2, h // 2 - h // 20), text)], round(0.07 * h))
