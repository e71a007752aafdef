"""One way for tests to start a private X server: Xvfb picks a free display itself (-displayfd).

Choosing a number by looking for free lock files races with other suites starting displays at the
same moment (two runs on one machine, or a helper's checkout): the loser's Xvfb dies or, worse, the
test talks to the other's display. With -displayfd the server reports the number it took.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen, str]:
    """An Xvfb at `width`x`height` on a display it picks itself; the process and ":N"."""
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb is not installed (scripts/setup.sh installs it)")
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(w,))
    os.close(w)
    digits = b""
    with os.fdopen(r, "rb") as f:
        while not digits.endswith(b"\n"):
            ch = f.read(1)
            if not ch:
                proc.kill()
                raise RuntimeError("Xvfb did not start")
            digits += ch
    return proc, f":{int(digits)}"


@contextmanager
def xvfb(width: int, height: int) -> Iterator[str]:
    """Start Xvfb at `width`x`height`, point DISPLAY (and an already imported pyautogui) at it, yield ":N"."""
    proc, display = start_xvfb(width, height)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    # pyautogui binds its X display at import: an earlier module's (now closed) display must not be used
    x11 = sys.modules.get("pyautogui._pyautogui_x11")
    if x11 is not None:
        from Xlib.display import Display

        x11._display = Display(display)
    try:
        yield display
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old


def record_once(out, key: str, seconds: float = 30.0) -> dict:
    """A stand-in window's JSON record once `key` is set in it (bounded wait: the verdict is the record,
    not how fast a loaded machine delivered the X events)."""
    import json
    import time

    end = time.monotonic() + seconds
    state = json.loads(out.read_text())
    while not state.get(key) and time.monotonic() < end:
        time.sleep(0.05)
        state = json.loads(out.read_text())
    return state


@contextmanager
def stand_ins(script, display: str, tmp_path, settle_s: float = 0.5) -> Iterator:
    """`start(mode, seed=0)` runs `script mode OUT seed` (a stand-in game window) on `display` and returns
    OUT, its JSON record, once the window is up; every window started is closed at the end."""
    import time
    from pathlib import Path

    procs: list[subprocess.Popen] = []

    def start(mode: str, seed: int = 0) -> Path:
        out = Path(tmp_path) / f"{mode}.json"
        env = {**os.environ, "DISPLAY": display}
        procs.append(subprocess.Popen([sys.executable, str(script), mode, str(out), str(seed)], env=env))
        deadline = time.monotonic() + 30  # a safety net for a window that never comes up
        while not out.exists():
            assert procs[-1].poll() is None, "the stand-in window exited"
            assert time.monotonic() < deadline, "the stand-in window did not come up"
            time.sleep(0.05)
        time.sleep(settle_s)  # let the first frame reach the screen
        return out

    try:
        yield start
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
