"""A bad map or task file is refused with one message that names the file and the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from amongus_agent.errors import DataError
from amongus_agent.world.map import load_map
from amongus_agent.world.tasks import load_tasks

REPO = Path(__file__).resolve().parents[1]


def _skeld() -> dict:
    return json.loads((REPO / "maps" / "skeld.json").read_text())


def _write(tmp_path: Path, data: dict | str, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="nope.json: file not found"):
        load_map(str(tmp_path / "nope.json"))


def test_not_json(tmp_path):
    path = _write(tmp_path, '{"version": 1,\n "name": ')
    with pytest.raises(DataError, match=r"bad.json: line 2 column \d+: not valid JSON"):
        load_map(str(path))


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda d: d["edges"].append([0, 99999]), r"edges\[\d+\]: node index 99999 does not exist"),
        (lambda d: d["edges"].append([3, 3]), r"edges\[\d+\]: links node 3 to itself"),
        (lambda d: d.__setitem__("corridor_half_width", -1), r"corridor_half_width: Input should be greater than 0"),
        (lambda d: d["nodes"].__setitem__(5, ["a", 1]), r"nodes\[5\]\[0\]: Input should be a valid number"),
        (lambda d: d["vents"][0].__setitem__("links", [77]), r"vents\[0\].links: vent \w+ links to missing vent id 77"),
        (lambda d: d["regions"][1].__setitem__("name", d["regions"][0]["name"]), r"regions\[1\].name: .* listed twice"),
        (lambda d: d["doors"][0].__setitem__("room", "Bridge"), r"doors\[0\].room: unknown region 'Bridge'"),
        (lambda d: d["emergency_button"].__setitem__("spot", [-8.0, -2.0]), r"emergency_button.spot: .* off the walkable"),
        (lambda d: d.pop("spawn"), r"spawn: Field required"),
        (lambda d: d.__setitem__("colour", "red"), r"colour: Extra inputs are not permitted"),
    ],
)
def test_malformed_map_names_the_field(tmp_path, mutate, pattern):
    data = _skeld()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(DataError, match=pattern) as info:
        load_map(str(path))
    assert str(info.value).startswith(str(path))


def test_disconnected_graph_is_refused(tmp_path):
    data = _skeld()
    data["nodes"].append([-23.0, 5.0])
    path = _write(tmp_path, data)
    with pytest.raises(DataError, match=r"nodes\[\d+\]: .* not connected to node 0"):
        load_map(str(path))


def test_task_spot_off_the_walkable_area(tmp_path, skeld):
    data = json.loads((REPO / "tasks" / "skeld.json").read_text())
    data["tasks"][0]["steps"][0]["options"][0]["spot"] = [-8.0, -2.0]
    path = _write(tmp_path, data, "tasks.json")
    with pytest.raises(DataError, match=r"tasks\[0\].steps\[0\].options\[0\].spot: .* off the walkable area"):
        load_tasks(str(path), skeld)


def test_task_in_unknown_room(tmp_path, skeld):
    data = json.loads((REPO / "tasks" / "skeld.json").read_text())
    data["tasks"][1]["steps"][0]["options"][0]["room"] = "Bridge"
    path = _write(tmp_path, data, "tasks.json")
    with pytest.raises(DataError, match=r"tasks\[1\].steps\[0\].options\[0\].room: unknown room 'Bridge'"):
        load_tasks(str(path), skeld)


def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path):
    data = _skeld()
    data["edges"].append([0, 99999])
    path = _write(tmp_path, data)
    proc = subprocess.run(
        [sys.executable, "-m", "amongus_agent", "path", "Cafeteria", "Reactor", "--map", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "node index 99999 does not exist" in lines[0] and str(path) in lines[0]


DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize(("text", "pattern"), [
    (DEEP, r"bad.json: nested deeper than \d+ levels"),
    ('{"version": ' + "9" * 5000 + "}", r"bad.json: version: a number with 5000 digits"),
    ('{"version": ' + "9" * 400 + "}", r"bad.json: version: a number with 400 digits"),
    ('{"version": 1e999}', r"bad.json: version: a number out of range"),
    ('{"version": NaN}', r"bad.json: version: NaN is not a number JSON allows"),
])
def test_json_limits_hold_for_every_data_file(tmp_path, skeld, text, pattern):
    from amongus_agent.agent.persona import load_persona

    path = _write(tmp_path, text)
    for load in (load_map, lambda p: load_tasks(p, skeld), load_persona):
        with pytest.raises(DataError, match=pattern):
            load(str(path))


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    from amongus_agent.agent.persona import load_persona

    path = _write(tmp_path, '{"name": "Ava", "background": "' + "x" * 2_000_000 + '"}')
    with pytest.raises(DataError, match=r"bad.json: over the size limit of \d+ bytes"):
        load_persona(str(path))


@pytest.mark.parametrize(("mutate", "pattern"), [
    (lambda d: d.__setitem__("bounds", [-1e300, -20, 21, 7]), r"bounds"),
    (lambda d: d.__setitem__("bounds", [-1e6, -1e6, 1e6, 1e6]), r"bounds\[0\]: Input should be greater than"),
    (lambda d: d.__setitem__("bounds", [-150, -150, 150, 150]), r"bounds: 300 x 300 units: wider than"),
    (lambda d: d["vents"][0].__setitem__("position", [1e300, 0]), r"vents\[0\].position"),
    (lambda d: d["nodes"].extend([d["nodes"][0]] * 20_000), r"nodes: .* at most"),
    (lambda d: d["edges"].extend([[0, 1]] * 60_000), r"edges: .* at most"),
])
def test_a_map_too_big_to_build_is_refused(tmp_path, mutate, pattern):
    data = _skeld()
    mutate(data)
    with pytest.raises(DataError, match=pattern):
        load_map(str(_write(tmp_path, data)))
