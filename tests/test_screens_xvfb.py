"""`sim-server --screens` under a real X server: real Tk, real X11 input (xdotool, pyautogui), real mss capture.

The server runs as its own process, as it would beside the real client; the test plays the client's
part: it reads positions from the bridge (as a mod gives them), sees the window only through mss, and
acts only through X11 keys and mouse or the pad port. What the game made of it is read from the
bridge's frames and events and from the server's recording (flushed per line). Bounded waits only
(safety nets); no verdict depends on how fast this machine is.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from xvfb import xvfb

TITLE = "amongus-agent screens"


class Served:
    """A `sim-server --screens` process, with a bridge client on its seat reading frames and events."""

    def __init__(self, display: str, tmp: Path, *args: str, speed: float = 3.0, seed: int = 3) -> None:
        self.tmp = tmp
        self.recording = tmp / "game.jsonl"
        self.input_log = tmp / "inputs.jsonl"
        argv = [sys.executable, "-m", "amongus_agent", "sim-server", "--screens", "--port", "0", "--wait", "30",
                "--speed", str(speed), "--seed", str(seed), "--role", "crewmate", "--out", str(self.recording),
                "--input-log", str(self.input_log), *args]
        self.proc = subprocess.Popen(argv, env={**os.environ, "DISPLAY": display}, stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True)
        self.err: list[str] = []
        self.port: int | None = None
        self.pad_port: int | None = None
        threading.Thread(target=self._stderr, daemon=True).start()
        self.frame: dict | None = None
        self.frames = 0
        self.events: list[dict] = []
        self.hello: dict | None = None
        self._wait(lambda: self.port is not None and any("window" in line for line in self.err), 60, "server start")
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sock.sendall(b'{"type": "join", "v": 1}\n')
        threading.Thread(target=self._read, daemon=True).start()
        self._wait(lambda: self.frame is not None, 30, "first frame")
        from amongus_agent.perception.capture import CaptureUnavailableError, find_window_region

        def region():
            try:
                return find_window_region(TITLE)
            except CaptureUnavailableError:
                return None

        self._wait(lambda: region() is not None, 30, "the window")
        self.region = region()
        # the window maps before it has drawn anything: wait for its first picture (not all one colour)
        from amongus_agent.perception.capture import ScreenCapture

        with ScreenCapture(self.region) as cap:
            self._wait(lambda: float(cap.grab().image.std()) > 5.0, 30, "the window's first picture")
        time.sleep(0.5)  # a few redraws reach the screen

    def _stderr(self) -> None:
        for line in self.proc.stderr:
            self.err.append(line)
            if m := re.search(r"tcp://127\.0\.0\.1:(\d+)", line):
                self.port = int(m.group(1))
            if m := re.search(r"udp://127\.0\.0\.1:(\d+)", line):
                self.pad_port = int(m.group(1))

    def _read(self) -> None:
        buf = b""
        try:
            while chunk := self.sock.recv(65536):
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    msg = json.loads(line)
                    if msg["type"] == "frame":
                        self.frame = msg
                        self.frames += 1
                    elif msg["type"] == "event":
                        self.events.append(msg["event"])
                    elif msg["type"] == "hello":
                        self.hello = msg
        except OSError:
            pass

    def _wait(self, cond, seconds: float, what: str) -> None:
        end = time.monotonic() + seconds
        while not cond():
            assert self.proc.poll() is None, f"the server exited while waiting for {what}: {''.join(self.err)}"
            assert time.monotonic() < end, f"no {what} within {seconds} s (safety net): {''.join(self.err)[-2000:]}"
            time.sleep(0.05)

    def wait(self, cond, seconds: float = 30, what: str = "condition") -> dict:
        self._wait(lambda: self.frame is not None and cond(self.frame), seconds, what)
        return self.frame

    def recorded(self) -> list[dict]:
        return [json.loads(line) for line in self.recording.read_text().splitlines() if line.strip()]

    def inputs(self) -> list[dict]:
        return [json.loads(line) for line in self.input_log.read_text().splitlines()] if self.input_log.exists() else []

    def pad(self, lx: float, ly: float, buttons: tuple[str, ...] = ()) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(json.dumps({"lx": lx, "ly": ly, "buttons": list(buttons)}).encode(), ("127.0.0.1", self.pad_port))

    def close(self) -> None:
        self.sock.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture(scope="module")
def xdisplay():
    with xvfb(1280, 720) as display:
        yield display


@pytest.fixture
def served(xdisplay, tmp_path):
    running = []

    def start(*args: str, **kw) -> Served:
        running.append(Served(xdisplay, tmp_path, *args, **kw))
        return running[-1]

    yield start
    for s in running:
        s.close()


@pytest.fixture
def devices(xdisplay):
    from amongus_agent.act.input.keyboard import KeyboardBackend
    from amongus_agent.act.input.mouse import MouseBackend

    with KeyboardBackend(via="xdotool") as kb, MouseBackend() as mouse:
        yield kb, mouse


def walk(served: Served, goal: tuple[float, float], stick, seconds: float = 40.0) -> dict:
    """Steer the seat to `goal` from the bridge's positions, through `stick(x, y)` (pad or keys)."""
    from amongus_agent.act.movement import Mover
    from amongus_agent.sim.runner import world

    game_map, _ = world("skeld")
    mover = Mover(game_map, 0.1)
    mover.go(tuple(served.frame["position"]), goal)
    end = time.monotonic() + seconds
    seen = -1
    try:
        while True:
            f = served.frame
            if math.dist(f["position"], goal) <= 0.3:
                return f
            assert time.monotonic() < end, f"did not reach {goal} (at {f['position']}) within {seconds} s"
            if served.frames != seen:
                seen = served.frames
                stick(*mover.stick(tuple(f["position"])))
            time.sleep(0.02)
    finally:
        stick(0.0, 0.0)


