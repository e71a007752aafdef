"""The `ocr-chat` and `solve-wires` commands, run as a user would (a process, files, exit status)."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np

from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.wiring import render_wiring


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True, timeout=120)


def test_ocr_chat_json(tmp_path):
    chat = [ChatMessage("Nova", "red", "body in Medbay"), ChatMessage("Kai", "cyan", "where exactly?"),
            ChatMessage("Me", "purple", "I was in Admin", is_self=True)]
    path = tmp_path / "chat.jpg"
    cv2.imwrite(str(path), render_meeting(chat, 1600, 900, font=FontSpec("serif", 23),
                                          noise=Noise(jpeg_quality=85)).image)
    got = _run("ocr-chat", str(path), "--json")
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout.strip().splitlines()[-1]) == [
        {"speaker": m.speaker, "color": m.color, "text": m.text} for m in chat]


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
    for args in (("ocr-chat", str(tmp_path / "missing.png")), ("solve-wires", str(junk))):
        got = _run(*args)
        assert got.returncode == 2
        assert len(got.stderr.strip().splitlines()) == 1 and "Traceback" not in got.stderr
