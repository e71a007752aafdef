"""Every unusable file or setting given to the real CLI gets exactly one line on stderr and exit status 2.

Each case runs the installed command in a subprocess, as a user would: the line must name the file
or the setting (and where inside it), and no traceback may reach the terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEEP = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 5000


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env={**os.environ, **(env or {})})


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1, proc.stderr[-2000:]
    return lines[0]


def _skeld_text(**replace: str) -> str:
    """skeld.json with some top-level values replaced by raw JSON text (which may be out of range)."""
    data = json.loads((REPO / "maps" / "skeld.json").read_text())
    marks = {key: f"@@{key}@@" for key in replace}
    data.update(marks)
    text = json.dumps(data)
    for key, raw in replace.items():
        text = text.replace(json.dumps(marks[key]), raw)
    return text


def _big_map() -> str:
    data = json.loads((REPO / "maps" / "skeld.json").read_text())
    x, y = data["nodes"][0]
    start = len(data["nodes"])
    data["nodes"] += [[x + 0.001 * (k % 10), y] for k in range(20_000)]
    data["edges"] += [[0, start]] + [[start + k, start + k + 1] for k in range(19_999)]
    return json.dumps(data)


MAP_CASES = {
    "deeply_nested": (DEEP, "nested deeper"),
    "huge_integer": (_skeld_text(corridor_half_width=HUGE_INT), "digits"),
    "infinite_bounds": (_skeld_text(bounds="[-1e999, -20, 21, 7]"), "bounds"),
    "huge_bounds": (_skeld_text(bounds="[-1e9, -1e9, 1e9, 1e9]"), "bounds"),
    "20k_nodes": (_big_map(), "nodes"),
}


@pytest.mark.parametrize("case", list(MAP_CASES))
def test_a_bad_map_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, word = MAP_CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(text)
    line = one_error_line(cli("path", "Cafeteria", "Admin", "--map", str(path)))
    assert str(path) in line and word in line


RECORDING_CASES = {
    "deeply_nested_line": ('{"t": 1.0, "type": "chat", "player": 0, "text": ' + DEEP + "}", "line 3", "nested"),
    "huge_integer_line": ('{"t": 1.0, "type": "task", "player": ' + HUGE_INT + ', "task": "x", "step": 0, "done": false}',
                          "line 3", "digits"),
    "infinite_time": ('{"t": 1e999, "type": "meeting_end"}', "line 3", "t"),
}


@pytest.mark.parametrize("case", list(RECORDING_CASES))
def test_a_bad_recording_line_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    bad, where, word = RECORDING_CASES[case]
    header = {"type": "header", "version": 1, "seed": 1, "map": "skeld",
              "players": [{"id": 0, "color": "red", "name": "Red", "role": "crewmate"}]}
    pos = {"t": 0.0, "type": "pos", "positions": {"0": [-0.72, 2.17]}}
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([json.dumps(header), json.dumps(pos), bad, ""]))
    line = one_error_line(cli("replay", str(path)))
    assert str(path) in line and where in line and word in line


def test_a_header_with_a_huge_seed_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "header", "version": 1, "seed": ' + HUGE_INT + ', "map": "skeld", "players": []}\n')
    line = one_error_line(cli("replay", str(path)))
    assert str(path) in line and "line 1" in line


def test_markup_in_a_file_name_is_printed_literally(tmp_path: Path) -> None:
    line = one_error_line(cli("replay", "[/x].jsonl", cwd=tmp_path))
    assert line == "error: [/x].jsonl: file not found"


@pytest.mark.parametrize(("text", "word"), [
    ('{"name": ' + DEEP + "}", "nested"),
    ('{"name": "Ava", "catchphrases": [' + HUGE_INT + "]}", "digits"),
    ('{"name": "Ava", "background": "' + "x" * 100_000 + '"}', "background"),
])
def test_a_bad_persona_is_one_line_and_exit_2(tmp_path: Path, text: str, word: str) -> None:
    path = tmp_path / "persona.json"
    path.write_text(text)
    line = one_error_line(cli("simulate", "--persona", str(path), "--agents", "1", "--json",
                              "-o", str(tmp_path / "g.jsonl")))
    assert str(path) in line and word in line


@pytest.mark.parametrize(("args", "words"), [
    (["--set", "kill_cooldown_s=inf"], ["kill_cooldown_s", "--set", "finite"]),
    (["--set", "kill_cooldown_s=nan"], ["kill_cooldown_s", "finite"]),
    (["--set", "voting_s=1e999"], ["voting_s", "finite"]),
    (["--set", "discussion_s=" + HUGE_INT], ["discussion_s"]),
    (["--set", "emergency_meetings=" + HUGE_INT], ["emergency_meetings"]),
    (["--set", "emergency_meetings=1000000"], ["emergency_meetings", "less than"]),
    (["--set", "players=3"], ["players", "--players"]),
    (["--set", "impostors=5"], ["impostors", "--impostors"]),
    (["--set", "map=polus"], ["map", "--map"]),
    (["--players", "3"], ["players", "--players", "4"]),
    (["--impostors", "5"], ["impostors"]),
    (["--players", "5", "--impostors", "3"], ["impostors", "players"]),
    (["--set", "nonsense=1"], ["--set", "nonsense"]),
])
@pytest.mark.parametrize("command", ["simulate", "bench"])
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path, command: str, args: list[str],
                                              words: list[str]) -> None:
    extra = ["--games", "1", "--workers", "1"] if command == "bench" else ["-o", str(tmp_path / "g.jsonl")]
    line = one_error_line(cli(command, "--json", *extra, *args))
    for word in words:
        assert word in line, line


@pytest.mark.parametrize("command", ["prompt", "sim-server"])
def test_settings_of_other_commands_are_checked_too(command: str) -> None:
    line = one_error_line(cli(command, "--set", "kill_cooldown_s=inf"))
    assert "kill_cooldown_s" in line and "finite" in line


@pytest.mark.parametrize("args,words", [
    (["simulate", "--players", "abc"], ["amongus_agent simulate:", "--players", "integer", "simulate --help"]),
    (["simulate", "--bogus"], ["amongus_agent simulate:", "--bogus"]),
    (["nosuch"], ["amongus_agent:", "nosuch"]),
    (["path"], ["amongus_agent path:", "start"]),
    (["map", "show", "--out"], ["--out", "requires an argument"]),
])
def test_a_usage_error_is_one_line_naming_the_command(args: list[str], words: list[str]) -> None:
    line = one_error_line(cli(*args))
    assert line.startswith("error: ") and all(w in line for w in words), line


def test_an_infinite_setting_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    line = one_error_line(cli("simulate", "--json", "-o", str(tmp_path / "g.jsonl"),
                              env={"AMONGUS_KILL_COOLDOWN_S": "inf"}))
    assert "AMONGUS_KILL_COOLDOWN_S" in line and "finite" in line


def test_zero_tasks_is_a_game_not_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    proc = cli("simulate", "--json", "-o", str(out), "--set", "short_tasks=0", "--set", "long_tasks=0",
               "--set", "common_tasks=0")
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout.splitlines()[-1])
    assert summary["tasks_total"] == 0 and summary["reason"] in ("votes", "kills", "sabotage", "time_limit")
    check = cli("replay", str(out), "--check", "--json")
    assert check.returncode == 0 and json.loads(check.stdout.splitlines()[-1])["violations"] == []


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header but holds almost no pixel data (a decompression bomb's shape)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(30000, 30000), (9000, 9000)])
def test_an_image_too_big_to_decode_is_refused_from_its_header(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header(*size))
    line = one_error_line(cli("ocr-chat", str(path)))
    assert str(path) in line and "pixels" in line


@pytest.mark.parametrize(("flag", "value", "word"), [("--timeout", "-1", "timeout"), ("--timeout", "inf", "timeout"),
                                                     ("--base-url", "x" * 5000, "base_url")])
def test_bad_model_settings_are_one_line(tmp_path: Path, flag: str, value: str, word: str) -> None:
    line = one_error_line(cli("simulate", "--brain", "llm", "--model", "m", "--agents", "1", "--json",
                              "-o", str(tmp_path / "g.jsonl"), "--base-url", "http://127.0.0.1:9", flag, value))
    assert word in line


def test_feed_tail_prints_a_hostile_message_instead_of_dying():
    from amongus_agent.cli import _print_feed_event

    deep = "[" * 100_000 + "]" * 100_000
    for message in (deep, '{"kind": ' + deep + "}", '{"game_t": 1e999, "text": "x"}', b"\xff\xfe"):
        _print_feed_event(message, {})


@pytest.mark.parametrize("args", [("simulate", "--speed", "nan"), ("simulate", "--speed", "inf"),
                                  ("sim-server", "--wait", "nan"), ("sim-server", "--speed", "1e999"),
                                  ("simulate", "--feed-gap", "nan"), ("prompt", "--at", "inf")])
def test_numbers_must_be_finite(args):
    """Click's ranges let NaN through (no comparison with it is true): every float option refuses it."""
    proc = cli(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-1500:]
    assert args[1] in proc.stderr and ("finite" in proc.stderr or "less than or equal" in proc.stderr), proc.stderr
