"""Draw a whole game onto the map: who went where, who died where, vents, meetings, the result.

One picture answers most "what happened in this seed?" questions faster than reading the JSONL,
so it is what `replay --png` writes. It uses `world/draw.py` for the map so the frame and colours
match every other picture of the ship. Trails are cut where a player jumps (a vent move, the
respawn after a meeting) so no line crosses a wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2

from ..world.draw import BUTTON, TEXT, VENT, MapCanvas, draw_map
from .format import (
    COLOR_ORDER,
    PLAYER_COLORS,
    EjectEvent,
    EmergencyEvent,
    KillEvent,
    MeetingStartEvent,
    PosEvent,
    ReportEvent,
    VentEvent,
)
from .io import Recording
from .summary import Summary, summarize

if TYPE_CHECKING:
    from ..world.map import GameMap

JUMP = 3.0  # world units between two samples that cannot be walking (samples are <= 0.5 s apart)
KILL = (40, 40, 255)
Color = tuple[int, int, int]


def player_color(name: str, pid: int) -> Color:
    """A header colour name (or `#rrggbb`) as BGR; an unknown name falls back to the colour of the id."""
    key = name.strip().lower()
    if key in PLAYER_COLORS:
        return PLAYER_COLORS[key]
    if len(key) == 7 and key.startswith("#"):
        try:
            r, g, b = (int(key[i : i + 2], 16) for i in (1, 3, 5))
            return b, g, r
        except ValueError:
            pass
    return PLAYER_COLORS[COLOR_ORDER[pid % len(COLOR_ORDER)]]


@dataclass
class _Trail:
    segments: list[tuple[list[tuple[float, float]], bool]] = field(default_factory=list)  # (points, ghost)

    def add(self, point: tuple[float, float], ghost: bool) -> None:
        if self.segments:
            points, was_ghost = self.segments[-1]
            last = points[-1]
            if was_ghost == ghost and abs(point[0] - last[0]) + abs(point[1] - last[1]) <= JUMP:
                points.append(point)
                return
        self.segments.append(([point], ghost))


def _outlined(canvas: MapCanvas, p: Sequence[float], color: Color, radius: int) -> None:
    canvas.marker(p, (0, 0, 0), radius + 2)
    canvas.marker(p, color, radius)


def draw_replay(recording: Recording, game_map: GameMap, scale: float = 40.0, ghosts: bool = False) -> MapCanvas:
    """The game on the map. Ghost trails are left out unless asked for: ghosts float through walls
    all game long and their lines bury the living players' routes, which are what one looks for."""
    players = recording.header.players
    colors = [player_color(p.color, p.id) for p in players]
    canvas = draw_map(game_map, None, scale=scale, graph=False)
    trails = [_Trail() for _ in players]
    last: dict[int, tuple[float, float]] = {}
    dead: set[int] = set()
    kills: list[tuple[KillEvent, tuple[float, float] | None]] = []
    vents = {v.id: v.position for v in game_map.data.vents}
    vent_uses: list[tuple[int, tuple[float, float]]] = []
    vent_moves: list[tuple[int, tuple[float, float], tuple[float, float]]] = []
    in_vent: dict[int, int] = {}
    meetings: list[tuple[tuple[float, float], str]] = []  # where the caller stood, why
    meeting_open = False
    for event in recording.events:
        if isinstance(event, PosEvent):
            dead_now = set(event.ghosts or ()) | dead
            for pid, point in event.positions.items():
                trails[pid].add(point, pid in dead_now)
                last[pid] = point
        elif isinstance(event, KillEvent):
            kills.append((event, last.get(event.killer)))
            dead.add(event.victim)
        elif isinstance(event, VentEvent) and event.vent in vents:
            if event.action == "move" and event.player in in_vent:
                vent_moves.append((event.player, vents[in_vent[event.player]], vents[event.vent]))
            vent_uses.append((event.player, vents[event.vent]))
            if event.action == "exit":
                in_vent.pop(event.player, None)
            else:
                in_vent[event.player] = event.vent
        elif isinstance(event, ReportEvent | EmergencyEvent | MeetingStartEvent):
            caller = event.reporter if isinstance(event, ReportEvent) else event.caller
            if isinstance(event, MeetingStartEvent) and meeting_open:
                continue  # the meeting_start after a report or button press marks the same meeting
            where = last.get(caller) if caller is not None else None
            label = "report" if isinstance(event, ReportEvent) else (
                "button" if isinstance(event, EmergencyEvent) else (event.reason or "meeting"))
            meetings.append((where or game_map.data.emergency_button.console, label))
            meeting_open = True
        elif event.type in ("eject", "meeting_end"):
            meeting_open = False
            if isinstance(event, EjectEvent) and event.player is not None:
                dead.add(event.player)
    for pid, trail in enumerate(trails):
        for points, ghost in trail.segments:
            if ghosts or not ghost:
                canvas.polyline(points, colors[pid], 1 if ghost else 2)
    for pid, a, b in vent_moves:
        canvas.dashed(a, b, colors[pid], dash=0.25)
    for pid, point in vent_uses:
        canvas.marker(point, colors[pid], 10, filled=False)
        canvas.marker(point, VENT, 12, filled=False)
    for k, (label_point, label) in enumerate(meetings, start=1):
        x, y = canvas.px(label_point)
        cv2.rectangle(canvas.image, (x - 7, y - 7), (x + 7, y + 7), BUTTON, 2)
        canvas.text((label_point[0] + 0.25, label_point[1] + 0.25), f"M{k} {label}", BUTTON, 0.45)
    for kill, killer_at in kills:
        _outlined(canvas, kill.pos, colors[kill.victim], 7)  # the body
        canvas.cross(killer_at or kill.pos, KILL)
        canvas.text((kill.pos[0] + 0.25, kill.pos[1] - 0.45), f"{kill.t:.0f}s", KILL, 0.4)
    summary = summarize(recording)
    _title(canvas, recording, summary)
    _players(canvas, summary, colors)
    return canvas


