"""The replay picture and the `replay` command (summary, --json, --png, --check, bad files)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from test_recording_game import clean_game, header, skeld_map, write
from typer.testing import CliRunner

from amongus_agent.cli import app
from amongus_agent.recording import read_recording
from amongus_agent.recording.format import PLAYER_COLORS
from amongus_agent.recording.replay import draw_replay, player_color
from amongus_agent.world.draw import draw_map

runner = CliRunner()


@pytest.fixture
def game_file(tmp_path: Path) -> Path:
    return write(tmp_path / "game.jsonl", clean_game(skeld_map()))


def _pixels(image: np.ndarray, bgr: tuple[int, int, int]) -> int:
    return int(np.all(image == np.array(bgr, dtype=np.uint8), axis=2).sum())


def test_the_replay_draws_trails_bodies_and_the_legend(game_file: Path) -> None:
    canvas = draw_replay(read_recording(game_file), skeld_map())
    base = draw_map(skeld_map(), None, graph=False).image
    assert canvas.image.shape == base.shape
    changed = np.any(canvas.image != base, axis=2).mean()
    assert 0.01 < changed < 0.5  # trails, markers, title and legend; the map still shows
    for color in ("blue", "green", "pink", "orange"):  # every trail that walks is drawn in its colour
        assert _pixels(canvas.image, PLAYER_COLORS[color]) > 100, color
    assert _pixels(canvas.image, PLAYER_COLORS["purple"]) == 0  # nobody wore purple
    png = canvas.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    decoded = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == base.shape


def test_player_colors() -> None:
    assert player_color("Red", 5) == PLAYER_COLORS["red"]
    assert player_color("#ff8000", 0) == (0, 128, 255)
    assert player_color("no such colour", 2) == PLAYER_COLORS["green"]


def test_cli_prints_a_summary_and_draws(game_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "pics" / "replay.png"
    result = runner.invoke(app, ["replay", str(game_file), "--png", str(out), "--check"])
    assert result.exit_code == 0, result.output
    assert "crew win (votes) after 31.0 s" in result.stdout
    assert "Red kills Blue" in result.stdout and "ejected Red (impostor)" in result.stdout
    assert "rules: clean" in result.stdout
    assert out.stat().st_size > 50_000


def test_cli_json_is_one_object_on_the_last_line(game_file: Path) -> None:
    result = runner.invoke(app, ["replay", str(game_file), "--json", "--check"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert (data["winner"], data["kills_count"], data["meetings_count"], data["violations"]) == ("crew", 1, 1, [])
    assert data["players"][1]["death"] == "killed"


def test_cli_check_fails_on_a_broken_rule(tmp_path: Path) -> None:
    events = copy.deepcopy(clean_game(skeld_map()))
    next(e for e in events if e["type"] == "kill")["killer"] = 3
    path = write(tmp_path / "bad_rules.jsonl", events)
    result = runner.invoke(app, ["replay", str(path), "--check"])
    assert result.exit_code == 1
    assert "kill by crewmate Pink (3)" in result.stdout


def test_cli_warns_about_a_cut_line_and_still_summarises(game_file: Path) -> None:
    game_file.write_bytes(game_file.read_bytes()[:-20])
    result = runner.invoke(app, ["replay", str(game_file), "--json"])
    assert result.exit_code == 0, result.output
    assert "cut mid-write" in result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["truncated"] is True and data["winner"] is None and data["kills_count"] == 1


def test_cli_corrupt_file_is_one_line_and_exit_2(game_file: Path) -> None:
    lines = game_file.read_text().splitlines(keepends=True)
    lines[9] = '{"t": 4.0, "type": "pos", "positions": {"0": [1, 2]\n'
    game_file.write_text("".join(lines))
    proc = subprocess.run([sys.executable, "-m", "amongus_agent", "replay", str(game_file)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0
    assert f"{game_file}: line 10: not valid JSON" in proc.stderr


def test_cli_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "empty_game.jsonl"
    path.write_text(json.dumps(header()) + "\n")
    result = runner.invoke(app, ["replay", str(path), "--json"])
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert (data["events"], data["duration_s"], data["winner"]) == (0, 0.0, None)
