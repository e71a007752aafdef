"""Task flows against a stand-in game window under Xvfb: real screenshots, real mss capture, real pyautogui.

The stand-in (this file run as a script) shows a real Skeld screenshot at 1280x720 and reacts the
way the panel does: a pressed manifold cell lights and a wrong one resets the panel, a clicked red
hexagon turns white, a click on a light switch toggles its lever and lamp (a wrong click darkens a
lamp), Start Reactor flashes its sequence and takes it back on the keypad, the card reader takes a
swipe only inside the game's time window, Calibrate Distributor's rings turn and stop when pressed
at the connector, and a finished panel closes (the walking screen is shown). It writes what it
received to a JSON file. Its geometry comes from the ground truth read off the screenshots (as in
test_task_panels.py). The imitated panels (no real screenshot yet) have their stand-in in
tests/standin_imitations.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from xvfb import stand_ins, xvfb

W, H = 1280, 720
HERE = Path(__file__).resolve()
SKELD = HERE.parents[1] / ".." / "shared" / "real-screens" / "skeld"
V = W / 1456  # truth boxes are in the 1456x819 view of the 1920x1080 screenshots

# what each stand-in shows and how it reacts (boxes in the 1456-wide view)
PANELS = {
    "manifolds": {"image": "task_unlock_manifolds.png", "kind": "order",
                  "targets": [(c, r) for k in range(1, 11) for r, row in enumerate([[4, 6, 9, 1, 7], [10, 5, 2, 8, 3]])
                              for c, v in enumerate(row) if v == k]},
    "shields": {"image": "task_prime_shields_skeld.png", "kind": "set",
                "targets": [(565, 312), (728, 408), (893, 315), (893, 505), (728, 603)], "radius": 60},
    # Fix Lights as looked at zoomed: levers 1-4 up, 5 down; lamps 1-2 lit, 3-5 dark. A click toggles its switch
    # and lamp (the game lights a lamp when its switch is where the game wants it), so a wrong click darkens one.
    "lights": {"image": "sabotage_fix_lights.png", "kind": "toggle", "switches": [465, 598, 731, 864, 995], "switch_y": 589,
               "lamp_y": 683, "spacing": 133, "lit": [True, True, False, False, False], "up": [True, True, True, True, False],
               "radius": 45},
    "divert": {"image": "task_divert_power_1.png", "kind": "drag", "from": (440, 572, 503, 622), "to": (430, 490, 513, 540)},
    "accept": {"image": "task_divert_power_2.png", "kind": "click", "box": (705, 350, 750, 475), "after": 0.3},
    "download": {"image": "task_download_data.png", "kind": "click", "box": (650, 478, 806, 521), "after": 1.5},
    "steering": {"image": "task_stabilize_steering.png", "kind": "drag", "from": (700, 585, 765, 645),
                 "to": (708, 388, 750, 428)},
    "align": {"image": "task_align_engine.png", "kind": "drag", "from": (895, 222, 1025, 292), "to": (880, 385, 1030, 430)},
    "chart": {"image": "task_chart_course.png", "kind": "path", "from": (400, 315, 460, 375),
              "through": [(578, 515), (728, 420), (876, 328), (1026, 510)], "radius": 35},
    "garbage": {"image": "task_empty_garbage.png", "kind": "hold_drag", "from": (893, 298, 1040, 340), "below": 600,
                "seconds": 1.5},
    "fuel": {"image": "task_fuel_engines.png", "kind": "hold", "box": (1062, 617, 1162, 718), "seconds": 2.0},
    "meltdown": {"image": "sabotage_reactor_meltdown.png", "kind": "hold", "box": (560, 430, 880, 690), "seconds": 2.0},
    "sample": {"image": "task_inspect_sample_select_anomaly.png", "kind": "click", "box": (708, 622, 748, 662), "after": 0.3},
    "swipe": {"image": "task_swipe_card.png", "kind": "swipe"},
    "distributor": {"image": "task_calibrate_distributor.png", "kind": "spin", "rings": [(537, 205), (537, 405), (537, 612)],
                    "radius": 88, "notch": [-13.0, -151.0, -150.0], "deg_per_s": 45.0,
                    "buttons": [(862, 215, 1008, 258), (860, 420, 1005, 462), (862, 615, 1008, 657)],
                    "gauges": [(848, 160, 1020, 192), (848, 362, 1020, 396), (848, 565, 1020, 598)]},
    "wiring": {"image": "task_fix_wiring.png", "kind": "pairs", "pairs": [
        ((390, 190, 475, 222), (950, 332, 1068, 364)), ((390, 333, 475, 365), (950, 190, 1068, 222)),
        ((390, 473, 475, 505), (950, 473, 1068, 505)), ((390, 613, 475, 645), (950, 613, 1068, 645))]},
    "reactor": {"image": "task_start_reactor.png", "kind": "reactor", "rounds": 2},
}


# ---------------------------------------------------------------- the stand-in game window
def _window(mode: str, out: Path, seed: int) -> None:  # pragma: no cover - runs in a child process
    import random
    import tkinter as tk

    import cv2
    import numpy as np

    frozen = mode.endswith("-frozen")
    hidden = mode.endswith("-hidden")
    spec = PANELS[mode.split("-")[0]]
    rng = random.Random(seed)

    def load(name: str) -> np.ndarray:
        return cv2.resize(cv2.imread(str(SKELD / name)), (W, H), interpolation=cv2.INTER_AREA)

    base = load(spec["image"])
    if hidden:  # something covers the panel's right half
        base[:, W // 2 :] = (40, 40, 40)
    walking = load("other_task_open.png")
    root = tk.Tk()
    root.title(f"Among Us stand-in ({mode})")
    root.geometry(f"{W}x{H}+0+0")
    label = tk.Label(root, borderwidth=0, highlightthickness=0)
    label.pack()
    state: dict = {"events": [], "done": False, "keys": [], "down": False}
    shown = {"img": base.copy()}

    def show(img: np.ndarray) -> None:
        shown["img"] = img
        ok, png = cv2.imencode(".png", img)
        photo = tk.PhotoImage(data=png.tobytes())
        label.configure(image=photo)
        label.image = photo

    def save() -> None:  # atomic, so the test never reads half a file
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, out)

    overlays: list = []  # small windows drawn over the screen (the turning rings)

    def finish() -> None:
        state["done"] = True
        for lab in overlays:
            lab.place_forget()
        show(walking)
        save()

    def complete() -> None:  # the last input arrived: the panel closes after a moment, as the game's does
        state["complete"] = True
        save()
        root.after(300, finish)

    def v(p):  # view point -> window pixels
        return (p[0] * V, p[1] * V)

    def inbox(p, b) -> bool:
        return b[0] * V <= p[0] <= b[2] * V and b[1] * V <= p[1] <= b[3] * V

    press: dict = {}
    kind = spec["kind"]

    def on_key(e) -> None:
        state["keys"].append(e.keysym)
        save()

    def down(e) -> None:
        state["down"] = True
        press.update(p=(e.x, e.y), t=time.monotonic(), path=[(e.x, e.y)])
        state["events"].append(["down", e.x, e.y])
        save()
        if frozen or state["done"]:
            return
        if kind == "hold":
            root.after(int(spec["seconds"] * 1000), lambda t=press["t"]: held(t))

    def motion(e) -> None:
        if "path" in press:
            press["path"].append((e.x, e.y))

    def held(t0) -> None:
        if state["down"] and press.get("t") == t0 and inbox(press["p"], spec["box"]):
            finish()

    def up(e) -> None:
        state["down"] = False
        state["events"].append(["up", e.x, e.y])
        if not (frozen or state["done"] or "p" not in press):  # react first: a timed press is judged on arrival
            a, b, dt = press["p"], (e.x, e.y), time.monotonic() - press["t"]
            react(a, b, dt, press.get("path", []))
        save()

    # ---- per-kind reactions
    progress = {"i": 0, "hit": set(), "card": False, "round": 1, "seq": [], "typed": []}

    def cell_box(c, r):
        x0, y0, x1, y1 = 437, 292, 1020, 527
        cw, ch = (x1 - x0) / 5, (y1 - y0) / 2
        return (x0 + c * cw + 8, y0 + r * ch + 8, x0 + (c + 1) * cw - 8, y0 + (r + 1) * ch - 8)

    def react(a, b, dt, path) -> None:
        click = abs(a[0] - b[0]) < 6 and abs(a[1] - b[1]) < 6
        if kind == "order" and click and progress["i"] < len(spec["targets"]):
            c, r = spec["targets"][progress["i"]]
            if inbox(b, cell_box(c, r)):
                progress["i"] += 1
                img = shown["img"].copy()
                x0, y0, x1, y1 = (round(t * V) for t in cell_box(c, r))
                img[y0:y1, x0:x1] = (img[y0:y1, x0:x1] * 0.5 + np.array([40, 200, 60]) * 0.5).astype(np.uint8)
                show(img)
                if progress["i"] == 10:
                    complete()
            else:
                progress["i"] = 0  # a wrong cell resets the panel, as in the game
                state["resets"] = state.get("resets", 0) + 1
                show(base.copy())
        elif kind == "set" and click:
            for i, t in enumerate(spec["targets"]):
                if i not in progress["hit"] and np.hypot(b[0] - t[0] * V, b[1] - t[1] * V) < spec["radius"] * V:
                    progress["hit"].add(i)
                    img = shown["img"].copy()
                    cv2.circle(img, (round(t[0] * V), round(t[1] * V)), round(spec["radius"] * V * 0.6), (235, 235, 235), -1)
                    show(img)
            if len(progress["hit"]) == len(spec["targets"]):
                complete()
        elif kind == "click" and click and inbox(b, spec["box"]):
            root.after(int(spec["after"] * 1000), finish)
        elif kind == "drag" and inbox(a, spec["from"]) and inbox(b, spec["to"]):
            finish()
        elif kind == "path" and inbox(a, spec["from"]):
            k = 0
            for p in path:
                t = spec["through"][k]
                if np.hypot(p[0] - t[0] * V, p[1] - t[1] * V) < spec["radius"] * V:
                    k += 1
                    if k == len(spec["through"]):
                        finish()
                        break
        elif kind == "hold_drag" and inbox(a, spec["from"]) and b[1] >= spec["below"] * V and dt >= spec["seconds"]:
            finish()
        elif kind == "pairs":
            for i, (f, t) in enumerate(spec["pairs"]):
                if i not in progress["hit"] and inbox(a, f) and inbox(b, t):
                    progress["hit"].add(i)
                    img = shown["img"].copy()
                    joined = ((round(f[2] * V), round((f[1] + f[3]) / 2 * V)), (round(t[0] * V), round((t[1] + t[3]) / 2 * V)))
                    cv2.line(img, *joined, (200, 200, 200), 6)
                    show(img)
            if len(progress["hit"]) == len(spec["pairs"]):
                root.after(300, finish)
        elif kind == "toggle" and click:
            toggle(b)
        elif kind == "swipe":
            swipe(a, b, dt, click)
        elif kind == "spin" and click:
            calibrate(b)
        elif kind == "reactor" and click:
            keypress(b)

    # ---- Fix Lights: a click flips a switch and its lamp; copies of a lit / dark lamp and an up / down lever
    def lights_parts():
        sp, xs = spec["spacing"], spec["switches"]
        lamp = lambda x: (x - 0.25 * sp, spec["lamp_y"] - 0.25 * sp, x + 0.25 * sp, spec["lamp_y"] + 0.25 * sp)  # noqa: E731
        lever = lambda x: (x - 0.3 * sp, spec["switch_y"] - 0.62 * sp, x + 0.3 * sp, spec["switch_y"] + 0.5 * sp)  # noqa: E731

        def cut(b):
            x0, y0, x1, y1 = (round(t * V) for t in b)
            return base[y0:y1, x0:x1].copy()

        lit, up = spec["lit"], spec["up"]
        return {"lamp": lamp, "lever": lever, "lamp_on": cut(lamp(xs[lit.index(True)])),
                "lamp_off": cut(lamp(xs[lit.index(False)])), "lever_up": cut(lever(xs[up.index(True)])),
                "lever_down": cut(lever(xs[up.index(False)]))}

    lights = {"lit": list(spec.get("lit", [])), "up": list(spec.get("up", []))}

    def toggle(p) -> None:
        parts = lights_parts()
        for i, x in enumerate(spec["switches"]):
            if np.hypot(p[0] - x * V, p[1] - spec["switch_y"] * V) < spec["radius"] * V:
                lights["lit"][i] = not lights["lit"][i]
                lights["up"][i] = not lights["up"][i]
                state.setdefault("flips", []).append(i)
                img = shown["img"].copy()
                for box_of, patch in ((parts["lamp"], parts["lamp_on" if lights["lit"][i] else "lamp_off"]),
                                      (parts["lever"], parts["lever_up" if lights["up"][i] else "lever_down"])):
                    x0, y0 = (round(t * V) for t in box_of(x)[:2])
                    img[y0 : y0 + patch.shape[0], x0 : x0 + patch.shape[1]] = patch
                show(img)
        state["lit"] = lights["lit"]
        if all(lights["lit"]):
            root.after(300, finish)

    # ---- Swipe Card: click the card (it moves to the slot), then swipe it through in 0.5..1.5 s
    card_box, slot_y = (468, 600, 692, 662), 355
    def swipe(a, b, dt, click) -> None:
        if not progress["card"]:
            if click and inbox(b, card_box):
                progress["card"] = True
                img = base.copy()
                img[round(600 * V) : round(745 * V), round(400 * V) : round(1060 * V)] = (60, 70, 140)  # wallet away
                cv2.rectangle(img, (round(420 * V), round((slot_y - 28) * V)), (round(640 * V), round((slot_y + 28) * V)),
                              (245, 245, 245), -1)
                show(img)
            return
        if abs(a[1] - slot_y * V) < 45 * V and b[0] > 960 * V and a[0] < 640 * V:
            state.setdefault("swipes", []).append(round(dt, 3))
            if 0.5 <= dt <= 1.5:
                finish()

    # ---- Start Reactor: flash the round's sequence on the screen, take it back on the keypad
    waiting = load("task_start_reactor_waiting.png")
    screen_box = (360, 318, 635, 590)
    keys_x, keys_y = [(820, 905), (915, 998), (1008, 1093)], [(318, 400), (412, 495), (505, 588)]

    def lamps(img, n):
        for i in range(n):
            cv2.circle(img, (round((365 + i * 62.5) * V), round(240 * V)), round(13 * V), (0, 200, 0), -1)
        return img

    def play() -> None:
        seq = progress["seq"]
        while len(seq) < progress["round"]:
            seq.append(rng.randrange(9))
        state["sequence"] = list(seq)
        save()
        t = 700
        for cell in seq:
            root.after(t, lambda c=cell: flash(c, True))
            root.after(t + 550, lambda c=cell: flash(c, False))
            t += 900
        root.after(t, lambda: show(lamps(waiting.copy(), progress["round"])))
        progress["typed"] = []

    def flash(cell, on) -> None:
        img = lamps(base.copy(), progress["round"])
        if on:
            x0, y0, x1, y1 = screen_box
            cw, ch = (x1 - x0) / 3, (y1 - y0) / 3
            r, c = divmod(cell, 3)
            cv2.rectangle(img, (round((x0 + c * cw + 6) * V), round((y0 + r * ch + 6) * V)),
                          (round((x0 + (c + 1) * cw - 6) * V), round((y0 + (r + 1) * ch - 6) * V)), (255, 200, 60), -1)
        show(img)

    def keypress(p) -> None:
        for r, (y0, y1) in enumerate(keys_y):
            for c, (x0, x1) in enumerate(keys_x):
                if inbox(p, (x0, y0, x1, y1)):
                    progress["typed"].append(r * 3 + c)
        typed, seq = progress["typed"], progress["seq"]
        if typed != seq[: len(typed)]:
            state["resets"] = state.get("resets", 0) + 1
            progress["round"] = 1
            progress["seq"] = []
            show(base.copy())
            root.after(500, play)
        elif len(typed) == len(seq):
            if progress["round"] == spec["rounds"]:
                root.after(300, finish)
            else:
                progress["round"] += 1
                show(lamps(base.copy(), progress["round"]))
                root.after(1000, play)  # the game pauses about a second between rounds

    # ---- Calibrate Distributor: the rings spin; a press counts while the notch is at the connector
    spin = {"t0": time.monotonic(), "stopped": {}}

    def ring_angle(i) -> float:
        a = spec["notch"][i] + spec["deg_per_s"] * (time.monotonic() - spin["t0"])
        return spin["stopped"].get(i, a)

    def tick() -> None:
        """Redraw only the three rings' squares, each in its own small window over the screen: a game redraws
        at a steady frame rate, and a stand-in redrawing the whole screen would lag behind on a loaded machine."""
        if state["done"]:
            return
        if not overlays:
            for c in spec["rings"]:
                r = round(spec["radius"] * V)
                lab = tk.Label(root, borderwidth=0, highlightthickness=0)
                lab.place(x=round(c[0] * V) - r, y=round(c[1] * V) - r)
                overlays.append(lab)
        for i, c in enumerate(spec["rings"]):
            cx, cy, r = round(c[0] * V), round(c[1] * V), round(spec["radius"] * V)
            patch = base[cy - r : cy + r, cx - r : cx + r]
            rot = cv2.getRotationMatrix2D((float(r), float(r)), ring_angle(i) - spec["notch"][i], 1.0)
            turned = cv2.warpAffine(patch, rot, (2 * r, 2 * r))
            mask = np.zeros((2 * r, 2 * r), np.uint8)
            cv2.circle(mask, (r, r), r, 255, -1)
            square = patch.copy()
            square[mask > 0] = turned[mask > 0]
            ok, png = cv2.imencode(".png", square)
            photo = tk.PhotoImage(data=png.tobytes())
            overlays[i].configure(image=photo)
            overlays[i].image = photo
        root.after(30, tick)

    def calibrate(p) -> None:
        for i, b in enumerate(spec["buttons"]):
            if inbox(p, b) and i not in spin["stopped"]:
                a = (ring_angle(i) + 180) % 360 - 180
                state.setdefault("presses", []).append([i, round(a, 1)])
                if abs(a) <= 30:
                    spin["stopped"][i] = ring_angle(i)
                    g = spec["gauges"][i]  # its gauge fills
                    colour = [(0, 220, 255), (255, 80, 40), (240, 230, 90)][i]
                    img = shown["img"].copy()
                    cv2.rectangle(img, (round(g[0] * V), round(g[1] * V)), (round(g[2] * V), round(g[3] * V)), colour, -1)
                    show(img)
        if len(spin["stopped"]) == 3:
            root.after(300, finish)

    label.bind("<ButtonPress-1>", down)
    label.bind("<ButtonRelease-1>", up)
    label.bind("<B1-Motion>", motion)
    root.bind("<Key>", on_key)
    root.focus_force()
    show(base.copy())
    if kind == "reactor" and not frozen:
        root.after(400, play)
    if kind == "spin" and not frozen:
        root.after(60, tick)
    root.after(100, save)
    root.mainloop()


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def xdisplay():
    if not SKELD.is_dir():
        pytest.skip("the shared real screenshots are not here")
    with xvfb(W, H) as display:
        yield display


@pytest.fixture
def window(xdisplay, tmp_path):
    with stand_ins(HERE, xdisplay, tmp_path, settle_s=0.5) as start:
        yield start


@pytest.fixture
def live(xdisplay):
    from amongus_agent.act.input.mouse import MouseBackend
    from amongus_agent.perception.capture import ScreenCapture

    with ScreenCapture() as cap, MouseBackend() as mouse:
        yield cap, mouse


def settle(out: Path, key: str, seconds: float = 5.0) -> dict:
    """The stand-in's record once `key` is set (bounded wait: the verdict is the record, not the time)."""
    end = time.monotonic() + seconds
    state = json.loads(out.read_text())
    while not state.get(key) and time.monotonic() < end:
        time.sleep(0.1)
        state = json.loads(out.read_text())
    return state


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("mode,panel", [
    ("manifolds", "Unlock Manifolds"), ("shields", "Prime Shields"), ("lights", "Fix Lights"),
    ("divert", "Divert Power"), ("accept", "Accept Diverted Power"), ("download", "Download Data"),
    ("steering", "Stabilize Steering"), ("align", "Align Engine Output"), ("chart", "Chart Course"),
    ("garbage", "Empty Garbage"), ("fuel", "Fuel Engines"), ("meltdown", "Reactor Meltdown"),
    ("sample", "Inspect Sample"), ("swipe", "Swipe Card"), ("reactor", "Start Reactor"), ("wiring", "Fix Wiring"),
])  # Calibrate Distributor's spinning stand-in is measured by benchmarks/bench_task_flows.py, not here:
#     hitting a moving notch depends on how fast this machine captures
def test_flow_completes_the_panel(window, live, mode, panel):
    from amongus_agent.act.tasks.runner import run_task

    out = window(mode, seed=7)
    cap, mouse = live
    result = run_task(cap.grab, mouse, expect=panel, budget_s=90, peek=cap.grab_part)
    # read at once: a flow may only say "done" once the panel has all it needs (it closes a moment later,
    # later still on a loaded machine)
    state = json.loads(out.read_text())
    assert result.ok, (result.reason, state.get("presses"), state)
    assert state["done"] or state.get("complete"), state
    assert not state["down"], "a button was left held"
    if mode == "swipe":
        assert all(0.5 <= s <= 1.5 for s in state["swipes"][-1:]), state["swipes"]
    if mode == "lights":  # only the switches under dark lamps, each once (a second click would undo it)
        assert sorted(state["flips"]) == [2, 3, 4], state["flips"]
    if mode == "reactor":  # both rounds repeated (a sequence missed under load is asked again, as in the game)
        assert len(state["sequence"]) == 2, state


