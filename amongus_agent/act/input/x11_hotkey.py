"""A global hotkey on an X11 display: the abort key where the `keyboard` package cannot listen.

The `keyboard` package hooks /dev/input (root only) and never sees keys sent to an X server that has
no such device (Xvfb, a remote desktop). Grabbing the key on the root window asks the X server
itself to hand us that key combination, whichever window has the focus, so the stop works in
exactly the session the game's input goes to. The grab is made for every Caps Lock / Num Lock
state, since X counts those as modifiers too. A grabbed press hands the whole keyboard to the
grabbing client until the key is released; it is handed back at once, so the key releases the stop
sends reach the game.
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable

from .base import BackendUnavailableError
from .desktop import require_display

log = logging.getLogger(__name__)

_MODS = {"ctrl": "ControlMask", "control": "ControlMask", "shift": "ShiftMask", "alt": "Mod1Mask",
         "super": "Mod4Mask", "win": "Mod4Mask"}


def parse_hotkey(hotkey: str) -> tuple[list[str], str]:
    """"ctrl+shift+f12" -> (["ControlMask", "ShiftMask"], "f12"); one clear error for a bad one."""
    parts = [p.strip().lower() for p in hotkey.split("+") if p.strip()]
    if not parts:
        raise BackendUnavailableError(f"abort key {hotkey!r}: empty")
    *mods, key = parts
    bad = [m for m in mods if m not in _MODS]
    if bad:
        raise BackendUnavailableError(f"abort key {hotkey!r}: unknown modifier {bad[0]!r} (ctrl, shift, alt, super)")
    return [_MODS[m] for m in mods], key


class X11Hotkey:
    """Calls `callback` (on its own thread) whenever `hotkey` is pressed anywhere on the display."""

    def __init__(self, hotkey: str, callback: Callable[[], None]) -> None:
        require_display()
        try:
            from Xlib import XK, X, display
            from Xlib.error import DisplayError
        except ImportError as exc:
            raise BackendUnavailableError("an X11 abort key needs python-xlib: pip install python-xlib") from exc
        mods, key = parse_hotkey(hotkey)
        try:
            self._d = display.Display()
        except (DisplayError, OSError) as exc:
            raise BackendUnavailableError(f"cannot open the X display for the abort key: {exc}") from exc
        keysym = next((s for s in (XK.string_to_keysym(n) for n in (key, key.upper(), key.capitalize())) if s), 0)
        if not keysym:
            self._d.close()
            raise BackendUnavailableError(f"abort key {hotkey!r}: no X key named {key!r}")
        self._keycode = self._d.keysym_to_keycode(keysym)
        self._mask = 0
        for m in mods:
            self._mask |= getattr(X, m)
        self._root = self._d.screen().root
        self._X = X
        self._variants = [0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask]
        for extra in self._variants:
            self._root.grab_key(self._keycode, self._mask | extra, True, X.GrabModeAsync, X.GrabModeAsync)
        self._d.sync()
        self.callback = callback
        self.hotkey = hotkey
        self.presses = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="x11-abort-key")
        self._thread.start()

    def _run(self) -> None:
        X = self._X
        fd = self._d.fileno()
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready and not self._d.pending_events():
                continue
            while self._d.pending_events():
                ev = self._d.next_event()
                if ev.type == X.KeyPress and ev.detail == self._keycode:
                    # the press made the X server hand us the whole keyboard until the key goes up: give
                    # it back first, or the key releases the stop sends would come to us, not the game
                    self._d.ungrab_keyboard(X.CurrentTime)
                    self._d.sync()
                    self.presses += 1
                    log.warning("abort key %s pressed", self.hotkey)
                    try:
                        self.callback()
                    except Exception:  # noqa: BLE001 - the key must keep working after a failed stop
                        log.exception("abort key: the stop raised")

    def remove(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(timeout=2)
        try:
            for extra in self._variants:
                self._root.ungrab_key(self._keycode, self._mask | extra)
            self._d.sync()
        finally:
            self._d.close()
