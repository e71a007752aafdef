"""What a server owes one client, sent by the client's own writer thread so the game never waits.

Frames are state, so for play only the newest matters: a frame not yet sent is replaced by the
next one in its place in the queue (and counted as dropped). A client that wants every frame (a
map recorder) asks for a backlog: up to that many frames wait for it before the oldest go.
Messages (hello, error, end) are queued in order with the frames, so the hello comes first and
the end last; the queue is bounded, and a client that lets it overflow is dropped — loudly, never
by losing a message silently. A client that never reads blocks only its writer thread.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import deque

log = logging.getLogger(__name__)
# messages (hello, the events a seat perceived, the end) a client may owe before it is dropped: a
# whole game's events for one seat are a few hundred, so only a client that stopped reading gets there
MESSAGE_LIMIT = 2048
SEND_BUFFER = 64 << 10  # kernel send buffer: caps how stale a slow reader's next frame can be


class Outbox:
    def __init__(self, sock: socket.socket, *, limit: int = MESSAGE_LIMIT, backlog: int = 1, label: str = "client") -> None:
        self.sock = sock
        self.limit = limit
        self.backlog = max(1, backlog)
        self.label = label
        self.dropped = 0  # frames replaced before they were sent
        self.sent = 0
        self.failed: str | None = None  # why the writer stopped early
        self._frames: deque[bytes] = deque()  # frames not yet sent, oldest first, at most `backlog`
        self._queue: deque[bytes | None] = deque()  # messages, and None: a frame's place
        self._closing = False
        self._busy = False
        self._cond = threading.Condition()
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        except OSError:
            pass
        self._thread = threading.Thread(target=self._write, daemon=True, name=f"outbox-{label}")
        self._thread.start()

    def frame(self, data: bytes) -> None:
        """The newest state; replaces one not yet sent. Never blocks."""
        with self._cond:
            if self._closing or self.failed:
                return
            if len(self._frames) >= self.backlog:
                self._frames.popleft()  # the oldest unsent goes; the places in the queue stay
                self.dropped += 1
            else:
                self._queue.append(None)
            self._frames.append(data)
            self._cond.notify()

    def message(self, data: bytes) -> bool:
        """A message that must arrive in order; False (and the client is dropped) when the queue is full."""
        with self._cond:
            if self._closing or self.failed:
                return False
            if len(self._queue) - len(self._frames) >= self.limit:
                self.failed = f"{self.label}: {self.limit} messages unsent (not reading), dropped"
                log.warning("bridge: %s", self.failed)
                self._cond.notify()
                self._shutdown()
                return False
            self._queue.append(data)
            self._cond.notify()
            return True

    @property
    def empty(self) -> bool:
        return not self._queue and not self._busy

    def close(self, drain_s: float = 0.0) -> bool:
        """Stop taking more; wait up to `drain_s` for what is owed, then cut. True if all of it was sent."""
        with self._cond:
            self._closing = True
            self._cond.notify()
            delivered = self._cond.wait_for(lambda: self.empty or self.failed is not None, drain_s)
            delivered = delivered and self.failed is None
        self._shutdown()
        self._thread.join(timeout=5.0)
        return delivered

    def _shutdown(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._queue or self._closing or self.failed)
                if self.failed or (self._closing and not self._queue):
                    return
                data = self._queue.popleft()
                if data is None:
                    data = self._frames.popleft()
                self._busy = True
            try:
                self.sock.sendall(data)
                self.sent += 1
            except OSError as exc:
                with self._cond:
                    self.failed = self.failed or f"{self.label}: send failed ({exc})"
                    self._busy = False
                    self._cond.notify_all()
                return
