"""Keyboard: WASD movement, game keys, and typing chat.

The `keyboard` package hooks the OS directly (on Linux through /dev/input and uinput, as root).
Its events reach a real X server or Windows, but not a virtual X display such as Xvfb, and it
needs root on Linux; so on Linux with an X display, typing goes through X itself (xdotool, else
pyautogui) unless `via="keyboard"` is asked for. On Windows, where the game runs, it is the
`keyboard` package (OS-level key events with scan codes, no admin rights needed); xdotool is refused there.
Which way was chosen, and why, is kept in `self.via` / `self.via_reason` (the fallback is
recorded, never silent).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from .base import DEFAULT_KEYS, BackendUnavailableError, Button, InputBackend
from .desktop import pyautogui_module, require_display, xdotool_path

STICK_THRESHOLD = 0.38  # about 22 degrees off an axis before the diagonal key joins in
DEADZONE = 0.2  # a stick shorter than this stands still; any longer one walks (keys know no half speed)
MOVE_KEYS = {"up": "w", "down": "s", "left": "a", "right": "d"}


def stick_keys(x: float, y: float) -> set[str]:
    """The movement keys held for a stick: keys walk at full speed in one of eight directions, so the
    stick's direction picks the keys and its length only whether to walk (a short stick near the
    goal must still walk, not stall short of it)."""
    n = (x * x + y * y) ** 0.5
    if n < DEADZONE:
        return set()
    x, y = x / n, y / n
    want = set()
    if y > STICK_THRESHOLD:
        want.add(MOVE_KEYS["up"])
    if y < -STICK_THRESHOLD:
        want.add(MOVE_KEYS["down"])
    if x > STICK_THRESHOLD:
        want.add(MOVE_KEYS["right"])
    if x < -STICK_THRESHOLD:
        want.add(MOVE_KEYS["left"])
    return want


def import_keyboard():
    """The `keyboard` module, or one clear error (it refuses to load on Linux unless root)."""
    try:
        import keyboard
    except ImportError as exc:
        if "root" in str(exc).lower():
            raise BackendUnavailableError("the keyboard package needs root on Linux: run as root, "
                                          "or use X11 typing (apt-get install xdotool)") from exc
        raise BackendUnavailableError("the keyboard package is not installed: pip install keyboard") from exc
    return keyboard


def _choose(via: str) -> tuple[str, str]:
    if via == "xdotool" and sys.platform == "win32":
        raise BackendUnavailableError("xdotool is X11-only: on Windows type with via='keyboard' or 'pyautogui'")
    if via != "auto":
        return via, "asked for"
    if sys.platform == "win32":
        return "keyboard", "Windows: the keyboard package sends OS-level key events the game reads"
    if sys.platform.startswith("linux") and os.environ.get("DISPLAY"):
        if xdotool_path():
            return "xdotool", "Linux X display: the keyboard package's uinput events may not reach it"
        return "pyautogui", "Linux X display without xdotool"
    return "keyboard", "not an X11 desktop"


class KeyboardBackend(InputBackend):
    name = "keyboard"

    def __init__(self, button_map: Mapping[Button | str, str] | None = None, *, via: str = "auto") -> None:
        super().__init__(button_map)
        if via not in ("auto", "keyboard", "xdotool", "pyautogui"):
            raise BackendUnavailableError(f"unknown keyboard route {via!r}: auto, keyboard, xdotool or pyautogui")
        self.via, self.via_reason = _choose(via)
        self._kb = None
        self._pg = None
        if self.via == "keyboard":
            self._kb = import_keyboard()
        elif self.via == "xdotool":
            require_display()
            if not xdotool_path():
                raise BackendUnavailableError("xdotool is not installed: apt-get install xdotool")
        else:
            self._pg = pyautogui_module()
        self._down_keys: set[str] = set()

    @classmethod
    def default_buttons(cls) -> Mapping[Button, str]:
        return DEFAULT_KEYS

    # ---- raw key transport
    def _key_down(self, key: str) -> None:
        if self._kb is not None:
            self._kb.press(key)
        elif self._pg is not None:
            self._pg.keyDown(key)
        else:
            self._xdotool("keydown", key)
        self._down_keys.add(key)

    def _key_up(self, key: str) -> None:
        if self._kb is not None:
            self._kb.release(key)
        elif self._pg is not None:
            self._pg.keyUp(key)
        else:
            self._xdotool("keyup", key)
        self._down_keys.discard(key)

    @staticmethod
    def _xdotool(*args: str) -> None:
        names = {"enter": "Return", "esc": "Escape", "escape": "Escape", "tab": "Tab", "space": "space",
                 "backspace": "BackSpace"}
        argv = ["xdotool", *args[:-1], names.get(args[-1], args[-1])] if args[0] != "type" else ["xdotool", *args]
        subprocess.run(argv, check=True, capture_output=True, timeout=30)

    # ---- backend operations
    def _stick(self, x: float, y: float) -> None:
        want = stick_keys(x, y)
        for k in sorted(set(MOVE_KEYS.values()) & self._down_keys - want):
            self._key_up(k)
        for k in sorted(want - self._down_keys):
            self._key_down(k)

    def _press(self, code: str) -> None:
        self._key_down(code)

    def _release(self, code: str) -> None:
        self._key_up(code)

    def _type(self, text: str, interval: float) -> None:
        if self._kb is not None:
            self._kb.write(text, delay=interval)
        elif self._pg is not None:
            self._pg.write(text, interval=interval)
        else:
            self._xdotool("type", "--delay", str(max(1, int(interval * 1000))), "--", text)

    def _key(self, key: str) -> None:
        self._key_down(key)
        self._key_up(key)

    def release_all(self) -> None:
        super().release_all()
        for k in list(self._down_keys):  # movement keys are not buttons: release them too
            try:
                self._key_up(k)
            except Exception:  # noqa: BLE001 - keep releasing the rest
                self._down_keys.discard(k)
