"""Path to stick: follow the map's shortest route with a gamepad stick, closed-loop on position.

Every tick the stick points at a point a little ahead on the route (pure pursuit), so corners are
taken smoothly and small drifts correct themselves. Being stuck (a closed door, a wall corner, a
crowd) is noticed from the observed position: first re-route from where the player is, then nudge
along each axis in turn. Used by the agent and by the simulator's bots alike.
"""

from __future__ import annotations

import math
import random

from ..errors import NotWalkableError
from ..world.map import GameMap
from ..world.schema import Point

LOOKAHEAD = 0.35  # units ahead of the nearest route point
STUCK_TICKS = 15
NUDGE_TICKS = 4


class Mover:
    def __init__(self, game_map: GameMap, step: float, rng: random.Random | None = None) -> None:
        self.map = game_map
        self.step = step  # distance one tick at full stick covers
        self.rng = rng or random.Random(0)
        self.route: list[Point] = []
        self.wp = 0
        self.goal: Point | None = None
        self.reroutes = 0
        self.nudges = 0
        self._last: Point | None = None
        self._still = 0
        self._nudge = 0
        self._nudge_axis = 0
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
        self._nudge = 0

    def arrived(self, pos: Point, tolerance: float = 0.05) -> bool:
        return self.goal is not None and math.dist(pos, self.goal) <= tolerance

    def stick(self, pos: Point) -> tuple[float, float]:
        """The stick vector for this tick, from the observed position."""
        if not self.route or self.goal is None:
            return (0.0, 0.0)
        if self._nudge > 0:
            self._nudge -= 1
            if self._nudge == 0:
                self._reroute(pos)
            return self._nudge_dir
        last = len(self.route) - 1
        # advance past waypoints already within reach, then aim a little beyond the current one
        step = self.step
        reach = LOOKAHEAD if LOOKAHEAD > step else step  # max(step, LOOKAHEAD) without a builtin call (every re-aim)
        while self.wp < last and math.dist(pos, self.route[self.wp]) < reach:
            self.wp += 1
        tx, ty = self.route[self.wp]
        dx, dy = tx - pos[0], ty - pos[1]
        d = math.hypot(dx, dy)
        if d < 1e-6:
            return (0.0, 0.0)
        self._watch(pos)
        mag = 1.0
        if self.wp == last:
            mag = d / step
            if not mag < 1.0:  # min(1.0, d / step), without a builtin call
                mag = 1.0
        return (dx / d * mag, dy / d * mag)

    def _reroute(self, pos: Point) -> None:
        goal = self.goal
        self.goal = None
        if goal is not None:
            self.reroutes += 1
            self.go(pos, goal)

    def _watch(self, pos: Point) -> None:
        if self._last is not None and math.dist(pos, self._last) < 0.02 * self.step:
            self._still += 1
        else:
            self._still = 0
        self._last = pos
        if self._still == STUCK_TICKS:
            self._reroute(pos)  # first: a fresh route from where the player actually is
        elif self._still >= 2 * STUCK_TICKS:
            self._still = 0  # then: nudge along one axis, the other next time
            self.nudges += 1
            self._nudge_axis ^= 1
            sign = 1.0 if self.rng.random() < 0.5 else -1.0
            self._nudge_dir = (sign, 0.0) if self._nudge_axis else (0.0, sign)
            self._nudge = NUDGE_TICKS
