"""What every live state source shares: the latest frame, read through the agent's world ports."""

from __future__ import annotations

import threading

from ..errors import AmongUsError
from .protocol import Frame


class FrameWorld:
    """Holds the newest `Frame`; subclasses fill it (a socket reader, a file poller)."""

    def __init__(self) -> None:
        self._frame: Frame | None = None
        self._stop = threading.Event()

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    @property
    def t(self) -> float:
        return self._frame.t if self._frame else 0.0

    def observe(self) -> Frame:
        if self._frame is None:
            raise AmongUsError("no game state received yet")
        return self._frame.model_copy()

    def position(self) -> tuple[float, float]:
        return self._frame.position if self._frame else (0.0, 0.0)

    def busy(self) -> bool:
        return bool(self._frame and self._frame.busy)
