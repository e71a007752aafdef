#!/usr/bin/env python3
"""Median time of a shortest-path query between two random walkable points (target: < 0.2 ms).

Points are drawn uniformly from the walkable area with a fixed seed, so runs compare; the map is
loaded once, as the simulator and agent do. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from amongus_agent.world.map import load_map


def random_walkable_points(game_map, n: int, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    ys, xs = np.nonzero(game_map.walkable_mask)
    x0, y0, res = game_map.raster_origin
    h = game_map.walkable_mask.shape[0]
    picks = rng.integers(0, len(xs), size=n)
    jitter = rng.random((n, 2))
    return [(x0 + (xs[i] + jx) * res, y0 + (h - 1 - ys[i] + jy) * res) for i, (jx, jy) in zip(picks, jitter, strict=True)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--map", default="skeld")
    ap.add_argument("--queries", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()

    t0 = time.perf_counter()
    game_map = load_map(args.map)
    load_s = time.perf_counter() - t0
    pts = [p for p in random_walkable_points(game_map, 2 * args.queries * 2, args.seed) if game_map.is_walkable(p)]
    pairs = list(zip(pts[0::2], pts[1::2], strict=False))[: args.queries]
    for a, b in pairs[:200]:  # warm caches
        game_map.shortest_path(a, b)
    times = []
    for a, b in pairs:
        t = time.perf_counter_ns()
        game_map.shortest_path(a, b)
        times.append(time.perf_counter_ns() - t)
    times.sort()
    median_ms = statistics.median(times) / 1e6
    print(json.dumps({
        "benchmark": "shortest_path",
        "map": game_map.name,
        "queries": len(times),
        "median_ms": round(median_ms, 4),
        "p95_ms": round(times[int(0.95 * len(times))] / 1e6, 4),
        "max_ms": round(times[-1] / 1e6, 4),
        "map_load_s": round(load_s, 3),
        "target_median_ms": 0.2,
        "ok": median_ms < 0.2,
    }))


if __name__ == "__main__":
    main()
