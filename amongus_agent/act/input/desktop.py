"""Shared access to the desktop libraries: pyautogui needs an X display on Linux and says so badly.

Importing pyautogui without DISPLAY dies with `KeyError: 'DISPLAY'`; with a dead display, with an
Xlib error. Both become one BackendUnavailableError naming what to install or set. The X11 parts
apply on Linux only: on Windows there is no display to require and no xdotool, and pyautogui
(SendInput and SetCursorPos) is loaded after the process is made DPI-aware, so the points it is
sent agree with the pixels mss captures (`perception/window/win32.py`).
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import lru_cache

from .base import BackendUnavailableError


def require_display() -> None:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        raise BackendUnavailableError(
            "no X display: set DISPLAY, or run under a virtual display (apt-get install xvfb; Xvfb :99 &)"
        )


@lru_cache(maxsize=1)
def _load_pyautogui():
    require_display()
    if sys.platform == "win32":  # before pyautogui's own, system-wide, DPI call
        from ...perception.window.win32 import make_dpi_aware

        make_dpi_aware()
    try:
        import pyautogui
    except ImportError as exc:
        raise BackendUnavailableError("pyautogui is not installed: pip install 'amongus-agent[live]'") from exc
    except Exception as exc:  # noqa: BLE001 - Xlib raises many kinds when the display is unusable
        if not sys.platform.startswith("linux"):
            raise BackendUnavailableError(f"pyautogui cannot start ({type(exc).__name__}: {exc})") from exc
        raise BackendUnavailableError(
            f"cannot open the X display {os.environ.get('DISPLAY')!r} for pyautogui ({type(exc).__name__}: {exc}); "
            "check DISPLAY or start Xvfb (apt-get install xvfb)"
        ) from exc
    pyautogui.FAILSAFE = True  # slamming the pointer into a corner stops everything: keep it on
    pyautogui.PAUSE = 0.0  # our flows pace themselves
    return pyautogui


def pyautogui_module():
    """pyautogui, imported on first use (the display is bound at import time, so per process)."""
    return _load_pyautogui()


def xdotool_path() -> str | None:
    return shutil.which("xdotool") if sys.platform.startswith("linux") else None
