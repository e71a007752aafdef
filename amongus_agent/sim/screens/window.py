"""The Tk window: draws the latest snapshot ~10 times a second and turns its input into the seat's.

Runs in the main thread (Tk must). Keys: W/A/S/D or the arrows walk while held, E use, R report,
Q kill, V vent, Escape closes an open panel (or leaves the chat box). The mouse works the open task
panel, the chat box (click it, type, Enter sends) and the voting tablet (click a plate or SKIP VOTE,
then the green confirm button). In the voting phase Tab switches between the tablet and the chat.
Which screen shows follows the game: a meeting shows the chat (discussion) or the tablet (voting);
an open task step shows its panel over the dimmed ship; otherwise the walking view with the HUD.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import cv2
import numpy as np

from ..engine import Game
from .controls import Controls
from .panels import Panel, open_panel
from .pool import POOL
from .scene import (
    MapView,
    Snapshot,
    chat_input_box,
    dim,
    draw_end,
    draw_hud,
    draw_meeting,
    draw_voting,
    draw_walk,
)

log = logging.getLogger(__name__)
TITLE = "amongus-agent screens"
REDRAW_MS = 100
RELEASE_GRACE_MS = 40  # X11 auto-repeat sends release+press pairs: a release counts only if no press follows
DRAG_PX = 6  # a press and release further apart than this is a drag


class Screen:
    """The window's state between snapshots: the open panel, the chat box, the tablet's selection."""

    def __init__(self, game: Game, seat: int, w: int, h: int, controls: Controls, chat_max: int) -> None:
        self.game, self.seat, self.w, self.h = game, seat, w, h
        self.controls = controls
        self.chat_max = chat_max
        self.view = MapView(game, w, h)
        self.snap: Snapshot | None = None
        self._lock = threading.Lock()
        self.panel: Panel | None = None
        self.panel_key: tuple | None = None
        self.finished: set[tuple] = set()  # panels solved or closed, until the game has moved on
        self.opened = 0
        self.counts: dict[int, int] = {}  # asteroids destroyed per task index (kept when the panel closes)
        self.typed = ""
        self.focused = False
        self.selected: str | None = None
        self.tablet: object | None = None
        self.show_chat_in_voting = False
        self.meeting_no = -1
        self.press_at: tuple[int, int] | None = None
        self._drawn_key: tuple | None = None  # what the last meeting picture showed
        self._drawn: np.ndarray | None = None

    # ---- from the game thread
    def update(self, snap: Snapshot) -> None:
        with self._lock:
            self.snap = snap

    # ---- the window thread
    def latest(self) -> Snapshot | None:
        with self._lock:
            return self.snap

    def _sync(self, snap: Snapshot) -> None:
        """Open or drop the panel as the game says the seat is (or is no longer) doing a task step."""
        self._meeting(snap)
        key = None if snap.using is None else (snap.using[0], snap.using[1], snap.using[2], snap.using[4])
        if key is None:
            self.finished.clear()
        if key != self.panel_key:
            self._keep_count()
            self.panel, self.panel_key = None, None
            if key is not None and key not in self.finished:
                index, step, task, _ = key
                kind = POOL.get(task)
                if kind is not None:
                    self.opened += 1
                    self.panel = open_panel(kind, self.w, self.h, f"{self.game.seed}:{self.seat}:{index}:{step}:"
                                            f"{self.opened}", t=snap.t, seconds=snap.using[3],
                                            destroyed=self.counts.get(index, 0), step=step)
                    self.panel_key = key
        if self.panel is not None:
            self.panel.tick(snap.t)
            self._check_solved()

    def _meeting(self, snap: Snapshot) -> None:
        """A new meeting starts with an empty chat box and nothing selected on the tablet."""
        if snap.meeting_no != self.meeting_no:
            self.meeting_no = snap.meeting_no
            self.typed, self.focused, self.selected, self.show_chat_in_voting = "", False, None, False

    def _keep_count(self) -> None:
        if self.panel is not None and self.panel_key is not None and hasattr(self.panel, "destroyed"):
            self.counts[self.panel_key[0]] = self.panel.destroyed

    def _check_solved(self) -> None:
        if self.panel is not None and self.panel.solved:
            self._keep_count()
            self.finished.add(self.panel_key)
            self.panel, self.panel_key = None, None
            self.controls.panel_solved()

    def _close_panel(self) -> None:
        if self.panel is not None:
            self._keep_count()
            self.finished.add(self.panel_key)
            self.panel, self.panel_key = None, None
            self.controls.close_panel()

    def frame(self) -> np.ndarray | None:
        snap = self.latest()
        if snap is None:
            return None
        self._sync(snap)
        if snap.phase == "ended":
            return draw_end(snap, self.w, self.h)
        if snap.phase == "meeting":  # these pictures change only with what they show: drawn again only then
            if snap.voting and not self.show_chat_in_voting:
                selected = None if snap.voted else self.selected
                key = ("tablet", snap.players, selected)
                if key != self._drawn_key or self.tablet is None:
                    self.tablet = draw_voting(snap, self.w, self.h, selected)
                    self._drawn_key, self._drawn = key, self.tablet.image
                return self._drawn
            self.tablet = None
            key = ("chat", snap.chat, snap.players, self.typed, self.focused)
            if key != self._drawn_key:
                self._drawn_key, self._drawn = key, draw_meeting(snap, self.w, self.h, self.typed, self.focused)
            return self._drawn
        self.tablet = None
        if self.panel is None:
            return draw_walk(snap, self.view, self.counts)
        key = ("panel", snap.position, snap.others, snap.bodies, snap.tasks, snap.room, snap.task_bar,
               snap.use_ready, snap.report_ready, tuple(sorted(self.counts.items())))
        if key != self._drawn_key:  # behind a panel the ship rarely changes: dim it once
            backdrop = dim(draw_walk(snap, self.view, hud=False))
            draw_hud(backdrop, snap, self.counts)  # the HUD stays lit over the dimmed ship, as in the game
            self._drawn_key, self._drawn = key, backdrop
        img = self._drawn.copy()
        self.panel.draw(img)
        return img

    # ---- input (window thread)
    def key(self, keysym: str, char: str) -> None:
        snap = self.latest()
        if snap is None:
            return
        self._meeting(snap)
        if snap.phase == "meeting" and (self.focused or keysym == "Tab"):
            self._chat_key(snap, keysym, char)
            return
        if keysym == "Escape":
            if self.panel is not None:
                self.controls.pointer("key", "escape")
                self._close_panel()
            return
        self.controls.key_down(keysym)

    def _chat_key(self, snap: Snapshot, keysym: str, char: str) -> None:
        if keysym == "Tab":
            if snap.voting:
                self.show_chat_in_voting = not self.show_chat_in_voting
                self.focused = False
            return
        if keysym == "Return":
            text = " ".join(self.typed.split())
            self.typed = ""
            if text and snap.alive:
                self.controls.chat(text)
        elif keysym == "Escape":
            self.focused = False
        elif keysym == "BackSpace":
            self.typed = self.typed[:-1]
        elif char and char.isprintable() and len(self.typed) < self.chat_max:
            self.typed += char

    def key_up(self, keysym: str) -> None:
        self.controls.key_up(keysym)

    def press(self, x: int, y: int) -> None:
        self.press_at = (x, y)
        snap = self.latest()
        if snap is not None:
            self._meeting(snap)
        if snap is None or snap.phase != "tasks" or self.panel is None:
            return
        if self.panel.hits_close(x, y):
            self.controls.pointer("click", {"at": [x, y], "on": "close"})
            self._close_panel()
            self.press_at = None
            return
        self.panel.press(x, y, snap.t)

    def move(self, x: int, y: int) -> None:
        snap = self.latest()
        if self.panel is not None and snap is not None:
            self.panel.move(x, y, snap.t)

    def release(self, x: int, y: int) -> None:
        start, self.press_at = self.press_at, None
        if start is None:
            return
        snap = self.latest()
        if snap is None:
            return
        dragged = abs(x - start[0]) + abs(y - start[1]) > DRAG_PX
        kind = "drag" if dragged else "click"
        if snap.phase == "tasks" and self.panel is not None:
            self.panel.release(x, y, snap.t)
            self.controls.pointer(kind, {"from": list(start), "to": [x, y], "on": self.panel.name})
            self._check_solved()
        elif snap.phase == "meeting" and not dragged:
            on = self._meeting_click(snap, x, y)
            self.controls.pointer("click", {"at": [x, y], "on": on})

    def _meeting_click(self, snap: Snapshot, x: int, y: int) -> str | None:
        if not (snap.voting and not self.show_chat_in_voting):
            x0, y0, x1, y1 = chat_input_box(self.w, self.h)
            self.focused = x0 <= x <= x1 and y0 <= y <= y1 and snap.alive
            return "chat box" if self.focused else None
        tablet = self.tablet
        if tablet is None or snap.voted or not snap.alive:
            return None

        def inside(box) -> bool:
            return box is not None and box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]

        if self.selected is not None and inside(tablet.confirm):
            target = "skip" if self.selected == "skip" else next(
                (pid for pid, _, color, ok in snap.players if color.lower() == self.selected and ok), None)
            if target is not None:
                self.controls.vote(target)
            return f"confirm {self.selected}"
        if self.selected is not None and inside(tablet.cancel):
            self.selected = None
            return "cancel"
        if inside(tablet.skip):
            self.selected = "skip"
            return "skip"
        for _, _, color, ok in snap.players:
            if ok and inside(tablet.plates.get(color.lower())):
                self.selected = color.lower()
                return f"plate {color.lower()}"
        return None


def run_window(screen: Screen, title: str, until: Callable[[], bool]) -> None:
    """Show the window at +0+0 and run Tk's loop (main thread) until `until()` says the game is over."""
    import tkinter as tk

    root = tk.Tk()
    root.title(title)
    root.geometry(f"{screen.w}x{screen.h}+0+0")
    root.resizable(False, False)
    label = tk.Label(root, borderwidth=0, highlightthickness=0, bg="black")
    label.place(x=0, y=0, width=screen.w, height=screen.h)
    pending_release: dict[str, tuple[str, int]] = {}  # key -> (Tk's after id, the release's X time)
    def show() -> None:
        try:
            img = screen.frame()
        except Exception:  # a frame that cannot be drawn must not take the game down: log it, draw the next
            log.exception("screens: drawing a frame failed")
            img = None
        if img is not None:
            ok, ppm = cv2.imencode(".ppm", img)
            photo = tk.PhotoImage(data=ppm.tobytes())
            label.configure(image=photo)
            label.image = photo
        if until():
            root.after(300, root.destroy)  # one more frame (the end) reaches the screen first
            return
        root.after(REDRAW_MS, show)

    def on_press(e) -> None:
        ks = e.keysym
        pending = pending_release.pop(ks.lower(), None)
        if pending is not None:
            root.after_cancel(pending[0])
            if pending[1] == e.time and not screen.focused:
                return  # X11 auto-repeat (release and press at the same instant): the key never went up
            screen.key_up(ks.lower())  # a real release and a new press, quicker than the grace
        screen.key(ks, e.char)

    def on_release(e) -> None:
        ks = e.keysym.lower()

        def up() -> None:
            pending_release.pop(ks, None)
            screen.key_up(ks)

        if ks in pending_release:
            root.after_cancel(pending_release[ks][0])
        pending_release[ks] = (root.after(RELEASE_GRACE_MS, up), e.time)

    root.bind("<KeyPress>", on_press)
    root.bind("<KeyRelease>", on_release)
    root.bind("<FocusOut>", lambda e: screen.controls.release_keys())
    label.bind("<ButtonPress-1>", lambda e: screen.press(e.x, e.y))
    label.bind("<B1-Motion>", lambda e: screen.move(e.x, e.y))
    label.bind("<ButtonRelease-1>", lambda e: screen.release(e.x, e.y))
    root.after(REDRAW_MS, show)
    root.focus_force()
    root.mainloop()
