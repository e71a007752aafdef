"""Draw a map (walkable area, rooms, graph, task spots, vents, doors) into an image a person can read.

Shared by `map show`, the replay viewer and the map recorder, so every picture of the ship uses
the same frame and colours.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .map import GameMap
from .tasks import TaskTable

BG = (32, 26, 22)
WALK = (92, 84, 78)
EDGE = (150, 140, 130)
TASK = (90, 200, 90)
SABOTAGE = (60, 160, 255)
VENT = (70, 70, 230)
DOOR = (200, 90, 200)
BUTTON = (40, 220, 250)
SPAWN = (230, 230, 230)
TEXT = (235, 235, 235)
_PALETTE = [(70, 50, 50), (50, 70, 50), (50, 50, 80), (70, 65, 40), (60, 45, 70), (45, 70, 70), (70, 55, 60)]


class MapCanvas:
    """World-to-pixel transform plus the drawing primitives the pictures share."""

    def __init__(self, game_map: GameMap, scale: float = 40.0) -> None:
        self.map = game_map
        self.scale = scale
        x0, y0, x1, y1 = game_map.data.bounds
        self.x0, self.y1 = x0, y1
        self.width = int(round((x1 - x0) * scale))
        self.height = int(round((y1 - y0) * scale))
        self.image = np.full((self.height, self.width, 3), BG, dtype=np.uint8)

    def px(self, p: Sequence[float]) -> tuple[int, int]:
        return int(round((p[0] - self.x0) * self.scale)), int(round((self.y1 - p[1]) * self.scale))

    def text(self, p: Sequence[float], label: str, color=TEXT, size: float = 0.4, center: bool = False) -> None:
        x, y = self.px(p)
        if center:
            (w, h), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, size, 1)
            x, y = x - w // 2, y + h // 2
        cv2.putText(self.image, label, (x + 1, y + 1), cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), 2, cv2.LINE_AA)
        cv2.putText(self.image, label, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, color, 1, cv2.LINE_AA)

    def polyline(self, points: Sequence[Sequence[float]], color, thickness: int = 2) -> None:
        if len(points) >= 2:
            pts = np.array([self.px(p) for p in points], dtype=np.int32)
            cv2.polylines(self.image, [pts], False, color, thickness, cv2.LINE_AA)

    def dashed(self, a: Sequence[float], b: Sequence[float], color, dash: float = 0.4) -> None:
        pa, pb = np.array(a, float), np.array(b, float)
        length = float(np.hypot(*(pb - pa)))
        n = max(1, int(length / dash))
        for k in range(0, n, 2):
            s, e = pa + (pb - pa) * (k / n), pa + (pb - pa) * (min(k + 1, n) / n)
            cv2.line(self.image, self.px(s), self.px(e), color, 1, cv2.LINE_AA)

    def marker(self, p: Sequence[float], color, radius: int = 5, filled: bool = True) -> None:
        cv2.circle(self.image, self.px(p), radius, color, -1 if filled else 2, cv2.LINE_AA)

    def cross(self, p: Sequence[float], color, size: int = 7) -> None:
        x, y = self.px(p)
        cv2.line(self.image, (x - size, y - size), (x + size, y + size), color, 3, cv2.LINE_AA)
        cv2.line(self.image, (x - size, y + size), (x + size, y - size), color, 3, cv2.LINE_AA)

    def png(self) -> bytes:
        ok, buf = cv2.imencode(".png", self.image)
        if not ok:
            raise RuntimeError("PNG encoding failed")
        return buf.tobytes()


def draw_map(game_map: GameMap, tasks: TaskTable | None = None, scale: float = 40.0, graph: bool = True) -> MapCanvas:
    canvas = MapCanvas(game_map, scale)
    img = canvas.image
    for k, region in enumerate(game_map.data.regions):
        color = _PALETTE[k % len(_PALETTE)] if region.kind == "room" else (45, 40, 36)
        for rx0, ry0, rx1, ry1 in region.rects:
            cv2.rectangle(img, canvas.px((rx0, ry1)), canvas.px((rx1, ry0)), color, -1)
    walk = cv2.resize(game_map.walkable_mask.astype(np.uint8), (canvas.width, canvas.height),
                      interpolation=cv2.INTER_NEAREST).astype(bool)
    img[walk] = (img[walk].astype(np.uint16) + WALK).clip(0, 255).astype(np.uint8) // 2 + np.uint8(30)
    if graph:
        for a, b in game_map.data.edges:
            cv2.line(img, canvas.px(game_map.data.nodes[a]), canvas.px(game_map.data.nodes[b]), EDGE, 1, cv2.LINE_AA)
    vents = {v.id: v for v in game_map.data.vents}
    for v in game_map.data.vents:
        for link in v.links:
            if link > v.id:
                canvas.dashed(v.position, vents[link].position, VENT)
    for v in game_map.data.vents:
        canvas.marker(v.position, VENT, 6, filled=False)
    for d in game_map.data.doors:
        x, y = canvas.px(d.position)
        cv2.rectangle(img, (x - 5, y - 5), (x + 5, y + 5), DOOR, 2)
    for p in game_map.data.spawn.points:
        canvas.marker(p, SPAWN, 2)
    canvas.marker(game_map.data.emergency_button.console, BUTTON, 7)
    if tasks is not None:
        for placed in tasks.locations():
            sabotage = placed.where.startswith("sabotage")
            canvas.marker(placed.location.spot, SABOTAGE if sabotage else TASK, 4)
        labelled: set[tuple[float, float]] = set()
        for placed in tasks.locations():
            spot = placed.location.spot
            if spot not in labelled:
                labelled.add(spot)
                canvas.text((spot[0] + 0.15, spot[1] + 0.1), placed.label, TASK, 0.3)
    for region in game_map.data.regions:
        rx0, ry0, rx1, ry1 = region.rects[0]
        canvas.text(((rx0 + rx1) / 2, ry1 - 0.45), region.name, TEXT, 0.5 if region.kind == "room" else 0.35, True)
    _legend(canvas)
    return canvas


def _legend(canvas: MapCanvas) -> None:
    items = [("task spot", TASK), ("sabotage fix", SABOTAGE), ("vent (dashed: links)", VENT), ("door", DOOR),
             ("emergency button", BUTTON)]
    x, y = 12, canvas.height - 14 * len(items) - 8
    for label, color in items:
        cv2.circle(canvas.image, (x + 5, y), 5, color, -1, cv2.LINE_AA)
        cv2.putText(canvas.image, label, (x + 16, y + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4, TEXT, 1, cv2.LINE_AA)
        y += 14
