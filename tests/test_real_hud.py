"""The HUD reader on the real client's screens (../shared/real-screens/skeld/), ground truth by eye.

Each task line is written as the screen shows it, with its colour (todo white, in_progress yellow,
done green, critical red). A line whose end is hidden (by the open panel, its close button or
scene art drawn over the HUD) starts with "~" and holds only what is visible: the reader must then
flag it partial, or, if it reads it whole, extend exactly what is visible. Lines whose glyphs are
clipped at the bottom by the panel's top edge count as hidden too (their digits are ambiguous). Every other line must be
read exactly: room, task, step progress and state.

The same screens are also read resized to 1280x720, 2560x1440 and 3840x2160 and inside crops that
shift the HUD, so the reader cannot lean on the 1080p pixel positions.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from amongus_agent.perception import tesseract
from amongus_agent.perception.hud import NotHudError, read_hud

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-screens"
SKELD = REAL / "skeld"
pytestmark = pytest.mark.skipif(not SKELD.is_dir(), reason="../shared/real-screens is not there")

W, Y, G, R = "todo", "in_progress", "done", "critical"

# file -> (task lines, room label, task bar fill, USE lit, REPORT lit, panel open)
TRUTH: dict[str, tuple[list[tuple[str, str]], str | None, float, bool, bool, bool]] = {
    "other_task_open.png": ([
        ("Admin: Fix Wiring (0/3)", W), ("Reactor: Start Reactor", W), ("Reactor: Unlock Manifolds", W),
        ("Electrical: Divert Power to Upper Engine (0/2)", W), ("O2: Clean O2 Filter", W),
        ("Electrical: Divert Power to O2 (0/2)", W), ("O2: Empty Chute (0/2)", W),
        ("Electrical: Divert Power to Communications (0/2)", W), ("Admin: Swipe Card", W),
        ("Cafeteria: Download Data (0/2)", W), ("Cafeteria: Empty Garbage (0/2)", W),
        ("Electrical: Download Data (0/2)", W), ("Electrical: Calibrate Distributor", W),
        ("Communications: Download Data (0/2)", W), ("Upper Engine: Align Engine Output (0/2)", W),
        ("Electrical: Divert Power to Lower Engine (0/2)", W), ("MedBay: Submit Scan", W),
        ("MedBay: Inspect Sample", W), ("Navigation: Download Data (0/2)", W), ("Navigation: Chart Course", W),
        ("Electrical: Divert Power to Navigation (0/2)", W), ("Navigation: Stabilize Steering", W),
    ], "Weapons", 0.0, True, False, False),
    "sabotage_fix_lights.png": ([
        ("~Electrical: Fix Wiring (0/3", W), ("~Cafeteria: Empty Garbage (0/", W), ("Navigation: Chart Course", W),
        ("~Electrical: Divert Power to", W), ("Fix Lights (%0)", Y),
    ], "Electrical", 0.0, False, False, True),
    "sabotage_reactor_meltdown.png": ([
        ("~Storage: Fix Wiring (0/3", W), ("Storage: Fuel Engines (0/2)", W), ("~Electrical: Divert Power to O2", W),
        ("~Communications: Download D", W), ("Reactor Meltdown in 8 (0/2)", R),
    ], "Reactor", 0.0, False, False, True),
    "task_align_engine.png": ([
        ("MedBay: Submit Scan", W), ("~Weapons: Download Data (0/", W), ("Navigation: Chart Course", W),
        ("Admin: Swipe Card", G), ("~Electrical: Divert Power to Low", W), ("~Electrical: Divert Power to Upp", W),
        ("~Upper Engine: Align Engine O", W),
    ], "Lower Engine", 0.14, False, False, True),
    "task_calibrate_distributor.png": ([
        ("Admin: Swipe Card", W), ("~Upper Engine: Align Engine O", W), ("O2: Clean O2 Filter", W),
        ("~Electrical: Divert Power to We", W), ("~Electrical: Calibrate Distributo", W),
        ("Electrical: Fix Wiring (0/3)", W), ("~Electrical: Download Data (0/2", W),
    ], "Electrical", 0.0, False, False, True),
    "task_chart_course.png": ([
        ("Admin: Swipe Card", W), ("~Cafeteria: Empty Garbage (0/2)", W), ("~Electrical: Dow", W),
        ("~O2: Clean O2 F", W), ("~Navigation: Download", W), ("~Navigation: Chart Cou", W),
        ("~Electrical: Divert Powe", W), ("~Navigation: Stabilize S", G),
    ], "Navigation", 0.13, False, False, True),
    "task_divert_power_1.png": ([
        ("Admin: Swipe Card", W), ("Reactor: Start Reactor", W), ("~Communications: Accept Dive", Y),
        ("~Electrical: Divert Power to Low", W), ("~Electrical: Divert Power to Upp", W),
        ("~Electrical: Divert Power to Nav", W), ("Navigation: Stabilize Steering", W),
        ("Navigation: Chart Course", W), ("~Electrical: Divert Power to O2", W),
    ], "Electrical", 0.0, False, False, True),
    "task_divert_power_2.png": ([
        ("Admin: Fix Wiring (0/3)", W), ("~Upper Engine: Align Engine Output (0/2)", W), ("~O2: Accept Dive", Y),
        ("~Navigation: Dow", W), ("~Storage: Fuel Engines", W),
    ], None, 0.0, False, False, True),
    "task_download_data.png": ([
        ("Admin: Fix Wiring (0/3)", W), ("~Upper Engine: Align E", W), ("~O2: Accept Div", G),
        ("~Navigation: Downloa", W), ("~Storage: Fuel Engine", W), ("~Cafeteria: Download", W),
    ], "Cafeteria", 0.17, False, False, True),
    "task_empty_garbage.png": ([
        ("~Electrical: Fix Wiring (0/3", W), ("Reactor: Start Reactor", W), ("~Electrical: Download Data (0/2", W),
        ("~Electrical: Divert Power to Up", W), ("Admin: Upload Data (2/2)", G), ("Admin: Swipe Card", G),
        ("~Cafeteria: Empty Garbage (0/", W),
    ], "Cafeteria", 0.285, False, False, True),
    "task_fix_wiring.png": ([
        ("~Storage: Fix Wiring (0/3", W), ("~Upper Engine: Align Engine", W), ("~Weapons: Download Data (0/", W),
        ("~Electrical: Divert Power to We", W), ("~Electrical: Divert Power to Shi", W), ("Shields: Prime Shields", G),
    ], None, 0.17, False, False, True),
    "task_inspect_sample.png": ([], "MedBay", 0.23, False, False, True),  # the list is folded away
    "task_inspect_sample_select_anomaly.png": ([
        ("~Electrical: Fix Wiring (0/3", W), ("~Cafeteria: Empty Garbage (0/", W), ("~Navigation: Download Data (0", W),
        ("~Electrical: Calibrate Distributo", W), ("MedBay: Submit Scan", W), ("MedBay: Inspect Sample", Y),
    ], "MedBay", 0.0, False, False, True),
    "task_prime_shields_skeld.png": ([
        ("~Electrical: Fix Wiring (0/", W), ("~Cafeteria: Empty Garbage (0/", W), ("~Navigation: Download Data (0", W),
        ("~Electrical: Divert Power to We", W), ("~Electrical: Divert Power to Shi", W), ("Shields: Prime Shields", W),
    ], "Shields", 0.0, False, False, True),
    "task_stabilize_steering.png": ([
        ("Electrical: Fix Wiring (0/3)", W), ("Reactor: Start Reactor", W), ("~Electrical: Download Data (0/2", W),
        ("~Electrical: Divert Power to Up", W), ("Admin: Upload Data (2/2)", G), ("~Storage: Empty Garbage (2/2", G),
        ("Admin: Swipe Card", G), ("Admin: Upload Data (1/2)", Y), ("O2: Clean O2 Filter", Y),
        ("Storage: Empty Chute (1/2)", Y), ("~Electrical: Divert Power to O2", W), ("MedBay: Inspect Sample", Y),
        ("MedBay: Submit Scan", W), ("~Navigation: Download Data (0", W), ("Navigation: Chart Course", W),
        ("~Electrical: Divert Power to Na", W), ("Navigation: Stabilize Steering", W),
    ], "Navigation", 0.176, False, False, True),
    "task_start_reactor.png": ([
        ("MedBay: Submit Scan", W), ("~Weapons: Download Data (0/2)", W), ("~Navigation: Ch", W), ("~Admin: Swipe Card", G),
        ("~Electrical: Divert Po", W), ("~Electrical: Divert Po", W), ("~Cafeteria: Download", W),
        ("~Storage: Empty Gar", Y), ("~Lower Engine: Align", G), ("~Reactor: Unlock Ma", G), ("~Reactor: Start React", W),
    ], "Reactor", 0.272, False, False, True),
    "task_swipe_card.png": ([
        ("~Electrical: Fix Wiring (0/3", W), ("Reactor: Start Reactor", W), ("~Electrical: Download Data (0/2", W),
        ("~Electrical: Divert Power to Up", W), ("Admin: Upload Data (1/2)", Y), ("Admin: Swipe Card", W),
    ], "Admin", 0.0, False, False, True),
    "task_unlock_manifolds.png": ([
        ("Admin: Swipe Card", W), ("Weapons: Download Data (0/2)", W), ("~Electrical: Divert Power to O", W),
        ("~Electrical: Divert Power to", W), ("~Upper Engine: Align Engi", W), ("~Electrical: Divert Power", W),
        ("~Cafeteria: Empty Garbag", W), ("~Cafeteria: Download Dat", W), ("O2: Clean O2 Filter", W),
        ("O2: Empty Chute (0/2)", W), ("~Reactor: Unlock Manifold", W), ("Reactor: Start Reactor", Y),
    ], "Reactor", 0.0, False, False, True),
    "task_upload_data.png": ([
        ("Electrical: Fix Wiring (0/3)", W), ("~Reactor: Start Reacto", W), ("~Electrical: Dow", W),
        ("~Electrical: Divert Pow", W), ("~Admin: Upload Data (", Y),
    ], "Admin", 0.0, False, False, True),
}
TRUTH["task_start_reactor_waiting.png"] = TRUTH["task_start_reactor.png"]  # same moment, keypad lit
RUSSIAN = "task_fuel_engines.png"
# the panel open on each screen, by eye (named by perception.panels, Fix Wiring by perception.wires)
PANELS = {
    "other_task_open.png": None, "sabotage_fix_lights.png": "Fix Lights",
    "sabotage_reactor_meltdown.png": "Reactor Meltdown", "task_align_engine.png": "Align Engine Output",
    "task_calibrate_distributor.png": "Calibrate Distributor", "task_chart_course.png": "Chart Course",
    "task_divert_power_1.png": "Divert Power", "task_divert_power_2.png": "Accept Diverted Power",
    "task_download_data.png": "Download Data", "task_empty_garbage.png": "Empty Garbage",
    "task_fix_wiring.png": "Fix Wiring", "task_fuel_engines.png": "Fuel Engines",
    "task_inspect_sample.png": "Inspect Sample", "task_inspect_sample_select_anomaly.png": "Inspect Sample",
    "task_prime_shields_skeld.png": "Prime Shields", "task_stabilize_steering.png": "Stabilize Steering",
    "task_start_reactor.png": "Start Reactor", "task_start_reactor_waiting.png": "Start Reactor",
    "task_swipe_card.png": "Swipe Card", "task_unlock_manifolds.png": "Unlock Manifolds",
    "task_upload_data.png": "Upload Data",
}
ROOM_NAMES = {"O2": "Oxygen"}


def _render(t: dict) -> str:
    """A reading written back the way the game writes the line."""
    if t["kind"] == "sabotage":
        return t["task"]
    steps = f" ({t['step']}/{t['steps']})" if t["steps"] is not None else ""
    room = next((k for k, v in ROOM_NAMES.items() if v == t["room"]), t["room"])
    return f"{room}: {t['task']}{steps}"


def line_problems(truth: list[tuple[str, str]], got: list[dict]) -> list[str]:
    """Every way the reading differs from the truth (empty when right)."""
    if len(got) != len(truth):
        return [f"{len(got)} lines read, {len(truth)} on screen: {[_render(t) for t in got]}"]
    problems = []
    for (text, state), t in zip(truth, got, strict=True):
        covered = text.startswith("~")
        visible = text.lstrip("~")
        if t["state"] != state:
            problems.append(f"{visible!r}: state {t['state']} != {state}")
        if not covered:
            if t["kind"] == "sabotage":
                ok = visible.startswith(t["task"]) and not t["partial"]
            else:
                ok = _render(t) == visible and not t["partial"]
            if not ok:
                # flagged partial without contradicting the screen: a miss; anything else: wrong
                miss = t["partial"] and not _contradicts(visible, t)
                problems.append(f"{'miss' if miss else 'WRONG'}: {visible!r} read as {_render(t)!r} "
                                f"(partial={t['partial']})")
            continue
        # hidden end: partial, with nothing that contradicts what is visible
        if _contradicts(visible, t):
            problems.append(f"WRONG: {visible!r} read as {_render(t)!r}")
        elif not t["partial"] and not _render(t).startswith(visible):
            problems.append(f"WRONG: {visible!r}: read whole as {_render(t)!r}")
    return problems


def _contradicts(visible: str, t: dict) -> bool:
    """The reading names a room or task the visible text rules out."""
    if t["kind"] == "sabotage":
        return not visible.startswith(t["task"])
    room_txt, _, rest = visible.partition(": ")
    if t["room"] is not None and t["room"] != ROOM_NAMES.get(room_txt, room_txt):
        return True
    name = rest.split(" (")[0]
    return t["task"] is not None and not (t["task"].startswith(name) or name.startswith(t["task"]))


def _check(image: np.ndarray, name: str, scale_note: str) -> list[str]:
    lines, room, fill, use, report, panel_open = TRUTH[name]
    got = read_hud(image).to_json()
    problems = [f"{name} {scale_note}: {p}" for p in line_problems(lines, got["tasks"])]
    if got["room"] != room:
        problems.append(f"{name} {scale_note}: room {got['room']} != {room}")
    if abs(got["task_bar"] - fill) > 0.03:
        problems.append(f"{name} {scale_note}: task bar {got['task_bar']} != {fill}")
    if (got["buttons"]["use"], got["buttons"]["report"]) != (use, report):
        problems.append(f"{name} {scale_note}: buttons {got['buttons']}")
    if (got["panel"] is not None) != panel_open:
        problems.append(f"{name} {scale_note}: panel {got['panel']}")
    return problems


@pytest.fixture(scope="module")
def screens() -> dict[str, np.ndarray]:
    return {name: cv2.imread(str(SKELD / name)) for name in TRUTH}


def test_truth_covers_every_english_screen():
    names = {p.name for p in SKELD.glob("*.png")}
    assert names - {RUSSIAN} == set(TRUTH)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_reads_real_hud_at_1080p(screens, name):
    assert _check(screens[name], name, "1080p") == []


@pytest.mark.skipif(importlib.util.find_spec("amongus_agent.perception.panels") is None,
                    reason="the panel recognisers (perception.panels) are not installed")
def test_names_the_open_panel_on_every_screen():
    got = {name: read_hud(cv2.imread(str(SKELD / name))).to_json()["panel"] for name in PANELS}
    assert got == PANELS


@pytest.mark.parametrize("size", [(1280, 720), (2560, 1440), (3840, 2160)])
def test_reads_real_hud_at_other_resolutions(screens, size):
    """Nothing wrong at any size; at most one readable line of the ~190 left flagged partial (OCR)."""
    problems = []
    for name, image in screens.items():
        interp = cv2.INTER_AREA if size[0] < image.shape[1] else cv2.INTER_CUBIC
        problems += _check(cv2.resize(image, size, interpolation=interp), name, f"{size[1]}p")
    assert [p for p in problems if "miss:" not in p] == []
    assert len(problems) <= 1, problems


@pytest.mark.parametrize("name", ["other_task_open.png", "task_stabilize_steering.png", "task_swipe_card.png"])
def test_reads_shifted_and_cropped_hud(screens, name):
    """The HUD moved inside a bigger frame, then the frame cut at the left and top: same reading."""
    image = screens[name]
    framed = cv2.copyMakeBorder(image, 37, 11, 53, 0, cv2.BORDER_CONSTANT, value=(30, 30, 30))
    lines, room, *_ = TRUTH[name]
    got = read_hud(framed).to_json()
    assert line_problems(lines, got["tasks"]) == []
    assert got["room"] == room
    cut = image[5:, 9:]  # the game window's edges cropped off
    assert line_problems(lines, read_hud(cut).to_json()["tasks"]) == []


def test_russian_task_list_is_reported_unreadable():
    got = read_hud(cv2.imread(str(SKELD / RUSSIAN))).to_json()
    assert got["tasks"] == []
    assert "cannot read the task list" in got["error"]
    assert got["room"] is None  # the label says Хранилище; no English room is invented


def test_screens_without_hud_are_refused():
    others = sorted(p for p in REAL.rglob("*") if p.suffix.lower() in {".png", ".jpg"} and p.parent != SKELD)
    assert others
    for path in others:
        with pytest.raises(NotHudError):
            read_hud(cv2.imread(str(path)))
    with pytest.raises(NotHudError):
        read_hud(np.full((1080, 1920, 3), 90, np.uint8))


def test_cli_read_hud_json_and_exit_codes():
    cmd = [sys.executable, "-m", "amongus_agent", "read-hud"]
    ok = subprocess.run([*cmd, str(SKELD / "task_swipe_card.png"), "--json"], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    import json

    got = json.loads(ok.stdout)
    assert set(got) >= {"tasks", "room", "task_bar", "buttons", "panel"}
    assert set(got["tasks"][0]) >= {"room", "task", "step", "steps", "state"}
    assert got["room"] == "Admin"
    chat = next(p for p in REAL.rglob("*.jpg"))
    no = subprocess.run([*cmd, str(chat), "--json"], capture_output=True, text=True, timeout=120)
    assert no.returncode == 1 and "not a game HUD" in no.stderr
    missing = subprocess.run([*cmd, "/nonexistent.png"], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2


def test_truth_lines_parse_back():
    """The renderer used in the checks writes each readable line exactly (guards the test itself)."""
    assert re.match(r"^[A-Z]", _render({"kind": "task", "room": "Oxygen", "task": "Empty Chute", "step": 0,
                                        "steps": 2}))
    assert _render({"kind": "task", "room": "Oxygen", "task": "Empty Chute", "step": 0, "steps": 2}) == \
        "O2: Empty Chute (0/2)"


def test_line_cache_skips_ocr_of_lines_read_before(screens, monkeypatch):
    from amongus_agent.perception.hud.task_list import LineCache

    image = screens["task_swipe_card.png"]
    cache = LineCache()
    first = read_hud(image, cache).to_json()
    calls = []
    real = tesseract.image_to_data
    monkeypatch.setattr(tesseract, "image_to_data", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = read_hud(image, cache).to_json()
    assert again == first and calls == []
    # a changed line (the list redrawn with one line gone) is read again; the others come from the cache
    shifted = image.copy()
    bar_bottom = 88
    shifted[bar_bottom + 30 : bar_bottom + 70, 20:900] = shifted[bar_bottom + 75 : bar_bottom + 115, 20:900]
    read_hud(shifted, cache)
    assert len(calls) == 1


def test_too_small_hud_says_so_instead_of_an_empty_list(screens):
    small = cv2.resize(screens["other_task_open.png"], (640, 360), interpolation=cv2.INTER_AREA)
    got = read_hud(small).to_json()
    assert got["tasks"] == [] and "too small" in got["error"]
    assert got["buttons"]["use"] is True and got["panel"] is None


def test_cache_shared_across_screens_changes_no_reading(screens):
    """One cache over every screen in turn (as over a game's frames): each reading as without a cache."""
    from amongus_agent.perception.hud.task_list import LineCache

    cache = LineCache()
    for name, image in screens.items():
        plain = read_hud(image).to_json()
        assert read_hud(image, cache).to_json() == plain, name
        assert read_hud(image, cache).to_json() == plain, name
