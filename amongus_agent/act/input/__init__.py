"""Input backends behind one interface: `gamepad`, `mouse`, `keyboard`, `dry`.

Hardware libraries are imported only inside the backend that needs them, so the simulator and the
tests run without a display, a gamepad driver or root. `open_backend(name)` is what the CLI and the
agent call; a missing piece raises one BackendUnavailableError that says what to install.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .base import (
    BackendUnavailableError,
    Button,
    InputAborted,
    InputBackend,
    InputError,
    UnsupportedInputError,
)

log = logging.getLogger(__name__)


def _gamepad(**kw) -> InputBackend:
    from .gamepad import GamepadBackend

    return GamepadBackend(**kw)


def _mouse(**kw) -> InputBackend:
    from .mouse import MouseBackend

    return MouseBackend(**kw)


def _keyboard(**kw) -> InputBackend:
    from .keyboard import KeyboardBackend

    return KeyboardBackend(**kw)


def _dry(**kw) -> InputBackend:
    from .dry import DryBackend

    return DryBackend(**kw)


BACKENDS: dict[str, Callable[..., InputBackend]] = {
    "gamepad": _gamepad,
    "mouse": _mouse,
    "keyboard": _keyboard,
    "dry": _dry,
}


def open_backend(name: str, **options) -> InputBackend:
    if name not in BACKENDS:
        raise BackendUnavailableError(f"unknown input backend {name!r}; expected one of {', '.join(BACKENDS)}")
    return BACKENDS[name](**options)


def install_abort_hotkey(backend, hotkey: str = "ctrl+shift+f12") -> Callable[[], None] | None:
    """Make `hotkey` call backend.abort() from anywhere (`backend`: an input backend, or anything with
    `abort()`, such as the device actuator that stops all its devices at once).

    On a Linux X display the key is grabbed from the X server itself (`x11_hotkey`: the `keyboard`
    package's /dev/input hook needs root and never sees keys sent to a virtual display); elsewhere it
    is the `keyboard` package's global hook. Returns a function that removes the hook, or None (logged
    with the reason) where no global hook is available: pyautogui's corner fail-safe remains the stop then.
    """
    import os
    import sys

    if sys.platform.startswith("linux") and os.environ.get("DISPLAY"):
        from .x11_hotkey import X11Hotkey

        try:
            grab = X11Hotkey(hotkey, backend.abort)
        except BackendUnavailableError as exc:
            log.warning("no X11 abort key: %s", exc)
        else:
            return grab.remove
    from .keyboard import import_keyboard

    try:
        kb = import_keyboard()
        handle = kb.add_hotkey(hotkey, backend.abort)
    except BackendUnavailableError as exc:
        log.warning("no global abort key: %s", exc)
        return None
    except Exception as exc:  # noqa: BLE001 - hooks fail in OS-specific ways
        log.warning("no global abort key (%s: %s)", type(exc).__name__, exc)
        return None

    def remove() -> None:
        kb.remove_hotkey(handle)

    return remove


__all__ = [
    "BACKENDS",
    "BackendUnavailableError",
    "Button",
    "InputAborted",
    "InputBackend",
    "InputError",
    "UnsupportedInputError",
    "install_abort_hotkey",
    "open_backend",
]
