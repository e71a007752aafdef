#!/usr/bin/env python3
"""Build `maps/skeld.json` and `tasks/skeld.json` from the reference facts in `../shared/reference/skeld/`.

Run it again when the reference data changes; the outputs are committed so the harness never needs
the reference folder at run time. What the references do not give is filled in here, by hand, and
marked `estimated` in the output: room rectangles, the emergency button, the second reactor and
oxygen panels, the comms panel, the spawn ring, and typical task durations.

    python scripts/build_skeld.py [--reference DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from amongus_agent.world.schema import MapFile, TaskFile  # noqa: E402

CORRIDOR_HALF_WIDTH = 0.5

# Rooms and named hallways as rectangles (x0, y0, x1, y1), read off the walked graph and the door
# positions. Order matters where rectangles touch: the first region listed wins a shared edge.
REGIONS: list[tuple[str, str, list[tuple[float, float, float, float]]]] = [
    ("Upper Engine", "room", [(-20.5, -2.13, -14.6, 3.5)]),
    ("Reactor", "room", [(-23.5, -9.5, -19.8, -1.5)]),
    ("Security", "room", [(-15.8, -7.6, -11.8, -3.0)]),
    ("Lower Engine", "room", [(-20.5, -14.5, -14.6, -9.0)]),
    ("MedBay", "room", [(-11.3, -6.2, -6.2, -0.6)]),
    ("Oxygen", "room", [(4.6, -4.5, 8.8, -2.4)]),
    ("Cafeteria", "room", [(-6.4, -5.0, 5.15, 5.6)]),
    ("Weapons", "room", [(7.6, 0.0, 12.2, 4.5)]),
    ("Navigation", "room", [(14.2, -7.2, 19.5, -2.4)]),
    ("Shields", "room", [(7.0, -16.0, 12.0, -10.0)]),
    ("Communications", "room", [(2.6, -17.8, 7.0, -13.8)]),
    ("Storage", "room", [(-5.3, -17.8, 1.2, -8.56)]),
    ("Admin", "room", [(0.6, -10.8, 7.0, -6.0)]),
    ("Electrical", "room", [(-10.6, -13.42, -5.0, -7.4)]),
    ("Upper Hallway", "hallway", [(-14.6, -0.6, -6.4, 2.2)]),
    ("Engine Hallway", "hallway", [(-19.8, -9.0, -15.8, -2.13), (-15.8, -9.0, -14.6, -7.6)]),
    ("Lower Hallway", "hallway", [(-14.6, -16.0, -5.3, -13.42), (-14.6, -13.42, -10.6, -9.0)]),
    ("Central Hallway", "hallway", [(-1.6, -8.56, 0.6, -5.0), (-5.0, -10.0, -1.6, -8.56)]),
    ("Weapons Hallway", "hallway", [(5.15, -0.6, 7.6, 2.2)]),
    ("East Hallway", "hallway", [(8.8, -10.0, 14.2, 0.0), (12.2, 0.0, 14.2, 2.0)]),
    ("South Hallway", "hallway", [(1.2, -13.8, 7.0, -10.8)]),
]

REGION_NAMES = {name for name, _kind, _rects in REGIONS}

# Room names as the game data spells them -> ours.
ROOM_ALIASES = {
    "Nav": "Navigation", "LifeSupp": "Oxygen", "LowerEngine": "Lower Engine",
    "UpperEngine": "Upper Engine", "Comms": "Communications",
}

# name -> (kind, visual, distinct rooms, [(step label, duration s, wait before s, reference task, rooms or None=all)])
TASKS = {
    "Swipe Card": ("common", False, False, [("Swipe Card", 3.0, 0, "Swipe Card", None)]),
    "Fix Wiring": ("common", False, True, [("Fix Wiring", 3.0, 0, "Fix Wiring", None)] * 3),
    "Clear Asteroids": ("long", True, False, [("Clear Asteroids", 15.0, 0, "Clear Asteroids", None)]),
    "Submit Scan": ("long", True, False, [("Submit Scan", 10.0, 0, "Submit Scan", None)]),
    "Inspect Sample": ("long", False, False, [
        ("Start Analysis", 2.0, 0, "Inspect Sample", None),
        ("Select Sample", 2.0, 60.0, "Inspect Sample", None)]),
    "Fuel Engines": ("long", False, False, [
        ("Fill Gas Can", 3.0, 0, "Fuel Engines", ["Storage"]),
        ("Fuel Upper Engine", 3.0, 0, "Fuel Engines", ["Upper Engine"]),
        ("Fill Gas Can", 3.0, 0, "Fuel Engines", ["Storage"]),
        ("Fuel Lower Engine", 3.0, 0, "Fuel Engines", ["Lower Engine"])]),
    "Start Reactor": ("long", False, False, [("Start Reactor", 15.0, 0, "Start Reactor", None)]),
    "Empty Chute": ("long", True, False, [
        ("Empty Chute", 3.0, 0, "Empty Chute", ["Oxygen"]),
        ("Empty Chute", 3.0, 0, "Empty Chute", ["Storage"])]),
    "Empty Garbage": ("long", True, False, [
        ("Empty Garbage", 3.0, 0, "Empty Garbage", ["Cafeteria"]),
        ("Empty Garbage", 3.0, 0, "Empty Garbage", ["Storage"])]),
    "Align Engine Output": ("long", False, False, [
        ("Align Upper Engine", 2.0, 0, "Align Engine Output", ["Upper Engine"]),
        ("Align Lower Engine", 2.0, 0, "Align Engine Output", ["Lower Engine"])]),
    "Upload Data": ("short", False, False, [
        ("Download Data", 9.0, 0, "Upload Data",
         ["Cafeteria", "Communications", "Electrical", "Navigation", "Weapons"]),
        ("Upload Data", 9.0, 0, "Upload Data", ["Admin"])]),
    "Calibrate Distributor": ("short", False, False, [("Calibrate Distributor", 6.0, 0, "Calibrate Distributor", None)]),
    "Chart Course": ("short", False, False, [("Chart Course", 4.0, 0, "Chart Course", None)]),
    "Clean O2 Filter": ("short", False, False, [("Clean O2 Filter", 5.0, 0, "Clean O2 Filter", None)]),
    "Unlock Manifolds": ("short", False, False, [("Unlock Manifolds", 4.0, 0, "Unlock Manifolds", None)]),
    "Stabilize Steering": ("short", False, False, [("Stabilize Steering", 2.0, 0, "Stabilize Steering", None)]),
    "Prime Shields": ("short", True, False, [("Prime Shields", 2.0, 0, "Prime Shields", None)]),
    "Divert Power": ("short", False, False, [
        ("Divert Power", 2.0, 0, "Divert Power", ["Electrical"]),
        ("Accept Diverted Power", 1.0, 0, "Divert Power",
         ["Communications", "Lower Engine", "Navigation", "Oxygen", "Security", "Shields", "Upper Engine", "Weapons"])]),
    "Vent Cleaning": ("short", False, False, [("Clean Vent", 4.0, 0, "Vent Cleaning", None)]),
}

# Console type names in game_data.json -> our task names.
CONSOLE_TASKS = {
    "SwipeCard": "Swipe Card", "FixWiring": "Fix Wiring", "ClearAsteroids": "Clear Asteroids",
    "AlignEngineOutput": "Align Engine Output", "SubmitScan": "Submit Scan", "InspectSample": "Inspect Sample",
    "StartReactor": "Start Reactor", "UploadData": "Upload Data", "CalibrateDistributor": "Calibrate Distributor",
    "CleanO2Filter": "Clean O2 Filter", "UnlockManifolds": "Unlock Manifolds", "StabilizeSteering": "Stabilize Steering",
    "PrimeShields": "Prime Shields", "DivertPower": "Divert Power", "VentCleaning": "Vent Cleaning",
}

BUTTON_CONSOLE = (-0.72, 0.62)  # table centre, also the spawn centre (ShipStatus.MeetingSpawnCenter)
SPAWN_RADIUS = 1.55
SPAWN_POINTS = 10


def in_rect(p, r) -> bool:
    return r[0] <= p[0] <= r[2] and r[1] <= p[1] <= r[3]


def region_of(p) -> str | None:
    for name, _kind, rects in REGIONS:
        if any(in_rect(p, r) for r in rects):
            return name
    return None


class GraphBuilder:
    def __init__(self, nodes, edges) -> None:
        self.nodes = [tuple(round(float(c), 4) for c in n) for n in nodes]
        self.edges = {tuple(sorted(e)) for e in edges}

    def nearest(self, p, k: int = 1, exclude: set[int] = frozenset()):
        arr = np.asarray(self.nodes)
        d = np.hypot(arr[:, 0] - p[0], arr[:, 1] - p[1])
        order = [int(i) for i in np.argsort(d) if int(i) not in exclude]
        return [(i, float(d[i])) for i in order[:k]]

    def attach(self, p, max_link: float = 1.6) -> int:
        """Add `p` as a node (or reuse one within 1 cm) linked to its nearest walked node(s)."""
        p = (round(float(p[0]), 4), round(float(p[1]), 4))
        (i, d), = self.nearest(p)
        if d < 0.01:
            return i
        if d > max_link:
            raise SystemExit(f"point {p} is {d:.2f} units from the walked graph; fix the reference or the builder")
        self.nodes.append(p)
        new = len(self.nodes) - 1
        self.edges.add((i, new))
        # a second link when it is as close as a walked edge, so a spot is not a dead end
        for j, dj in self.nearest(p, k=2, exclude={i, new})[:1]:
            if dj < 0.9:
                self.edges.add(tuple(sorted((j, new))))
        return new


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference" / "skeld")
    args = ap.parse_args()
    ref = args.reference
    walk = json.loads((ref / "walk_graph.json").read_text())
    spots = json.loads((ref / "task_spots.json").read_text())["spots"]
    game = json.loads((ref / "game_data.json").read_text())

    g = GraphBuilder(walk["nodes"], walk["edges"])

    def loc(task: str, ref_room: str, where: str = "") -> dict:
        spot = spots[task][ref_room]
        g.attach(spot)
        room = region_of(spot)
        plain = ref_room.split("(")[0]
        if room is None or (plain in REGION_NAMES and room != plain):
            raise SystemExit(f"{task} at {ref_room} {spot} lies in region {room}")
        console = spot
        for c in game["consoles"]:
            if CONSOLE_TASKS.get(c["task"]) == task and ROOM_ALIASES.get(c["room"], c["room"]) == room:
                if math.dist(c["position"], spot) < 1.5:
                    console = c["position"]
        return {"room": room, "spot": [round(spot[0], 4), round(spot[1], 4)],
                "console": [round(console[0], 4), round(console[1], 4)], **({"where": where} if where else {})}

    tasks = []
    for name, (kind, visual, distinct, steps) in TASKS.items():
        out_steps = []
        for label, duration, wait, ref_task, rooms in steps:
            options = []
            for ref_room in spots[ref_task]:
                plain = ref_room.split("(")[0]
                if rooms is not None and plain not in rooms:
                    continue
                where = ""
                if "(" in ref_room:  # "Reactor(-22/-3)": two vents in one room
                    where = "upper vent" if ref_room.endswith("-3)") else "lower vent"
                options.append(loc(ref_task, ref_room, where))
            out_steps.append({"label": label, "duration_s": duration, "wait_before_s": wait, "options": options})
        tasks.append({"name": name, "kind": kind, "visual": visual, "distinct_rooms": distinct, "steps": out_steps})

    def fix_panel(point, estimated_room: str) -> dict:
        (i, _), = g.nearest(point)
        spot = g.nodes[i]
        room = region_of(spot)
        assert room == estimated_room, (point, room)
        return {"room": room, "spot": list(spot), "console": list(spot)}

    sabotage_fixes = [
        {"kind": "lights", "label": "Fix Lights", "panels": [loc("Fix Lights", "Electrical")]},
        {"kind": "reactor", "label": "Reset Reactor",
         "panels": [loc("Reset Reactor", "Reactor", "upper panel"),
                    {**fix_panel((-21.3, -8.4), "Reactor"), "where": "lower panel"}],
         "estimated": True},
        {"kind": "oxygen", "label": "Restore Oxygen",
         "panels": [loc("Restore Oxygen", "Oxygen"), fix_panel((4.2, -10.1), "Admin")],
         "estimated": True},
        {"kind": "comms", "label": "Fix Communications", "panels": [fix_panel((4.0, -16.4), "Communications")],
         "estimated": True},
    ]

    vents = []
    for v in game["vents"]:
        g.attach(v["position"])
        vents.append({"id": v["id"], "name": v["name"], "position": [round(c, 4) for c in v["position"]],
                      "links": v["links"], "room": region_of(v["position"]) or "?"})
    doors = []
    for d in game["doors"]:
        g.attach(d["position"])
        doors.append({"id": d["id"], "room": ROOM_ALIASES.get(d["room"], d["room"]),
                      "position": [round(c, 4) for c in d["position"]]})

    # The button sits on the table; a player presses it from the table's edge, towards the nearest walk.
    (ni, nd), = g.nearest(BUTTON_CONSOLE)
    nx_, ny_ = g.nodes[ni]
    ux, uy = (nx_ - BUTTON_CONSOLE[0]) / nd, (ny_ - BUTTON_CONSOLE[1]) / nd
    button_spot = (BUTTON_CONSOLE[0] + 0.9 * ux, BUTTON_CONSOLE[1] + 0.9 * uy)
    g.attach(button_spot)
    spawn_points = []
    for k in range(SPAWN_POINTS):
        a = 2 * math.pi * k / SPAWN_POINTS + math.pi / 2
        p = (BUTTON_CONSOLE[0] + SPAWN_RADIUS * math.cos(a), BUTTON_CONSOLE[1] + SPAWN_RADIUS * math.sin(a))
        g.attach(p)
        spawn_points.append([round(p[0], 4), round(p[1], 4)])

    regions = []
    arr = np.asarray(g.nodes)
    for name, kind, rects in REGIONS:
        inside = [i for i, p in enumerate(g.nodes) if region_of(p) == name]
        if not inside:
            raise SystemExit(f"region {name} holds no walked node")
        first = rects[0]
        cx, cy = (first[0] + first[2]) / 2, (first[1] + first[3]) / 2
        best = min(inside, key=lambda i: math.hypot(arr[i, 0] - cx, arr[i, 1] - cy))
        anchor = list(g.nodes[best])
        if name == "Cafeteria":
            anchor = [round(button_spot[0], 4), round(button_spot[1], 4)]
        regions.append({"name": name, "kind": kind, "rects": [list(r) for r in rects], "anchor": anchor})

    lo = arr.min(axis=0) - 2.0
    hi = arr.max(axis=0) + 2.0
    map_out = {
        "version": 1, "name": "skeld", "display_name": "The Skeld", "units": "unity",
        "source": "built by scripts/build_skeld.py from the walked graph of TimShaw1/Among-Us-AI (MIT) "
                  "and SkeldJS game data; room rectangles, button, spawn ring estimated by hand",
        "corridor_half_width": CORRIDOR_HALF_WIDTH,
        "bounds": [round(float(lo[0]), 2), round(float(lo[1]), 2), round(float(hi[0]), 2), round(float(hi[1]), 2)],
        "nodes": [list(n) for n in g.nodes],
        "edges": sorted([list(e) for e in g.edges]),
        "regions": regions,
        "vents": vents,
        "doors": doors,
        "emergency_button": {"console": list(BUTTON_CONSOLE), "spot": [round(c, 4) for c in button_spot],
                             "estimated": True},
        "spawn": {"center": list(BUTTON_CONSOLE), "radius": SPAWN_RADIUS, "points": spawn_points},
    }
    task_out = {
        "version": 1, "map": "skeld",
        "source": "task spots from TimShaw1/Among-Us-AI (MIT), consoles and length classes from SkeldJS; "
                  "durations are typical times, estimated",
        "tasks": tasks,
        "sabotage_fixes": sabotage_fixes,
    }
    MapFile.model_validate(map_out)
    TaskFile.model_validate(task_out)
    (ROOT / "maps").mkdir(exist_ok=True)
    (ROOT / "tasks").mkdir(exist_ok=True)
    (ROOT / "maps" / "skeld.json").write_text(_dump(map_out))
    (ROOT / "tasks" / "skeld.json").write_text(_dump(task_out))
    print(f"maps/skeld.json: {len(g.nodes)} nodes, {len(g.edges)} edges, {len(regions)} regions")
    print(f"tasks/skeld.json: {len(tasks)} tasks, {len(sabotage_fixes)} sabotage fixes")


def _dump(obj) -> str:
    """Indented JSON with coordinate pairs kept on one line, so diffs of the data stay readable."""
    text = json.dumps(obj, indent=1)
    number_list = re.compile(r"\[\s*((?:-?[\d.]+,\s*)*-?[\d.]+)\s*\]")
    return number_list.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text) + "\n"


if __name__ == "__main__":
    main()
