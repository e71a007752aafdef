"""The game window on an X11 desktop, through xdotool (Linux: development, CI, Xvfb)."""

from __future__ import annotations

import os
import shutil
import subprocess

from ..capture import CaptureUnavailableError, Region


def find_window_region(title: str) -> Region:
    """The screen rectangle of the first visible window whose title matches `title` (xdotool's --name)."""
    if not shutil.which("xdotool"):
        raise CaptureUnavailableError("finding a window needs xdotool: apt-get install xdotool")
    if not os.environ.get("DISPLAY"):
        raise CaptureUnavailableError("no X display: set DISPLAY, or run under Xvfb (apt-get install xvfb)")
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True, text=True,
                           timeout=10)
    ids = found.stdout.split()
    if not ids:
        raise CaptureUnavailableError(f"no visible window titled like {title!r}")
    geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", ids[0]], capture_output=True, text=True,
                         timeout=10)
    vals = dict(line.split("=", 1) for line in geo.stdout.split() if "=" in line)
    try:
        return Region(int(vals["X"]), int(vals["Y"]), int(vals["WIDTH"]), int(vals["HEIGHT"]))
    except (KeyError, ValueError) as exc:
        raise CaptureUnavailableError(f"xdotool gave no geometry for window {ids[0]}") from exc
