"""Whole games through pixels: perception time per frame, input latency, flow retries, as JSON.

Starts its own Xvfb and plays `--games` games per movement device: `sim-server --screens` and
`play --input device` in separate processes (tests/device_game.py), keyboard walking and the
stand-in gamepad (tests/standins/vgamepad.py, reports to the server's pad port). Prints one JSON
object with, per movement device:
- perception: the client's chat watcher, milliseconds per captured frame (capture + chat OCR),
  mean / p50 / p95, and how many frames it looked at;
- latency_ms: from the agent deciding an input (the client's --input-log, wall time) to the game
  acting on it (the server's --input-log): walking (stick change -> key or pad event), buttons (a
  press -> its key or pad button), chat (a line decided -> the server's chat text; typing included),
  votes (decided -> the confirm click acted on; finding the plate and both clicks included);
- flows: screen flows done / failed and their retries (attempts beyond the first), per kind;
- the game: winner, the seat's task steps, chat lines read from pixels that the game recorded.
Both processes share this machine's two cores with the OCR: the figures are this machine's.

    .venv/bin/python benchmarks/bench_device_game.py --games 1 --seed 2
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from device_game import chat_matches, latencies, run_device_game, start_xvfb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--games", type=int, default=1, help="games per movement device")
    ap.add_argument("--seed", type=int, default=2, help="seed of the first game (the next ones count up)")
    ap.add_argument("--speed", type=float, default=2.0, help="game seconds per wall second")
    ap.add_argument("--movement", choices=("keyboard", "gamepad", "both"), default="both")
    args = ap.parse_args()
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        sys.exit("Xvfb and xdotool are needed: apt-get install xvfb xdotool")
    movements = ("keyboard", "gamepad") if args.movement == "both" else (args.movement,)
    xvfb, display = start_xvfb()
    out: dict = {"speed": args.speed, "movement": {}}
    tmp = Path(tempfile.mkdtemp(prefix="bench_device_game_"))
    try:
        for movement in movements:
            games = []
            for k in range(args.games):
                game = run_device_game(tmp / f"{movement}-{k}", display, seed=args.seed + k, speed=args.speed,
                                       movement=movement)
                screen = game.client.get("screen") or {}
                games.append({
                    "seed": args.seed + k, "winner": game.server.get("winner"), "lost": game.client.get("lost"),
                    "task_steps": len(game.of_seat("task")), "chat_said": len(game.of_seat("chat")),
                    "chat_read_matched": len(chat_matches(game)), "chat_read": len(screen.get("chat_read", [])),
                    "votes": len([e for e in game.events if e.get("type") == "vote" and e.get("voter") == game.seat]),
                    "perception": screen.get("perception"), "flows": screen.get("flows"),
                    "latency_ms": latencies(game), "device_refused": game.client.get("device_refused"),
                })
            out["movement"][movement] = games
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