def seen(cap, look, seconds: float = 10.0):
    """Grab until `look(image)` finds something (the window redraws ~10 times a second); its answer."""
    end = time.monotonic() + seconds
    while True:
        got = look(cap.grab().image)
        if got or time.monotonic() >= end:
            return got
        time.sleep(0.1)


def capture(served: Served):
    from amongus_agent.perception.capture import ScreenCapture

    return ScreenCapture(served.region)


FREEPLAY = ("--set", "freeplay=true", "--set", "emergency_meetings=0")


def test_window_shows_the_hud_and_held_keys_walk(served, devices):
    from amongus_agent.perception.hud import read_hud

    s = served(*FREEPLAY)
    kb, _ = devices
    assert (s.region.width, s.region.height) == (1280, 720)
    with capture(s) as cap:
        reading = read_hud(cap.grab().image).to_json()
    f = s.frame
    assert [(t["room"], t["task"]) for t in reading["tasks"]] == [(t["room"], t["task"]) for t in f["tasks"]]
    assert reading["room"] == f["room"]
    x0 = f["position"][0]
    kb.stick(-1.0, 0.0)  # holds A (from the spawn there is room to the left)
    try:
        s.wait(lambda fr: fr["position"][0] < x0 - 1.0, 20, "the seat walking left")
        kb.stick(1.0, 0.0)  # A up, D down
        x1 = s.frame["position"][0]
        s.wait(lambda fr: fr["position"][0] > x1 + 0.5, 20, "the seat walking right")
    finally:
        kb.stick(0.0, 0.0)
    # stopped: two frames half a second apart agree (a loaded server may take a moment to see the release)
    end, p = time.monotonic() + 20, None
    while time.monotonic() < end and (p is None or s.frame["position"] != p):
        p = s.frame["position"]
        time.sleep(0.5)
    assert s.frame["position"] == p, "the seat kept walking after D was released"
    kinds = [(e["kind"], e["what"]) for e in s.inputs()]
    assert {("key", "a"), ("key", "a up"), ("key", "d"), ("key", "d up")} <= set(kinds)


def test_pad_walks_to_wiring_e_opens_it_and_the_flow_solves_it(served, devices):
    from amongus_agent.act.flows_live import fix_wiring
    from amongus_agent.perception.panels import identify_panel

    s = served(*FREEPLAY, "--pad-port", "0")
    kb, mouse = devices
    wiring = next(t for t in s.frame["tasks"] if t["task"] == "Fix Wiring")
    start = list(s.frame["position"])
    walk(s, tuple(wiring["position"]), s.pad)  # the pad port moves the seat (bar 3)
    assert math.dist(start, s.frame["position"]) > 0.5 and any(e["kind"] == "pad" for e in s.inputs())
    kb.key("e")
    s.wait(lambda fr: fr["busy"], 10, "busy after E")
    with capture(s) as cap:
        time.sleep(0.4)
        assert identify_panel(cap.grab().image) == "Fix Wiring"
        result = fix_wiring(cap.grab, mouse, settle=0.5)
    assert result.ok, result
    f = s.wait(lambda fr: not fr["busy"], 10, "the panel closing")
    step = next(t for t in f["tasks"] if t["task"] == "Fix Wiring")["step"]
    assert step == wiring["step"] + 1
    done = [e for e in s.recorded() if e.get("type") == "task" and e["player"] == s.hello["seat"]]
    assert [(e["task"], e["step"]) for e in done] == [("Fix Wiring", wiring["step"])]
    assert sum(1 for e in s.inputs() if e["kind"] == "drag") >= 4


def solve_at_its_console(s, kb, mouse, task: str) -> dict:
    """Walk the pad to `task`'s console, press E, and solve the panel with its flow; the task line as it was."""
    from amongus_agent.act.tasks.runner import run_task

    t = next(t for t in s.frame["tasks"] if t["task"] == task)
    walk(s, tuple(t["position"]), s.pad)
    kb.key("e")
    s.wait(lambda fr: fr["busy"], 10, f"{task} opening")
    time.sleep(0.4)
    with capture(s) as cap:
        result = run_task(cap.grab, mouse, expect=task, budget_s=40)
    assert result.ok, (task, result.reason)
    return t


