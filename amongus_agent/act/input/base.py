"""The one interface every input backend offers: stick, game buttons, mouse, typing, abort.

A backend is a strategy object chosen by name (see `BACKENDS`), opened as a context manager and
closed idempotently. `abort()` is the emergency stop: it releases every held button and key,
centres the stick, and makes every later call raise `InputAborted`, so a flow half-way through a
drag stops at its next step instead of finishing blind.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from enum import StrEnum
from types import TracebackType

from ...errors import AmongUsError

log = logging.getLogger(__name__)


class Button(StrEnum):
    """The game's actions that are a button press (what a key or pad button means is a mapping)."""

    USE = "use"
    REPORT = "report"
    KILL = "kill"
    VENT = "vent"
    SABOTAGE = "sabotage"
    MAP = "map"


# The game's default keyboard bindings, shared by every backend that presses keys.
DEFAULT_KEYS: dict[Button, str] = {
    Button.USE: "e",
    Button.REPORT: "r",
    Button.KILL: "q",
    Button.VENT: "v",
    Button.SABOTAGE: "e",
    Button.MAP: "tab",
}


class InputError(AmongUsError):
    """Input could not be sent."""


class BackendUnavailableError(InputError):
    """A backend's library, driver or display is missing; the message names what to install."""


class InputAborted(InputError):
    """abort() was called: this backend sends nothing more."""


class UnsupportedInputError(InputError):
    """This backend has no such device (a gamepad cannot type)."""


def check_stick(x: float, y: float) -> tuple[float, float]:
    """Clamp to the unit disk: a direction longer than 1 means full speed, never more."""
    x, y = float(x), float(y)
    n = (x * x + y * y) ** 0.5
    if n > 1.0:
        x, y = x / n, y / n
    return x, y


class InputBackend(ABC):
    """Base of all backends; subclasses implement the `_`-prefixed device calls they support."""

    name: str = "base"

    def __init__(self, button_map: Mapping[Button | str, str] | None = None) -> None:
        self.button_map: dict[Button, str] = dict(self.default_buttons())
        for k, v in (button_map or {}).items():
            self.button_map[Button(k)] = v
        self._held: set[Button] = set()
        self._mouse_held: set[str] = set()
        self._aborted = threading.Event()
        self._closed = False
        self._lock = threading.RLock()

    # ---- what subclasses provide
    @classmethod
    @abstractmethod
    def default_buttons(cls) -> Mapping[Button, str]: ...

    def _stick(self, x: float, y: float) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no stick")

    def _press(self, code: str) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no buttons")

    def _release(self, code: str) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no buttons")

    def _move(self, x: int, y: int, duration: float) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no mouse")

    def _mouse_down(self, button: str) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no mouse")

    def _mouse_up(self, button: str) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no mouse")

    def _type(self, text: str, interval: float) -> None:
        raise UnsupportedInputError(f"the {self.name} backend cannot type")

    def _key(self, key: str) -> None:
        raise UnsupportedInputError(f"the {self.name} backend has no keyboard")

    def _shutdown(self) -> None:  # noqa: B027 - optional hook: most devices have nothing to free
        """Free the device (after everything is released)."""

    # ---- the public interface
    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()

    def _check(self) -> None:
        if self._aborted.is_set():
            raise InputAborted(f"{self.name} input was aborted")
        if self._closed:
            raise InputError(f"{self.name} backend is closed")

    def stick(self, x: float, y: float) -> None:
        """Point the movement stick; (0, 0) stops. y is up, as on a gamepad."""
        with self._lock:
            self._check()
            self._stick(*check_stick(x, y))

    def press(self, button: Button | str) -> None:
        with self._lock:
            self._check()
            b = Button(button)
            self._press(self.button_map[b])
            self._held.add(b)

    def release(self, button: Button | str) -> None:
        with self._lock:
            self._check()
            b = Button(button)
            self._release(self.button_map[b])
            self._held.discard(b)

    def tap(self, button: Button | str, hold: float = 0.05) -> None:
        self.press(button)
        self._aborted.wait(hold)
        self.release(button)

    def move_mouse(self, x: int, y: int, duration: float = 0.0) -> None:
        """Move the pointer to screen pixel (x, y)."""
        with self._lock:
            self._check()
            self._move(int(x), int(y), duration)

    def click(self, x: int, y: int, button: str = "left") -> None:
        with self._lock:
            self._check()
            self._move(int(x), int(y), 0.0)
            self._mouse_down(button)
            self._mouse_held.add(button)
            self._mouse_up(button)
            self._mouse_held.discard(button)

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 12, step_delay: float = 0.01,
             button: str = "left") -> None:
        """Press at `start`, move to `end` in `steps` straight-line steps, release: games need the motion."""
        self.move_mouse(*start)
        with self._lock:
            self._check()
            self._mouse_down(button)
            self._mouse_held.add(button)
        try:
            for i in range(1, steps + 1):
                t = i / steps
                self.move_mouse(round(start[0] + (end[0] - start[0]) * t), round(start[1] + (end[1] - start[1]) * t))
                if self._aborted.wait(step_delay):
                    raise InputAborted(f"{self.name} input was aborted during a drag")
        finally:
            if not self._aborted.is_set() and button in self._mouse_held:
                with self._lock:
                    self._mouse_up(button)
                    self._mouse_held.discard(button)

    def mouse_down(self, x: int, y: int, button: str = "left") -> None:
        """Move to (x, y) and press: the start of a hold or a paced drag (release with mouse_up or release_all)."""
        with self._lock:
            self._check()
            self._move(int(x), int(y), 0.0)
            self._mouse_down(button)
            self._mouse_held.add(button)

    def mouse_up(self, button: str = "left") -> None:
        with self._lock:
            if button in self._mouse_held:
                self._mouse_up(button)
                self._mouse_held.discard(button)

    def type_text(self, text: str, interval: float = 0.0) -> None:
        with self._lock:
            self._check()
            self._type(text, interval)

    def key(self, key: str) -> None:
        """Tap one named key (enter, escape, tab …), for chat and menus."""
        with self._lock:
            self._check()
            self._key(key)

    def release_all(self) -> None:
        """Release every held button and mouse button and centre the stick; errors are logged, not raised."""
        with self._lock:
            for b in list(self._held):
                try:
                    self._release(self.button_map[b])
                except Exception as exc:  # noqa: BLE001 - releasing must go on for the other buttons
                    log.warning("could not release %s on %s: %s", b, self.name, exc)
                self._held.discard(b)
            for mb in list(self._mouse_held):
                try:
                    self._mouse_up(mb)
                except Exception as exc:  # noqa: BLE001
                    log.warning("could not release mouse %s on %s: %s", mb, self.name, exc)
                self._mouse_held.discard(mb)
            try:
                self._stick(0.0, 0.0)
            except UnsupportedInputError:
                pass
            except Exception as exc:  # noqa: BLE001
                log.warning("could not centre the stick on %s: %s", self.name, exc)

    def abort(self) -> None:
        """Emergency stop: release everything, then refuse all further input. Safe from any thread."""
        self._aborted.set()
        self.release_all()
        log.warning("%s input aborted", self.name)

    def close(self) -> None:
        """Release everything and free the device; calling it again does nothing."""
        if self._closed:
            return
        self.release_all()
        self._closed = True
        self._shutdown()

    def __enter__(self) -> InputBackend:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
