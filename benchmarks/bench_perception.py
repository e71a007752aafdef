#!/usr/bin/env python3
"""Perception on the real client's screenshots: median time per 1080p frame for each reader.

Targets (so perception can run several times a second beside the game): the whole HUD < 60 ms,
chat < 300 ms, voting tablet < 150 ms, Fix Wiring < 20 ms. Frames come from ../shared/real-screens:
the 1920x1080 skeld/ screens for the HUD and Fix Wiring (every screen, so "no panel" frames count
too), the 640x360 chat and voting frames upscaled to 1080p height (the size the readers meet in
play). "hud" is a COLD read of every frame: no cache at all (nothing from an earlier read of this
or any frame; only the OCR engine and the vocabulary's shape index are loaded once, before timing).
"hud_steady" is reported separately: a frame that shows what the frame before it showed, read with
the cache kept across frames (what a loop reading the HUD several times a second mostly pays: no OCR
of known lines, the panel named again only when its look changes). "identify_panel" names the open
panel from the whole frame (how the task flows call it); "hud_panel_naming" is the part of a cold
HUD read that names the panel (inside the area its close button marks). Wall and CPU time are both
given with the machine's load average around each measurement: on a shared machine wall time is only
comparable at similar load, CPU time (the reader's own work) is the figure to compare. Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from amongus_agent.errors import AmongUsError
from amongus_agent.perception.chat_ocr import read_chat
from amongus_agent.perception.hud import read_hud
from amongus_agent.perception.hud.panel import find_close_button, panel_name
from amongus_agent.perception.hud.task_list import LineCache, find_lines
from amongus_agent.perception.hud.taskbar import find_task_bar
from amongus_agent.perception.panels import identify_panel
from amongus_agent.perception.voting import read_voting
from amongus_agent.perception.wires import solve_wiring

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-screens"
TARGET_MS = {"hud": 60, "chat": 300, "voting": 150, "wiring": 20}


def _at_1080(image: np.ndarray) -> np.ndarray:
    s = 1080 / image.shape[0]
    if s == 1:
        return image
    return cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC if s > 1 else cv2.INTER_AREA)


def _load(folder: str, pattern: str) -> list[np.ndarray]:
    paths = sorted((REAL / folder).glob(pattern))
    if not paths:
        raise SystemExit(f"{REAL / folder}: no {pattern} screenshots (../shared/real-screens is needed)")
    return [_at_1080(cv2.imread(str(p))) for p in paths]


def _median_ms(fn: Callable[[np.ndarray], object], frames: list[np.ndarray], rounds: int,
               before: Callable[[np.ndarray], object] | None = None) -> dict:
    """Wall and CPU time per call (`before`, if given, runs untimed ahead of each call); CPU time is
    what the reader itself costs when other programs crowd the machine (wall time then also counts
    the time the process waited for a core)."""
    for f in frames[:1]:
        _call(fn, f)  # load the OCR engine once before timing
    load = os.getloadavg()[0]
    wall, cpu = [], []
    for _ in range(rounds):
        for f in frames:
            if before is not None:
                _call(before, f)
            c0, t0 = time.process_time(), time.perf_counter()
            _call(fn, f)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return {"median_ms": round(statistics.median(wall), 1), "median_cpu_ms": round(statistics.median(cpu), 1),
            "p90_ms": round(float(np.percentile(wall, 90)), 1), "p90_cpu_ms": round(float(np.percentile(cpu, 90)), 1),
            "frames": len(frames), "calls": len(wall),
            "load_avg_1min": [round(load, 2), round(os.getloadavg()[0], 2)]}


def _call(fn: Callable[[np.ndarray], object], frame: np.ndarray) -> None:
    try:
        fn(frame)
    except AmongUsError:
        pass  # a frame the reader refuses still costs its time


def _hud_geometry(frame: np.ndarray) -> None:
    bar = find_task_bar(frame)
    if bar is not None:
        find_lines(frame, bar)


def _hud_panel_naming(frame: np.ndarray) -> None:
    bar = find_task_bar(frame)
    button = find_close_button(frame, bar) if bar is not None else None
    if button is not None:
        panel_name(frame, button)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes over the frames")
    args = ap.parse_args()
    skeld = _load("skeld", "*.png")
    chat = _load("chat", "*.jpg")
    voting = _load("voting", "*.jpg")
    load_before = os.getloadavg()
    cache = LineCache()
    out = {
        "hud": {"cache": "none: a cold read of every frame", **_median_ms(read_hud, skeld, args.rounds)},
        # a frame showing what the previous one showed (most frames while walking): the previous
        # frame is read untimed with the same cache, then this one is timed
        "hud_steady": {"cache": "kept across frames; each timed read follows an untimed read of the same frame",
                       **_median_ms(lambda f: read_hud(f, cache), skeld, args.rounds,
                                    before=lambda f: read_hud(f, cache))},
        "hud_no_panel_name": _median_ms(lambda f: read_hud(f, name_panel=False), skeld, args.rounds),
        "hud_geometry_only": _median_ms(_hud_geometry, skeld, args.rounds),
        "hud_panel_naming": _median_ms(_hud_panel_naming, skeld, args.rounds),
        "identify_panel": _median_ms(identify_panel, skeld, args.rounds),
        "chat": _median_ms(read_chat, chat, args.rounds),
        "voting": _median_ms(read_voting, voting, args.rounds),
        "wiring": _median_ms(solve_wiring, skeld, args.rounds),
    }
    for name, target in TARGET_MS.items():
        out[name]["target_ms"] = target
        out[name]["meets_target"] = out[name]["median_ms"] < target
        out[name]["meets_target_cpu"] = out[name]["median_cpu_ms"] < target
    out["hud_steady"]["meets_target"] = out["hud_steady"]["median_ms"] < TARGET_MS["hud"]
    out["hud_steady"]["meets_target_cpu"] = out["hud_steady"]["median_cpu_ms"] < TARGET_MS["hud"]
    out["resolution"] = "1920x1080 (chat and voting frames upscaled from 640x360 / 1475x824)"
    out["load_avg"] = {"before": [round(v, 2) for v in load_before], "after": [round(v, 2) for v in os.getloadavg()]}
    out["cpus"] = os.cpu_count()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
