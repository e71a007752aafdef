"""Many bot games at once, over worker processes: win rates, game length and speed.

Each worker loads the map once and plays whole games; games are independent and seeded, so the
aggregate depends only on the seeds and settings, not on how games were spread over workers.
Next to each game a worker times a short fixed workload (`sim/reference.py`), so the speed is also
given in proportion to what the (shared) machine delivered meanwhile.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from .. import native
from .reference import ROUNDS, reference_s
from .runner import new_game, play
from .settings import GameSettings

REFERENCE_ROUNDS = 4_000  # per game: a few milliseconds next to a game's 100 or so


def play_one(args: tuple[dict, int]) -> dict:
    settings_dict, seed = args
    settings = GameSettings.model_validate(settings_dict)
    ref = reference_s(REFERENCE_ROUNDS)
    t0 = time.perf_counter()
    result = play(new_game(settings, seed))
    out = result.as_dict()
    out["wall_s"] = time.perf_counter() - t0
    out["reference_s"] = (ref + reference_s(REFERENCE_ROUNDS)) / 2
    return out


def run_games(
    settings: GameSettings, seeds: list[int], workers: int | None = None
) -> Iterator[dict]:
    """Yield each game's result as it finishes (order follows the seeds)."""
    workers = workers or os.cpu_count() or 1
    jobs = [(settings.model_dump(), seed) for seed in seeds]
    if workers <= 1:
        for job in jobs:
            yield play_one(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(play_one, jobs, chunksize=max(1, min(16, len(jobs) // (workers * 8) or 1)))


def bench(
    settings: GameSettings,
    games: int,
    first_seed: int = 1,
    workers: int | None = None,
    progress: Callable[[dict], None] | None = None,
) -> dict:
    seeds = list(range(first_seed, first_seed + games))
    t0 = time.perf_counter()
    wins: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    total_game_s = 0.0
    kills = meetings = imp_ejected = crew_ejected = 0
    longest = 0.0
    per_reference: list[float] = []
    load_before = _loadavg()
    for result in run_games(settings, seeds, workers):
        wins[result["winner"]] += 1
        reasons[f"{result['winner']}:{result['reason']}"] += 1
        total_game_s += result["duration_s"]
        longest = max(longest, result["duration_s"])
        kills += result["kills"]
        meetings += result["meetings"]
        imp_ejected += result["impostors_ejected"]
        crew_ejected += result["crew_ejected"]
        if result["wall_s"] > 0:  # game seconds played in the time of one reference run
            per_reference.append(result["duration_s"] / result["wall_s"] * result["reference_s"] * _PER_ROUND)
        if progress:
            progress(result)
    wall = time.perf_counter() - t0
    n = max(1, games)
    return {
        "games": games,
        "workers": workers or os.cpu_count() or 1,
        "seeds": [first_seed, first_seed + games - 1],
        "win_rate": {side: round(wins[side] / n, 4) for side in ("crew", "impostors")},
        "wins_by_reason": dict(sorted(reasons.items())),
        "mean_game_s": round(total_game_s / n, 2),
        "longest_game_s": round(longest, 2),
        "kills_per_game": round(kills / n, 3),
        "meetings_per_game": round(meetings / n, 3),
        "impostors_ejected": imp_ejected,
        "crewmates_ejected": crew_ejected,
        "wall_s": round(wall, 3),
        "games_per_s": round(games / wall, 3) if wall > 0 else None,
        "sim_s_per_wall_s": round(total_game_s / wall, 1) if wall > 0 else None,
        "game_s_per_reference": round(statistics.median(per_reference), 3) if per_reference else None,
        "loadavg": [load_before, _loadavg()],
        "native": native.state(),  # the simulator compiled from these sources, or the sources (`native.py`)
    }


_PER_ROUND = ROUNDS / REFERENCE_ROUNDS  # stated per full reference run, as bench_sim.py does


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
