#!/usr/bin/env python3
"""Chat OCR: character accuracy, speaker colour accuracy and time per meeting screen.

Targets: >= 98 % characters, 100 % colours, < 300 ms per 1080p screen. The screens come from
`perception/synthetic/meeting.py` with seeds, sizes and noise settings that differ from the ones the reader was
tuned on (seeds 0-15, one mild noise level): five resolutions, three DejaVu faces at several
sizes, clean / mild / moderate degradation, chats that have scrolled by a random amount. Also the
steady-state cost of a ChatReader fed a chat that grows by one message per frame (it OCRs only the
new bubble). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np

from amongus_agent.perception.chat_ocr import read_chat
from amongus_agent.perception.chat_reader import ChatReader
from amongus_agent.perception.synthetic.chat_samples import random_chat
from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import render_meeting
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.scoring import ChatScore

RESOLUTIONS = ((1280, 720), (1600, 900), (1920, 1080), (2560, 1440), (3840, 2160))
FONTS = (FontSpec("sans", 22), FontSpec("serif", 25), FontSpec("mono", 21), FontSpec("sans", 29), FontSpec("serif", 20))
NOISE = (
    Noise(),
    Noise(blur=0.4, jpeg_quality=85, sensor=1.5),
    Noise(shading=0.15, blur=0.7, jpeg_quality=60, sensor=3),
)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--screens", type=int, default=4, help="screens per resolution and noise level")
    ap.add_argument("--seed", type=int, default=90_000)
    args = ap.parse_args()

    score = ChatScore()
    times: dict[str, list[float]] = {f"{w}x{h}": [] for w, h in RESOLUTIONS}
    cpu: dict[str, list[float]] = {f"{w}x{h}": [] for w, h in RESOLUTIONS}
    seed = args.seed
    for w, h in RESOLUTIONS:
        for noise in NOISE:
            for _ in range(args.screens):
                seed += 1
                rng = np.random.default_rng(seed)
                font = FONTS[int(rng.integers(len(FONTS)))]
                chat = random_chat(rng, int(rng.integers(6, 16)))
                screen = render_meeting(chat, w, h, font=font, scroll=int(rng.integers(0, 3)) * int(h * 0.04),
                                        seed=seed, noise=noise)
                c0, t0 = _cpu(), time.perf_counter()
                lines = read_chat(screen.image)
                times[f"{w}x{h}"].append(time.perf_counter() - t0)
                cpu[f"{w}x{h}"].append(_cpu() - c0)
                score.add(screen, lines)
    # steady state: a ChatReader on a 1080p chat that grows by one message per frame
    reader = ChatReader()
    rng = np.random.default_rng(args.seed + 1)
    chat = random_chat(rng, 24)
    font = FONTS[1]
    frames = [render_meeting(chat[:n], 1920, 1080, font=font, seed=n, noise=NOISE[1]).image for n in range(8, 24)]
    reader.feed(frames[0])
    step_ms = []
    emitted = 0
    for frame in frames[1:]:
        t0 = time.perf_counter()
        emitted += len(reader.feed(frame))
        step_ms.append(1000 * (time.perf_counter() - t0))
    print(json.dumps({
        "screens": sum(len(t) for t in times.values()),
        "messages": score.messages,
        "char_accuracy": round(score.char_accuracy, 5),
        "color_accuracy": round(1 - score.color_errors / max(1, score.messages), 5),
        "missed": score.missed,
        "false_messages": score.false_messages,
        "flag_errors": score.flag_errors,
        "order_errors": score.order_errors,
        "median_ms": {k: round(1000 * statistics.median(v), 1) for k, v in times.items()},
        # CPU time of this process and its Tesseract children: what the OCR costs without other load
        "median_cpu_ms": {k: round(1000 * statistics.median(v), 1) for k, v in cpu.items()},
        "reader_one_new_message_median_ms_1080p": round(statistics.median(step_ms), 1),
        "reader_emitted": f"{emitted}/{len(frames) - 1}",
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "target": {"char_accuracy": 0.98, "color_accuracy": 1.0, "median_ms_1080p": 300},
    }))


if __name__ == "__main__":
    main()
