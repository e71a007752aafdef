"""What every live state source shares: the latest frame, read through the agent's world ports."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import AmongUsError
from .protocol import Frame

MAX_PENDING_EVENTS = 1000  # a source that floods events cannot grow memory without bound


class FrameWorld:
    """Holds the newest `Frame`; subclasses fill it (a socket reader, a file poller)."""

    def __init__(self) -> None:
        self._frame: Frame | None = None
        self._stop = threading.Event()
        self._events: list[dict] = []
        self._events_lock = threading.Lock()
        # what the client adds to each frame from elsewhere (the meeting chat read off the screen)
        self.amend: Callable[[Frame], Frame] | None = None

    def heard(self, event: dict) -> None:
        """An event the source says the player perceived (kept until the agent asks)."""
        with self._events_lock:
            if len(self._events) < MAX_PENDING_EVENTS:
                self._events.append(event)

    def perceived(self) -> list[dict]:
        with self._events_lock:
            out, self._events = self._events, []
        return out

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    @property
    def t(self) -> float:
        return self._frame.t if self._frame else 0.0

    def observe(self) -> Frame:
        if self._frame is None:
            raise AmongUsError("no game state received yet")
        frame = self._frame.model_copy()
        return self.amend(frame) if self.amend is not None else frame

    def position(self) -> tuple[float, float]:
        return self._frame.position if self._frame else (0.0, 0.0)

    def busy(self) -> bool:
        return bool(self._frame and self._frame.busy)
