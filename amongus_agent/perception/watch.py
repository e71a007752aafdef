"""Watch the game window's meeting chat on a worker thread: capture, read, deduplicate, publish.

Reading chat from pixels takes a capture and a Tesseract pass (tens to hundreds of milliseconds);
the agent's tick must not wait for it. So a worker thread captures the window a few times a
second while a meeting is on (`active`), reads the chat (`read_chat`, with a bubble cache so a
bubble is OCR'd once), keeps each message once (`ChatReader` aligns the scrolling view against
what was already seen) and publishes the messages read so far. The agent's side only copies that
list. A frame showing the voting tablet is not read (`voting.tablet_shown`: its plates can pass for
bubbles). Every capture+read is timed, for the perception benchmark.

The capture is opened ON the worker thread (`open_capture` makes a `ScreenCapture`, or anything with
`grab()` and `close()`): mss handles belong to the thread that made them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .capture import ScreenCapture
from .chat_ocr import ChatLine, ChatUnreadableError
from .chat_reader import ChatReader
from .voting import tablet_shown

log = logging.getLogger(__name__)
INTERVAL_S = 0.25  # four looks a second: a new message shows within about a quarter second plus one read


@dataclass(frozen=True, slots=True)
class SeenLine:
    """A chat message read from the screen, numbered in the order it was first seen in this meeting."""

    n: int
    line: ChatLine


class ChatWatcher:
    """Reads the meeting chat off the screen while `active`; `lines()` is what was read this meeting."""

    def __init__(self, open_capture: Callable[[], ScreenCapture], *, interval_s: float = INTERVAL_S,
                 read: Callable | None = None, max_lines: int = 200) -> None:
        self._open_capture = open_capture
        self.interval_s = interval_s
        self._read = read
        self._max = max_lines
        self._lock = threading.Lock()
        self._lines: list[SeenLine] = []
        self._reader = self._new_reader()
        self._meeting = 0  # bumped by reset(): a read that started before it is thrown away
        self._active = threading.Event()
        self._stop = threading.Event()
        self.frame_ms: list[float] = []  # capture + read, per frame looked at
        self.unreadable = 0  # frames with bubbles on screen and no message readable
        self.not_chat = 0  # frames showing the voting tablet instead of the chat: not read
        self.errors = 0
        self.error: str | None = None  # why the worker stopped, when it did
        self._thread = threading.Thread(target=self._run, daemon=True, name="chat-watcher")
        self._thread.start()

    def _new_reader(self) -> ChatReader:
        return ChatReader(self._read) if self._read is not None else ChatReader()

    # ---- what the agent's side calls (cheap, never blocks on a read)
    @property
    def active(self) -> bool:
        return self._active.is_set()

    def set_active(self, on: bool) -> None:
        if on:
            self._active.set()
        else:
            self._active.clear()

    def reset(self) -> None:
        """A new meeting: forget the last one's messages (the chat starts empty)."""
        with self._lock:
            self._meeting += 1
            self._lines = []
            self._reader = self._new_reader()

    def lines(self) -> list[SeenLine]:
        with self._lock:
            return list(self._lines)

    def stats(self) -> dict:
        ms = sorted(self.frame_ms)
        pick = (lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 1)) if ms else (lambda q: None)
        return {"frames": len(ms), "ms_mean": round(sum(ms) / len(ms), 1) if ms else None, "ms_p50": pick(0.5),
                "ms_p95": pick(0.95), "unreadable": self.unreadable, "not_chat": self.not_chat, "errors": self.errors,
                "error": self.error}

    def close(self) -> None:
        self._stop.set()
        self._active.set()  # wake the worker so it sees the stop
        self._thread.join(timeout=5)

    # ---- the worker
    def _run(self) -> None:
        try:
            cap = self._open_capture()
        except Exception as exc:  # noqa: BLE001 - no capture: say why once, the agent plays on without chat
            self.error = f"no capture for the chat: {exc}"
            log.warning("chat watcher: %s", self.error)
            return
        try:
            while not self._stop.is_set():
                if not self._active.wait(0.5):
                    continue
                if self._stop.is_set():
                    break
                t0 = time.perf_counter()
                self._look(cap)
                spent = time.perf_counter() - t0
                self.frame_ms.append(spent * 1000)
                if len(self.frame_ms) > 10_000:
                    del self.frame_ms[:5_000]
                self._stop.wait(max(0.0, self.interval_s - spent))
        finally:
            cap.close()

    def _look(self, cap: ScreenCapture) -> None:
        with self._lock:
            meeting, reader = self._meeting, self._reader
        try:
            frame = cap.grab()
            if tablet_shown(frame.image):
                # the voting tablet is up: its plates (one beside a dead player's) can pass for a
                # bubble, and reading them would cost OCR for nothing
                self.not_chat += 1
                return
            new = reader.feed(frame.image)
        except ChatUnreadableError:
            self.unreadable += 1
            return
        except Exception as exc:  # noqa: BLE001 - one bad frame must not end the watching
            self.errors += 1
            log.warning("chat watcher: %s: %s", type(exc).__name__, exc)
            return
        if not new:
            return
        with self._lock:
            if meeting != self._meeting:
                return  # the meeting ended while this frame was read
            n = len(self._lines) and self._lines[-1].n + 1
            for line in new:
                if line.kind != "chat":
                    continue  # "X has voted" notices: the bridge says who voted
                self._lines.append(SeenLine(n, line))
                n += 1
            del self._lines[: max(0, len(self._lines) - self._max)]
