#!/usr/bin/env python3
"""Simulator speed: how many times faster than real time one core plays a 10-player bot game.

Targets (issue 16): >= 3000x real time on one core at 10 ticks per game second, writing the
recording as `simulate` does (median of 5 runs); `bench --games 1000` on 2 workers in under 120 s.
Prints one JSON object.

The machine is shared, so every figure comes with what the machine gave meanwhile: each run is
framed by two runs of a fixed pure-Python workload (`amongus_agent/sim/reference.py`) in this same
process, and `game_s_per_reference` (game seconds played in the time one reference run takes)
compares across loads and across versions run side by side; CPU seconds and the load average are
reported too. The map is loaded before timing, as a long-running process would have it. `native` says
whether the compiled simulator ran (`amongus_agent/native.py`; AMONGUS_PURE=1 measures the sources).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from amongus_agent import native
from amongus_agent.recording import RecordingWriter
from amongus_agent.sim.batch import bench
from amongus_agent.sim.reference import reference_s
from amongus_agent.sim.runner import new_game, play, world
from amongus_agent.sim.settings import GameSettings

TARGET_X = 3000
TARGET_BATCH_S = 120


def one_run(seeds: list[int], record: bool, tmp: Path) -> dict:
    """Play the seeds once; wall and CPU time of the games alone, and the reference around them."""
    settings = GameSettings()
    ref_before = reference_s()
    game_s = wall = cpu = 0.0
    for seed in seeds:
        c0, t0 = time.process_time(), time.perf_counter()
        g = new_game(settings, seed)
        if record:
            with RecordingWriter(tmp / f"{seed}.jsonl", g.header()) as writer:
                result = play(g, sinks=[writer])
        else:
            result = play(g)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        game_s += result.duration_s
    ref = (ref_before + reference_s()) / 2
    return {"game_s": game_s, "wall_s": wall, "cpu_s": cpu, "reference_s": ref, "load1": os.getloadavg()[0],
            "x_realtime": game_s / wall, "x_realtime_cpu": game_s / cpu, "game_s_per_reference": game_s / wall * ref}


def one_core(runs: int, seeds: list[int], record: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        results = [one_run(seeds, record, Path(tmp)) for _ in range(runs)]
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    settings = GameSettings()
    return {
        "runs": runs, "games_per_run": len(seeds), "seeds": [seeds[0], seeds[-1]],
        "game_s": round(results[0]["game_s"], 1),
        "x_realtime": round(med["x_realtime"], 1),
        "x_realtime_runs": [round(r["x_realtime"], 1) for r in results],
        "x_realtime_cpu": round(med["x_realtime_cpu"], 1),
        "cpu_s": round(med["cpu_s"], 3), "wall_s": round(med["wall_s"], 3),
        "load1_runs": [round(r["load1"], 2) for r in results],
        "game_s_per_reference": round(med["game_s_per_reference"], 2),
        "reference_ms": round(med["reference_s"] * 1000, 2),
        "ticks_per_s": round(med["x_realtime"] * settings.tick_hz),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs for the one-core figures (the median is reported)")
    ap.add_argument("--games", type=int, default=6, help="games per run")
    ap.add_argument("--batch", type=int, default=1000, help="games for the 2-worker bench (0 to skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1000)
    args = ap.parse_args()
    seeds = list(range(args.seed, args.seed + args.games))
    world(GameSettings().map)
    out: dict = {"benchmark": "simulator", "cores": os.cpu_count(), "loadavg_start": list(os.getloadavg()),
                "native": native.state(), "compiled_in_use": native.in_use()}  # mypyc build or sources
    out["one_core_recording"] = one_core(args.runs, seeds, record=True)
    out["one_core_no_recording"] = one_core(args.runs, seeds, record=False)
    out["target_x_realtime"] = TARGET_X
    out["ok_speed"] = out["one_core_recording"]["x_realtime"] >= TARGET_X
    if args.batch:
        result = bench(GameSettings(), args.batch, first_seed=args.seed, workers=args.workers)
        out["batch"] = {k: result[k] for k in ("games", "workers", "wall_s", "games_per_s", "sim_s_per_wall_s",
                                               "game_s_per_reference", "win_rate", "loadavg")}
        out["target_batch_wall_s"] = TARGET_BATCH_S
        out["ok_batch"] = result["wall_s"] < TARGET_BATCH_S
    out["loadavg_end"] = list(os.getloadavg())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
