#!/usr/bin/env python3
"""Draw docs/wiring_real_vs_rendered.png: the real Fix Wiring panel next to the project's rendering.

The real screenshot is read from ../shared/real-screens (not copied into the project); the rendered
panel uses the same colour orders so the two can be compared feature by feature.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from amongus_agent.perception.synthetic.wiring import draw_panel  # noqa: E402

REAL = ROOT.parent / "shared" / "real-screens"
HEIGHT = 420


def main() -> None:
    truth = json.loads((REAL / "truth.json").read_text())["wires"]["skeld/task_fix_wiring.png"]
    image = cv2.imread(str(REAL / "skeld" / "task_fix_wiring.png"))
    x, y, w, h = truth["panel"]
    real = image[y - 10 : y + h + 10, x - 10 : x + w + 10]
    real = cv2.resize(real, (round(real.shape[1] * HEIGHT / real.shape[0]), HEIGHT), interpolation=cv2.INTER_AREA)
    canvas = np.full((h + 20, w + 20, 3), 40, np.uint8)
    draw_panel(canvas, (10, 10, w, h), tuple(truth["left"]), tuple(truth["right"]))
    drawn = cv2.resize(canvas, (round(canvas.shape[1] * HEIGHT / canvas.shape[0]), HEIGHT),
                       interpolation=cv2.INTER_AREA)
    gap = np.full((HEIGHT, 16, 3), 255, np.uint8)
    sheet = np.hstack([real, gap, drawn])
    band = np.full((34, sheet.shape[1], 3), 255, np.uint8)
    for text, at in (("real client (1080p screenshot)", 8), ("perception/synthetic/wiring.py", real.shape[1] + 24)):
        cv2.putText(band, text, (at, 23), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    out = ROOT / "docs" / "wiring_real_vs_rendered.png"
    cv2.imwrite(str(out), np.vstack([band, sheet]))
    print(out)


if __name__ == "__main__":
    main()
