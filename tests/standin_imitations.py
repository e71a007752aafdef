"""Stand-in windows for the imitated panels (no real screenshot of them yet): drawn by
`perception/synthetic/panels.py`, reacting the way the game's panel does.

Run by tests/test_task_flows_xvfb.py (and benchmarks/bench_task_flows.py through it) as a child
process under Xvfb: `python test_task_flows_xvfb.py MODE OUT SEED`; `MODE-frozen` shows the panel
but never reacts (a hung game, a panel the flow must give up on). Each window records what it
received (mouse downs and ups, keys, whether a button is still held, whether the panel was
finished) in the JSON file OUT, written atomically, like the real-screenshot stand-in.

The reactions are this module's reading of the game, kept deliberately plain:
- Clean O2 Filter: a leaf dragged into the intake on the left is sucked away; a leaf let go
  elsewhere stays where it was let go. The panel closes when the glass is clean.
- Clear Asteroids: rocks fly in from the right and drift left; a click on a rock breaks it (a miss
  does nothing); rocks that leave the screen are lost. The panel closes after `TARGET` breaks.
- O2 keypad: keys append digits, X clears, OK with the note's code closes the panel, a wrong
  code clears the display.
- Comms dial: the knob follows a drag round the dial; let go within `TUNE_DEG` of the hidden
  signal, the lamp turns green and the panel closes a moment later.
- Submit Scan: the bar fills in `SCAN_S` seconds and the panel closes; any click or key (the
  player moving) restarts it, as leaving the scanner does in the game.
- Fuel Engines (engine side): holding the button fills the tank (`FILL_S` seconds for a full
  tank); letting go stops it where it is.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from pathlib import Path

W, H = 1280, 720
SKELD = Path(__file__).resolve().parents[1] / ".." / "shared" / "real-screens" / "skeld"
MODES = {"o2filter": "Clean O2 Filter", "asteroids": "Clear Asteroids", "keypad": "O2 Keypad", "comms": "Comms Dial",
         "scan": "Submit Scan", "fuelengine": "Fuel Engines"}
TARGET = 20  # asteroids to break (the game's count)
ROCK_SPEED = 70.0  # px/s at 720p: a rock crosses the panel in about six seconds
TUNE_DEG = 10.0
SCAN_S = 10.0
FILL_S = 3.5


def window(mode: str, out: Path, seed: int) -> None:  # pragma: no cover - runs in a child process
    import tkinter as tk

    import cv2
    import numpy as np

    from amongus_agent.perception.synthetic import panels as P

    frozen = mode.endswith("-frozen")  # a panel that shows itself but does not react at all
    mode = mode.removesuffix("-frozen")
    rng = random.Random(seed)
    walking = cv2.resize(cv2.imread(str(SKELD / "other_task_open.png")), (W, H), interpolation=cv2.INTER_AREA)
    root = tk.Tk()
    root.title(f"Among Us stand-in ({mode})")
    root.geometry(f"{W}x{H}+0+0")
    label = tk.Label(root, borderwidth=0, highlightthickness=0)
    label.pack()
    state: dict = {"events": [], "done": False, "keys": [], "down": False}

    def show(img: np.ndarray) -> None:
        ok, png = cv2.imencode(".png", img)
        photo = tk.PhotoImage(data=png.tobytes())
        label.configure(image=photo)
        label.image = photo

    def save() -> None:  # atomic, so the reader never sees half a file
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, out)

    def finish() -> None:
        if not state["done"] and not frozen:
            state["done"] = True
            show(walking)
            save()

    press: dict = {}
    u = round(H * 0.62) / 670  # the renderers' unit

    # ---------------------------------------------------------------- Clean O2 Filter
    if mode == "o2filter":
        r = P.render_o2_filter(W, H, seed, leaves=rng.randint(4, 7))
        leaves = [tuple(c) for c in r.truth["leaves"]]
        x0, y0, x1, y1 = r.panel
        ix0, iy0, ix1, iy1 = r.truth["intake"]

        def draw() -> None:
            show(P.render_o2_filter(W, H, seed, at=leaves).image)

        def react(a, b) -> None:
            hit = [i for i, c in enumerate(leaves) if math.dist(a, c) < 40 * u]
            if not hit:
                return
            i = min(hit, key=lambda k: math.dist(a, leaves[k]))
            if ix0 - 10 * u <= b[0] <= ix1 + 10 * u and iy0 - 10 * u <= b[1] <= iy1 + 10 * u:
                leaves.pop(i)
                state["sucked"] = state.get("sucked", 0) + 1
            else:  # let go on the glass: the leaf stays there
                leaves[i] = (min(max(b[0], x0 + round(130 * u)), x1 - round(60 * u)),
                             min(max(b[1], y0 + round(60 * u)), y1 - round(60 * u)))
            state["left"] = len(leaves)
            draw()
            if not leaves:
                root.after(300, finish)

    # ---------------------------------------------------------------- Clear Asteroids
    elif mode == "asteroids":
        r = P.render_asteroids(W, H, seed, count=1)
        x0, y0, x1, y1 = r.panel
        rocks: list[list[float]] = []
        sky = {"t": time.monotonic(), "destroyed": 0}

        def spawn() -> None:
            if state["done"] or len(rocks) >= 4:
                return
            rocks.append([x1 - 75 * u, rng.uniform(y0 + 90 * u, y1 - 120 * u), -ROCK_SPEED * H / 720,
                          rng.uniform(-15, 15) * H / 720])

        def tick() -> None:
            if state["done"]:
                return
            now = time.monotonic()
            dt, sky["t"] = now - sky["t"], now
            for rock in rocks:
                rock[0] += rock[2] * dt
                rock[1] = min(max(rock[1] + rock[3] * dt, y0 + 80 * u), y1 - 110 * u)
            gone = [rock for rock in rocks if rock[0] < x0 + 75 * u]
            for rock in gone:  # flew past: lost, a new one comes
                rocks.remove(rock)
                state["lost"] = state.get("lost", 0) + 1
                root.after(300, spawn)
            show(P.render_asteroids(W, H, seed, destroyed=sky["destroyed"],
                                    at=[(round(x), round(y)) for x, y, _, _ in rocks]).image)
            root.after(80, tick)

        def draw() -> None:
            if frozen:  # three rocks hang still and never break
                for _ in range(3):
                    spawn()
                    rocks[-1][0] -= 130 * u * len(rocks)
                show(P.render_asteroids(W, H, seed, at=[(round(x), round(y)) for x, y, _, _ in rocks]).image)
                return
            for k in range(3):
                root.after(200 + 700 * k, spawn)
            root.after(80, tick)

        def react(a, b) -> None:
            if math.dist(a, b) > 6:
                return
            hit = [rock for rock in rocks if math.dist(b, rock[:2]) < 40 * u]
            if not hit:
                state["misses"] = state.get("misses", 0) + 1
                return
            rocks.remove(min(hit, key=lambda rock: math.dist(b, rock[:2])))
            sky["destroyed"] += 1
            state["destroyed"] = sky["destroyed"]
            if sky["destroyed"] >= TARGET:
                root.after(300, finish)
            else:
                root.after(400, spawn)

    # ---------------------------------------------------------------- O2 keypad
    elif mode == "keypad":
        r = P.render_o2_keypad(W, H, seed)
        code, keys = r.truth["code"], r.truth["keys"]
        half = 105 * u / 2
        pad = {"typed": ""}
        state["code"] = code

        def draw() -> None:
            show(P.render_o2_keypad(W, H, seed, code=code, typed=pad["typed"]).image)

        def react(a, b) -> None:
            if math.dist(a, b) > 6:
                return
            key = next((k for k, (kx, ky) in keys.items() if abs(b[0] - kx) <= half and abs(b[1] - ky) <= half), None)
            if key is None:
                return
            state.setdefault("pressed", []).append(key)
            if key == "X":
                pad["typed"] = ""
            elif key == "OK":
                if pad["typed"] == code:
                    state["entered"] = code
                    root.after(300, finish)
                    return
                state["wrong"] = state.get("wrong", 0) + 1
                pad["typed"] = ""
            elif len(pad["typed"]) < 5:
                pad["typed"] += key
            draw()

    # ---------------------------------------------------------------- comms dial
    elif mode == "comms":
        target = rng.uniform(0, 360)
        dial = {"deg": (target + rng.uniform(60, 300)) % 360}
        r = P.render_comms(W, H, seed, dial_deg=dial["deg"], target_deg=target)
        cx, cy = r.truth["centre"]
        knob_r = 0.72 * r.truth["radius"]
        state["target"] = round(target, 1)

        def draw() -> None:
            show(P.render_comms(W, H, seed, dial_deg=dial["deg"], target_deg=target).image)

        def knob() -> tuple[float, float]:
            a = math.radians(dial["deg"])
            return (cx + knob_r * math.cos(a), cy - knob_r * math.sin(a))

        def react(a, b) -> None:
            if math.dist(a, knob()) > 30 * u:
                return
            dial["deg"] = math.degrees(math.atan2(-(b[1] - cy), b[0] - cx)) % 360
            state.setdefault("turns", []).append(round(dial["deg"], 1))
            draw()
            if abs((dial["deg"] - target + 180) % 360 - 180) <= TUNE_DEG:
                root.after(800, finish)

    # ---------------------------------------------------------------- Submit Scan
    elif mode == "scan":
        scan = {"t0": time.monotonic()}

        def draw() -> None:
            scan["t0"] = time.monotonic()
            root.after(100, tick)

        def tick() -> None:
            if state["done"]:
                return
            p = (time.monotonic() - scan["t0"]) / SCAN_S
            if p >= 1.0:
                finish()
                return
            show(P.render_scan(W, H, seed, progress=p).image)
            root.after(250, tick)

        def interrupt() -> None:  # the player moved off the scanner: the scan starts again
            state["interrupted"] = state.get("interrupted", 0) + 1
            scan["t0"] = time.monotonic()

        def react(a, b) -> None:
            pass

    # ---------------------------------------------------------------- Fuel Engines, engine side
    elif mode == "fuelengine":
        r = P.render_fuel_engine(W, H, seed)
        bx, by = r.truth["button"]
        half = 65 * u
        tank = {"level": 0.0, "t": 0.0}

        def draw() -> None:
            show(P.render_fuel_engine(W, H, seed, level=tank["level"]).image)

        def fill() -> None:
            if state["done"] or not press.get("on_button") or not state["down"]:
                return
            now = time.monotonic()
            tank["level"] = min(1.0, tank["level"] + (now - tank["t"]) / FILL_S)
            tank["t"] = now
            state["level"] = round(tank["level"], 2)
            draw()
            if tank["level"] >= 1.0:
                root.after(300, finish)
            else:
                root.after(100, fill)

        def react(a, b) -> None:
            pass
    else:
        raise SystemExit(f"no imitation stand-in called {mode!r}")

    def on_down(e) -> None:
        state["down"] = True
        press.update(p=(e.x, e.y), t=time.monotonic())
        state["events"].append(["down", e.x, e.y])
        save()
        if state["done"] or frozen:
            return
        if mode == "scan":
            interrupt()
        if mode == "fuelengine" and abs(e.x - bx) <= half and abs(e.y - by) <= half:
            press["on_button"] = True
            tank["t"] = time.monotonic()
            root.after(100, fill)

    def on_up(e) -> None:
        state["down"] = False
        state["events"].append(["up", e.x, e.y])
        if mode == "fuelengine" and press.pop("on_button", False):
            tank["level"] = min(1.0, tank["level"] + (time.monotonic() - tank["t"]) / FILL_S)
            state["level"] = round(tank["level"], 2)
            if tank["level"] >= 1.0:
                root.after(300, finish)
        save()
        if not state["done"] and not frozen and "p" in press:
            react(press["p"], (e.x, e.y))
            save()

    def on_key(e) -> None:
        state["keys"].append(e.keysym)
        if mode == "scan" and not state["done"]:
            interrupt()
        save()

    label.bind("<ButtonPress-1>", on_down)
    label.bind("<ButtonRelease-1>", on_up)
    root.bind("<Key>", on_key)
    root.focus_force()
    if mode == "asteroids" and not frozen:
        show(P.render_asteroids(W, H, seed, at=[]).image)
    draw()
    root.after(100, save)
    root.mainloop()