@pytest.mark.parametrize("mode,panel", [
    ("o2filter", "Clean O2 Filter"), ("asteroids", "Clear Asteroids"), ("keypad", "O2 Keypad"),
    ("comms", "Comms Dial"), ("scan", "Submit Scan"), ("fuelengine", "Fuel Engines"),
])
def test_flow_completes_an_imitated_panel(window, live, mode, panel):
    """The panels with no real screenshot yet, drawn by perception/synthetic/panels.py, reacting as the game
    does (tests/standin_imitations.py): a bar on our own drawing, marked as such in docs/perception.md."""
    from amongus_agent.act.tasks.runner import run_task

    out = window(mode, seed=7)
    cap, mouse = live
    result = run_task(cap.grab, mouse, expect=panel, budget_s=90, peek=cap.grab_part)
    state = json.loads(out.read_text())
    assert result.ok, (result.reason, state)
    assert state["done"], state
    assert not state["down"], "a button was left held"
    if mode == "o2filter":
        assert state["left"] == 0, state
    if mode == "asteroids":
        assert state["destroyed"] >= 20, state
    if mode == "keypad":
        assert state["entered"] == state["code"] and state["pressed"][-1] == "OK", state
    if mode == "scan":  # stand still: no click, no key
        assert not state["events"] and not state["keys"] and not state.get("interrupted"), state
    if mode == "fuelengine":
        assert state["level"] >= 1.0 and [e[0] for e in state["events"]] == ["down", "up"], state


