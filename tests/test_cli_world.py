"""`path` and `map show` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2

from amongus_agent.world.map import load_map


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True, timeout=60)


def test_path_json_is_one_object_with_walkable_segments():
    proc = run("path", "Cafeteria", "Reactor", "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["length"] > 20 and len(out["points"]) >= 2
    game_map = load_map("skeld")
    for p, q in zip(out["points"], out["points"][1:], strict=False):
        assert game_map.visible(p, q)
    assert out["to"]["room"] == "Reactor"


def test_path_takes_tasks_coordinates_and_the_button():
    proc = run("path", "Fix Wiring@Admin", " -9.8,0.66", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["from"]["room"] == "Admin" and out["to"]["point"] == [-9.8, 0.66]
    assert run("path", "button", "Upload Data in Weapons").returncode == 0


def test_path_unknown_place_says_what_it_wants():
    proc = run("path", "Cafetria", "Reactor")
    assert proc.returncode == 2
    assert "unknown place 'Cafetria'" in proc.stderr and "Cafeteria" in proc.stderr
    ambiguous = run("path", "Fix Wiring", "Reactor")
    assert ambiguous.returncode == 2 and "several rooms" in ambiguous.stderr


def test_map_show_draws_a_png(tmp_path):
    out = tmp_path / "skeld.png"
    proc = run("map", "show", "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    image = cv2.imread(str(out))
    assert image is not None and image.shape[1] == summary["size"][0] and image.shape[0] == summary["size"][1]
    assert summary["rooms"] == 14 and summary["task_types"] == 19
    assert len({tuple(px) for px in image.reshape(-1, 3)[::97]}) > 20  # drawn, not blank
