"""Screen capture with mss, optionally limited to the game window, and the one pixel-to-screen map.

Capture pixels and the screen coordinates a mouse uses differ by an offset (the window's place)
and, on scaled (HiDPI) desktops, by a factor. `Frame.to_screen` is the only place that converts,
so recognisers work in image pixels and flows hand the converted points to the input backend.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from types import TracebackType

import numpy as np

from ..errors import AmongUsError


class CaptureUnavailableError(AmongUsError):
    """mss or a display to capture is missing."""


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle in screen coordinates (what the mouse uses)."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Frame:
    image: np.ndarray  # BGR, capture pixels
    region: Region  # what part of the screen it shows

    @property
    def scale(self) -> tuple[float, float]:
        """Capture pixels per screen unit, per axis (1.0 unless the desktop is scaled)."""
        h, w = self.image.shape[:2]
        return (w / self.region.width, h / self.region.height)

    def to_screen(self, x: float, y: float) -> tuple[int, int]:
        sx, sy = self.scale
        return (round(self.region.left + x / sx), round(self.region.top + y / sy))


def find_window_region(title: str) -> Region:
    """The screen rectangle of the visible game window whose title matches `title`, on this platform.

    So capture can follow the game window instead of the whole desktop. Windows (where the game
    client runs): the window's client area through user32, with the process made DPI-aware first
    (`window/win32.py`); Linux and other X11 desktops: xdotool (`window/x11.py`); macOS: not
    supported, pass a Region to ScreenCapture yourself.
    """
    if not title.strip():
        raise CaptureUnavailableError("finding a window needs a title to look for (the game's is 'Among Us')")
    if sys.platform == "win32":
        from .window.win32 import find_window_region as find
    elif sys.platform == "darwin":
        raise CaptureUnavailableError(
            "finding a window by title is not supported on macOS: give ScreenCapture a Region(left, top, width, height)"
        )
    else:
        from .window.x11 import find_window_region as find
    return find(title)


class ScreenCapture:
    """Grab frames of a region (default: the whole first monitor). Context manager; close() is idempotent."""

    def __init__(self, region: Region | None = None, monitor: int = 1) -> None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            raise CaptureUnavailableError(
                "no X display to capture: set DISPLAY, or run under a virtual display (apt-get install xvfb)"
            )
        if sys.platform == "win32":  # before mss sets its own: see window/win32.py
            from .window.win32 import make_dpi_aware

            make_dpi_aware()
        try:
            import mss
        except ImportError as exc:
            raise CaptureUnavailableError("mss is not installed: pip install 'amongus-agent[live]'") from exc
        try:
            self._sct = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        except Exception as exc:  # noqa: BLE001 - mss raises ScreenShotError and Xlib errors
            raise CaptureUnavailableError(
                f"cannot open the display {os.environ.get('DISPLAY')!r} for capture ({type(exc).__name__}: {exc})"
            ) from exc
        mon = self._sct.monitors[monitor]
        self.region = region or Region(mon["left"], mon["top"], mon["width"], mon["height"])

    def grab(self) -> Frame:
        r = self.region
        shot = self._sct.grab({"left": r.left, "top": r.top, "width": r.width, "height": r.height})
        bgra = np.asarray(shot)
        return Frame(np.ascontiguousarray(bgra[..., :3]), r)

    def grab_part(self, box: tuple[int, int, int, int], scale: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
        """Only the part `box` (x0, y0, x1, y1 in a frame's image pixels) of the region: cheap enough to poll
        many times a second (watching Start Reactor's flashes)."""
        r = self.region
        x0, y0, x1, y1 = box
        sx, sy = scale
        left, top = r.left + int(x0 / sx), r.top + int(y0 / sy)
        width, height = max(1, int((x1 - x0) / sx)), max(1, int((y1 - y0) / sy))
        shot = self._sct.grab({"left": left, "top": top, "width": width, "height": height})
        return np.ascontiguousarray(np.asarray(shot)[..., :3])

    def close(self) -> None:
        sct, self._sct = getattr(self, "_sct", None), None
        if sct is not None:
            sct.close()

    def __enter__(self) -> ScreenCapture:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
