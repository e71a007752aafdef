"""A scripted explorer's route: visit every node of a known graph in one continuous walk.

Used to record a map in the simulator (the recorder sees only the positions walked), and by tests
that need a walk covering the whole ship.
"""

from __future__ import annotations

import networkx as nx

from ..world.schema import Point


def covering_walk(nodes: list[Point], edges: list[tuple[int, int]], start: int = 0) -> list[int]:
    """Node ids of a continuous walk that visits every node (depth-first, walking back as needed)."""
    g = nx.Graph()
    g.add_nodes_from(range(len(nodes)))
    g.add_edges_from(edges)
    route = [start]
    for u, v in nx.dfs_edges(g, start):
        if route[-1] != u:
            route += nx.shortest_path(g, route[-1], u)[1:]
        route.append(v)
    return route
