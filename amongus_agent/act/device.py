"""The `Actuator` for the real client: the agent's input through devices (gamepad, keyboard, mouse).

Devices carry less than a bridge: a gamepad cannot type and kills whoever the game puts under the
button; voting needs a click on a plate found on screen. So each part goes to the device that can
do it, and what no device given here can do is refused with a logged reason and counted, never
dropped silently:
- the stick goes to the movement device (a gamepad, or WASD on a keyboard);
- buttons are tapped on the movement device and held `tap_s` (games miss zero-length taps); the
  release happens on a timer so the agent's tick does not wait for it;
- with the screen (`screen`, a `ScreenFlows` worker that captures the game window and owns the
  pointer): chat is typed into the chat box found on screen and confirmed by the chat reader, a
  vote clicks the plate of the chosen player's colour (found by the voting reader, never at fixed
  coordinates; `colors` says a player id's colour, from what the game tells of its players) and
  the confirm button, and after the use key the task panel that opens is solved by its panel flow.
  These run on the worker, so the agent's tick never waits for a capture; `chat`/`vote` return True
  once the flow is queued, and its outcome is counted when it ends (`sent`, `refused`, `flows`);
- without the screen: chat is typed blind on a keyboard device (open the chat box, type, enter),
  and a vote goes to `voter` (a callback), if there is one.
A kill target cannot be sent by a device: the game kills the nearest player in range, so the kill
flow presses only when its target is that player. Choosing a sabotage or a vent to move to needs a
click on the sabotage map or a vent arrow: refused here until a screen flow for them exists.
`abort()` (the abort key) stops every device and the screen worker at once.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..ports import Button
from .input.base import InputBackend, InputError

if TYPE_CHECKING:
    from .screen_flows import Outcome, ScreenFlows

log = logging.getLogger(__name__)

TAP_S = 0.08  # long enough for the game to see the press at 30+ fps
Voter = Callable[[int | str], bool]
Colors = Callable[[int], str | None]
Journal = Callable[[str, object], None]  # (kind, what): each input decided, for latency measurements


class DeviceActuator:
    aims_kills = False  # the game kills the nearest player in range

    def __init__(self, movement: InputBackend, *, keyboard: InputBackend | None = None, voter: Voter | None = None,
                 screen: ScreenFlows | None = None, colors: Colors | None = None, tap_s: float = TAP_S,
                 journal: Journal | None = None) -> None:
        self.movement = movement
        self.keyboard = keyboard
        self.voter = voter
        self.screen = screen
        self.colors = colors
        self.tap_s = tap_s
        self.aborted = False
        self.flows: list[Outcome] = []  # screen flows that ended, in order
        self.journal = journal
        self._last_stick: tuple[float, float] | None = None
        self.refused: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()

    def _refuse(self, what: str, why: str) -> bool:
        self.refused[what] += 1
        log.warning("device input: %s refused: %s", what, why)
        return False

    def _note(self, kind: str, what: object) -> None:
        if self.journal is not None:
            self.journal(kind, what)

    def stick(self, x: float, y: float) -> None:
        at = (round(x, 4), round(y, 4))
        if at != self._last_stick:  # noted as decided, before the device is told (it may take a while)
            self._last_stick = at
            self._note("stick", list(at))
        try:
            self.movement.stick(x, y)
        except InputError as exc:
            self._last_stick = None
            self._refuse("stick", str(exc))

    def press(self, button: Button, target: int | str | None = None) -> None:
        if button == "sabotage" and target is not None:
            self._refuse("sabotage", f"choosing the {target} sabotage needs a click on the sabotage map (screen)")
            return
        if button == "vent" and isinstance(target, int):
            self._refuse("vent", f"moving to vent {target} needs a click on the vent arrow (screen)")
            return
        self._note("press", button)
        try:
            self.movement.press(button)
        except InputError as exc:
            self._refuse(button, str(exc))
            return
        self.sent[button] += 1
        if button == "use" and self.screen is not None:
            self.screen.after_use(self._use_done)  # a task panel may open: its flow solves it
        timer = threading.Timer(self.tap_s, self._release, (button,))
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()

    def _release(self, button: Button) -> None:
        try:
            self.movement.release(button)
        except InputError as exc:
            log.debug("device input: release of %s skipped: %s", button, exc)

    def _use_done(self, o: Outcome) -> None:
        self._keep(o)
        if o.reason == "no panel":
            return  # the use key pressed a button or a console without a panel: nothing to solve
        if o.ok:
            self.sent["panel"] += 1
        else:
            self._refuse("panel", f"the {o.what or 'task'} panel flow failed: {o.reason}")

    def _keep(self, o: Outcome) -> None:
        self.flows.append(o)
        del self.flows[:-500]

    def _flow_done(self, o: Outcome) -> None:
        self._keep(o)
        if o.ok:
            self.sent[o.kind] += 1
        else:
            self._refuse(o.kind, f"the {o.kind} screen flow failed: {o.reason}")

    def chat(self, text: str) -> bool:
        self._note("chat", text)
        if self.screen is not None:
            if not self.screen.chat(text, self._flow_done):
                return self._refuse("chat", "the screen flows are stopped (aborted, or no capture)")
            return True
        if self.keyboard is None:
            return self._refuse("chat", f"the {self.movement.name} cannot type and no keyboard was given")
        try:
            self.keyboard.type_text(text)
            self.keyboard.key("enter")
        except InputError as exc:
            return self._refuse("chat", str(exc))
        self.sent["chat"] += 1
        return True

    def vote(self, target: int | str) -> bool:
        if self.voter is None and self.screen is not None:
            color = "skip" if target == "skip" else (self.colors(target) if self.colors and isinstance(target, int)
                                                     else None)
            if color is None:
                return self._refuse("vote", f"no colour known for player {target!r}: cannot find their plate")
            self._note("vote", color)
            if not self.screen.vote(color, self._flow_done):
                return self._refuse("vote", "the screen flows are stopped (aborted, or no capture)")
            return True
        if self.voter is None:
            return self._refuse("vote", "voting needs the screen (a plate to click) and no screen flow was given")
        if not self.voter(target):
            return self._refuse("vote", f"the voting screen flow could not vote for {target!r}")
        self.sent["vote"] += 1
        return True

    def release_all(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for t in timers:
            t.cancel()
        self.movement.release_all()
        if self.keyboard is not None and self.keyboard is not self.movement:
            self.keyboard.release_all()

    def abort(self) -> None:
        self.aborted = True
        if self.screen is not None:
            self.screen.abort()
        with self._lock:
            timers, self._timers = self._timers, []
        for t in timers:
            t.cancel()
        self.movement.abort()
        if self.keyboard is not None and self.keyboard is not self.movement:
            self.keyboard.abort()

    def close(self) -> None:
        if self.screen is not None:
            self.screen.close()
            if self.screen.pointer not in (self.movement, self.keyboard):
                self.screen.pointer.close()
        self.release_all()
        self.movement.close()
        if self.keyboard is not None and self.keyboard is not self.movement:
            self.keyboard.close()
