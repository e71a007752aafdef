"""record-map: a scripted explorer walks the simulator's Skeld over the bridge; the result is a usable map."""

from __future__ import annotations

import itertools
import json
import threading

import numpy as np
import pytest

from amongus_agent.live.client import BridgeWorld
from amongus_agent.mapping.record import record_map
from amongus_agent.sessions.sim_server import SimServer
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.settings import GameSettings
from amongus_agent.world.map import load_map


@pytest.mark.long
def test_recorded_skeld_covers_the_walk_and_routes_inside_walls(tmp_path, skeld, skeld_tasks, reference_walk):
    game = new_game(GameSettings(freeplay=True), 2)
    # 10x: the explorer steers in a closed loop, so the game must not outrun a client on a loaded machine
    server = SimServer(game, agents=1, role="crewmate", speed=10.0, port=0)
    threading.Thread(target=server.serve, daemon=True).start()
    out = tmp_path / "maps" / "recorded.json"
    world = BridgeWorld(f"tcp://127.0.0.1:{server.port}", backlog=1024)  # every frame, as record-map asks
    result = record_map(world, out, name="recorded", explore=skeld, tasks=True)
    recorded = load_map(out)
    assert result.components == 1 and recorded.components() == 1
    ref = np.asarray(reference_walk["nodes"])
    nodes = np.asarray(recorded.data.nodes)
    nearest = np.min(np.hypot(ref[:, None, 0] - nodes[None, :, 0], ref[:, None, 1] - nodes[None, :, 1]), axis=1)
    assert (nearest <= 0.6).mean() >= 0.95
    spots = sorted({placed.location.spot for placed in skeld_tasks.locations()})
    assert all(recorded.is_walkable(s) for s in spots)
    for a, b in itertools.islice(itertools.combinations(spots, 2), 0, None, 7):
        route = recorded.shortest_path(a, b)
        for p, q in zip(route.points, route.points[1:], strict=False):
            # never through a wall of the real ship: at most grazing a corner by a body's width
            assert skeld.visible(p, q) or grazes(skeld, p, q), (a, b, p, q)
    marked = json.loads(out.with_suffix(".spots.json").read_text())
    assert result.spots == len(marked) >= 1 and all(m["label"] in skeld_tasks.tasks for m in marked)


def grazes(real, p, q, tolerance: float = 0.2) -> bool:
    """Every point of p-q is walkable on the real map or within `tolerance` of a walkable point (a
    player's body is about 0.4 units wide, the ship's walls thicker): cutting a corner, not a wall."""
    steps = max(1, int(np.hypot(q[0] - p[0], q[1] - p[1]) / 0.05))
    ring = [(tolerance * np.cos(a), tolerance * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    for k in range(steps + 1):
        x = p[0] + (q[0] - p[0]) * k / steps
        y = p[1] + (q[1] - p[1]) * k / steps
        if not real.is_walkable((x, y)) and not any(real.is_walkable((x + dx, y + dy)) for dx, dy in ring):
            return False
    return True
