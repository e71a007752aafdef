"""A walkable map: the walked graph, the area a player can stand on, rooms, and routes between points.

The walkable area is the union of corridors of `corridor_half_width` around the walked edges, so a
straight line through a wall is not walkable even when both ends are. It is kept as a raster (5 cm
cells) because the simulator asks "is this walkable?" and "can A see B?" thousands of times a
second; all-pairs shortest paths over the graph are computed once at load so that a route between
two arbitrary points costs a few array look-ups, not a graph search.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

from ..errors import DataError, NotWalkableError
from ..paths import resolve_data_file
from .loading import load_json_model
from .schema import MAX_EXTENT, MapFile, Point, Region

RESOLUTION = 0.05  # raster cell size in world units
_SHIFT = 4  # cv2 sub-pixel bits
_ENTRY_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class Route:
    """A walkable polyline from start to goal; `nodes` are the graph nodes it passes, in order."""

    points: list[Point]
    length: float
    nodes: list[int]


class GameMap:
    """One loaded map. Build it with `load_map`; the constructor trusts its (validated) input."""

    def __init__(self, data: MapFile, source: str = "<memory>") -> None:
        self.data = data
        self.source = source
        self.name = data.name
        self.nodes = np.asarray(data.nodes, dtype=np.float64)
        self.edges = np.asarray(data.edges, dtype=np.int64).reshape(-1, 2)
        self.half_width = data.corridor_half_width
        self.regions: dict[str, Region] = {r.name: r for r in data.regions}
        self._region_names = [r.name for r in data.regions]
        self._build_raster()
        self._build_graph()

    # ----------------------------------------------------------------- building

    def _build_raster(self) -> None:
        x0, y0, x1, y1 = self.data.bounds
        self._x0, self._y0 = x0, y0
        self._w = int(math.ceil((x1 - x0) / RESOLUTION))
        self._h = int(math.ceil((y1 - y0) / RESOLUTION))
        mask = np.zeros((self._h, self._w), dtype=np.uint8)
        scale = 1 << _SHIFT
        thickness = max(1, int(round(2 * self.half_width / RESOLUTION)))
        px = self._to_px(self.nodes)
        fixed = np.round(px * scale).astype(np.int64)
        for a, b in self.edges:
            pa, pb = fixed[a], fixed[b]
            cv2.line(mask, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), 1, thickness, cv2.LINE_8, _SHIFT)
        radius = int(round(self.half_width / RESOLUTION * scale))
        for p in fixed:
            cv2.circle(mask, (int(p[0]), int(p[1])), radius, 1, -1, cv2.LINE_8, _SHIFT)
        self._mask = mask.astype(bool)
        self._flat_mask = self._mask.reshape(-1)
        # Which edge's corridor each cell lies in. A corridor (capsule) is convex, so from any point
        # in it both ends of its edge are in straight sight: routing needs no visibility search.
        owner = np.zeros((self._h, self._w), dtype=np.int32)
        for k, (a, b) in enumerate(self.edges):
            pa, pb = fixed[a], fixed[b]
            cv2.line(owner, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), k + 1, thickness,
                     cv2.LINE_8, _SHIFT)
        self._owner = owner
        self._edge_list = [(int(a), int(b)) for a, b in self.edges]
        self._node_pts = [(float(x), float(y)) for x, y in self.nodes]
        self._t_cache: dict[int, np.ndarray] = {}

        regions = np.full((self._h, self._w), -1, dtype=np.int32)
        for idx in range(len(self._region_names) - 1, -1, -1):  # first listed wins a shared edge
            for rx0, ry0, rx1, ry1 in self.data.regions[idx].rects:
                c0, r1 = self._cell(rx0, ry0)
                c1, r0 = self._cell(rx1, ry1)
                regions[max(r0, 0) : min(r1, self._h - 1) + 1, max(c0, 0) : min(c1, self._w - 1) + 1] = idx
        # Every point names a place: cells outside all rectangles take the nearest region.
        unlabelled = (regions < 0).astype(np.uint8)
        if unlabelled.any() and not unlabelled.all():
            _, labels = cv2.distanceTransformWithLabels(unlabelled, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
            seeds = unlabelled == 0
            lookup = np.zeros(labels.max() + 1, dtype=np.int32)
            lookup[labels[seeds]] = regions[seeds]
            regions = lookup[labels]
        self._regions = regions

    def _build_graph(self) -> None:
        n = len(self.nodes)
        a, b = self.edges[:, 0], self.edges[:, 1]
        w = np.hypot(*(self.nodes[a] - self.nodes[b]).T)
        w = np.maximum(w, 1e-9)  # csgraph treats explicit zeros as missing edges
        matrix = csr_matrix((np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))
        self._adjacency = matrix
        self._dist, pred = shortest_path(matrix, method="D", directed=False, return_predecessors=True)
        self._pred_lists: list[list[int]] = pred.tolist()

    # ----------------------------------------------------------------- raster helpers

    def _to_px(self, pts: np.ndarray) -> np.ndarray:
        """World -> raster pixel coordinates (pixel centres at integers; y grows downwards)."""
        out = np.empty_like(pts, dtype=np.float64)
        out[..., 0] = (pts[..., 0] - self._x0) / RESOLUTION - 0.5
        out[..., 1] = (self._h * RESOLUTION - (pts[..., 1] - self._y0)) / RESOLUTION - 0.5
        return out

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        col = int(math.floor((x - self._x0) / RESOLUTION))
        row = self._h - 1 - int(math.floor((y - self._y0) / RESOLUTION))
        return col, row

    def _cells(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols = np.floor((pts[..., 0] - self._x0) / RESOLUTION).astype(np.int64)
        rows = self._h - 1 - np.floor((pts[..., 1] - self._y0) / RESOLUTION).astype(np.int64)
        inside = (cols >= 0) & (cols < self._w) & (rows >= 0) & (rows < self._h)
        return np.clip(cols, 0, self._w - 1), np.clip(rows, 0, self._h - 1), inside

    # ----------------------------------------------------------------- queries

    @property
    def walkable_mask(self) -> np.ndarray:
        """The raster (row 0 at the top, `bounds` y1) for drawing; read-only use."""
        return self._mask

    @property
    def raster_origin(self) -> tuple[float, float, float]:
        """(x0, y0, cell size): the world position of the raster's lower-left corner."""
        return self._x0, self._y0, RESOLUTION

    def is_walkable(self, point: Sequence[float]) -> bool:
        col = math.floor((point[0] - self._x0) / RESOLUTION)
        row = self._h - 1 - math.floor((point[1] - self._y0) / RESOLUTION)
        if not (0 <= col < self._w and 0 <= row < self._h):
            return False
        return bool(self._flat_mask[row * self._w + col])

    def walkable_many(self, points: np.ndarray) -> np.ndarray:
        cols, rows, inside = self._cells(np.asarray(points, dtype=np.float64))
        return self._mask[rows, cols] & inside

    def visible(self, a: Sequence[float], b: Sequence[float]) -> bool:
        """True when the straight segment a-b stays inside the walkable area (line of sight)."""
        return bool(self._visible_from(np.asarray(a, dtype=np.float64), np.asarray([b], dtype=np.float64))[0])

    def _visible_from(self, a: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Line of sight from one point to many.

        Samples sit every half cell from the lexicographically smaller end of each segment, the
        same places `_clear` samples, so one segment always gets the same answer however asked.
        """
        if len(targets) == 0:
            return np.zeros(0, dtype=bool)
        swap = (targets[:, 0] < a[0]) | ((targets[:, 0] == a[0]) & (targets[:, 1] < a[1]))
        starts = np.where(swap[:, None], targets, a[None, :])
        delta = np.where(swap[:, None], a[None, :] - targets, targets - a[None, :])
        lengths = np.sqrt((delta * delta).sum(axis=1))
        steps = int(lengths.max() / (RESOLUTION * 0.5)) + 2
        s = np.arange(steps) * (RESOLUTION * 0.5)
        frac = np.minimum(s[None, :], lengths[:, None]) / np.maximum(lengths, 1e-12)[:, None]
        samples = starts[:, None, :] + delta[:, None, :] * frac[:, :, None]
        cols, rows, inside = self._cells(samples)
        ends_ok = self.walkable_many(targets) & self.is_walkable(a)
        return (self._mask[rows, cols] & inside).all(axis=1) & ends_ok

    def _clear(self, ax: float, ay: float, bx: float, by: float) -> bool:
        """Line of sight for one segment, lean enough for the routing hot path (see `_visible_from`)."""
        if not (self.is_walkable((ax, ay)) and self.is_walkable((bx, by))):
            return False  # both ends inside the raster, so every sample between them is too
        if (bx, by) < (ax, ay):
            ax, ay, bx, by = bx, by, ax, ay
        length = math.hypot(bx - ax, by - ay)
        steps = int(length / (RESOLUTION * 0.5)) + 2
        s = self._t_cache.get(steps)
        if s is None:
            s = self._t_cache.setdefault(steps, np.arange(steps) * (RESOLUTION * 0.5))
        scale = 1.0 / (max(length, 1e-12) * RESOLUTION)
        # the last sample may pass the far end by under half a cell: clamp it there
        cols = (s * ((bx - ax) * scale) + (ax - self._x0) / RESOLUTION).astype(np.int64)
        rows = (s * ((by - ay) * scale) + (ay - self._y0) / RESOLUTION).astype(np.int64)
        cols[-1] = int((bx - self._x0) / RESOLUTION)
        rows[-1] = int((by - self._y0) / RESOLUTION)
        return bool(self._flat_mask[(self._h - 1 - rows) * self._w + cols].all())

    def _edge_entries(self, x: float, y: float) -> tuple[tuple[int, float], ...] | None:
        """The two ends of the edge whose corridor holds (x, y), with distances; None off the raster."""
        col, row = self._cell(x, y)
        if not (0 <= col < self._w and 0 <= row < self._h):
            return None
        k = int(self._owner[row, col])
        if k == 0:
            return None
        a, b = self._edge_list[k - 1]
        (ax, ay), (bx, by) = self._node_pts[a], self._node_pts[b]
        return ((a, math.hypot(ax - x, ay - y)), (b, math.hypot(bx - x, by - y)))

    def room_of(self, point: Sequence[float]) -> str:
        """The room or named hallway a point is in; points off every region get the nearest one."""
        col, row = self._cell(float(point[0]), float(point[1]))
        col = min(max(col, 0), self._w - 1)
        row = min(max(row, 0), self._h - 1)
        return self._region_names[int(self._regions[row, col])]

    def nearest_node(self, point: Sequence[float]) -> int:
        d = self.nodes - np.asarray(point, dtype=np.float64)
        return int(np.argmin((d * d).sum(axis=1)))

    def node_distance(self, i: int, j: int) -> float:
        return float(self._dist[i, j])

    def _entries(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Graph nodes a player at `p` can walk to in a straight line, with their distances."""
        d = self.nodes - p
        d2 = (d * d).sum(axis=1)
        for k in (_ENTRY_CANDIDATES, 4 * _ENTRY_CANDIDATES):
            k = min(k, len(d2))
            idx = np.argpartition(d2, k - 1)[:k]
            ok = self._visible_from(p, self.nodes[idx])
            if ok.any():
                idx = idx[ok]
                return idx, np.sqrt(d2[idx])
        raise NotWalkableError(f"no walked node is in sight of ({p[0]:.2f}, {p[1]:.2f})")

    def _check_walkable(self, p: np.ndarray, what: str) -> None:
        if not self.is_walkable(p):
            raise NotWalkableError(
                f"{what} ({p[0]:.2f}, {p[1]:.2f}) is not on the walkable area of {self.name} "
                f"(nearest room: {self.room_of(p)})"
            )

    def shortest_path(self, start: Sequence[float], goal: Sequence[float], smooth: bool = False) -> Route:
        """The shortest walkable route, entering and leaving the graph at the best nodes in sight.

        With `smooth`, corners that can be cut in a straight walkable line are cut (what a player
        does); without it the route follows the walked graph exactly.
        """
        a = np.asarray(start, dtype=np.float64)
        b = np.asarray(goal, dtype=np.float64)
        self._check_walkable(a, "start")
        self._check_walkable(b, "goal")
        pa, pb = (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))
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
                ea, searched_a = self._searched_entries(pa), True
            if eb is None:
                eb, searched_b = self._searched_entries(pb), True
            best = self._combine(ea, eb)
            ok_a = searched_a or self._clear(*pa, *self._node_pts[best[1]])
            ok_b = searched_b or self._clear(*self._node_pts[best[2]], *pb)
            if ok_a and ok_b:
                return best
            ea = ea if ok_a else None
            eb = eb if ok_b else None

    def _searched_entries(self, p: Point) -> tuple[tuple[int, float], ...]:
        idx, dist = self._entries(np.asarray(p))
        return tuple(zip(idx.tolist(), dist.tolist(), strict=True))

    def _combine(
        self, ea: tuple[tuple[int, float], ...] | None, eb: tuple[tuple[int, float], ...] | None
    ) -> tuple[float, int, int]:
        best = (math.inf, -1, -1)
        if ea is None or eb is None:
            return best
        dist = self._dist
        for i, di in ea:
            row = dist[i]
            for j, dj in eb:
                total = di + float(row[j]) + dj
                if total < best[0]:
                    best = (total, i, j)
        return best

    def _node_path(self, i: int, j: int) -> list[int]:
        pred = self._pred_lists[i]
        out = [j]
        while out[-1] != i:
            out.append(pred[out[-1]])
        out.reverse()
        return out

    def path_distance(self, start: Sequence[float], goal: Sequence[float]) -> float:
        """Length of the shortest route, without building its points."""
        pa = (float(start[0]), float(start[1]))
        pb = (float(goal[0]), float(goal[1]))
        if self._clear(pa[0], pa[1], pb[0], pb[1]):
            return math.hypot(pb[0] - pa[0], pb[1] - pa[1])
        return self._best_entries(pa, pb)[0]

    def smooth(self, route: Route) -> Route:
        """Cut corners: from each kept point, jump to the farthest later point in straight sight."""
        pts = route.points
        if len(pts) <= 2:
            return route
        arr = np.asarray(pts, dtype=np.float64)
        kept = [0]
        i = 0
        while i < len(pts) - 1:
            ahead = arr[i + 1 :]
            ok = self._visible_from(arr[i], ahead)
            # the first point ahead is always reachable along the route itself
            far = int(np.flatnonzero(ok)[-1]) + 1 if ok.any() else 1
            i = i + far
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
        return int(connected_components(self._adjacency, directed=False)[0])


