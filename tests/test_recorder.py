"""The walk-graph recorder turns a walk of the reference graph into a connected graph covering it."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from amongus_agent.mapping.recorder import GraphRecorder


def _walk_reference(reference, step: float = 0.25) -> list[tuple[float, float]]:
    """Positions of a walker who visits every reference edge depth-first, at about 2.5 units/s * 0.1 s."""
    nodes = [tuple(p) for p in reference["nodes"]]
    g = nx.Graph()
    g.add_edges_from(map(tuple, reference["edges"]))
    order = [u for u, v in nx.dfs_edges(g, 0)]
    route = [0]
    for u, v in nx.dfs_edges(g, 0):
        if route[-1] != u:
            route += nx.shortest_path(g, route[-1], u)[1:]
        route.append(v)
    assert order  # the reference is walkable end to end
    positions = []
    for a, b in zip(route, route[1:], strict=False):
        pa, pb = np.array(nodes[a]), np.array(nodes[b])
        n = max(1, int(math.dist(pa, pb) / step))
        positions += [tuple(pa + (pb - pa) * k / n) for k in range(n)]
    positions.append(nodes[route[-1]])
    return positions


def test_recording_the_reference_walk_covers_it(reference_walk):
    rec = GraphRecorder()
    for p in _walk_reference(reference_walk):
        rec.add_position(p)
    assert rec.components() == 1
    recorded = np.asarray(rec.nodes)
    ref = np.asarray(reference_walk["nodes"])
    nearest = np.min(np.hypot(ref[:, None, 0] - recorded[None, :, 0], ref[:, None, 1] - recorded[None, :, 1]), axis=1)
    assert (nearest <= 0.6).mean() >= 0.95
    assert nearest.max() <= rec.node_spacing + 1e-9
    assert 0.5 * len(ref) < len(recorded) < 4 * len(ref)


def test_marking_a_task_spot_adds_a_joined_node():
    rec = GraphRecorder()
    for x in np.arange(0, 3.01, 0.1):
        rec.add_position((float(x), 0.0))
    rec.add_position((3.0, 0.3))
    spot = rec.mark("Swipe Card", "Admin")
    assert spot.position == (3.0, 0.3)
    assert rec.nodes[spot.node] == (3.0, 0.3)
    assert rec.components() == 1


def test_a_jump_links_nothing_across_it():
    rec = GraphRecorder()
    for x in np.arange(0, 2.01, 0.1):
        rec.add_position((float(x), 0.0))
    for x in np.arange(10, 12.01, 0.1):  # a vent or a meeting teleport
        rec.add_position((float(x), 0.0))
    assert rec.components() == 2


def test_missed_frames_do_not_join_the_positions_around_the_gap():
    """A busy reader skipped the frames of a walk round a corner: the two ends, 1.5 apart with a wall
    between them, must not be joined (continuous, the same two positions would be)."""
    walked = GraphRecorder()
    gap = GraphRecorder()
    for rec, continuous in ((walked, True), (gap, False)):
        for y in np.arange(0, 1.01, 0.1):
            rec.add_position((0.0, float(y)))
        rec.add_position((1.5, 1.0), continuous=continuous)  # round the corner, frames missed
        for y in np.arange(1.0, -0.01, -0.1):
            rec.add_position((1.5, float(y)))
    assert walked.components() == 1
    assert gap.components() == 2
    near = GraphRecorder()
    near.add_position((0.0, 0.0))
    near.add_position((0.5, 0.0), continuous=False)  # a short gap still joins, as nearby nodes always do
    assert near.components() == 1
