"""Whole simulated games: determinism, the shared rule checker over many seeds and settings, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from unittest import mock

import pytest

from amongus_agent.recording import RecordingWriter, check_invariants, read_recording, summarize
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings, load_settings

SETTINGS = [
    GameSettings(),
    GameSettings(players=4, impostors=1),
    GameSettings(players=7, impostors=2, kill_distance="short", confirm_ejects=False),
    GameSettings(players=15, impostors=3, kill_distance="long", kill_cooldown_s=20, tick_hz=20),
    GameSettings(players=12, impostors=3, discussion_s=0, voting_s=30, emergency_meetings=2, short_tasks=4),
]


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def record(tmp_path, settings: GameSettings, seed: int):
    g = new_game(settings, seed)
    path = tmp_path / f"g{seed}-{settings.players}.jsonl"
    with RecordingWriter(path, g.header()) as writer:
        result = play(g, sinks=[writer])
    return g, result, path


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.players}p{s.impostors}i")
def test_recordings_obey_the_rules(tmp_path, skeld, settings):
    for seed in range(1, 7):
        g, result, path = record(tmp_path, settings, seed)
        rec = read_recording(path)
        assert check_invariants(rec, skeld) == [], (settings, seed)
        summary = summarize(rec)
        assert summary.winner == result.winner in ("crew", "impostors")
        assert result.reason in ("tasks", "votes", "kills", "sabotage")
        assert result.duration_s < settings.max_game_s


def test_same_seed_same_game(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, _, first = record(tmp_path / "a", GameSettings(), 11)
    _, _, again = record(tmp_path / "b", GameSettings(), 11)
    assert first.read_bytes() == again.read_bytes()
    _, _, other = record(tmp_path / "a", GameSettings(), 12)
    assert other.read_bytes() != first.read_bytes()


def test_the_simulator_never_reads_the_wall_clock():
    g = new_game(GameSettings(), 5)
    forbidden = AssertionError("the simulator read the wall clock")
    with mock.patch.object(time, "time", side_effect=forbidden), \
            mock.patch.object(time, "monotonic", side_effect=forbidden), \
            mock.patch.object(time, "perf_counter", side_effect=forbidden):
        result = play(g)
    assert result.winner


def test_settings_come_from_environment_and_overrides():
    s = load_settings({"impostors": 1}, environ={"AMONGUS_KILL_COOLDOWN_S": "30", "AMONGUS_PLAYERS": "8"})
    assert (s.kill_cooldown_s, s.players, s.impostors) == (30.0, 8, 1)
    assert GameSettings().kill_cooldown_s == 45 and GameSettings().kill_range == 1.8


def test_simulate_cli_twice_gives_identical_recordings(tmp_path):
    outs = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.jsonl"
        proc = cli("simulate", "--seed", "1", "--json", "--out", str(path))
        assert proc.returncode == 0, proc.stderr
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        assert summary["winner"] in ("crew", "impostors") and summary["seed"] == 1
        assert summary["recording"] == str(path) and summary["duration_s"] > 0 and summary["reason"]
        outs.append(path.read_bytes())
    assert outs[0] == outs[1]


def test_simulate_cli_rejects_bad_settings():
    proc = cli("simulate", "--set", "kill_cooldown_s=-3", "--json")
    assert proc.returncode == 2
    assert "settings: kill_cooldown_s" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("simulate", "--players", "4", "--impostors", "3")
    assert proc.returncode == 2 and "impostors need more than" in proc.stderr


def test_simulate_shows_the_game_and_a_summary(tmp_path):
    proc = cli("simulate", "--seed", "4", "--out", str(tmp_path / "g.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert "meeting starts" in proc.stdout or "killed" in proc.stdout
    assert " win (" in proc.stdout and "recording" in proc.stdout


def test_bench_cli_reports_rates_and_speed():
    proc = cli("bench", "--games", "6", "--workers", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["games"] == 6
    assert out["win_rate"]["crew"] + out["win_rate"]["impostors"] == pytest.approx(1.0)
    assert out["sim_s_per_wall_s"] > 0 and out["games_per_s"] > 0
    assert sum(out["wins_by_reason"].values()) == 6
    assert out["game_s_per_reference"] > 0 and len(out["loadavg"]) == 2