@pytest.mark.parametrize("mode,reason", [
    ("asteroids-frozen", "did not react"), ("comms-frozen", "did not react"), ("scan-frozen", "never reported 'closed'"),
    ("fuelengine-frozen", "did not react"), ("keypad-frozen", "did not react"),
])
def test_unresponsive_imitated_panel_gives_up_with_a_reason_and_releases(window, live, mode, reason):
    from amongus_agent.act.tasks.runner import run_task

    out = window(mode, seed=3)
    cap, mouse = live
    result = run_task(cap.grab, mouse, budget_s=30)
    assert not result.ok and reason in result.reason, result
    state = settle(out, "keys")
    assert "Escape" in state["keys"] and not state["down"] and not state["done"], state
    assert not mouse._mouse_held


def test_wrong_panel_gives_up_closes_and_names_it(window, live):
    from amongus_agent.act.tasks.runner import run_task

    out = window("shields")
    cap, mouse = live
    result = run_task(cap.grab, mouse, expect="Swipe Card")
    assert not result.ok and "wrong panel" in result.reason and "Prime Shields" in result.reason
    state = settle(out, "keys")
    assert "Escape" in state["keys"] and not state["events"], state


def test_unresponsive_panel_gives_up_after_one_retry_and_releases(window, live):
    from amongus_agent.act.tasks.runner import run_task

    out = window("fuel-frozen")
    cap, mouse = live
    result = run_task(cap.grab, mouse, budget_s=30)
    assert not result.ok and "did not react" in result.reason, result
    assert result.attempts == 2
    state = settle(out, "keys")
    assert "Escape" in state["keys"] and not state["down"], state
    assert not mouse._mouse_held


