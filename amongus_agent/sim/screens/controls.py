"""What the window and the pad asked of the seat since the last tick, turned into its next input.

Written from the Tk thread (keys, clicks, typed chat) and the pad's listener thread, read once per
tick by the game thread: everything goes through one lock. Held keys and the pad's stick hold until
released; buttons, chat and votes are presses that act once, at the next tick. Every input acted on
is logged with the wall time it arrived (`--input-log`), for the latency benchmark.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..engine import Game
from ..state import PlayerInput

STICK_KEYS = {"w": (0.0, 1.0), "up": (0.0, 1.0), "s": (0.0, -1.0), "down": (0.0, -1.0),
              "a": (-1.0, 0.0), "left": (-1.0, 0.0), "d": (1.0, 0.0), "right": (1.0, 0.0)}
BUTTON_KEYS = {"e": "use", "r": "report", "q": "kill", "v": "vent"}
BUTTONS = ("use", "report", "kill", "vent")


class InputLog:
    """JSON Lines of the inputs acted on: {"wall", "t", "kind", "what"}, flushed per line."""

    def __init__(self, path: Path | None) -> None:
        self._f: IO[str] | None = path.open("a", encoding="utf-8") if path is not None else None
        self._lock = threading.Lock()
        self.count = 0

    def write(self, t: float, kind: str, what) -> None:
        line = json.dumps({"wall": time.time(), "t": round(t, 3), "kind": kind, "what": what})
        with self._lock:
            self.count += 1
            if self._f is not None:
                self._f.write(line + "\n")
                self._f.flush()

    def close(self) -> None:
        with self._lock:
            if self._f is not None:
                self._f.close()
                self._f = None


class Controls:
    """The screens seat's input, gathered between ticks."""

    def __init__(self, seat: int, log: InputLog, game_t: Callable[[], float]) -> None:
        self.seat = seat
        self.log = log
        self.game_t = game_t
        self._lock = threading.Lock()
        self._held: dict[str, None] = {}  # stick keys held, in the order pressed
        self._pad_stick = (0.0, 0.0)
        self._pad_buttons: frozenset[str] = frozenset()
        self._presses: set[str] = set()
        self._chat: list[str] = []
        self._vote: int | str | None = None
        self._solved = False
        self._close = False

    # ---- from the window (Tk thread)
    def key_down(self, key: str) -> None:
        key = key.lower()
        with self._lock:
            if key in STICK_KEYS:
                if key in self._held:
                    return  # auto-repeat of a held key
                self._held[key] = None
            elif key in BUTTON_KEYS:
                self._presses.add(BUTTON_KEYS[key])
            else:
                return
        self.log.write(self.game_t(), "key", key)

    def key_up(self, key: str) -> None:
        key = key.lower()
        with self._lock:
            if key not in self._held:
                return
            del self._held[key]
        self.log.write(self.game_t(), "key", f"{key} up")

    def release_keys(self) -> None:
        """The window lost the keyboard: nothing stays held (as the game stops walking)."""
        with self._lock:
            self._held.clear()

    def chat(self, text: str) -> None:
        with self._lock:
            self._chat.append(text)
        self.log.write(self.game_t(), "text", text)

    def vote(self, target: int | str) -> None:
        with self._lock:
            self._vote = target

    def panel_solved(self) -> None:
        with self._lock:
            self._solved = True

    def close_panel(self) -> None:
        with self._lock:
            self._close = True

    def pointer(self, kind: str, what) -> None:
        """A click or drag the window acted on (logged only: its effect is the panel's or tablet's)."""
        self.log.write(self.game_t(), kind, what)

    # ---- from the pad stand-in (its thread)
    def pad(self, lx: float, ly: float, buttons: frozenset[str]) -> None:
        with self._lock:
            pressed = buttons - self._pad_buttons
            changed = (lx, ly) != self._pad_stick or buttons != self._pad_buttons
            self._pad_stick, self._pad_buttons = (lx, ly), buttons
            self._presses |= pressed
        if changed:
            self.log.write(self.game_t(), "pad", {"lx": lx, "ly": ly, "buttons": sorted(buttons)})

    # ---- from the game (its thread, once a tick)
    def stick(self) -> tuple[float, float]:
        with self._lock:
            if self._pad_stick != (0.0, 0.0):
                return self._pad_stick
            x = sum(STICK_KEYS[k][0] for k in self._held)
            y = sum(STICK_KEYS[k][1] for k in self._held)
        return (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))

    def take(self, game: Game) -> PlayerInput:
        """The seat's input for this tick; a solved or closed panel is told to the game first."""
        stick = self.stick()
        with self._lock:
            presses, self._presses = self._presses, set()
            chat, self._chat = self._chat, []
            vote, self._vote = self._vote, None
            solved, close = self._solved, self._close
            self._solved = self._close = False
        if solved:
            game.panel_done(self.seat)
        elif close:
            game.close_panel(self.seat)
        me = game.players[self.seat]
        out = PlayerInput(stick=stick, use="use" in presses, report="report" in presses,
                          kill=True if "kill" in presses else None)
        if "vent" in presses:
            out.vent = "enter" if me.vent is None else "exit"
        if chat:
            out.chat = chat[0]  # one line a tick, as the game's chat box sends it
            with self._lock:
                self._chat[:0] = chat[1:]  # the rest go on the next ticks, in order
        if vote is not None:
            out.vote = vote
        return out
