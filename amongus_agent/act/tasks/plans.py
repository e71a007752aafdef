"""One planner per panel: what the panel shows (`PanelState`) -> the steps that do the task.

Plans are in the image's pixels and read like the task's rules: "click the cells 1..10 in order",
"drag the card through the slot in 0.9 s", "hold the lever down until the chute is empty". Timing
comes from `tasks/panels.json` (`Rules`). A plan covers the current state up to the next thing to
wait for; the flow looks again after a wait and plans the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ...perception.panels import PanelState
from ..steps import Click, Drag, Hold, Step, WaitUntil, Watch
from .rules import Rules, rules_for


class NoPlan(Exception):
    """The panel is recognised but its state leaves nothing sensible to do (the reason says why)."""


def _manifolds(s: PanelState, r: Rules) -> list[Step]:
    cells = s.points["cells"]
    pressed = s.info.get("pressed", [False] * len(cells))
    todo = [c for c, p in zip(cells, pressed, strict=True) if not p]
    if any(pressed) and not all(pressed[: len(cells) - len(todo)]):
        todo = cells  # pressed out of order: the game resets anyway, start from 1
    return [Click(at=c) for c in todo]


def _swipe(s: PanelState, r: Rules) -> list[Step]:
    drag = Drag(path=[s.points["slot_start"], s.points["slot_end"]], seconds=r.t("swipe_s", 0.9))
    if s.state == "wallet":
        return [Click(at=s.points["card"]),
                WaitUntil(until="card_in_slot", seconds=r.t("insert_wait_s", 0.8) + 2.0, replan=True), drag]
    return [Drag(path=[s.points["card"], s.points["slot_end"]], seconds=r.t("swipe_s", 0.9))]


def _start_reactor(s: PanelState, r: Rules) -> list[Step]:
    return [Watch(region=s.points["screen"], grid=(3, 3), count=int(s.info["round"]), buttons=s.points["buttons"],
                  seconds=r.t("watch_s", 12.0))]


def _meltdown(s: PanelState, r: Rules) -> list[Step]:
    return [Hold(at=s.points["hand"], seconds=r.t("hold_s", 40.0), until="closed")]


def _engine(s: PanelState, r: Rules) -> list[Step]:
    if s.state == "done":
        return []
    return [Drag(path=[s.points["arrow"], s.points["target"]], seconds=r.t("drag_s", 0.6))]


def _distributor(s: PanelState, r: Rules) -> list[Step]:
    steps: list[Step] = []
    for i, (btn, done) in enumerate(zip(s.points["buttons"], s.info["done"], strict=True)):
        if not done:
            steps += [WaitUntil(until=f"aligned:{i}", seconds=r.t("align_wait_s", 8.0)), Click(at=btn)]
    return steps


def _chart(s: PanelState, r: Rules) -> list[Step]:
    return [Drag(path=[s.points["ship"], *s.points["waypoints"]], seconds=r.t("drag_s", 1.6))]


def _divert(s: PanelState, r: Rules) -> list[Step]:
    if s.state == "done":
        return []
    return [Drag(path=[s.points["slider"], s.points["top"]], seconds=r.t("drag_s", 0.4))]


def _accept(s: PanelState, r: Rules) -> list[Step]:
    return [Click(at=s.points["fuse"])]


def _data(s: PanelState, r: Rules) -> list[Step]:
    if s.state != "ready":
        return [WaitUntil(until="closed", seconds=r.t("transfer_s", 9.0) + 3.0)]
    return [Click(at=s.points["button"]), WaitUntil(until="closed", seconds=r.t("transfer_s", 9.0) + 3.0)]


def _garbage(s: PanelState, r: Rules) -> list[Step]:
    return [Drag(path=[s.points["handle"], s.points["bottom"]], seconds=r.t("pull_s", 0.4), hold_end=r.t("hold_s", 3.0),
                 until="closed")]


def _fuel(s: PanelState, r: Rules) -> list[Step]:
    return [Hold(at=s.points["button"], seconds=r.t("hold_s", 4.0), until="closed")]


def _sample(s: PanelState, r: Rules) -> list[Step]:
    if s.state == "start":
        return [Click(at=s.points["start"]), WaitUntil(until="select", seconds=r.t("analysis_s", 62.0), replan=True)]
    if s.state == "select":
        return [Click(at=s.points["anomaly"])]
    return [WaitUntil(until="select", seconds=r.t("analysis_s", 62.0))]


def _shields(s: PanelState, r: Rules) -> list[Step]:
    return [Click(at=p) for p in s.points["red"]]


def _steering(s: PanelState, r: Rules) -> list[Step]:
    if s.state == "done":
        return []
    return [Drag(path=[s.points["reticle"], s.points["centre"]], seconds=r.t("drag_s", 0.4))]


def _lights(s: PanelState, r: Rules) -> list[Step]:
    return [Click(at=p) for p in s.points["off"]]


def _wiring(s: PanelState, r: Rules) -> list[Step]:
    return [Drag(path=[a, b], seconds=r.t("drag_s", 0.35)) for a, b, _ in s.points["pairs"]]


def _o2_filter(s: PanelState, r: Rules) -> list[Step]:
    return [Drag(path=[leaf, s.points["intake"]], seconds=r.t("drag_s", 0.5)) for leaf in s.points["leaves"]]


def _asteroids(s: PanelState, r: Rules) -> list[Step]:
    if not s.points["rocks"]:
        return [WaitUntil(until="ready", seconds=r.t("next_rock_s", 3.0))]  # the next rock drifts in
    # rocks fly: click only the first few of a look, then look again where they have gone
    return [Click(at=p) for p in s.points["rocks"][: int(r.t("clicks_per_look", 2))]]


def _keypad(s: PanelState, r: Rules) -> list[Step]:
    code = s.info.get("code")
    if not code:
        raise NoPlan("the code on the note cannot be read")
    keys = s.points["keys"]
    return [Click(at=keys["X"])] + [Click(at=keys[d]) for d in code] + [Click(at=keys["OK"])]


def _comms(s: PanelState, r: Rules) -> list[Step]:
    if s.state == "tuned":
        return [WaitUntil(until="closed", seconds=3.0)]
    # sweep: turn the knob one step further round the dial; the flow looks after each step
    cx, cy = s.points["centre"]
    rad = float(s.info["radius"])
    a0 = math.radians(float(s.info["angle"]))
    turn = math.radians(360.0 / r.t("steps", 12))
    path = [(round(cx + rad * math.cos(a0 + turn * t)), round(cy - rad * math.sin(a0 + turn * t))) for t in (0, 0.5, 1)]
    return [Drag(path=path, seconds=r.t("turn_s", 0.8))]


def _scan(s: PanelState, r: Rules) -> list[Step]:
    return [WaitUntil(until="closed", seconds=r.t("scan_s", 10.0) + 3.0)]  # stand still: no input at all


PLANNERS: dict[str, Callable[[PanelState, Rules], list[Step]]] = {
    "Unlock Manifolds": _manifolds,
    "Swipe Card": _swipe,
    "Start Reactor": _start_reactor,
    "Reactor Meltdown": _meltdown,
    "Align Engine Output": _engine,
    "Calibrate Distributor": _distributor,
    "Chart Course": _chart,
    "Divert Power": _divert,
    "Accept Diverted Power": _accept,
    "Download Data": _data,
    "Upload Data": _data,
    "Empty Garbage": _garbage,
    "Fuel Engines": _fuel,
    "Inspect Sample": _sample,
    "Prime Shields": _shields,
    "Stabilize Steering": _steering,
    "Fix Lights": _lights,
    "Fix Wiring": _wiring,
    "Clean O2 Filter": _o2_filter,
    "Clear Asteroids": _asteroids,
    "O2 Keypad": _keypad,
    "Comms Dial": _comms,
    "Submit Scan": _scan,
}


def register(name: str, planner: Callable[[PanelState, Rules], list[Step]]) -> None:
    PLANNERS[name] = planner


def plan(state: PanelState, rules: Rules | None = None) -> list[Step]:
    """The steps for this panel state (image pixels)."""
    try:
        planner = PLANNERS[state.name]
    except KeyError:
        raise NoPlan(f"no planner for the {state.name} panel") from None
    return planner(state, rules or rules_for(state.name))
