"""Build a walk graph from a stream of positions, the way the map recording tool does live.

A person (or a scripted explorer) walks the map; each observed position either lands near a node
already recorded or becomes a new one. New nodes are linked to the node the walker came from — a
continuous walk cannot cross a wall — and to recorded nodes within `link_radius`, so that paths
walked twice join up. A jump longer than `jump_distance` (a vent, a meeting teleport) links nothing
across it. Task spots are marked at the walker's exact position.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from ..world.schema import Point


@dataclass(frozen=True, slots=True)
class MarkedSpot:
    label: str
    room: str
    node: int
    position: Point


@dataclass(slots=True)
class GraphRecorder:
    node_spacing: float = 0.4  # under the corridor half-width, so every walked point stays walkable
    link_radius: float = 0.7
    jump_distance: float = 2.0
    nodes: list[Point] = field(default_factory=list)
    edges: set[tuple[int, int]] = field(default_factory=set)
    spots: list[MarkedSpot] = field(default_factory=list)
    _current: int | None = None
    _last: Point | None = None
    _grid: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def _key(self, p: Point) -> tuple[int, int]:
        return (math.floor(p[0] / self.link_radius), math.floor(p[1] / self.link_radius))

    def _near(self, p: Point, radius: float) -> list[tuple[float, int]]:
        """Nodes within `radius` (<= link_radius) of p, nearest first, from the spatial hash."""
        kx, ky = self._key(p)
        out = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for i in self._grid.get((kx + dx, ky + dy), ()):
                    d = math.dist(p, self.nodes[i])
                    if d <= radius:
                        out.append((d, i))
        out.sort()
        return out

    def _add_node(self, p: Point) -> int:
        self.nodes.append(p)
        i = len(self.nodes) - 1
        self._grid[self._key(p)].append(i)
        return i

    def _link(self, a: int, b: int) -> None:
        if a != b:
            self.edges.add((min(a, b), max(a, b)))

    def add_position(self, position: Point, continuous: bool = True) -> int:
        """Feed one observed position; returns the node the walker is now at.

        `continuous` False says positions between this one and the last were missed (frames dropped by a
        busy reader): the walker may have turned a corner in between, so the two are joined only when
        near enough to be joined anyway (`link_radius`), never across the longer `jump_distance`.
        """
        p = (float(position[0]), float(position[1]))
        reach = self.jump_distance if continuous else self.link_radius
        jumped = self._last is not None and math.dist(p, self._last) > reach
        self._last = p
        previous = None if jumped else self._current
        near = self._near(p, self.link_radius)
        if near and near[0][0] <= self.node_spacing:
            node = near[0][1]
        else:
            node = self._add_node(p)
            for _d, other in near:
                self._link(node, other)
        if previous is not None and math.dist(self.nodes[previous], self.nodes[node]) <= reach:
            self._link(previous, node)
        self._current = node
        return node

    def mark(self, label: str, room: str = "") -> MarkedSpot:
        """Record a task spot at the walker's exact position, joined to where the walker stands."""
        if self._last is None:
            raise ValueError("mark() before any position was recorded")
        p = self._last
        existing = self._near(p, 0.01)
        node = existing[0][1] if existing else self._add_node(p)
        if self._current is not None:
            self._link(node, self._current)
        spot = MarkedSpot(label, room, node, p)
        self.spots.append(spot)
        return spot

    def graph(self) -> nx.Graph:
        g = nx.Graph()
        for i, p in enumerate(self.nodes):
            g.add_node(i, pos=p)
        g.add_edges_from(self.edges)
        return g

    def components(self) -> int:
        return nx.number_connected_components(self.graph()) if self.nodes else 0

    def total_length(self) -> float:
        return sum(math.dist(self.nodes[a], self.nodes[b]) for a, b in self.edges)


def to_map_file(rec: GraphRecorder, name: str, corridor_half_width: float = 0.5) -> dict:
    """The recorded graph (its largest connected part) as a map file the harness loads like skeld.json.

    A recording knows no rooms, vents or doors: the whole area is one region, and the first
    recorded position stands in for the spawn point and the emergency button.
    """
    g = rec.graph()
    if g.number_of_nodes() < 2:
        raise ValueError("fewer than two positions recorded: nothing to save")
    keep = sorted(max(nx.connected_components(g), key=len))
    index = {old: new for new, old in enumerate(keep)}
    nodes = [[round(rec.nodes[i][0], 4), round(rec.nodes[i][1], 4)] for i in keep]
    edges = sorted([index[a], index[b]] for a, b in rec.edges if a in index and b in index)
    xs, ys = [p[0] for p in nodes], [p[1] for p in nodes]
    bounds = [round(min(xs) - 2, 2), round(min(ys) - 2, 2), round(max(xs) + 2, 2), round(max(ys) + 2, 2)]
    first = nodes[0]
    return {
        "version": 1, "name": name, "display_name": name, "units": "unity",
        "source": "recorded by amongus-agent record-map", "corridor_half_width": corridor_half_width,
        "bounds": bounds, "nodes": nodes, "edges": edges,
        "regions": [{"name": "Ship", "kind": "room", "rects": [bounds], "anchor": first}],
        "vents": [], "doors": [],
        "emergency_button": {"console": first, "spot": first, "estimated": True},
        "spawn": {"center": first, "radius": 1.0, "points": [first]},
    }
