"""The Skeld as data: loading, walkability, rooms, routes and their agreement with the walked graph."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from amongus_agent.errors import NotWalkableError
from amongus_agent.world.map import path_length


def test_loads_the_skeld(skeld, skeld_tasks):
    assert skeld.name == "skeld"
    assert skeld.components() == 1
    assert len(skeld.rooms) == 14
    assert len(skeld.data.vents) == 14 and len(skeld.data.doors) == 13
    assert len(skeld_tasks.tasks) == 19
    kinds = {t.kind for t in skeld_tasks.tasks.values()}
    assert kinds == {"common", "long", "short"}
    assert {s for s in skeld_tasks.sabotage_fixes} == {"lights", "reactor", "oxygen", "comms"}
    assert len(skeld_tasks.sabotage_fixes["reactor"].panels) == 2
    assert len(skeld_tasks.sabotage_fixes["oxygen"].panels) == 2


def test_multi_step_tasks_have_their_steps(skeld_tasks):
    steps = {name: [(s.label, {o.room for o in s.options}) for s in t.steps] for name, t in skeld_tasks.tasks.items()}
    assert steps["Upload Data"][1] == ("Upload Data", {"Admin"})
    assert "Admin" not in steps["Upload Data"][0][1] and len(steps["Upload Data"][0][1]) == 5
    assert [rooms for _, rooms in steps["Fuel Engines"]] == [{"Storage"}, {"Upper Engine"}, {"Storage"}, {"Lower Engine"}]
    assert steps["Divert Power"][0][1] == {"Electrical"} and len(steps["Divert Power"][1][1]) == 8
    assert [rooms for _, rooms in steps["Align Engine Output"]] == [{"Upper Engine"}, {"Lower Engine"}]
    assert skeld_tasks.tasks["Inspect Sample"].steps[1].wait_before_s == 60
    assert skeld_tasks.tasks["Fix Wiring"].distinct_rooms and len(skeld_tasks.tasks["Fix Wiring"].steps) == 3
    visual = {n for n, t in skeld_tasks.tasks.items() if t.visual}
    assert {"Clear Asteroids", "Submit Scan", "Prime Shields", "Empty Garbage"} <= visual


def test_every_spot_is_walkable_and_in_its_room(skeld, skeld_tasks):
    count = 0
    for placed in skeld_tasks.locations():
        loc = placed.location
        assert skeld.is_walkable(loc.spot), placed
        assert skeld.room_of(loc.spot) == loc.room, placed
        count += 1
    assert count > 60


def test_every_node_maps_to_a_named_place(skeld):
    names = set(skeld.region_names())
    for node in skeld.data.nodes:
        assert skeld.room_of(node) in names
    # points off the ship still get the nearest place rather than nothing
    assert skeld.room_of((-100.0, -100.0)) in names


@pytest.mark.parametrize(
    "point",
    [(-8.0, -2.0), (-2.0, -11.5), (12.0, -12.0), (-13.0, -10.0), (2.5, -5.5)],
)
def test_points_inside_walls_are_not_walkable(skeld, point):
    assert not skeld.is_walkable(point)


def test_line_through_a_wall_is_not_visible(skeld):
    medbay = skeld.anchor("MedBay")
    cafeteria = (-5.4, -1.0)
    assert skeld.is_walkable(medbay) and skeld.is_walkable(cafeteria)
    assert not skeld.visible(medbay, cafeteria)
    hallway_a, hallway_b = (-14.0, 0.66), (-10.0, 0.66)
    assert skeld.visible(hallway_a, hallway_b)


def test_every_task_spot_is_reachable_from_the_button(skeld, skeld_tasks):
    button = skeld.data.emergency_button.spot
    for placed in skeld_tasks.locations():
        route = skeld.shortest_path(button, placed.location.spot)
        assert math.isfinite(route.length) and route.length > 0
        assert route.points[0] == pytest.approx(button) and route.points[-1] == pytest.approx(placed.location.spot)


def _walked_route_length(reference, a, b) -> float:
    g = nx.Graph()
    nodes = np.asarray(reference["nodes"])
    for i, j in reference["edges"]:
        g.add_edge(i, j, weight=float(np.hypot(*(nodes[i] - nodes[j]))))
    ia = int(np.argmin(np.hypot(*(nodes - a).T)))
    ib = int(np.argmin(np.hypot(*(nodes - b).T)))
    inner = nx.shortest_path_length(g, ia, ib, weight="weight")
    return float(np.hypot(*(nodes[ia] - a)) + inner + np.hypot(*(nodes[ib] - b)))


def test_button_to_reactor_matches_the_walked_graph(skeld, reference_walk):
    button = np.asarray(skeld.data.emergency_button.spot)
    reactor = np.asarray(skeld.anchor("Reactor"))
    ours = skeld.shortest_path(button, reactor).length
    walked = _walked_route_length(reference_walk, button, reactor)
    assert abs(ours - walked) / walked < 0.10, (ours, walked)
    # cutting corners only ever shortens the route, and never by more than the walk's zig-zags
    smoothed = skeld.shortest_path(button, reactor, smooth=True).length
    assert 0.8 * ours < smoothed <= ours + 1e-9


def test_routes_are_walkable_segment_by_segment(skeld):
    rng = np.random.default_rng(7)
    ys, xs = np.nonzero(skeld.walkable_mask)
    x0, y0, res = skeld.raster_origin
    h = skeld.walkable_mask.shape[0]
    picks = rng.integers(0, len(xs), size=(300, 2))
    for ia, ib in picks:
        a = (x0 + (xs[ia] + 0.5) * res, y0 + (h - 1 - ys[ia] + 0.5) * res)
        b = (x0 + (xs[ib] + 0.5) * res, y0 + (h - 1 - ys[ib] + 0.5) * res)
        for smooth in (False, True):
            route = skeld.shortest_path(a, b, smooth=smooth)
            for p, q in zip(route.points, route.points[1:], strict=False):
                assert skeld.visible(p, q), (a, b, p, q)
            assert route.length == pytest.approx(path_length(route.points), rel=1e-6)
            assert route.length >= math.dist(a, b) - 1e-9
        assert skeld.path_distance(a, b) == pytest.approx(skeld.shortest_path(a, b).length)


def test_routing_from_a_wall_is_refused(skeld):
    with pytest.raises(NotWalkableError, match="not on the walkable area"):
        skeld.shortest_path((-8.0, -2.0), skeld.anchor("Reactor"))


def test_vents_doors_button_and_spawn_are_on_the_graph(skeld):
    data = skeld.data
    for p in [data.emergency_button.spot, *data.spawn.points, *(v.position for v in data.vents),
              *(d.position for d in data.doors)]:
        assert skeld.is_walkable(p)
        assert math.dist(p, data.nodes[skeld.nearest_node(p)]) < 0.01
    vent_ids = {v.id for v in data.vents}
    assert all(set(v.links) <= vent_ids for v in data.vents)
