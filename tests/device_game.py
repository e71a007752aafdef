"""One whole game through pixels: `sim-server --screens` and `play --input device`, two processes, one Xvfb.

Used by test_device_game_xvfb.py (the bars) and benchmarks/bench_device_game.py (the figures). The
server draws the seat's client screen in a window and takes that seat's input only from the window
(and its pad port); the client gets positions over the bridge and does everything else through the
window: WASD (or a virtual pad, `movement="gamepad"`: the `vgamepad` stand-in in tests/standins
sends the pad's state to the server's pad port), the use key and panel flows, the chat box, the
voting tablet, and the meeting chat read from the window's pixels. Both sides log their inputs with
the wall time (`--input-log`), so the latency from the agent's decision to the game seeing the
input can be measured.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import xvfb

HERE = Path(__file__).resolve().parent
STANDINS = HERE / "standins"
SIZE = (1280, 720)
TITLE = "amongus-agent screens"


@dataclass
class DeviceGame:
    server: dict
    client: dict
    recording: Path
    server_inputs: list[dict]
    client_inputs: list[dict]
    seat: int
    logs: str = ""
    events: list[dict] = field(default_factory=list)

    def of_seat(self, kind: str) -> list[dict]:
        return [e for e in self.events if e.get("type") == kind and e.get("player") == self.seat]


def start_xvfb(size: tuple[int, int] = SIZE) -> tuple[subprocess.Popen, str]:
    return xvfb.start_xvfb(*size)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def run_device_game(tmp: Path, display: str, *, seed: int, speed: float = 2.0, movement: str = "keyboard",
                    settings: tuple[str, ...] = (), timeout_s: float = 1500.0) -> DeviceGame:
    """Play one game; returns both sides' summaries, the server's recording and both input logs."""
    tmp.mkdir(parents=True, exist_ok=True)
    rec, s_log, c_log = tmp / "game.jsonl", tmp / "server-inputs.jsonl", tmp / "client-inputs.jsonl"
    s_err, c_err = tmp / "server.err", tmp / "client.err"
    env = {**os.environ, "DISPLAY": display}
    cli = [sys.executable, "-m", "amongus_agent"]
    server_cmd = [*cli, "sim-server", "--screens", "--port", "0", "--seed", str(seed), "--speed", str(speed),
                  "--role", "crewmate", "--wait", "60", "--json", "--out", str(rec), "--input-log", str(s_log),
                  "--screen-size", f"{SIZE[0]}x{SIZE[1]}"]
    if movement == "gamepad":
        server_cmd += ["--pad-port", "0"]
    for s in settings:
        server_cmd += ["--set", s]
    with s_err.open("w") as se:
        server = subprocess.Popen(server_cmd, env=env, stdout=subprocess.PIPE, stderr=se, text=True)
    client = None
    try:
        port = pad = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            text = s_err.read_text()
            got = re.search(r"tcp://127\.0\.0\.1:(\d+)", text)
            got_pad = re.search(r"udp://127\.0\.0\.1:(\d+)", text)
            if got and "window '" in text and (movement != "gamepad" or got_pad):
                port, pad = int(got.group(1)), got_pad and int(got_pad.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise RuntimeError(f"sim-server --screens did not come up: {s_err.read_text()}")
        time.sleep(1.0)  # the window maps and draws its first frame
        client_env = dict(env)
        client_cmd = [*cli, "play", "--bridge", f"tcp://127.0.0.1:{port}", "--input", "device", "--window", TITLE,
                      "--movement", movement, "--input-log", str(c_log), "--json"]
        if movement == "gamepad":
            client_env["PYTHONPATH"] = os.pathsep.join([str(STANDINS), env.get("PYTHONPATH", "")])
            client_env["AMONGUS_PAD_PORT"] = str(pad)
        with c_err.open("w") as ce:
            client = subprocess.Popen(client_cmd, env=client_env, stdout=subprocess.PIPE, stderr=ce, text=True)
        c_out, _ = client.communicate(timeout=timeout_s)
        s_out, _ = server.communicate(timeout=60)
    finally:
        for p in (client, server):
            if p is not None and p.poll() is None:
                p.terminate()
                p.wait(timeout=20)
    server_summary, client_summary = _last_json(s_out), _last_json(c_out)
    (tmp / "server.json").write_text(json.dumps(server_summary, indent=1))  # kept for a look afterwards
    (tmp / "client.json").write_text(json.dumps(client_summary, indent=1))
    logs = f"--- server stderr\n{s_err.read_text()[-3000:]}\n--- client stderr\n{c_err.read_text()[-3000:]}"
    seat = (server_summary.get("screens") or {}).get("seat", client_summary.get("seat", -1))
    events = _read_jsonl(rec)[1:] if rec.exists() else []
    return DeviceGame(server_summary, client_summary, rec, _read_jsonl(s_log), _read_jsonl(c_log), seat, logs, events)


# ---------------------------------------------------------------- figures from one game
def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(q * len(v)))], 1)


def latencies(game: DeviceGame) -> dict:
    """Milliseconds from the agent deciding an input (client log) to the game acting on it (server log).

    Walking: each server key/pad event is matched with the newest stick change the agent decided before
    it; buttons: a press with the next matching key (E, R, Q, V) or pad button; chat: a line with the
    server's text event of the same text (typing included); votes: the decision with the next click
    on a confirm button (both clicks and the look between them included).
    """
    server = sorted(game.server_inputs, key=lambda e: e["wall"])
    client = sorted(game.client_inputs, key=lambda e: e["wall"])
    sticks = [c["wall"] for c in client if c["kind"] == "stick"]
    walk: list[float] = []
    j = 0
    for e in server:
        moving = (e["kind"] == "key" and e["what"].split()[0] in ("w", "a", "s", "d")) or e["kind"] == "pad"
        if not moving:
            continue
        while j + 1 < len(sticks) and sticks[j + 1] <= e["wall"]:
            j += 1
        if sticks and sticks[j] <= e["wall"] and e["wall"] - sticks[j] < 2.0:
            walk.append((e["wall"] - sticks[j]) * 1000)
    keys = {"use": "e", "report": "r", "kill": "q", "vent": "v"}
    buttons: list[float] = []
    chats: list[float] = []
    votes: list[float] = []
    for c in client:
        later = [e for e in server if e["wall"] >= c["wall"]]
        if c["kind"] == "press":
            hit = next((e for e in later if (e["kind"] == "key" and e["what"] == keys.get(c["what"]))
                        or (e["kind"] == "pad" and c["what"] in e["what"].get("buttons", []))), None)
            if hit is not None and hit["wall"] - c["wall"] < 2.0:
                buttons.append((hit["wall"] - c["wall"]) * 1000)
        elif c["kind"] == "chat":
            hit = next((e for e in later if e["kind"] == "text" and _similar(e["what"], c["what"])), None)
            if hit is not None:
                chats.append((hit["wall"] - c["wall"]) * 1000)
        elif c["kind"] == "vote":
            hit = next((e for e in later if e["kind"] == "click" and str(e["what"].get("on", "")).startswith("confirm")),
                       None)
            if hit is not None and hit["wall"] - c["wall"] < 30:
                votes.append((hit["wall"] - c["wall"]) * 1000)
    out = {}
    for name, vals in (("walk", walk), ("button", buttons), ("chat", chats), ("vote", votes)):
        out[name] = {"n": len(vals), "p50_ms": _pct(vals, 0.5), "p95_ms": _pct(vals, 0.95),
                     "max_ms": round(max(vals), 1) if vals else None}
    return out


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio() > 0.8


def chat_matches(game: DeviceGame) -> list[tuple[str, str]]:
    """Other players' lines the agent read from pixels that the game's recording has as said (pairs read, said)."""
    said = [e for e in game.events if e.get("type") == "chat" and e.get("player") != game.seat]
    read = [c for c in (game.client.get("screen") or {}).get("chat_read", []) if c["player"] != game.seat]
    out = []
    for c in read:
        hit = next((e for e in said if e["player"] == c["player"] and _similar(e["text"], c["text"])), None)
        if hit is not None:
            out.append((c["text"], hit["text"]))
    return out
