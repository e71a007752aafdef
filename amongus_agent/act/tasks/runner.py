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
        self.press_lag = 0.0  # how late a timed press lands, learnt from where the last calibrated ring stopped

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
                ring = self._ring_box(int(step.until.split(":", 1)[1]), frame, state)
                end = self.clock() + min(step.seconds, max(0.0, self.left()))
                got = self.grab() if self._await_notch(ring, end, []) else None
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

    # ---- Calibrate Distributor: a press timed to a turning ring
    def _ring_box(self, i: int, frame: Frame, state: PanelState) -> tuple[tuple[int, int, int, int], tuple[float, float], float]:
        """The square of ring i (frame pixels), the ring's centre in that square, and its radius."""
        rings, radii = state.points.get("rings", []), state.info.get("ring_radius", [])
        if i >= len(rings) or i >= len(radii):
            raise GiveUp(f"ring {i + 1} of the {state.name} panel was not seen")
        (cx, cy), r = rings[i], float(radii[i])
        m = round(1.1 * r)
        h, w = frame.image.shape[:2]
        box = (max(0, cx - m), max(0, cy - m), min(w, cx + m), min(h, cy + m))
        return box, (cx - box[0], cy - box[1]), r

    def _notch_now(self, ring: tuple) -> tuple[float, float | None]:
        """One cheap look at a ring: (the moment it was captured, the notch angle or None)."""
        box, centre, r = ring
        t0 = self.clock()
        img = self._look(box)
        t1 = self.clock()
        return (t0 + t1) / 2, _distributor.notch_in(img, centre, r)

    def _ring_speed(self, samples: list[tuple[float, float]]) -> float | None:
        """Degrees per second (counter-clockwise positive) from timed looks: the median of pairwise slopes,
        so one misread look or one late capture does not throw the estimate."""
        if len(samples) < 3 or samples[-1][0] - samples[0][0] < self.rules.t("speed_span_s", 0.25):
            return None
        slopes = [(a2 - a1) / (t2 - t1) for k, (t1, a1) in enumerate(samples) for t2, a2 in samples[k + 1 :]
                  if t2 - t1 > 0.02]
        return float(np.median(slopes)) if slopes else None

    def _await_notch(self, ring: tuple, end: float, samples: list[tuple[float, float]]) -> bool:
        """Sleep until the notch of `ring` is predicted at the connector (angle 0); False when `end` comes first.

        The notch's angle and the ring's speed come from timed looks at the ring alone (cheap); the moment
        is computed from when each look was captured, not from when it was read, so a slow look on a
        loaded machine costs accuracy only through the speed estimate. `samples` (time, unwrapped angle)
        are the looks so far; the caller decides whether they carry over to the next pass.
        """
        tol = self.rules.t("align_tolerance_deg", 20.0)
        lead = self.rules.t("press_lead_s", 0.02) + self.press_lag
        loop = 0.05
        while self.clock() < end:
            started = self.clock()
            t, a = self._notch_now(ring)
            if a is None:
                self.pause(0.03)
                continue
            if samples:
                a = samples[-1][1] + ((a - samples[-1][1] + 180) % 360 - 180)  # unwrap: looks are < half a turn apart
            samples.append((t, a))
            del samples[:-10]
            w = self._ring_speed(samples)
            loop = 0.7 * loop + 0.3 * (self.clock() - started)
            if w is None:
                self.pause(0.03)
                continue
            now = self.clock()
            a_now = samples[-1][1] + w * (now - t)
            if abs(w) < self.rules.t("still_deg_s", 5.0):
                if abs((a_now + 180) % 360 - 180) <= tol:
                    return True  # a ring standing still at the connector
                self.pause(0.05)
                continue
            to_go = (-a_now) % 360 if w > 0 else a_now % 360
            eta = to_go / abs(w)
            if eta <= max(0.25, 3 * loop) + max(0.0, lead):  # the next look might come too late: commit to this pass
                if now + eta > end:
                    return False
                self.sleep(max(0.0, eta - lead))
                return True
            self.pause(min(0.05, eta / 4))
        return False

    def _ring_stopped(self, ring: tuple, speed: float) -> tuple[bool | None, float | None]:
        """After a press: has the ring stopped turning (the game stops a calibrated ring)? None: not seen.
        Also the notch's angle where it stopped.

        A few looks a moment apart: the game may show the press a frame or two late, so the first pair
        can still show the ring moving; two looks in a row at the same angle say it stopped.
        """
        gap = self.rules.t("verify_gap_s", 0.12)
        looks = int(self.rules.t("verify_looks", 5))
        prev: tuple[float, float | None] | None = None
        seen = False
        for _ in range(looks):
            self.pause(gap)
            t, a = self._notch_now(ring)
            if a is not None and prev is not None and prev[1] is not None and t > prev[0]:
                seen = True
                moved = abs((a - prev[1] + 180) % 360 - 180)
                if moved < max(1.5, 0.3 * abs(speed) * (t - prev[0])):
                    return True, a
            prev = (t, a)
        return (False if seen else None), None

    def press_when_aligned(self, wait: WaitUntil, click: Click, frame: Frame, state: PanelState) -> None:
        """Press ring i's button at the moment its notch meets the connector, check the ring stopped, and
        press again on a later pass when it did not, while the wait's time lasts."""
        i = int(wait.until.split(":", 1)[1])
        ring = self._ring_box(i, frame, state)
        start = self.clock()
        end = start + min(wait.seconds, max(0.0, self.left()))
        samples: list[tuple[float, float]] = []
        presses = 0
        while True:
            self.check_budget(f"timing ring {i + 1}")
            if not self._await_notch(ring, end, samples):
                spent = self.clock() - start
                if not samples:
                    raise GiveUp(f"ring {i + 1}'s notch was not seen for {spent:.1f} s")
                raise GiveUp(f"ring {i + 1} was pressed {presses} times in {spent:.1f} s and never stopped"
                             if presses else f"ring {i + 1}'s notch never reached the connector in {spent:.1f} s")
            self.sent.append(click)
            self.backend.click(*frame.to_screen(*click.at))
            presses += 1
            speed = self._ring_speed(samples) or 0.0
            if abs(speed) < self.rules.t("still_deg_s", 5.0):
                return  # a still ring: nothing to watch stop; the panel's read after the steps confirms
            stopped, at = self._ring_stopped(ring, speed)
            if stopped and at is not None:
                # where the ring stopped says how late the press landed (capture, display and input lag of
                # this machine and game): press that much earlier for the next ring
                late = ((at + 180) % 360 - 180) / speed
                self.press_lag = min(0.5, max(-0.2, self.press_lag + late))
                log.info("%s: ring %d stopped at %.1f deg; presses land %.3f s late", state.name, i + 1, at,
                         self.press_lag)
            if stopped is not False:
                return
            log.info("%s: ring %d still turns after press %d; waiting for the next pass", state.name, i + 1, presses)
            samples.clear()  # fresh looks: the ring may have jumped while pressed

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


