"""Task flows on the stand-in under Xvfb: success rate and time per panel, and identify_panel's cost.

Starts its own Xvfb, runs the stand-in window of tests/test_task_flows_xvfb.py (real screenshots
that react like the panel) `--runs` times per panel with different seeds, drives each with the
real runner (mss capture, pyautogui), and prints one JSON object:
{"flows": {panel: {"runs", "ok", "rate", "median_s", "reasons"}}, "identify_ms": {...}}.
The stand-in is our own fixture: the rates measure the flows' own reliability (timing, retries,
capture), not the game's acceptance.

    .venv/bin/python benchmarks/bench_task_flows.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STANDIN = ROOT / "tests" / "test_task_flows_xvfb.py"
SKELD = ROOT / ".." / "shared" / "real-screens" / "skeld"
W, H = 1280, 720

MODES = {
    "manifolds": "Unlock Manifolds", "shields": "Prime Shields", "lights": "Fix Lights", "divert": "Divert Power",
    "accept": "Accept Diverted Power", "download": "Download Data", "steering": "Stabilize Steering",
    "align": "Align Engine Output", "chart": "Chart Course", "garbage": "Empty Garbage", "fuel": "Fuel Engines",
    "meltdown": "Reactor Meltdown", "sample": "Inspect Sample", "swipe": "Swipe Card", "reactor": "Start Reactor",
    "wiring": "Fix Wiring", "distributor": "Calibrate Distributor",
    # imitations (tests/standin_imitations.py): no real screenshot of these panels yet
    "o2filter": "Clean O2 Filter", "asteroids": "Clear Asteroids", "keypad": "O2 Keypad", "comms": "Comms Dial",
    "scan": "Submit Scan", "fuelengine": "Fuel Engines",
}
IMITATED = {"o2filter", "asteroids", "keypad", "comms", "scan", "fuelengine"}


def _xvfb() -> tuple[subprocess.Popen, str]:
    if not shutil.which("Xvfb"):
        sys.exit("Xvfb is needed: apt-get install xvfb")
    r, w = os.pipe()  # Xvfb picks a free display itself: no race with other programs starting displays
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(w,))
    os.close(w)
    with os.fdopen(r, "rb") as f:
        line = f.readline()
    if not line.strip():
        sys.exit("Xvfb did not start")
    n = int(line)
    return proc, f":{n}"


def _identify_ms() -> dict:
    import cv2

    from amongus_agent.perception.panels import identify_panel

    times = []
    for p in sorted(SKELD.glob("*.png")):
        im = cv2.imread(str(p))
        identify_panel(im)
        for _ in range(3):
            t = time.perf_counter()
            identify_panel(im)
            times.append((time.perf_counter() - t) * 1000)
    return {"screens": len(times) // 3, "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(0.9 * len(times))], 1)} if times else {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None, help="stand-in modes to run (default: all)")
    args = ap.parse_args()
    if not SKELD.is_dir():
        sys.exit(f"{SKELD}: the shared real screenshots are needed")
    load_start = os.getloadavg()
    xvfb, display = _xvfb()
    os.environ["DISPLAY"] = display
    from amongus_agent.act.input.mouse import MouseBackend
    from amongus_agent.act.tasks.runner import run_task
    from amongus_agent.perception.capture import ScreenCapture

    flows = {}
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_task_flows_{os.getpid()}"
    tmp.mkdir(exist_ok=True)
    try:
        with ScreenCapture() as cap, MouseBackend() as mouse:
            for mode in args.only or MODES:
                panel = MODES[mode]
                oks, secs, reasons, presses = 0, [], {}, []
                for seed in range(args.runs):
                    out = tmp / f"{mode}-{seed}.json"
                    out.unlink(missing_ok=True)
                    win = subprocess.Popen([sys.executable, str(STANDIN), mode, str(out), str(seed)])
                    try:
                        end = time.monotonic() + 30
                        while not out.exists() and time.monotonic() < end and win.poll() is None:
                            time.sleep(0.05)
                        time.sleep(0.5)
                        t = time.monotonic()
                        result = run_task(cap.grab, mouse, expect=panel, budget_s=90, peek=cap.grab_part)
                        secs.append(time.monotonic() - t)
                        time.sleep(0.3)
                        record = json.loads(out.read_text()) if out.exists() else {}
                        done = record.get("done", False)
                        presses += [p[1] for p in record.get("presses", [])]  # Calibrate Distributor: notch angle at each press
                        if result.ok and done:
                            oks += 1
                        else:
                            why = result.reason if not result.ok else "flow said done, stand-in did not"
                            reasons[why] = reasons.get(why, 0) + 1
                    finally:
                        win.terminate()
                        win.wait(timeout=10)
                key = panel + (" (imitation)" if mode in IMITATED else "")
                flows[key] = {"runs": args.runs, "ok": oks, "rate": round(oks / args.runs, 3),
                              "median_s": round(statistics.median(secs), 2), "reasons": reasons}
                if presses:
                    flows[key]["press_deg"] = [round(a, 1) for a in presses]
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    load = {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps({"load_avg_1_5_15": load, "cpus": os.cpu_count(), "flows": flows,
                      "identify_ms": _identify_ms() if not args.only else {}}, indent=1))


if __name__ == "__main__":
    main()
