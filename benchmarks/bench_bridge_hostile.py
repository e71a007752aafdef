#!/usr/bin/env python3
"""How much a hostile bridge client slows a sim-server game for everyone else.

Target (issue 10): a client that never reads, and a client squatting seats, each slow the game by
less than 5% of game time. A real `sim-server` process serves two seats at `--speed`; an observer
client joins one seat, reads every frame and answers each with an input, and notes (wall time,
game time). The other seat is taken by a polite client (the baseline), a client that joins and
never reads a byte, or a polite client while a squatter keeps opening connections that say
nothing, ask for taken seats or send garbage, or a client that joins and floods valid inputs
without reading. The pace is game seconds per wall second over the
same wall window, divided by the speed asked (1.0: the game kept its schedule). Prints one JSON
object; `slowdown_pct` compares each hostile run with the baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from amongus_agent.live.protocol import Input, Join, dump  # noqa: E402


def _start(seed: int, speed: float) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, "-m", "amongus_agent", "sim-server", "--port", "0", "--agents", "2", "--role", "crewmate",
         "--seed", str(seed), "--speed", str(speed), "--wait", "30", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = server.stderr.readline()
    match = re.search(r":(\d+),", line)
    if not match:
        server.kill()
        raise SystemExit(f"sim-server did not start: {line!r}")
    return server, int(match.group(1))


def _join(port: int, seat: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(dump(Join(seat=seat)))
    return sock


def _polite(port: int, seat: int | None, samples: list | None, stop: threading.Event) -> None:
    """Read every line; answer each frame with an empty input; note (wall, game t) of each frame."""
    sock = _join(port, seat)
    reply = dump(Input())
    buffer = b""
    try:
        while not stop.is_set():
            data = sock.recv(1 << 16)
            if not data:
                return
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.startswith(b'{"t":') or b'"type":"frame"' in line:
                    t = json.loads(line)["t"]
                    if samples is not None:
                        samples.append((time.monotonic(), t))
                    sock.sendall(reply)
    except OSError:
        return
    finally:
        sock.close()


def _squat(port: int, seats: tuple[int, int], stop: threading.Event, tally: dict) -> None:
    """Connections that never join, joins for taken seats, garbage: as fast as the server takes them."""
    silent: list[socket.socket] = []
    k = 0
    while not stop.is_set():
        k += 1
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2.0)
        except OSError:
            time.sleep(0.01)
            continue
        tally["connections"] += 1
        kind = k % 3
        try:
            if kind == 0:  # say nothing, hold the connection
                silent.append(sock)
                if len(silent) > 50:
                    silent.pop(0).close()
                continue
            if kind == 1:  # ask for a seat someone holds
                sock.sendall(dump(Join(seat=seats[k % 2])))
            else:  # garbage, then a join for a taken seat
                sock.sendall(b"[" * 5000 + b"\n" + b"9" * 5000 + b"\n" + dump(Join(seat=seats[0])))
            reply = sock.recv(4096)
            if b'"type":"error"' in reply:
                tally["refused"] += 1
            elif b'"type":"hello"' in reply:
                tally["seated"] += 1
        except OSError:
            pass
        sock.close()
    for sock in silent:
        sock.close()


def _flood(sock: socket.socket, stop: threading.Event, tally: dict) -> None:
    """Valid inputs as fast as the server takes them, never reading a frame."""
    burst = dump(Input(stick=(1.0, 0.0), buttons=["use"], chat="spam")) * 200
    while not stop.is_set():
        try:
            sock.sendall(burst)
        except OSError:
            return
        tally["lines_sent"] += 200


def run(scenario: str, seed: int, speed: float, window_s: float) -> dict:
    server, port = _start(seed, speed)
    stop = threading.Event()
    samples: list[tuple[float, float]] = []
    tally = {"connections": 0, "refused": 0, "seated": 0, "lines_sent": 0}
    hostile = None
    try:
        observer = threading.Thread(target=_polite, args=(port, None, samples, stop), daemon=True)
        observer.start()
        time.sleep(0.2)  # the observer joins first: it takes the lower seat
        if scenario in ("never_reads", "flood"):
            hostile = socket.socket()
            hostile.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            hostile.connect(("127.0.0.1", port))
            hostile.sendall(dump(Join()))  # any free seat: the other one
            if scenario == "flood":
                threading.Thread(target=_flood, args=(hostile, stop, tally), daemon=True).start()
        else:
            threading.Thread(target=_polite, args=(port, None, None, stop), daemon=True).start()
        deadline = time.monotonic() + 30
        while not samples and time.monotonic() < deadline:
            time.sleep(0.01)
        if not samples:
            raise SystemExit(f"{scenario}: no frame reached the observer")
        seats = (0, 1)
        if scenario == "squatters":
            threading.Thread(target=_squat, args=(port, seats, stop, tally), daemon=True).start()
        start_wall, start_t = samples[0]
        time.sleep(window_s)
        end = [s for s in samples if s[0] - start_wall <= window_s]
        wall, game_t = end[-1][0] - start_wall, end[-1][1] - start_t
        gaps = [b[1] - a[1] for a, b in zip(end, end[1:], strict=False)]
    finally:
        stop.set()
        if hostile is not None:
            hostile.close()
        server.kill()
        server.wait()
    return {"scenario": scenario, "wall_s": round(wall, 2), "game_s": round(game_t, 2),
            "pace": round(game_t / wall / speed, 4), "frames_seen": len(end),
            "max_game_gap_s": round(max(gaps, default=0.0), 2)} | (
        {"squatter": {k: tally[k] for k in ("connections", "refused", "seated")}} if scenario == "squatters" else
        {"flood_lines_sent": tally["lines_sent"]} if scenario == "flood" else {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--window", type=float, default=8.0, help="wall seconds measured per run")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    runs = {name: [run(name, args.seed, args.speed, args.window) for _ in range(args.repeats)]
            for name in ("baseline", "never_reads", "squatters", "flood")}
    pace = {name: sum(r["pace"] for r in rs) / len(rs) for name, rs in runs.items()}
    slowdown = {name: round(100 * (1 - pace[name] / pace["baseline"]), 2) for name in ("never_reads", "squatters", "flood")}
    print(json.dumps({"speed": args.speed, "window_s": args.window, "pace": {k: round(v, 4) for k, v in pace.items()},
                      "slowdown_pct": slowdown, "target_pct": 5.0,
                      "met": all(v < 5.0 for v in slowdown.values()), "runs": runs}))


if __name__ == "__main__":
    main()
