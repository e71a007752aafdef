"""A walkable map: the walked graph, the area a player can stand on, rooms, and routes between points.

The walkable area is the union of corridors of `corridor_half_width` around the walked edges, so a
straight line through a wall is not walkable even when both ends are. It is kept as a raster (5 cm
cells, `world/derived.py`) because the simulator asks "is this walkable?" and "can A see B?"
thousands of times a second; all-pairs shortest paths over the graph are computed once per map
file (and kept in the disk cache, `world/map_cache.py`) so that a route between two arbitrary
points costs a few table look-ups, not a graph search, and the distance from anywhere to a fixed
spot (a task console, a panel, the button) is one look-up per way onto the graph.

Every query here is plain Python over flat tables: at 10 to 40 samples per segment, numpy's
per-call overhead cost more than the work. numpy is imported only for `walkable_mask` and `nodes`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, NotWalkableError
from ..paths import resolve_data_file
from .derived import MAX_EDGES, MAX_REGIONS, RESOLUTION, Derived, build
from .loading import parse_json_model, read_data_file
from .schema import MAX_EXTENT, MapFile, Point, Region

_ENTRY_CANDIDATES = 8
_HALF = RESOLUTION * 0.5  # line-of-sight samples sit every half cell
_SIGHT_MEMO = 1 << 14  # remembered lines of sight (a few MB at most)
_FIELD_MEMO = 512  # distance fields kept per map (fixed spots: consoles, panels, vents, the button)


@dataclass(frozen=True, slots=True)
class Route:
    """A walkable polyline from start to goal; `nodes` are the graph nodes it passes, in order."""

    points: list[Point]
    length: float
    nodes: list[int]


class GameMap:
    """One loaded map. Build it with `load_map`; the constructor trusts its (validated) input.

    `derived` are the map's tables when the caller has them (from the disk cache); without them
    they are built here.
    """

    def __init__(self, data: MapFile, source: str = "<memory>", derived: Derived | None = None) -> None:
        self.data = data
        self.source = source
        self.name = data.name
        self.half_width = data.corridor_half_width
        self.regions: dict[str, Region] = {r.name: r for r in data.regions}
        self._region_names = [r.name for r in data.regions]
        self._node_pts: list[Point] = [(float(x), float(y)) for x, y in data.nodes]
        self._edge_list = [(int(a), int(b)) for a, b in data.edges]
        d = derived if derived is not None else build(data)
        self._x0, self._y0 = float(data.bounds[0]), float(data.bounds[1])
        self._w, self._h = d.w, d.h
        self._mask = d.mask
        self._owner = d.owner
        self._region_of_cell = d.regions
        self._clearance = d.clearance
        self._n = len(self._node_pts)
        self._dist = d.dist
        self._pred = d.pred
        self._fields: dict[Point, tuple[list[float], tuple[tuple[int, float], ...]]] = {}
        self._sight: dict[tuple[float, float, float, float], bool] = {}
        self._np_nodes: Any = None  # numpy arrays, made on first use (numpy is not imported for play)
        self._np_mask: Any = None

    # ----------------------------------------------------------------- raster helpers

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        col = int(math.floor((x - self._x0) / RESOLUTION))
        row = self._h - 1 - int(math.floor((y - self._y0) / RESOLUTION))
        return col, row

    # ----------------------------------------------------------------- queries

    @property
    def nodes(self) -> Any:
        """The graph's nodes as an (n, 2) numpy array (imports numpy; the hot paths use `_node_pts`)."""
        if self._np_nodes is None:
            import numpy as np

            self._np_nodes = np.asarray(self._node_pts, dtype=np.float64)
        return self._np_nodes

    @property
    def walkable_mask(self) -> Any:
        """The raster as a bool numpy array (row 0 at the top, `bounds` y1) for drawing; read-only use."""
        if self._np_mask is None:
            import numpy as np

            self._np_mask = np.frombuffer(self._mask, dtype=np.uint8).reshape(self._h, self._w).astype(bool)
        return self._np_mask

    @property
    def raster_origin(self) -> tuple[float, float, float]:
        """(x0, y0, cell size): the world position of the raster's lower-left corner."""
        return self._x0, self._y0, RESOLUTION

    def is_walkable(self, point: Sequence[float]) -> bool:
        return self.walkable_at(point[0], point[1])

    def walkable_at(self, x: float, y: float) -> bool:
        """`is_walkable` for two floats: the engine asks this for every moving player every tick."""
        col = math.floor((x - self._x0) / RESOLUTION)
        row = self._h - 1 - math.floor((y - self._y0) / RESOLUTION)
        if col < 0 or row < 0 or col >= self._w or row >= self._h:
            return False
        return self._mask[row * self._w + col] == 1

    def cells(self) -> tuple[float, float, float, int, int, bytes]:
        """(x0, y0, cell size, width, height, mask): the raster for a caller that inlines
        `walkable_at` in its innermost loop (the engine's movement); row 0 is the top row."""
        return self._x0, self._y0, RESOLUTION, self._w, self._h, self._mask

    def visible(self, a: Sequence[float], b: Sequence[float]) -> bool:
        """True when the straight segment a-b stays inside the walkable area (line of sight)."""
        return self._clear(float(a[0]), float(a[1]), float(b[0]), float(b[1]))

    def _clear(self, ax: float, ay: float, bx: float, by: float) -> bool:
        """Line of sight: both ends walkable and every sample between them on a walkable cell.

        Samples sit every half cell from the lexicographically smaller end (so a segment gets the
        same answer either way round), the last one clamped to the far end. A sample on a cell
        whose centre is c cells from the nearest wall cell vouches for every sample closer than
        c - 2 cells to it (a point is within 0.71 cells of its cell's centre, both ways), so the
        stepper jumps over those: the answer is exactly that of checking every sample, at a few
        steps per segment in open rooms instead of dozens.
        """
        if not (self.walkable_at(ax, ay) and self.walkable_at(bx, by)):
            return False  # both ends inside the raster, so every sample between them is too
        if (bx, by) < (ax, ay):
            ax, ay, bx, by = bx, by, ax, ay
        length = math.hypot(bx - ax, by - ay)
        last = int(length / _HALF) + 1  # index of the sample clamped to the far end, checked above
        scale = 1.0 / (max(length, 1e-12) * RESOLUTION)
        kx, ky = (bx - ax) * scale, (by - ay) * scale
        c0, r0 = (ax - self._x0) / RESOLUTION, (ay - self._y0) / RESOLUTION
        mask, clearance, w, top = self._mask, self._clearance, self._w, self._h - 1
        k = 0
        while k < last:
            s = k * _HALF
            idx = (top - int(s * ky + r0)) * w + int(s * kx + c0)
            if not mask[idx]:
                return False
            c = clearance[idx]
            k += 2 * c - 4 if c > 2 else 1
        return True

    def sight(self, ax: float, ay: float, bx: float, by: float) -> bool:
        """`_clear` remembered: vision asks the same pairs again and again (players standing at
        consoles, two players looking at each other in one tick). Exact, since `_clear` is a pure
        function of the four numbers, and the same either way round."""
        # (ax, ay) <= (bx, by) as tuples, without building them (positions are never NaN)
        key = (ax, ay, bx, by) if ax < bx or (ax == bx and ay <= by) else (bx, by, ax, ay)
        seen = self._sight.get(key)
        if seen is None:
            if len(self._sight) >= _SIGHT_MEMO:
                self._sight.clear()
            seen = self._sight[key] = self._clear(ax, ay, bx, by)
        return seen

    def _edge_entries(self, x: float, y: float) -> tuple[tuple[int, float], ...] | None:
        """The two ends of the edge whose corridor holds (x, y), with distances; None off the raster."""
        col, row = self._cell(x, y)
        if not (0 <= col < self._w and 0 <= row < self._h):
            return None
        k = self._owner[row * self._w + col]
        if k == 0 or k > len(self._edge_list):
            return None
        a, b = self._edge_list[k - 1]
        (ax, ay), (bx, by) = self._node_pts[a], self._node_pts[b]
        return ((a, math.hypot(ax - x, ay - y)), (b, math.hypot(bx - x, by - y)))

    def room_of(self, point: Sequence[float]) -> str:
        """The room or named hallway a point is in; points off every region get the nearest one."""
        col = math.floor((point[0] - self._x0) / RESOLUTION)
        row = self._h - 1 - math.floor((point[1] - self._y0) / RESOLUTION)
        col = 0 if col < 0 else (self._w - 1 if col >= self._w else col)
        row = 0 if row < 0 else (self._h - 1 if row >= self._h else row)
        return self._region_names[self._region_of_cell[row * self._w + col]]

    def nearest_node(self, point: Sequence[float]) -> int:
        x, y = float(point[0]), float(point[1])
        return min(range(self._n), key=lambda i: (self._node_pts[i][0] - x) ** 2 + (self._node_pts[i][1] - y) ** 2)

    def node_distance(self, i: int, j: int) -> float:
        return self._dist[i * self._n + j]

    def _entries(self, p: Point) -> tuple[tuple[int, float], ...]:
        """Graph nodes a player at `p` can walk to in a straight line, with their distances."""
        x, y = p
        pts = self._node_pts
        order = sorted(range(self._n), key=lambda i: ((pts[i][0] - x) ** 2 + (pts[i][1] - y) ** 2, i))
        for k in (_ENTRY_CANDIDATES, 4 * _ENTRY_CANDIDATES):
            found = tuple((i, math.hypot(pts[i][0] - x, pts[i][1] - y)) for i in order[:k]
                          if self._clear(x, y, pts[i][0], pts[i][1]))
            if found:
                return found
        raise NotWalkableError(f"no walked node is in sight of ({x:.2f}, {y:.2f})")

    def _check_walkable(self, p: Point, what: str) -> None:
        if not self.walkable_at(p[0], p[1]):
            raise NotWalkableError(
                f"{what} ({p[0]:.2f}, {p[1]:.2f}) is not on the walkable area of {self.name} "
                f"(nearest room: {self.room_of(p)})"
            )

    def shortest_path(self, start: Sequence[float], goal: Sequence[float], smooth: bool = False) -> Route:
        """The shortest walkable route, entering and leaving the graph at the best nodes in sight.

        With `smooth`, corners that can be cut in a straight walkable line are cut (what a player
        does); without it the route follows the walked graph exactly.
        """
        pa = (float(start[0]), float(start[1]))
        pb = (float(goal[0]), float(goal[1]))
        self._check_walkable(pa, "start")
        self._check_walkable(pb, "goal")
        if self._clear(pa[0], pa[1], pb[0], pb[1]):
            return Route([pa, pb], math.hypot(pb[0] - pa[0], pb[1] - pa[1]), [])
        length, i, j = self._best_entries(pa, pb)
        if not math.isfinite(length):
            raise NotWalkableError(f"no route from {pa} to {pb} on {self.name}")
        nodes = self._node_path(i, j)
        node_pts = self._node_pts
        points = [pa]
        points.extend(node_pts[n] for n in nodes)
        points.append(pb)
        route = Route(points, length, nodes)
        return self.smooth(route) if smooth else route

    def _best_entries(self, pa: Point, pb: Point) -> tuple[float, int, int]:
        """(length, entry node, exit node) of the best way onto and off the graph.

        The corridor raster gives the candidates at once; the chosen legs are then checked for
        sight, and only where a raster edge case fails them are nodes in sight searched for.
        """
        ea = self._edge_entries(*pa)
        eb = self._edge_entries(*pb)
        searched_a = searched_b = False
        while True:
            if ea is None:
                ea, searched_a = self._entries(pa), True
            if eb is None:
                eb, searched_b = self._entries(pb), True
            best = self._combine(ea, eb)
            ok_a = searched_a or self._clear(*pa, *self._node_pts[best[1]])
            ok_b = searched_b or self._clear(*self._node_pts[best[2]], *pb)
            if ok_a and ok_b:
                return best
            ea = ea if ok_a else None
            eb = eb if ok_b else None

    def _combine(
        self, ea: tuple[tuple[int, float], ...] | None, eb: tuple[tuple[int, float], ...] | None
    ) -> tuple[float, int, int]:
        best = (math.inf, -1, -1)
        if ea is None or eb is None:
            return best
        dist, n = self._dist, self._n
        for i, di in ea:
            row = i * n
            for j, dj in eb:
                total = di + dist[row + j] + dj
                if total < best[0]:
                    best = (total, i, j)
        return best

    def _node_path(self, i: int, j: int) -> list[int]:
        pred, base = self._pred, i * self._n
        out = [j]
        while out[-1] != i:
            out.append(pred[base + out[-1]])
        out.reverse()
        return out

    def path_distance(self, start: Sequence[float], goal: Sequence[float]) -> float:
        """Length of the shortest route, without building its points."""
        pa = (float(start[0]), float(start[1]))
        pb = (float(goal[0]), float(goal[1]))
        if self._clear(pa[0], pa[1], pb[0], pb[1]):
            return math.hypot(pb[0] - pa[0], pb[1] - pa[1])
        return self._best_entries(pa, pb)[0]

    # ----------------------------------------------------------------- distance fields to fixed spots

    def _field(self, spot: Point) -> tuple[list[float], tuple[tuple[int, float], ...]]:
        """Walking distance from every graph node to `spot`, and the ways off the graph onto it.

        Built from the all-pairs table the first time a spot is asked for (one pass over the
        nodes), then kept: consoles, panels, vents and the button are asked for all game long.
        """
        field = self._fields.get(spot)
        if field is not None:
            return field
        exits = self._edge_entries(*spot)
        if exits is not None:
            exits = tuple((j, dj) for j, dj in exits if self._clear(*self._node_pts[j], *spot)) or None
        if exits is None:
            exits = self._entries(spot)
        # values[i] = min over exits of dist[i * n + j] + dj; a column of the table is the slice dist[j::n],
        # so the sums are made a column at a time and `map(min, ...)` keeps the first least, as min over them did
        dist, n = self._dist, self._n
        columns = [[d + dj for d in dist[j::n]] for j, dj in exits]
        values = columns[0] if len(columns) == 1 else list(map(min, *columns))
        if len(self._fields) >= _FIELD_MEMO:
            self._fields.clear()
        field = self._fields[spot] = (values, exits)
        return field

    def spot_distance(self, start: Sequence[float], spot: Sequence[float]) -> float:
        """Walking distance from `start` to a fixed spot, by its distance field.

        Equal to `path_distance` (tested), but the far end costs nothing: the straight line is
        tried, then each way onto the graph from `start` is one look-up in the spot's field.
        """
        px, py = float(start[0]), float(start[1])
        goal = (float(spot[0]), float(spot[1]))
        if not self.walkable_at(goal[0], goal[1]):
            raise NotWalkableError(f"spot ({goal[0]:.2f}, {goal[1]:.2f}) is not on the walkable area of {self.name}")
        if self._clear(px, py, goal[0], goal[1]):
            return math.hypot(goal[0] - px, goal[1] - py)
        values, _ = self._field(goal)
        entries = self._edge_entries(px, py)
        if entries is not None:
            best = min(entries, key=lambda e: e[1] + values[e[0]])
            if self._clear(px, py, *self._node_pts[best[0]]):
                return best[1] + values[best[0]]
        return min(d + values[i] for i, d in self._entries((px, py)))

    def smooth(self, route: Route) -> Route:
        """Cut corners: from each kept point, jump to the farthest later point in straight sight."""
        pts = route.points
        if len(pts) <= 2:
            return route
        kept = [0]
        i = 0
        while i < len(pts) - 1:
            x, y = pts[i]
            # the next point is always reachable along the route itself
            far = next((j for j in range(len(pts) - 1, i + 1, -1) if self._clear(x, y, *pts[j])), i + 1)
            i = far
            kept.append(i)
        points = [pts[k] for k in kept]
        return Route(points, path_length(points), route.nodes)

    # ----------------------------------------------------------------- places

    def anchor(self, region: str) -> Point:
        return self.regions[region].anchor

    @property
    def rooms(self) -> list[str]:
        return [r.name for r in self.data.regions if r.kind == "room"]

    def region_names(self) -> list[str]:
        return list(self._region_names)

    def components(self) -> int:
        return len(_components(self._n, self._edge_list))


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected parts of the graph, each a list of node indices; the part holding node 0 first."""
    links: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        links[a].append(b)
        links[b].append(a)
    seen = [False] * n
    parts = []
    for root in range(n):
        if seen[root]:
            continue
        seen[root] = True
        part, todo = [root], [root]
        while todo:
            for nxt in links[todo.pop()]:
                if not seen[nxt]:
                    seen[nxt] = True
                    part.append(nxt)
                    todo.append(nxt)
        parts.append(part)
    return parts


def path_length(points: Iterable[Sequence[float]]) -> float:
    pts = list(points)
    return sum(math.hypot(q[0] - p[0], q[1] - p[1]) for p, q in zip(pts, pts[1:], strict=False))


def load_map(name_or_path: str | Path = "skeld") -> GameMap:
    """Load and check a map file; every problem becomes a `DataError` naming the file and field."""
    import hashlib

    from .map_cache import load_derived

    path = resolve_data_file("maps", str(name_or_path))
    raw = read_data_file(path)
    data = parse_json_model(str(path), raw, MapFile)
    check_map(data, str(path))
    game_map = GameMap(data, str(path), load_derived(data, hashlib.sha256(raw).hexdigest()))
    check_placement(game_map, str(path))
    return game_map


def check_map(data: MapFile, source: str) -> None:
    """Cross-field checks a schema cannot express; raise on the first problem found."""
    n = len(data.nodes)
    x0, y0, x1, y1 = data.bounds
    if not (x0 < x1 and y0 < y1):
        raise DataError(source, "bounds", "expected [x0, y0, x1, y1] with x0 < x1 and y0 < y1")
    if x1 - x0 > MAX_EXTENT or y1 - y0 > MAX_EXTENT:
        raise DataError(source, "bounds", f"{x1 - x0:g} x {y1 - y0:g} units: wider than {MAX_EXTENT:g} units")
    for i, (x, y) in enumerate(data.nodes):
        if not (math.isfinite(x) and math.isfinite(y)) or not (x0 <= x <= x1 and y0 <= y <= y1):
            raise DataError(source, f"nodes[{i}]", f"({x}, {y}) lies outside bounds {list(data.bounds)}")
    for k, (a, b) in enumerate(data.edges):
        for end in (a, b):
            if not 0 <= end < n:
                raise DataError(source, f"edges[{k}]", f"node index {end} does not exist ({n} nodes)")
        if a == b:
            raise DataError(source, f"edges[{k}]", f"links node {a} to itself")
    if len(data.edges) > MAX_EDGES:
        raise DataError(source, "edges", f"{len(data.edges)} edges; at most {MAX_EDGES} are supported")
    if len(data.regions) > MAX_REGIONS:
        raise DataError(source, "regions", f"{len(data.regions)} regions; at most {MAX_REGIONS} are supported")
    names: set[str] = set()
    for k, region in enumerate(data.regions):
        if region.name in names:
            raise DataError(source, f"regions[{k}].name", f"'{region.name}' is listed twice")
        names.add(region.name)
        for r, (rx0, ry0, rx1, ry1) in enumerate(region.rects):
            if not (rx0 < rx1 and ry0 < ry1):
                raise DataError(source, f"regions[{k}].rects[{r}]", "expected [x0, y0, x1, y1] with x0 < x1, y0 < y1")
    vent_ids = {v.id for v in data.vents}
    for k, vent in enumerate(data.vents):
        for link in vent.links:
            if link not in vent_ids:
                raise DataError(source, f"vents[{k}].links", f"vent {vent.name} links to missing vent id {link}")
        if vent.room not in names:
            raise DataError(source, f"vents[{k}].room", f"unknown region '{vent.room}'")
    for k, door in enumerate(data.doors):
        if door.room not in names:
            raise DataError(source, f"doors[{k}].room", f"unknown region '{door.room}'")


def check_placement(game_map: GameMap, source: str) -> None:
    """Everything a player must reach is on the walkable area, and the graph is one piece."""
    data = game_map.data
    parts = _components(len(data.nodes), game_map._edge_list)
    if len(parts) > 1:
        stray = min(i for part in parts[1:] for i in part)
        x, y = data.nodes[stray]
        raise DataError(source, f"nodes[{stray}]",
                        f"({x}, {y}) is not connected to node 0: the graph has {len(parts)} parts")
    points: list[tuple[str, Point]] = [("emergency_button.spot", data.emergency_button.spot)]
    points += [(f"spawn.points[{k}]", p) for k, p in enumerate(data.spawn.points)]
    points += [(f"vents[{k}].position", v.position) for k, v in enumerate(data.vents)]
    points += [(f"doors[{k}].position", d.position) for k, d in enumerate(data.doors)]
    points += [(f"regions[{k}].anchor", r.anchor) for k, r in enumerate(data.regions)]
    for where, p in points:
        if not game_map.is_walkable(p):
            raise DataError(source, where, f"({p[0]}, {p[1]}) is off the walkable area")
