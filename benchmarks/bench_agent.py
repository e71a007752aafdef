#!/usr/bin/env python3
"""The built-in brain as a player, and the cost of a decision without a model. Prints one JSON object.

Crewmate: over seeded games with the agent in one crew seat, the share of games it survives in
which it completes all its tasks (target >= 95%), and its task time against the shortest possible
route through its tasks (known in full here, though the agent only ever sees each task's current
step; target <= 1.3x, measured in Freeplay so that sabotages and meetings pulling it away do not
count against its route; the same ratio in full games is reported too). Impostor: the share of
games with at least one kill (target: most). Decision overhead (observation -> legal actions ->
prompt -> parse/verify -> plan), p99 (target < 5 ms).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import statistics
import time

from amongus_agent.brain.actions import legal_actions
from amongus_agent.brain.decision import decision_schema, verify
from amongus_agent.brain.prompt import render
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings


def optimal_task_time(game, seat: int) -> float:
    """Shortest time to do all the seat's task steps in order from spawn (walking + durations + waits)."""
    p = game.players[seat]
    speed = game.settings.player_speed
    tasks = p.tasks
    start = (p.x, p.y)
    dist_cache: dict = {}

    def dist(a, b):
        key = (a, b)
        if key not in dist_cache:
            dist_cache[key] = game.map.path_distance(a, b)
        return dist_cache[key]

    first = (0.0, tuple(0 for _ in tasks), start, tuple(0.0 for _ in tasks))
    heap = [first]
    seen: dict = {}
    while heap:
        t, steps, pos, ready = heapq.heappop(heap)
        if all(s == len(task.places) for s, task in zip(steps, tasks, strict=True)):
            return t
        key = (steps, pos)
        if key in seen and seen[key] <= t:
            continue
        seen[key] = t
        for k, task in enumerate(tasks):
            s = steps[k]
            if s >= len(task.places):
                continue
            spot = task.places[s].spot
            arrive = max(t + dist(pos, spot) / speed, ready[k])
            done = arrive + task.durations[s]
            new_steps = steps[:k] + (s + 1,) + steps[k + 1:]
            wait = task.waits[s + 1] if s + 1 < len(task.places) else 0.0
            new_ready = ready[:k] + (done + wait,) + ready[k + 1:]
            heapq.heappush(heap, (done, new_steps, spot, new_ready))
    return float("nan")


def crew_games(seeds: list[int]) -> dict:
    """Completion counts games the agent survives in which it had the time to finish: the game's
    task-phase time left after meetings and its own duties (fixing, reporting) was at least 1.3x the
    optimal task time. Games that end sooner (an early win by votes or kills) say nothing about it."""
    complete = survived = had_time = complete_raw = 0
    ratios = []
    for seed in seeds:
        g = new_game(GameSettings(), seed)
        seats = agent_seats(g, agents=1, role="crewmate")
        (seat_id, seat), = seats.items()
        best = optimal_task_time(g, seat_id)
        meeting = {"start": 0.0, "total": 0.0}

        def on_events(game, events, meeting=meeting):
            for e in events:
                if e["type"] == "meeting_start":
                    meeting["start"] = e["t"]
                elif e["type"] == "meeting_end":
                    meeting["total"] += e["t"] - meeting["start"]

        result = play(g, controllers=seats, on_events=on_events)
        p = g.players[seat_id]
        if not p.alive:
            continue
        survived += 1
        done = all(t.done for t in p.tasks)
        complete_raw += done
        available = result.duration_s - meeting["total"] - seat.agent.stats.duty_time_s
        if done or available >= 1.3 * best:
            had_time += 1
            complete += done
        if done:
            ratios.append(seat.agent.stats.task_time_s / best)
    ratios.sort()
    return {
        "games": len(seeds), "survived": survived, "survived_with_time_to_finish": had_time,
        "all_tasks_done_rate": round(complete / had_time, 4) if had_time else None,
        "all_tasks_done_rate_raw": round(complete_raw / survived, 4) if survived else None,
        "task_time_ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "task_time_ratio_p90": round(ratios[int(0.9 * len(ratios))], 3) if ratios else None,
    }


