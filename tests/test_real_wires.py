"""Fix Wiring on the real client's screen (../shared/real-screens): 4 of 4 pairs at any scale or crop.

Truth from truth.json ("wires"): the colour order on each side and a box around each wire end. The
other skeld/ screens (other panels, the bare HUD) and the chat and voting frames must give "no panel".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from amongus_agent.perception.wires import ends_still_visible, solve_wiring

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-screens"
pytestmark = pytest.mark.skipif(not (REAL / "truth.json").is_file(), reason="../shared/real-screens is not there")
KEY = "skeld/task_fix_wiring.png"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((REAL / "truth.json").read_text())["wires"][KEY]


@pytest.fixture(scope="module")
def screen() -> np.ndarray:
    return cv2.imread(str(REAL / KEY))


def _right_pairs(image: np.ndarray, truth: dict, scale: float, dx: float = 0, dy: float = 0) -> int:
    """Pairs whose drag starts on the truth's left box and ends on the right box of the same colour."""
    sol = solve_wiring(image)
    assert sol is not None
    good = 0
    for p in sol.pairs:
        lb = truth["left_boxes"][truth["left"].index(p.color)]
        rb = truth["right_boxes"][truth["right"].index(p.color)]
        sx, sy = (p.start[0] - dx) / scale, (p.start[1] - dy) / scale
        ex, ey = (p.end[0] - dx) / scale, (p.end[1] - dy) / scale
        good += lb[0] <= sx <= lb[2] and lb[1] <= sy <= lb[3] and rb[0] <= ex <= rb[2] and rb[1] <= ey <= rb[3]
    return good


def test_real_panel_all_pairs_and_panel_box(screen, truth):
    assert _right_pairs(screen, truth, 1.0) == 4
    sol = solve_wiring(screen)
    assert np.allclose(sol.panel, truth["panel"], atol=0.03 * truth["panel"][3])
    assert ends_still_visible(screen, sol) == 8


@pytest.mark.parametrize("height", [720, 1440, 2160, 360])
def test_real_panel_at_other_resolutions(screen, truth, height):
    s = height / screen.shape[0]
    image = cv2.resize(screen, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    assert _right_pairs(image, truth, s) == 4


@pytest.mark.parametrize("scale", [1.0, 0.6, 1.7])
def test_real_panel_cropped(screen, truth, scale):
    """Only the panel and a margin (a window capture), at several sizes."""
    crop = screen[60:1020, 450:1470]
    image = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    assert _right_pairs(image, truth, scale, -450 * scale, -60 * scale) == 4


def test_every_other_real_screen_has_no_panel():
    others = [p for p in sorted(REAL.rglob("*")) if p.suffix.lower() in {".png", ".jpg"} and p.name != Path(KEY).name]
    assert len(others) >= 20
    found = [p.name for p in others if solve_wiring(cv2.imread(str(p))) is not None]
    assert found == []


def test_cli_says_no_panel_with_exit_1():
    cmd = [sys.executable, "-m", "amongus_agent", "solve-wires"]
    no = subprocess.run([*cmd, str(REAL / "skeld" / "task_swipe_card.png")], capture_output=True, text=True,
                        timeout=120)
    assert no.returncode == 1 and "no Fix Wiring panel" in no.stderr
    yes = subprocess.run([*cmd, str(REAL / KEY), "--json"], capture_output=True, text=True, timeout=120)
    assert yes.returncode == 0
    assert sorted(p["color"] for p in json.loads(yes.stdout)["pairs"]) == ["blue", "magenta", "red", "yellow"]
