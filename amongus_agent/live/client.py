"""The agent's side of a bridge: a world made of frames read off TCP, and inputs written back.

`BridgeWorld` satisfies the agent's world ports (`observe`, `position`, `busy`, `actuator`). The
connection lives on a reader thread; when it drops, the world reconnects with backoff and the
agent — its memory, its recording — carries on from the next frame.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from urllib.parse import urlparse

from ..errors import AmongUsError
from ..ports import Actuator
from .actuator import BridgeActuator
from .frames import FrameWorld
from .protocol import End, Event, Frame, Hello, Input, dump
from .reader import LineReader

log = logging.getLogger(__name__)


class BridgeError(AmongUsError):
    pass


def parse_tcp_url(url: str) -> tuple[str, int]:
    parsed = urlparse(url if "://" in url else f"tcp://{url}")
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        raise BridgeError(f"bridge URL {url!r}: expected tcp://HOST:PORT")
    return parsed.hostname, parsed.port


class BridgeWorld(FrameWorld):
    def __init__(self, url: str, *, connect_timeout: float = 10.0, reconnect: bool = True,
                 actuator: Actuator | None = None) -> None:
        super().__init__()
        self.host, self.port = parse_tcp_url(url)
        self.reconnect = reconnect
        # input goes over the bridge (collected per tick, sent by `flush()`), or to a device actuator
        self.actuator: Actuator = actuator or BridgeActuator()
        self.reader = LineReader()
        self.hello: Hello | None = None
        self.end: End | None = None
        self.frames = 0
        self.reconnects = 0
        self._new = threading.Condition()
        self._sock: socket.socket | None = None
        self._connect(connect_timeout)
        self._thread = threading.Thread(target=self._run, daemon=True, name="bridge-reader")
        self._thread.start()

    # ------------------------------------------------------------------ connection

    def _connect(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._sock = sock
                return
            except OSError as exc:
                if time.monotonic() + delay > deadline:
                    raise BridgeError(f"cannot connect to the bridge at tcp://{self.host}:{self.port}: {exc}") from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            sock = self._sock
            try:
                data = sock.recv(65536) if sock is not None else b""
            except OSError:
                data = b""
            if not data:
                if self._stop.is_set() or self.end is not None or not self.reconnect:
                    break
                log.warning("bridge: connection lost, reconnecting")
                try:
                    self._connect(30.0)
                    self.reconnects += 1
                    continue
                except BridgeError:
                    break
            for message in self.reader.feed(data):
                if isinstance(message, Frame):
                    with self._new:
                        self._frame = message
                        self.frames += 1
                        self._new.notify_all()
                elif isinstance(message, Event):
                    self.heard(message.event.model_dump(mode="json", exclude_unset=True))
                elif isinstance(message, Hello):
                    self.hello = message
                elif isinstance(message, End):
                    self.end = message
        with self._new:
            self._stop.set()
            self._new.notify_all()

    # ------------------------------------------------------------------ the world ports

    def wait_frame(self, after: int, timeout: float = 5.0) -> bool:
        """Block until a frame newer than number `after` arrives (or the bridge ends)."""
        with self._new:
            return self._new.wait_for(lambda: self.frames > after or self._stop.is_set(), timeout)

    @property
    def malformed(self) -> int:
        return self.reader.malformed

    def flush(self) -> Input | None:
        """Send this tick's input line (None when input goes to a device instead)."""
        if not isinstance(self.actuator, BridgeActuator):
            return None
        message = self.actuator.take()
        self.send(message)
        return message

    def send(self, message: Input) -> None:
        """Write one `input` line; a dropped connection is noticed and mended by the reader thread."""
        sock = self._sock
        if sock is not None:
            try:
                sock.sendall(dump(message))
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