def test_unresponsive_drag_panel_gives_up_within_its_budget(window, live):
    from amongus_agent.act.tasks.runner import run_task

    out = window("garbage-frozen")
    cap, mouse = live
    result = run_task(cap.grab, mouse, budget_s=1.0)  # shorter than pull + hold: the budget ends it
    assert not result.ok and ("budget" in result.reason or "did not react" in result.reason), result
    state = settle(out, "keys")
    assert not state["down"] and "Escape" in state["keys"], state


def test_half_hidden_panel_is_not_acted_on(window, live):
    from amongus_agent.act.tasks.runner import run_task

    out = window("shields-hidden")
    cap, mouse = live
    result = run_task(cap.grab, mouse, expect="Prime Shields")
    assert not result.ok and result.reason, result
    state = json.loads(out.read_text())
    assert not state["done"] and not state["down"]


def test_sequence_not_shown_gives_up_with_a_reason(window, live):
    from amongus_agent.act.tasks.runner import run_task

    out = window("reactor-frozen")
    cap, mouse = live
    result = run_task(cap.grab, mouse, budget_s=4.0)
    assert not result.ok and ("flashes" in result.reason or "budget" in result.reason), result
    assert not json.loads(out.read_text())["down"]


if __name__ == "__main__":
    import standin_imitations  # this file's folder is on the path when it runs as a script

    if sys.argv[1].removesuffix("-frozen") in standin_imitations.MODES:
        standin_imitations.window(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
    else:
        _window(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
