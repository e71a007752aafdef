"""Run a task panel: look, plan, act through an input backend, look again, retry once, give up cleanly.

The runner is the same for every panel: the recogniser says what is open and in what state, the
planner turns it into steps, and the steps are sent here in screen coordinates (`Frame.to_screen`).
After a wait-until it looks again and plans the rest; after the steps it captures to confirm the
panel moved on (closed, or a new state). A panel that does not move on gets one retry; a wrong
panel, a panel that cannot be read or a spent time budget ends the task with a reason, the panel
closed (Escape) and every button released, whatever happened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...perception.capture import Frame
from ...perception.panels import PanelState, read_panel
from ...perception.panels import distributor as _distributor
from ...perception.panels import reactor as _reactor
from ..input.base import InputBackend, InputError
from ..steps import Click, Drag, Hold, Key, Step, Type, WaitUntil, Watch
from .plans import NoPlan, plan
from .rules import Rules, rules_for

log = logging.getLogger(__name__)
Grab = Callable[[], Frame]
Peek = Callable[[tuple[int, int, int, int]], "np.ndarray"]  # a part of the screen, in a frame's image pixels


@dataclass(slots=True)
class TaskResult:
    ok: bool
    panel: str | None
    reason: str
    attempts: int = 0
    steps: list[Step] = field(default_factory=list)  # what was sent, in image pixels of its frame


class GiveUp(Exception):
    """The flow stops here; the message is the reason the agent records."""


class _Run:
    def __init__(self, grab: Grab, backend: InputBackend, rules: Rules, clock: Callable[[], float],
                 sleep: Callable[[float], None], peek: Peek | None = None) -> None:
        self.grab, self.backend, self.rules, self.peek = grab, backend, rules, peek
        self.clock, self.sleep = clock, sleep
        self.deadline = clock() + rules.budget_s
        self.sent: list[Step] = []

    # ---- time
    def left(self) -> float:
        return self.deadline - self.clock()

    def check_budget(self, what: str) -> None:
        if self.left() <= 0:
            raise GiveUp(f"time budget of {self.rules.budget_s:.0f} s spent ({what})")

    def pause(self, seconds: float) -> None:
        self.sleep(max(0.0, min(seconds, self.left())))

    # ---- conditions
    def holds(self, cond: str, frame: Frame, state: PanelState) -> bool:
        current = read_panel(frame.image, only=state.name)
        if cond == "closed":
            return current is None or current.name != state.name
        if current is None:
            return False
        if cond.startswith("aligned:"):
            i = int(cond.split(":", 1)[1])
            tol = self.rules.t("align_tolerance_deg", 20.0)
            return (current.name == _distributor.NAME and i < len(current.info.get("notch_deg", []))
                    and _distributor.aligned(current, i, tol))
        if cond == "card_in_slot":
            return current.state == "slot"
        return current.state == cond

    def wait_until(self, cond: str, seconds: float, state: PanelState) -> Frame | None:
        end = self.clock() + min(seconds, max(0.0, self.left()))
        while True:
            frame = self.grab()
            if self.holds(cond, frame, state):
                return frame
            if self.clock() >= end:
                return None
            self.pause(0.05)

    # ---- steps
    def do(self, step: Step, frame: Frame, state: PanelState) -> Frame | None:
        """Send one step; returns a fresh frame when the step ended by looking (a wait), else None."""
        self.check_budget(step.op)
        b, to = self.backend, frame.to_screen
        self.sent.append(step)
        if isinstance(step, Click):
            b.click(*to(*step.at))
            self.pause(self.rules.click_gap_s)
        elif isinstance(step, Drag):
            self._drag(step, frame, state)
        elif isinstance(step, Hold):
            b.mouse_down(*to(*step.at))
            try:
                if step.until:
                    if self.wait_until(step.until, step.seconds, state) is None and self.left() <= 0:
                        raise GiveUp(f"held for the whole budget and the panel did not report {step.until!r}")
                else:
                    self.pause(step.seconds)
            finally:
                b.mouse_up()
        elif isinstance(step, WaitUntil):
            if step.until.startswith("aligned:"):
                got = self._wait_aligned(int(step.until.split(":", 1)[1]), step.seconds, state)
            else:
                got = self.wait_until(step.until, step.seconds, state)
            if got is None:
                raise GiveUp(f"waited {step.seconds:.1f} s and the panel never reported {step.until!r}")
            return got
        elif isinstance(step, Watch):
            if not self._watch(step, frame):
                return self.grab()  # look again: the game replays the sequence
        elif isinstance(step, Key):
            b.key(step.key)
        elif isinstance(step, Type):
            b.type_text(step.text, interval=0.05)
        return None

    def _drag(self, step: Drag, frame: Frame, state: PanelState) -> None:
        b, to = self.backend, frame.to_screen
        pts = [to(*p) for p in step.path]
        lengths = [((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False)]
        total = sum(lengths) or 1.0
        b.mouse_down(*pts[0])
        try:
            start = self.clock()
            done = 0.0
            for (x0, y0), (x1, y1), seg in zip(pts, pts[1:], lengths, strict=False):
                n = max(2, int(seg / 12))
                for i in range(1, n + 1):
                    t = i / n
                    b.move_mouse(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t))
                    # pace by the clock so the whole path takes step.seconds however slow each move is
                    target = start + step.seconds * (done + seg * t) / total
                    self.sleep(max(0.0, target - self.clock()))
                done += seg
            if step.hold_end > 0:
                if step.until:
                    self.wait_until(step.until, step.hold_end, state)
                else:
                    self.pause(step.hold_end)
        finally:
            b.mouse_up()

    def _wait_aligned(self, i: int, seconds: float, state: PanelState) -> Frame | None:
        """Calibrate Distributor: return at the moment ring i's notch reaches the connector.

        Two looks give the ring's speed; the flow then sleeps until the predicted moment instead of
        pressing when it last saw the notch there (a look takes a while: the ring moves on).
        """
        tol = self.rules.t("align_tolerance_deg", 20.0)
        end = self.clock() + min(seconds, max(0.0, self.left()))
        prev: tuple[float, float] | None = None
        while self.clock() < end:
            t = self.clock()
            frame = self.grab()
            cur = read_panel(frame.image, only=state.name)
            a = cur.info["notch_deg"][i] if cur is not None and cur.name == _distributor.NAME else None
            if a is None:
                prev = None
                self.pause(0.05)
                continue
            if prev is not None and t > prev[0]:
                da = (a - prev[1] + 180) % 360 - 180
                w = da / (t - prev[0])  # degrees per second, counter-clockwise positive
                if abs(w) < 5:
                    if abs((a + 180) % 360 - 180) <= tol:
                        return frame  # a ring standing still at the connector
                else:
                    to_go = (-a) % 360 if w > 0 else a % 360  # degrees until the notch is at 0
                    hit = t + to_go / abs(w)
                    if hit - self.clock() < 0.8:
                        self.sleep(max(0.0, hit - self.clock() - 0.03))
                        return frame
            prev = (t, a)
            self.pause(0.05)
        return None

    def _look(self, box: tuple[int, int, int, int]) -> np.ndarray:
        if self.peek is not None:
            return self.peek(box)
        x0, y0, x1, y1 = box
        return self.grab().image[max(0, y0) : y1, max(0, x0) : x1]

    def _keypad_lit(self, step: Watch) -> bool:
        xs = [p[0] for p in step.buttons]
        ys = [p[1] for p in step.buttons]
        box = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
        img = self._look(box)
        if img.size == 0:
            return False
        vals = [float(img[min(img.shape[0] - 1, y - box[1]), min(img.shape[1] - 1, x - box[0])].mean())
                for x, y in step.buttons]
        return float(np.mean(vals)) > 150

    def _watch(self, step: Watch, frame: Frame) -> bool:
        """Record the flashes on the watched grid until the keypad lights up, then press the same cells.

        `count` (the round, from the lamps) is what is expected; when fewer flashes were seen (the
        sequence began before the flow looked) one key is pressed, which the game takes as a
        mistake and answers by playing the sequence from the start, and watching goes on.
        """
        rows, cols = step.grid
        if (rows, cols) != (3, 3):
            raise GiveUp(f"no reader for a {rows} x {cols} grid")
        x0, y0, x1, y1 = step.region
        seen: list[int] = []
        last: int | None = None
        expect: int | None = step.count
        end = self.clock() + min(step.seconds, max(0.0, self.left()))
        while True:
            if self.clock() >= end:
                raise GiveUp(f"saw {len(seen)} of {expect or '?'} flashes in {step.seconds:.0f} s")
            cell = _reactor.flash_cell(self._look(step.region), (0, 0, x1 - x0, y1 - y0))
            if cell is not None and cell != last:
                seen.append(cell)
            last = cell
            if cell is None and self._keypad_lit(step):
                if seen and (expect is None or len(seen) >= expect):
                    break
                log.info("Start Reactor: sequence missed (%d seen); asking for a replay", len(seen))
                self.backend.click(*frame.to_screen(*step.buttons[len(step.buttons) // 2]))
                seen, last, expect = [], None, None
                end = self.clock() + min(step.seconds, max(0.0, self.left()))
                self.pause(self.rules.t("press_gap_s", 0.35))
                continue
            self.sleep(0.02)
        for cell in seen:
            self.check_budget("repeating the sequence")
            self.backend.click(*frame.to_screen(*step.buttons[cell]))
            self.pause(self.rules.t("press_gap_s", 0.35))
        return True


def _signature(state: PanelState) -> tuple:
    """What the panel shows, coarsely: a change means the last steps made progress."""
    return (state.state, repr(sorted((k, v) for k, v in state.info.items()
                                     if k in ("round", "lit", "done", "pressed", "progress"))),
            len(state.points.get("red", [])), len(state.points.get("off", [])))


def run_task(grab: Grab, backend: InputBackend, *, expect: str | None = None,
             clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
             budget_s: float | None = None, peek: Peek | None = None) -> TaskResult:
    """Do the task whose panel is open; `expect` names the panel the agent meant to open.

    `peek` (e.g. `ScreenCapture.grab_part`) reads a part of the screen cheaply, for panels that
    must be watched closely (Start Reactor's flashes); without it whole frames are grabbed.
    """
    frame = grab()
    state = read_panel(frame.image)
    if state is None:
        return TaskResult(False, None, "no task panel this agent knows is on screen")
    rules = rules_for(state.name)
    if budget_s is not None:
        rules.budget_s = budget_s
    run = _Run(grab, backend, rules, clock, sleep, peek)
    attempts = 0
    try:
        if expect is not None and state.name != expect:
            raise GiveUp(f"wrong panel: {state.name} is open, expected {expect}")
        failures = 0
        while True:
            run.check_budget("planning")
            try:
                steps = plan(state, rules)
            except NoPlan as exc:
                raise GiveUp(str(exc)) from None
            if not steps:
                if state.state == "done":
                    return TaskResult(True, state.name, "panel shows the task done", attempts, run.sent)
                raise GiveUp(f"nothing to do on the {state.name} panel in state {state.state!r}")
            attempts += 1
            before = _signature(state)
            looked, replanned = None, False
            for step in steps:
                looked = run.do(step, frame, state)
                if looked is not None:
                    frame = looked
                    if isinstance(step, Watch) or (isinstance(step, WaitUntil) and step.replan):
                        replanned = True
                        break  # the panel moved things: look again and plan the rest
            if looked is None:
                run.pause(rules.settle_s)
                frame = grab()
            new = read_panel(frame.image, only=state.name)
            for _ in range(3):  # a slow frame: give the game a few more moments to show the change
                if new is None or replanned or _signature(new) != before or run.left() <= rules.settle_s:
                    break
                run.pause(rules.settle_s)
                frame = grab()
                new = read_panel(frame.image, only=state.name)
            if new is None:  # closed, or a passing frame (a flash, an animation): look once more to be sure
                run.pause(rules.settle_s)
                frame = grab()
                new = read_panel(frame.image, only=state.name)
            if new is None or new.name != state.name:
                return TaskResult(True, state.name, "panel closed", attempts, run.sent)
            if not replanned and _signature(new) == before:
                failures += 1
                if failures > rules.retries:
                    raise GiveUp(f"the {state.name} panel did not react to {attempts} tries")
                log.info("%s: no change after the steps, retrying", state.name)
            state = new
    except GiveUp as exc:
        _close(backend)
        return TaskResult(False, state.name, str(exc), attempts, run.sent)
    except InputError as exc:
        _close(backend)
        return TaskResult(False, state.name, f"input failed: {exc}", attempts, run.sent)
    finally:
        backend.release_all()


def _close(backend: InputBackend) -> None:
    """Let go of everything and close the panel (Escape closes task panels in the game)."""
    backend.release_all()
    try:
        backend.key("escape")
    except InputError as exc:
        log.warning("could not close the panel: %s", exc)
