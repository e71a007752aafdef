#!/usr/bin/env python3
"""Simulator speed: how many times faster than real time one core plays a 10-player bot game.

Target: >= 1000x at 10 ticks per game second on one core, writing the recording as `simulate`
does; and `bench --games 1000` (all cores) in under 3 minutes. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from amongus_agent.recording import RecordingWriter
from amongus_agent.sim.batch import bench
from amongus_agent.sim.runner import new_game, play, world
from amongus_agent.sim.settings import GameSettings


def one_core(games: int, first_seed: int, record: bool) -> dict:
    settings = GameSettings()
    world(settings.map)  # load the map outside the timing, as a long-running process would
    game_s = wall = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first_seed, first_seed + games):
            t0 = time.perf_counter()
            g = new_game(settings, seed)
            if record:
                with RecordingWriter(Path(tmp) / f"{seed}.jsonl", g.header()) as writer:
                    result = play(g, sinks=[writer])
            else:
                result = play(g)
            wall += time.perf_counter() - t0
            game_s += result.duration_s
    return {"games": games, "game_s": round(game_s, 1), "wall_s": round(wall, 3),
            "x_realtime": round(game_s / wall, 1), "ticks_per_s": round(game_s * settings.tick_hz / wall)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=30, help="games for the one-core measurement")
    ap.add_argument("--batch", type=int, default=1000, help="games for the all-cores bench (0 to skip)")
    ap.add_argument("--seed", type=int, default=1000)
    args = ap.parse_args()
    out: dict = {"benchmark": "simulator", "cores": os.cpu_count()}
    out["one_core_recording"] = one_core(args.games, args.seed, record=True)
    out["one_core_no_recording"] = one_core(args.games, args.seed, record=False)
    out["target_x_realtime"] = 1000
    out["ok_speed"] = out["one_core_recording"]["x_realtime"] >= 1000
    if args.batch:
        result = bench(GameSettings(), args.batch, first_seed=args.seed)
        out["batch"] = {k: result[k] for k in ("games", "workers", "wall_s", "games_per_s", "sim_s_per_wall_s", "win_rate")}
        out["target_batch_wall_s"] = 180
        out["ok_batch"] = result["wall_s"] < 180
    print(json.dumps(out))


if __name__ == "__main__":
    main()