def task_efficiency(seeds: list[int]) -> dict:
    """Task time against the optimal route in Freeplay (no kills, sabotages or meetings to pull the
    agent away), so it measures the agent's own planning and walking."""
    ratios = []
    incomplete = 0
    for seed in seeds:
        g = new_game(GameSettings(freeplay=True, max_game_s=400), seed)
        seats = agent_seats(g, agents=1, role="crewmate")
        (seat_id, seat), = seats.items()
        best = optimal_task_time(g, seat_id)
        play(g, controllers=seats)
        if all(t.done for t in g.players[seat_id].tasks):
            ratios.append(seat.agent.stats.task_time_s / best)
        else:
            incomplete += 1
    ratios.sort()
    return {"games": len(seeds), "incomplete": incomplete,
            "task_time_ratio_median": round(statistics.median(ratios), 3),
            "task_time_ratio_p90": round(ratios[int(0.9 * len(ratios))], 3)}


def impostor_games(seeds: list[int]) -> dict:
    with_kill = 0
    kills = []
    for seed in seeds:
        g = new_game(GameSettings(), seed)
        seats = agent_seats(g, agents=1, role="impostor")
        play(g, controllers=seats)
        (seat,) = seats.values()
        kills.append(seat.kills)
        with_kill += seat.kills > 0
    return {"games": len(seeds), "games_with_a_kill_rate": round(with_kill / len(seeds), 4),
            "kills_mean": round(statistics.fmean(kills), 3)}


def decision_overhead(samples: int) -> dict:
    """Time the model-free part of a decision on observations taken from a real game."""
    g = new_game(GameSettings(), 77)
    seats = agent_seats(g, agents=2, role="random")
    observations = []
    rng = random.Random(1)

    def grab(game, events):
        if len(observations) < samples and rng.random() < 0.5:
            for seat in seats.values():
                observations.append(seat.world.observe())

    play(g, controllers=seats, on_events=grab)
    seat = next(iter(seats.values()))
    agent = seat.agent
    times = []
    chars = []
    for obs in observations:
        if obs.phase != "tasks":
            continue
        t0 = time.perf_counter()
        legal = legal_actions(obs, agent.map)
        prompt = render(obs, legal, agent.memory)
        decision_schema([a.name for a in legal])
        choice = agent.builtin.decide(obs, legal, agent.memory)
        answer = json.dumps({"Action": {"name": choice.action.name, "position": None}, "Thought": choice.thought,
                             "Observation": choice.observation})
        verify(json.loads(answer), legal)
        times.append(time.perf_counter() - t0)
        chars.append((len(prompt.system), len(prompt.user)))
    times.sort()
    total = [a + b for a, b in chars]
    return {
        "samples": len(times),
        "p50_ms": round(times[len(times) // 2] * 1000, 3),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))] * 1000, 3),
        "prompt_tokens_est_max": max(total) // 4,
        "prompt_tokens_est_median": int(statistics.median(total)) // 4,
        "static_prefix_share_median": round(statistics.median(a / (a + b) for a, b in chars), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=60)
    ap.add_argument("--seed", type=int, default=500)
    args = ap.parse_args()
    seeds = list(range(args.seed, args.seed + args.games))
    out = {"benchmark": "agent_builtin", "crewmate": crew_games(seeds),
           "crewmate_freeplay": task_efficiency(seeds[:40]), "impostor": impostor_games(seeds),
           "decision_overhead": decision_overhead(400)}
    out["ok"] = {
        "tasks_done_rate": (out["crewmate"]["all_tasks_done_rate"] or 0) >= 0.95,
        "task_time_ratio": out["crewmate_freeplay"]["task_time_ratio_median"] <= 1.3,
        "impostor_kills": out["impostor"]["games_with_a_kill_rate"] > 0.5,
        "overhead_p99": out["decision_overhead"]["p99_ms"] < 5.0,
        "prompt_tokens": out["decision_overhead"]["prompt_tokens_est_max"] <= 1500,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