def path_length(points: Iterable[Sequence[float]]) -> float:
    pts = np.asarray(list(points), dtype=np.float64)
    if len(pts) < 2:
        return 0.0
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


def load_map(name_or_path: str | Path = "skeld") -> GameMap:
    """Load and check a map file; every problem becomes a `DataError` naming the file and field."""
    path = resolve_data_file("maps", str(name_or_path))
    data = load_json_model(path, MapFile)
    check_map(data, str(path))
    game_map = GameMap(data, str(path))
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
    count, labels = connected_components(game_map._adjacency, directed=False)
    if count > 1:
        stray = int(np.flatnonzero(labels != labels[0])[0])
        x, y = data.nodes[stray]
        raise DataError(source, f"nodes[{stray}]", f"({x}, {y}) is not connected to node 0: the graph has {count} parts")
    points: list[tuple[str, Point]] = [("emergency_button.spot", data.emergency_button.spot)]
    points += [(f"spawn.points[{k}]", p) for k, p in enumerate(data.spawn.points)]
    points += [(f"vents[{k}].position", v.position) for k, v in enumerate(data.vents)]
    points += [(f"doors[{k}].position", d.position) for k, d in enumerate(data.doors)]
    points += [(f"regions[{k}].anchor", r.anchor) for k, r in enumerate(data.regions)]
    for where, p in points:
        if not game_map.is_walkable(p):
            raise DataError(source, where, f"({p[0]}, {p[1]}) is off the walkable area")