def _title(canvas: MapCanvas, recording: Recording, summary: Summary) -> None:
    result = f"{summary.winner} win ({summary.reason})" if summary.winner else "no result (recording stops early)"
    line = (f"{summary.map} seed {summary.seed}: {result} after {summary.duration_s:.1f} s - {summary.kills_count} "
            f"kills, {summary.meetings_count} meetings, {summary.tasks_completed} tasks")
    if recording.truncated:
        line += " - TRUNCATED"
    (w, h), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, 0.65, 2)
    box = canvas.image[4 : 18 + h, 4 : min(20 + w, canvas.width)]
    box[:] = (box * 0.35).astype(box.dtype)  # darken, so the line reads over rooms and trails alike
    cv2.putText(canvas.image, line, (12, 10 + h), cv2.FONT_HERSHEY_SIMPLEX, 0.65, TEXT, 2, cv2.LINE_AA)


def _players(canvas: MapCanvas, summary: Summary, colors: list[Color]) -> None:
    """Legend in the top right corner: colour, name, role and fate of every player."""
    rows = []
    for p in summary.players:
        fate = "survived" if p.survived else f"{p.death} {p.died_at_s:.0f}s"
        rows.append(f"{p.name} - {p.role} - {fate}")
    size, step = 0.45, 18
    width = max(cv2.getTextSize(r, cv2.FONT_HERSHEY_SIMPLEX, size, 1)[0][0] for r in rows) + 40
    x0, y0 = canvas.width - width - 10, 10
    overlay = canvas.image[y0 : y0 + step * len(rows) + 12, x0 : x0 + width]
    overlay[:] = (overlay * 0.35).astype(overlay.dtype)
    for k, (row, player) in enumerate(zip(rows, summary.players, strict=True)):
        y = y0 + 16 + k * step
        cv2.circle(canvas.image, (x0 + 14, y - 4), 6, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(canvas.image, (x0 + 14, y - 4), 5, colors[k], -1, cv2.LINE_AA)
        color = KILL if player.role == "impostor" else TEXT
        cv2.putText(canvas.image, row, (x0 + 28, y), cv2.FONT_HERSHEY_SIMPLEX, size, color, 1, cv2.LINE_AA)