def test_imitated_panels_are_done_through_run_task(served, devices):
    s = served(*FREEPLAY, "--pad-port", "0", speed=4.0)
    kb, mouse = devices
    seat = s.hello["seat"]
    for task in ("Clear Asteroids", "Clean O2 Filter"):
        solve_at_its_console(s, kb, mouse, task)
        s.wait(lambda fr, task=task: all(x["task"] != task for x in fr["tasks"]), 10, f"{task} done")
    done = [e["task"] for e in s.recorded() if e.get("type") == "task" and e["player"] == seat]
    assert done == ["Clear Asteroids", "Clean O2 Filter"]


def test_scan_waits_and_fuel_is_held_through_run_task(served, devices):
    s = served(*FREEPLAY, "--set", "long_tasks=3", "--set", "short_tasks=1", "--pad-port", "0", speed=4.0)
    kb, mouse = devices
    seat = s.hello["seat"]
    for task in ("Submit Scan", "Fuel Engines"):
        t = solve_at_its_console(s, kb, mouse, task)
        s.wait(lambda fr, task=task, step=t["step"]: all(x["task"] != task or x["step"] > step for x in fr["tasks"]),
               10, f"{task} step done")
    done = [(e["task"], e["step"]) for e in s.recorded() if e.get("type") == "task" and e["player"] == seat]
    assert done == [("Submit Scan", 0), ("Fuel Engines", 0)]


def test_meeting_chat_is_read_typed_and_the_vote_is_clicked(served, devices):
    from amongus_agent.act.flows_live import send_chat, vote
    from amongus_agent.perception.chat_ocr import find_chat_input, read_chat
    from amongus_agent.perception.voting import find_vote_targets
    from amongus_agent.sim.runner import world

    s = served("--set", "freeplay=true", "--set", "button_cooldown_s=0", "--set", "discussion_s=40",
               "--set", "voting_s=90", "--pad-port", "0", speed=2.0)
    kb, mouse = devices
    seat = s.hello["seat"]
    game_map, _ = world("skeld")
    walk(s, tuple(game_map.data.emergency_button.spot), s.pad)
    kb.key("e")
    s.wait(lambda fr: fr["phase"] == "meeting", 10, "the meeting")
    assert s.frame["meeting"]["chat"] == []  # the screens seat's chat comes from pixels only
    said = "I was doing wires in cafeteria"
    with capture(s) as cap:
        assert seen(cap, find_chat_input) is not None
        sent = send_chat(cap.grab, mouse, said, settle=0.8)
        assert sent.ok, sent
        chats = [e for e in s.recorded() if e.get("type") == "chat"]
        assert (seat, said) in [(e["player"], e["text"]) for e in chats]
        colour = {p["id"]: p["color"].lower() for p in s.frame["players"]}
        lines = read_chat(cap.grab().image)
        others = [(e["text"], colour[e["player"]]) for e in s.recorded() if e.get("type") == "chat" and e["player"] != seat]
        read_others = [(m.text, m.color) for m in lines if not m.is_self]
        assert read_others and all(line in others for line in read_others), (read_others, others)
        assert any(m.is_self and m.text == said for m in lines)
        s.wait(lambda fr: fr["meeting"] and fr["meeting"]["phase"] == "voting", 40, "the voting phase")
        targets = seen(cap, find_vote_targets)
        living = {p["color"].lower() for p in s.frame["players"]} | {s.frame["color"].lower()}
        assert set(targets) - {"skip"} == living, targets
        target = sorted(living - {s.frame["color"].lower()})[0]
        voted = vote(cap.grab, mouse, target)
    assert voted.ok, voted
    who = next(p["id"] for p in s.frame["players"] if p["color"].lower() == target)
    s._wait(lambda: any(e.get("type") == "vote" and e["voter"] == seat for e in s.recorded()), 10, "the vote")
    assert [(e["voter"], e["target"]) for e in s.recorded() if e.get("type") == "vote" and e["voter"] == seat] == [
        (seat, who)]
    kinds = {e["kind"] for e in s.inputs()}
    assert {"key", "click", "text", "pad"} <= kinds


def test_a_whole_game_with_the_window_ends_and_passes_the_rule_checker(xdisplay, tmp_path):
    from amongus_agent.recording import check_invariants, read_recording
    from amongus_agent.sim.runner import world

    out = tmp_path / "game.jsonl"
    proc = subprocess.run([sys.executable, "-m", "amongus_agent", "sim-server", "--screens", "--port", "0", "--wait", "0",
                           "--speed", "40", "--seed", "5", "--out", str(out), "--json"],
                          env={**os.environ, "DISPLAY": xdisplay}, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout.splitlines()[-1])
    assert summary["winner"] and summary["screens"]["inputs"] == 0  # nobody touched the window: an idle seat
    rec = read_recording(out)
    assert check_invariants(rec, world("skeld")[0]) == []
    assert rec.header.tasks[str(summary["screens"]["seat"])] == summary["screens"]["tasks"]
