"""`sim-server --screens`: one served seat is played through a window's pixels and devices.

The game runs on the bridge server's loop in a thread; the Tk window runs in the main thread (Tk must)
and draws, about ten times a wall second, the snapshot the game thread left it each tick. The seat's
input comes from the window (and the pad port) only; its bridge frames still carry positions, phase,
role, tasks and players as a mod gives them, but no meeting chat: a client reads the chat from pixels.
See docs/screens.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import AmongUsError
from ..ports import Observation
from ..sim.runner import GameResult
from ..sim.screens.controls import Controls, InputLog
from ..sim.screens.pad import PadListener
from ..sim.screens.pool import deal_drawable
from ..sim.screens.scene import Snapshot
from ..sim.screens.window import TITLE, Screen, run_window
from .sim_server import SimServer

MIN_SIZE = (640, 360)
MAX_SIZE = (3840, 2160)


@dataclass(frozen=True, slots=True)
class ScreensOptions:
    seat: int | None = None  # default: the first served seat
    size: tuple[int, int] = (1280, 720)
    pad_port: int | None = None
    input_log: Path | None = None


@dataclass(slots=True)
class ScreensRun:
    seat: int
    title: str
    tasks: list[str]
    inputs: int = 0
    pad_port: int | None = None
    pad_reports: int = 0
    pad_bad: int = 0


def parse_size(text: str) -> tuple[int, int]:
    """"1280x720" -> (1280, 720); a clear error for anything else (CLI exit 2)."""
    w, sep, h = text.lower().partition("x")
    if not sep or not w.isdigit() or not h.isdigit():
        raise AmongUsError(f"--screen-size {text!r}: expected WIDTHxHEIGHT, e.g. 1280x720")
    size = (int(w), int(h))
    if not (MIN_SIZE[0] <= size[0] <= MAX_SIZE[0] and MIN_SIZE[1] <= size[1] <= MAX_SIZE[1]):
        raise AmongUsError(f"--screen-size {text!r}: from {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return size


def _without_chat(obs: Observation) -> Observation:
    if obs.meeting is None or not obs.meeting.chat:
        return obs
    return obs.model_copy(update={"meeting": obs.meeting.model_copy(update={"chat": []})})


def prepare_screens(server: SimServer, opts: ScreensOptions) -> tuple[Screen, ScreensRun, PadListener | None]:
    """Pick the seat, deal it drawable tasks, hook its link to the window's controls (before serving)."""
    served = sorted(server.links)
    seat = served[0] if opts.seat is None else opts.seat
    if seat not in server.links:
        raise AmongUsError(f"--seat {seat} is not served here (served: {served}; raise --agents or pick one of them)")
    game = server.game
    tasks = deal_drawable(game, seat)
    game.players[seat].by_panel = True  # its task steps finish when their panel is solved in the window
    controls = Controls(seat, InputLog(opts.input_log), lambda: game.t)
    w, h = opts.size
    screen = Screen(game, seat, w, h, controls, chat_max=game.settings.chat_max_chars)
    link = server.links[seat]

    def see(obs: Observation) -> Observation:
        screen.update(Snapshot.take(game, seat, obs))
        return _without_chat(obs)

    link.controls, link.screen = controls, see
    screen.update(Snapshot.take(game, seat, link.world.observe()))
    p = game.players[seat]
    run = ScreensRun(seat, f"{TITLE}: seat {seat} ({p.color})", tasks)
    pad = PadListener(controls, opts.pad_port) if opts.pad_port is not None else None
    if pad is not None:
        run.pad_port = pad.port
    return screen, run, pad


def check_display() -> None:
    """Fail early, with one clear line, where the window cannot open (before the server says anything)."""
    import os
    import sys

    try:
        import tkinter  # noqa: F401
    except ImportError as exc:
        raise AmongUsError(f"--screens needs Tk (python3-tk): {exc}") from None
    if sys.platform not in ("win32", "darwin") and not os.environ.get("DISPLAY"):
        raise AmongUsError("--screens needs an X display: set DISPLAY (under CI: run Xvfb)")


def serve_screens(server: SimServer, prepared: tuple[Screen, ScreensRun, PadListener | None]
                  ) -> tuple[GameResult, ScreensRun]:
    """Serve the game with the window up (`prepared` by `prepare_screens`); returns when the game ends
    or the window is closed."""
    screen, run, pad = prepared
    results: list[GameResult] = []
    failure: list[BaseException] = []

    def game() -> None:
        try:
            results.append(server.serve())
        except BaseException as exc:  # shown in the main thread
            failure.append(exc)

    thread = threading.Thread(target=game, name="sim-server", daemon=True)
    thread.start()
    try:
        run_window(screen, run.title, until=lambda: not thread.is_alive())
    except Exception as exc:
        if type(exc).__name__ == "TclError":
            raise AmongUsError(f"--screens cannot open its window: {exc} (is DISPLAY set? under CI: Xvfb)") from None
        raise
    finally:
        if thread.is_alive():  # the window was closed: the game stops too
            server.close()
        thread.join()
        if pad is not None:
            run.pad_reports, run.pad_bad = pad.reports, pad.bad
            pad.close()
        run.inputs = screen.controls.log.count
        screen.controls.log.close()
    if failure:
        raise failure[0]
    return results[0], run
