"""The device actuator's hands on the screen: chat, votes and task panels, one at a time, off the agent's tick.

A screen flow captures, reads, clicks or drags, and looks again to confirm: a second or more of
work the agent's tick must not wait for (the body keeps standing at the console, the meeting goes
on). So the device actuator hands each flow to this worker: one thread, one queue, flows run in
the order asked. The capture is opened on that thread (mss handles are per thread).

- chat: `flows_live.send_chat` (click the chat's text box found on screen, type, Enter, confirmed
  when our bubble shows the text);
- vote: `flows_live.vote` (the plate of that colour, found by the voting reader, then confirm);
  while voting, the tablet and the chat take turns on the screen: `switch_key` (Tab in the screens
  window) shows the other one when the flow does not find what it needs;
- after the use key: watch the screen for a task panel for a moment; when one opens, solve it with
  its panel flow (`tasks.runner.run_task`; Fix Wiring's own solver when only that one reads it).
  The use key also presses buttons and opens nothing: then the flow ends quietly ("no panel").

Each outcome is counted (done, failed, retries: attempts beyond the first) and handed to the
caller's callback; `abort()` drops what is queued and stops the pointer at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..perception.capture import ScreenCapture
from ..perception.panels import read_panel
from ..perception.wires import solve_wiring
from . import flows_live
from .input.base import InputBackend, InputError
from .tasks.runner import run_task

log = logging.getLogger(__name__)
PANEL_WAIT_S = 2.0  # how long after the use key a task panel may take to open
PANEL_BUDGET_S = 90.0


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # chat | vote | panel
    ok: bool
    attempts: int
    reason: str
    what: str = ""  # the text, the colour, the panel's name
    started: float = 0.0  # wall clock (time.time()) when the flow's first input went out
    seconds: float = 0.0


Done = Callable[[Outcome], None]


class ScreenFlows:
    def __init__(self, open_capture: Callable[[], ScreenCapture], pointer: InputBackend, *,
                 panel_wait_s: float = PANEL_WAIT_S, panel_budget_s: float = PANEL_BUDGET_S,
                 chat_settle_s: float = 0.6, vote_settle_s: float = 0.5, switch_key: str | None = "tab") -> None:
        self._open_capture = open_capture
        self.pointer = pointer
        self.panel_wait_s = panel_wait_s
        self.panel_budget_s = panel_budget_s
        self.chat_settle_s = chat_settle_s
        self.vote_settle_s = vote_settle_s
        self.switch_key = switch_key
        # our own chat lines as a running chat reader has read them (the chat watcher), to confirm a chat
        # flow without OCR of its own; None: the flow reads the chat itself
        self.said: Callable[[], list[str]] | None = None
        self.done: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self.outcomes: list[Outcome] = []
        self.error: str | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._pending = 0  # asked for and not finished (or dropped)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._aborted = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="screen-flows")
        self._thread.start()

    # ---- asking for flows (from the agent's thread; never blocks)
    def chat(self, text: str, done: Done | None = None) -> bool:
        return self._put("chat", text, done)

    def vote(self, color: str, done: Done | None = None) -> bool:
        return self._put("vote", color, done)

    def after_use(self, done: Done | None = None) -> bool:
        return self._put("panel", "", done)

    def _put(self, kind: str, what: str, done: Done | None) -> bool:
        if self._aborted.is_set() or self._stop.is_set() or self.error is not None:
            return False
        with self._lock:
            self._pending += 1
        self._jobs.put((kind, what, done))
        return True

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def wait_idle(self, timeout: float) -> bool:
        """Block until every queued flow has finished (tests, benchmarks, the end of a game)."""
        end = time.monotonic() + timeout
        while self._pending:
            if time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    def stats(self) -> dict:
        return {"done": dict(self.done), "failed": dict(self.failed), "retries": dict(self.retries),
                "retries_total": sum(self.retries.values()), "error": self.error}

    def abort(self) -> None:
        """Drop every queued flow and stop the pointer now (a flow half-way stops at its next input)."""
        self._aborted.set()
        self._drain()
        self.pointer.abort()

    def close(self) -> None:
        self._stop.set()
        self._drain()
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _drain(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                self._finished()

    def _finished(self) -> None:
        with self._lock:
            self._pending = max(0, self._pending - 1)

    # ---- the worker
    def _run(self) -> None:
        try:
            cap = self._open_capture()
        except Exception as exc:  # noqa: BLE001 - no capture: every screen flow is refused from now on, with why
            self.error = f"no capture for screen flows: {exc}"
            log.warning("screen flows: %s", self.error)
            with self._lock:
                self._pending = 0
            return
        try:
            while not self._stop.is_set():
                job = self._jobs.get()
                if job is None:
                    break
                kind, what, done = job
                try:
                    outcome = self._do(cap, kind, what)
                except InputError as exc:
                    outcome = Outcome(kind, False, 0, f"input failed: {exc}", what)
                except Exception as exc:  # noqa: BLE001 - a flow's bug must not end the worker
                    log.exception("screen flow %s failed", kind)
                    outcome = Outcome(kind, False, 0, f"{type(exc).__name__}: {exc}", what)
                self._count(outcome)
                if done is not None:
                    try:
                        done(outcome)
                    except Exception:  # noqa: BLE001
                        log.exception("screen flow callback failed")
                self._finished()
        finally:
            cap.close()
            with self._lock:
                self._pending = 0

    def _count(self, o: Outcome) -> None:
        self.outcomes.append(o)
        del self.outcomes[:-500]
        if o.reason == "no panel":
            return  # the use key pressed a button, or the panel never came: nothing was tried
        (self.done if o.ok else self.failed)[o.kind] += 1
        if o.attempts > 1:
            self.retries[o.kind] += o.attempts - 1
        log.info("screen flow %s %r: %s (%s, %d attempt(s))", o.kind, o.what, "ok" if o.ok else "FAILED", o.reason,
                 o.attempts)

    def _do(self, cap: ScreenCapture, kind: str, what: str) -> Outcome:
        t0, w0 = time.monotonic(), time.time()
        switch = None if self.switch_key is None else (lambda: self.pointer.key(self.switch_key))
        if kind == "chat":
            r = flows_live.send_chat(cap.grab, self.pointer, what, settle=self.chat_settle_s, open_chat=switch,
                                     said=self.said)
            return Outcome(kind, r.ok, r.attempts, r.reason, what, w0, time.monotonic() - t0)
        if kind == "vote":
            r = flows_live.vote(cap.grab, self.pointer, what, settle=self.vote_settle_s, open_tablet=switch)
            return Outcome(kind, r.ok, r.attempts, r.reason, what, w0, time.monotonic() - t0)
        return self._panel(cap, t0, w0)

    def _panel(self, cap: ScreenCapture, t0: float, w0: float) -> Outcome:
        end = t0 + self.panel_wait_s
        while not self._aborted.is_set():
            frame = cap.grab()
            state = read_panel(frame.image)
            if state is not None:
                seen = [frame]  # the flow starts from the frame the panel was seen on: one reading, not two

                def grab(seen=seen):
                    return seen.pop() if seen else cap.grab()

                r = run_task(grab, self.pointer, budget_s=self.panel_budget_s, peek=cap.grab_part)
                return Outcome("panel", r.ok, r.attempts, r.reason, r.panel or state.name, w0, time.monotonic() - t0)
            if solve_wiring(frame.image) is not None:
                f = flows_live.fix_wiring(cap.grab, self.pointer)
                return Outcome("panel", f.ok, f.attempts, f.reason, "Fix Wiring", w0, time.monotonic() - t0)
            if time.monotonic() > end:
                break
            time.sleep(0.1)
        return Outcome("panel", False, 0, "no panel", "", w0, time.monotonic() - t0)
