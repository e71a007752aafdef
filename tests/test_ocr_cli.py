"""The `ocr-chat`, `read-voting` and `solve-wires` commands, run as a user would (a process, files, exit status)."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
from amongus_agent.perception.synthetic.wiring import render_wiring


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True, timeout=120)


def test_ocr_chat_json(tmp_path):
    chat = [ChatMessage("Nova", "red", "body in Medbay"), ChatMessage("Kai", "cyan", "where exactly?"),
            ChatMessage("", "lime", "Kai has voted. 2 remaining.", kind="vote"),
            ChatMessage("Me", "purple", "I was in Admin", is_self=True)]
    path = tmp_path / "chat.jpg"
    cv2.imwrite(str(path), render_meeting(chat, 1600, 900, font=FontSpec("sans", 23),
                                          noise=Noise(jpeg_quality=85)).image)
    got = _run("ocr-chat", str(path), "--json")
    assert got.returncode == 0, got.stderr
    lines = json.loads(got.stdout.strip().splitlines()[-1])
    assert [{k: v for k, v in m.items() if k != "confidence"} for m in lines] == [
        {"kind": m.kind, "speaker": m.speaker, "color": m.color, "text": m.text, "self": m.is_self} for m in chat]
    assert all(0 < m["confidence"] <= 1 for m in lines)


def test_ocr_chat_without_chat_says_so(tmp_path):
    empty = tmp_path / "empty.png"
    cv2.imwrite(str(empty), np.full((720, 1280, 3), 90, np.uint8))
    got = _run("ocr-chat", str(empty), "--json")
    assert got.returncode == 1 and json.loads(got.stdout) == [] and "no chat" in got.stderr


def test_read_voting_json_and_no_tablet(tmp_path):
    players = [VotePlayer("Nova", "red"), VotePlayer("Kai", "blue", dead=True), VotePlayer("Ren", "lime"),
               VotePlayer("Bean", "orange", reporter=True)]
    s = render_voting(players, 1920, 1080, selected="lime")
    path = tmp_path / "vote.png"
    cv2.imwrite(str(path), s.image)
    got = _run("read-voting", str(path), "--json")
    assert got.returncode == 0, got.stderr
    data = json.loads(got.stdout.strip().splitlines()[-1])
    assert set(data) == {"stage", "plates", "skip", "confirm"} and data["stage"] == "voting"
    assert [(p["color"], p["alive"], p["reporter"]) for p in data["plates"]] == [
        ("red", True, False), (None, False, False), ("lime", True, False), ("orange", True, True)]
    x, y, w, h = s.plates["lime"]
    assert data["plates"][2]["box"] == [pytest.approx(x, abs=3), pytest.approx(y, abs=3),
                                        pytest.approx(x + w, abs=3), pytest.approx(y + h, abs=3)]
    cx, cy, cw, ch = s.confirm
    assert cx <= data["confirm"]["click"][0] <= cx + cw and cy <= data["confirm"]["click"][1] <= cy + ch
    sx, sy, sw, sh = s.skip
    assert sx <= data["skip"]["click"][0] <= sx + sw and sy <= data["skip"]["click"][1] <= sy + sh

    empty = tmp_path / "empty.png"
    cv2.imwrite(str(empty), np.full((720, 1280, 3), 90, np.uint8))
    none = _run("read-voting", str(empty), "--json")
    assert none.returncode == 1 and "no voting tablet" in none.stderr


def test_solve_wires_json_and_no_panel(tmp_path):
    screen = render_wiring(2560, 1440, 42)
    path = tmp_path / "wires.png"
    cv2.imwrite(str(path), screen.image)
    got = _run("solve-wires", str(path), "--json")
    assert got.returncode == 0, got.stderr
    data = json.loads(got.stdout.strip().splitlines()[-1])
    assert set(data) == {"panel", "pairs"} and len(data["pairs"]) == 4
    for p in data["pairs"]:
        left = next(e for e in screen.left if e.color == p["color"])
        right = next(e for e in screen.right if e.color == p["color"])
        assert left.box[0] <= p["from"][0] <= left.box[0] + left.box[2]
        assert abs(p["from"][1] - left.point[1]) < left.box[3] / 2
        assert right.box[0] <= p["to"][0] <= right.box[0] + right.box[2]
        assert abs(p["to"][1] - right.point[1]) < right.box[3] / 2

    empty = tmp_path / "empty.png"
    cv2.imwrite(str(empty), np.full((720, 1280, 3), 90, np.uint8))
    none = _run("solve-wires", str(empty), "--json")
    assert none.returncode == 1 and "no Fix Wiring panel" in none.stderr


def test_bad_files_are_one_line_and_exit_2(tmp_path):
    junk = tmp_path / "junk.png"
    junk.write_text("not an image")
    for args in (("ocr-chat", str(tmp_path / "missing.png")), ("solve-wires", str(junk)), ("read-voting", str(junk))):
        got = _run(*args)
        assert got.returncode == 2
        assert len(got.stderr.strip().splitlines()) == 1 and "Traceback" not in got.stderr
