"""Every task panel in ../shared/real-screens/skeld/: recognised, and its planned inputs checked against
ground truth written here from looking at the screenshot (boxes in the 1920x1080 original's pixels).

Each screen is also read at 1280x720 and 3840x2160 and as a crop of the panel alone; plans are mapped
back to the original's pixels before checking, so one truth serves every scale.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from amongus_agent.act.steps import Click, Drag, Hold, WaitUntil, Watch
from amongus_agent.act.tasks.plans import plan
from amongus_agent.act.tasks.rules import rules_for
from amongus_agent.perception.panels import identify_panel, read_panel

SKELD = Path(__file__).resolve().parents[1] / ".." / "shared" / "real-screens" / "skeld"
D = 1920 / 1456  # the boxes below were read on a 1456x819 view: D maps them to the original


def box(x0, y0, x1, y1):
    return tuple(round(v * D) for v in (x0, y0, x1, y1))


def inside(p, b, pad=0):
    return b[0] - pad <= p[0] <= b[2] + pad and b[1] - pad <= p[1] <= b[3] + pad


def near(p, q, tol):
    return math.hypot(p[0] - q[0], p[1] - q[1]) <= tol


def image(name: str) -> np.ndarray:
    path = SKELD / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared real screenshots)")
    return cv2.imread(str(path))


# panel crops (in the 1456-wide view) used to check a panel read without the rest of the screen
CROPS = {
    "task_unlock_manifolds.png": box(380, 240, 1075, 580),
    "task_swipe_card.png": box(385, 65, 1075, 755),
    "task_prime_shields_skeld.png": box(380, 65, 1075, 755),
    "task_chart_course.png": box(295, 150, 1155, 670),
    "sabotage_fix_lights.png": box(380, 65, 1075, 755),
    "task_align_engine.png": box(385, 65, 1075, 755),
    "task_fix_wiring.png": box(380, 60, 1075, 755),
}


def _scaler(f: float):
    return lambda p: (p[0] * f, p[1] * f)


def views(name: str):
    """(label, image, map back to original pixels) for the original, 720p, 4K and, where defined, a crop."""
    im = image(name)
    yield "1080p", im, lambda p: p
    for h in (720, 2160):
        yield f"{h}p", cv2.resize(im, (h * 16 // 9, h), interpolation=cv2.INTER_AREA), _scaler(1080 / h)
    if name in CROPS:
        x0, y0, x1, y1 = CROPS[name]
        yield "crop", np.ascontiguousarray(im[y0:y1, x0:x1]), lambda p: (p[0] + x0, p[1] + y0)


def planned(name: str, panel: str):
    """Yield (label, steps with points mapped to the original) for every view; the panel must be named right."""
    for label, im, back in views(name):
        state = read_panel(im)
        assert state is not None, f"{name} ({label}): no panel recognised"
        assert state.name == panel, f"{name} ({label}): read as {state.name}"
        steps = []
        for s in plan(state):
            if isinstance(s, Click):
                s = Click(at=tuple(round(v) for v in back(s.at)))
            elif isinstance(s, Hold):
                s = s.model_copy(update={"at": tuple(round(v) for v in back(s.at))})
            elif isinstance(s, Drag):
                s = s.model_copy(update={"path": [tuple(round(v) for v in back(p)) for p in s.path]})
            elif isinstance(s, Watch):
                a, b = back(s.region[:2]), back(s.region[2:])
                s = s.model_copy(update={"region": tuple(round(v) for v in (*a, *b)),
                                         "buttons": [tuple(round(v) for v in back(p)) for p in s.buttons]})
            steps.append(s)
        yield label, state, steps


def test_unlock_manifolds_clicks_one_to_ten_in_order():
    # top row 4 6 9 1 7, bottom row 10 5 2 8 3 (cells of the blue frame, 1456 view: x 437..1020, y 292..527)
    layout = [[4, 6, 9, 1, 7], [10, 5, 2, 8, 3]]
    x0, y0, x1, y1 = 437, 292, 1020, 527
    cw, ch = (x1 - x0) / 5, (y1 - y0) / 2
    cell = {layout[r][c]: box(x0 + c * cw + 6, y0 + r * ch + 6, x0 + (c + 1) * cw - 6, y0 + (r + 1) * ch - 6)
            for r in range(2) for c in range(5)}
    for label, _, steps in planned("task_unlock_manifolds.png", "Unlock Manifolds"):
        assert len(steps) == 10 and all(isinstance(s, Click) for s in steps), label
        for k, s in enumerate(steps, start=1):
            assert inside(s.at, cell[k]), f"{label}: click {k} at {s.at} is not in cell {k} {cell[k]}"


def test_swipe_card_takes_the_card_then_swipes_through_the_reader_in_time():
    card = box(468, 600, 692, 662)
    slot = box(400, 305, 1060, 400)
    window = rules_for("Swipe Card")
    for label, state, steps in planned("task_swipe_card.png", "Swipe Card"):
        assert state.state == "wallet"
        click, wait, drag = steps
        assert isinstance(click, Click) and inside(click.at, card), (label, click)
        assert isinstance(wait, WaitUntil) and wait.until == "card_in_slot"
        assert isinstance(drag, Drag)
        a, b = drag.path[0], drag.path[-1]
        assert inside(a, slot) and inside(b, slot, pad=40), (label, drag.path)
        assert a[0] < slot[0] + 0.25 * (slot[2] - slot[0]) and b[0] > slot[2] - 0.1 * (slot[2] - slot[0]), (label, a, b)
        assert window.t("swipe_min_s", 0) < drag.seconds < window.t("swipe_max_s", 9), drag.seconds


@pytest.mark.parametrize("name,state", [("task_start_reactor.png", "watch"), ("task_start_reactor_waiting.png", "input")])
def test_start_reactor_watches_the_screen_then_repeats_on_the_keypad(name, state):
    screen = box(360, 318, 635, 590)
    cols, rows = [(820, 905), (915, 998), (1008, 1093)], [(318, 400), (412, 495), (505, 588)]
    keys = [box(cols[c][0], rows[r][0], cols[c][1], rows[r][1]) for r in range(3) for c in range(3)]
    for label, st, steps in planned(name, "Start Reactor"):
        assert st.state == state and st.info["round"] == 1  # one green lamp: round 1
        (watch,) = steps
        assert isinstance(watch, Watch) and watch.count == 1 and watch.grid == (3, 3)
        r = watch.region
        assert inside(r[:2], screen, pad=12) and inside(r[2:], screen, pad=12), (label, r)
        assert all(inside(p, k) for p, k in zip(watch.buttons, keys, strict=True)), (label, watch.buttons)


def test_align_engine_drags_the_arrow_to_the_centre_line():
    arrow = box(895, 222, 1025, 292)
    centre_y = 408 * D  # the red middle line of the screen (y 112..705 in the view)
    for label, _, steps in planned("task_align_engine.png", "Align Engine Output"):
        (drag,) = steps
        assert inside(drag.path[0], arrow), (label, drag.path)
        assert abs(drag.path[-1][1] - centre_y) < 25, (label, drag.path)


def test_calibrate_distributor_presses_each_button_when_its_ring_lines_up():
    buttons = [box(862, 215, 1008, 258), box(860, 420, 1005, 462), box(862, 615, 1008, 657)]
    for label, st, steps in planned("task_calibrate_distributor.png", "Calibrate Distributor"):
        assert st.info["colors"] == ["yellow", "blue", "cyan"]
        assert [type(s) for s in steps] == [WaitUntil, Click] * 3
        for i in range(3):
            assert steps[2 * i].until == f"aligned:{i}"
            assert inside(steps[2 * i + 1].at, buttons[i]), (label, i, steps[2 * i + 1])
        # the notches as drawn: ring 1 just below its connector (~4 o'clock), rings 2 and 3 at ~8 o'clock
        a = st.info["notch_deg"]
        assert -40 < a[0] < 0 and -175 < a[1] < -125 and -175 < a[2] < -125, a


def test_chart_course_drags_the_ship_through_every_waypoint_in_order():
    route = [(430, 345), (578, 515), (728, 420), (876, 328), (1026, 510)]  # ship, then the four marks
    for label, _, steps in planned("task_chart_course.png", "Chart Course"):
        (drag,) = steps
        assert len(drag.path) == 5, (label, drag.path)
        for p, q in zip(drag.path, route, strict=True):
            assert near(p, (q[0] * D, q[1] * D), 30), (label, p, q)


def test_divert_power_pushes_the_lit_lever_up():
    lever = box(440, 572, 503, 622)  # R.ENGINE's slider is the lit one
    for label, st, steps in planned("task_divert_power_1.png", "Divert Power"):
        (drag,) = steps
        assert st.info["index"] == 0
        a, b = drag.path
        assert inside(a, lever), (label, a)
        assert abs(b[0] - a[0]) < 15 and abs(b[1] - 512 * D) < 30, (label, b)


def test_accept_diverted_power_clicks_the_fuse():
    fuse = box(708, 352, 748, 472)
    for label, _, steps in planned("task_divert_power_2.png", "Accept Diverted Power"):
        (click,) = steps
        assert inside(click.at, fuse), (label, click)


@pytest.mark.parametrize("name,panel", [("task_download_data.png", "Download Data"), ("task_upload_data.png", "Upload Data")])
def test_data_transfer_clicks_the_button_and_waits(name, panel):
    button = box(650, 478, 806, 521)
    for label, _, steps in planned(name, panel):
        click, wait = steps
        assert inside(click.at, button), (label, click)
        assert isinstance(wait, WaitUntil) and wait.seconds >= rules_for(panel).t("transfer_s", 0)


def test_empty_garbage_pulls_the_lever_down_and_holds_it():
    handle = box(893, 298, 1040, 340)
    for label, _, steps in planned("task_empty_garbage.png", "Empty Garbage"):
        (drag,) = steps
        a, b = drag.path
        assert inside(a, handle), (label, a)
        assert b[1] - a[1] > 0.5 * (745 - 75) * D * 0.6 and abs(b[0] - a[0]) < 10, (label, drag.path)
        assert drag.hold_end >= 2.0


def test_fuel_engines_holds_the_button():
    button = box(1062, 617, 1162, 718)
    for label, _, steps in planned("task_fuel_engines.png", "Fuel Engines"):
        (hold,) = steps
        assert isinstance(hold, Hold) and inside(hold.at, button) and hold.seconds >= 3.0, (label, hold)


def test_inspect_sample_starts_then_waits():
    start = box(935, 690, 977, 730)
    for label, st, steps in planned("task_inspect_sample.png", "Inspect Sample"):
        click, wait = steps
        assert st.state == "start" and inside(click.at, start), (label, click)
        assert wait.until == "select" and wait.seconds >= 60


def test_inspect_sample_picks_the_anomaly():
    third = box(708, 622, 748, 662)  # the red tube is the middle one
    for label, st, steps in planned("task_inspect_sample_select_anomaly.png", "Inspect Sample"):
        (click,) = steps
        assert st.state == "select" and inside(click.at, third), (label, click)


def test_prime_shields_clicks_every_red_hexagon_and_no_white_one():
    red = [(565, 312), (728, 408), (893, 315), (893, 505), (728, 603)]
    white = [(730, 220), (555, 507)]
    for label, _, steps in planned("task_prime_shields_skeld.png", "Prime Shields"):
        assert len(steps) == 5
        hit = set()
        for s in steps:
            i = min(range(5), key=lambda i: math.dist(s.at, (red[i][0] * D, red[i][1] * D)))
            assert near(s.at, (red[i][0] * D, red[i][1] * D), 60), (label, s)
            assert all(not near(s.at, (w[0] * D, w[1] * D), 100) for w in white)
            hit.add(i)
        assert len(hit) == 5


def test_stabilize_steering_drags_the_reticle_to_the_centre():
    for label, _, steps in planned("task_stabilize_steering.png", "Stabilize Steering"):
        (drag,) = steps
        assert near(drag.path[0], (733 * D, 615 * D), 25) and near(drag.path[-1], (729 * D, 408 * D), 25), (label, drag.path)


def test_fix_lights_flips_the_switches_whose_lamp_is_dark():
    # Looked at zoomed: lamps 1-2 bright green, 3-5 dark green; levers 1-4 point up, lever 5 down. The game
    # picks each switch's right position at random and lights the lamp when it is there, so the dark
    # lamps decide: switches 3 and 4 must be flipped although they are up, and no lit one may be touched.
    switch_x = [730 * D, 862 * D, 995 * D]  # switches 3, 4, 5: their lamps are dark
    for label, st, steps in planned("sabotage_fix_lights.png", "Fix Lights"):
        assert st.info["lit"] == [True, True, False, False, False], label
        assert st.info["up"] == [True, True, True, True, False], label
        assert len(steps) == 3
        for s, x in zip(steps, switch_x, strict=True):
            assert abs(s.at[0] - x) < 40 and 545 * D < s.at[1] < 655 * D, (label, s)


def test_reactor_meltdown_holds_the_hand_until_the_panel_closes():
    palm = box(560, 430, 880, 690)
    for label, _, steps in planned("sabotage_reactor_meltdown.png", "Reactor Meltdown"):
        (hold,) = steps
        assert inside(hold.at, palm) and hold.until == "closed" and hold.seconds >= 10, (label, hold)


def test_fix_wiring_drags_each_left_end_to_the_terminal_of_its_colour():
    # left ends top to bottom: blue, red, yellow, magenta; right: red, blue, yellow, magenta (rows y in the view)
    rows = [205, 348, 489, 629]
    want = {(0, 1), (1, 0), (2, 2), (3, 3)}
    for label, _, steps in planned("task_fix_wiring.png", "Fix Wiring"):
        assert len(steps) == 4 and all(isinstance(s, Drag) for s in steps), label
        got = set()
        for s in steps:
            a, b = s.path[0], s.path[-1]
            assert a[0] < 480 * D and b[0] > 950 * D, (label, s.path)  # from a left end to a right terminal
            ra = min(range(4), key=lambda i: abs(a[1] - rows[i] * D))
            rb = min(range(4), key=lambda i: abs(b[1] - rows[i] * D))
            assert abs(a[1] - rows[ra] * D) < 30 and abs(b[1] - rows[rb] * D) < 30, (label, s.path)
            got.add((ra, rb))
        assert got == want, (label, got)


def test_no_panel_on_the_walking_hud():
    assert read_panel(image("other_task_open.png")) is None
    assert identify_panel(image("other_task_open.png")) is None


@pytest.mark.parametrize("name", sorted(p.name for p in SKELD.glob("*.png")) if SKELD.is_dir() else [])
def test_identify_panel_names_every_screen_like_read_panel(name):
    im = image(name)
    state = read_panel(im)
    assert identify_panel(im) == (state.name if state else None)


def test_identify_panel_rejects_bad_input():
    with pytest.raises(ValueError):
        identify_panel(np.zeros((10, 10, 3), np.uint8))
    assert identify_panel(np.zeros((720, 1280, 3), np.uint8)) is None
    assert identify_panel(np.full((720, 1280, 3), 255, np.uint8)) is None


def _cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "amongus_agent", *args], capture_output=True, text=True, timeout=120)


def test_solve_task_cli_prints_the_plan_and_exits_1_without_a_panel(tmp_path):
    import json

    image("task_prime_shields_skeld.png")
    r = _cli("solve-task", str(SKELD / "task_prime_shields_skeld.png"), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["panel"] == "Prime Shields" and len(out["steps"]) == 5
    assert all(s["op"] == "click" and len(s["at"]) == 2 for s in out["steps"])
    r = _cli("solve-task", str(SKELD / "other_task_open.png"), "--json")
    assert r.returncode == 1 and "no task panel" in r.stderr
    bad = tmp_path / "x.png"
    bad.write_text("not an image")
    r = _cli("solve-task", str(bad), "--json")
    assert r.returncode == 2 and "x.png" in r.stderr
