"""Walking for bots: a route from the map, followed by stick vectors every tick, closed-loop.

Bots move the way a gamepad player does — the stick points at the next waypoint — so they obey the
same movement rules as any seat; `stuck` handling re-routes when a closed door or a wall corner
holds them up.
"""

from __future__ import annotations

import math
import random

from ...errors import NotWalkableError
from ...world.map import GameMap
from ...world.schema import Point


class Navigator:
    def __init__(self, game_map: GameMap, step: float, rng: random.Random) -> None:
        self.map = game_map
        self.step = step  # distance covered by one tick at full stick
        self.rng = rng
        self.route: list[Point] = []
        self.wp = 0
        self.goal: Point | None = None
        self._last: Point | None = None
        self._still = 0
        self._nudge = 0
        self._nudge_dir = (0.0, 0.0)

    def go(self, start: Point, goal: Point, through_walls: bool = False, slack: float = 0.0) -> None:
        """Route to `goal`; with `slack`, keep the current route while its goal is that close (chasing)."""
        goal = (float(goal[0]), float(goal[1]))
        if self.route and self.goal is not None and (
            self.goal == goal or (slack > 0 and math.dist(self.goal, goal) <= slack)
        ):
            return
        self.goal = goal
        self._still = 0
        if through_walls:
            self.route, self.wp = [start, goal], 1
            return
        try:
            self.route = self.map.shortest_path(start, goal).points
        except NotWalkableError:
            self.route = [start, goal]
        self.wp = 1

    def stop(self) -> None:
        self.route, self.wp, self.goal = [], 0, None

    def arrived(self, pos: Point, tolerance: float = 0.05) -> bool:
        return self.goal is not None and math.dist(pos, self.goal) <= tolerance

    def stick(self, pos: Point) -> tuple[float, float]:
        if not self.route or self.goal is None:
            return (0.0, 0.0)
        if self._nudge > 0:
            self._nudge -= 1
            if self._nudge == 0:
                self.go_again(pos)
            return self._nudge_dir
        x, y = pos
        last = len(self.route) - 1
        while self.wp < last and math.dist(pos, self.route[self.wp]) < self.step:
            self.wp += 1
        if self.wp > last:
            return (0.0, 0.0)
        tx, ty = self.route[self.wp]
        dx, dy = tx - x, ty - y
        d = math.hypot(dx, dy)
        if d < 1e-6:
            if self.wp == last:
                return (0.0, 0.0)
            self.wp += 1
            return self.stick(pos)
        self._watch(pos)
        mag = min(1.0, d / self.step) if self.wp == last else 1.0
        return (dx / d * mag, dy / d * mag)

    def go_again(self, pos: Point) -> None:
        goal = self.goal
        self.goal = None
        if goal is not None:
            self.go(pos, goal)

    def _watch(self, pos: Point) -> None:
        """Stuck: no progress for 1.5 s of ticks -> re-route; again -> nudge along one axis."""
        if self._last is not None and math.dist(pos, self._last) < 0.02 * self.step:
            self._still += 1
        else:
            self._still = 0
        self._last = pos
        if self._still == 15:
            self.go_again(pos)
        elif self._still >= 30:
            self._still = 0
            angle = self.rng.random() * 2 * math.pi
            self._nudge_dir = (math.cos(angle), math.sin(angle))
            self._nudge = 4