def _timed_click(step: Step, nxt: Step) -> bool:
    """A wait for a moving part to line up followed by a click: one timed press (Calibrate Distributor)."""
    return isinstance(step, WaitUntil) and step.until.startswith("aligned:") and isinstance(nxt, Click)


def _signature(state: PanelState) -> tuple:
    """What the panel shows, coarsely: a change means the last steps made progress."""
    return (state.state, repr(sorted((k, v) for k, v in state.info.items()
                                     if k in ("round", "lit", "up", "done", "pressed", "progress"))),
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
                if state.state == "done":  # the game closes a finished panel a moment later: let it
                    for _ in range(3):
                        run.pause(rules.settle_s)
                        if read_panel(grab().image, only=state.name) is None:
                            return TaskResult(True, state.name, "panel shows the task done; it closed", attempts,
                                              run.sent)
                    return TaskResult(True, state.name, "panel shows the task done", attempts, run.sent)
                raise GiveUp(f"nothing to do on the {state.name} panel in state {state.state!r}")
            attempts += 1
            before = _signature(state)
            looked, replanned = None, False
            for k, step in enumerate(steps):
                if k and _timed_click(steps[k - 1], step):
                    continue  # pressed with its wait
                if k + 1 < len(steps) and _timed_click(step, steps[k + 1]):
                    run.check_budget(step.op)
                    run.sent.append(step)
                    run.press_when_aligned(step, steps[k + 1], frame, state)
                    looked = None
                    continue
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
            for _ in range(3 if rules.t("confirm_settled", 0.0) > 0 else 0):
                # a toggling panel (Fix Lights): plan the rest from a settled picture, never from one the game
                # has half redrawn, or a switch already flipped would be flipped back
                if new is None or replanned or _signature(new) == before or run.left() <= rules.settle_s:
                    break
                run.pause(rules.settle_s)
                frame = grab()
                again = read_panel(frame.image, only=state.name)
                settled = again is not None and _signature(again) == _signature(new)
                new = again
                if settled:
                    break
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
