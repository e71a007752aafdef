"""The agent's side of a bridge: a world made of frames read off TCP, and inputs written back.

`BridgeWorld` satisfies the agent's world ports (`observe`, `position`, `busy`, `actuator`). Every
connection starts with a `join` naming the seat (the seat the game gave us, once it has). The
connection lives on a reader thread that survives any line; when it drops, the world reconnects
with exponential backoff and jitter, and the agent — its memory, its recording — carries on from
the next frame. A connection that ends before a frame counts as a failed attempt; after
`retries` of those in a row, or a refusal retrying cannot fix (seat taken, wrong token), the world
closes and `lost` says why.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ..errors import AmongUsError
from ..ports import Actuator
from .actuator import BridgeActuator
from .frames import FrameWorld
from .limits import Limits
from .protocol import End, Error, Event, Frame, Hello, Input, Join, dump
from .reader import LineReader

if TYPE_CHECKING:
    from ..world.map import GameMap

log = logging.getLogger(__name__)
MAX_UNSENT = 64 << 10  # input bytes owed to a game that is not reading them; newer inputs are dropped beyond


class BridgeError(AmongUsError):
    pass


def parse_tcp_url(url: str) -> tuple[str, int]:
    parsed = urlparse(url if "://" in url else f"tcp://{url}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme != "tcp" or not parsed.hostname or not port:
        raise BridgeError(f"bridge URL {url!r}: expected tcp://HOST:PORT")
    return parsed.hostname, port


class BridgeWorld(FrameWorld):
    def __init__(self, url: str, *, seat: int | None = None, name: str | None = None, token: str | None = None,
                 game_map: GameMap | None = None, backlog: int = 1, connect_timeout: float = 10.0,
                 reconnect: bool = True, retries: int = 8, backoff: tuple[float, float] = (0.25, 8.0),
                 actuator: Actuator | None = None) -> None:
        super().__init__()
        self.host, self.port = parse_tcp_url(url)
        self.join = Join(seat=seat, name=name, token=token, backlog=backlog)
        self.reconnect = reconnect
        self.retries = retries
        self.backoff = backoff  # (first delay, cap) in seconds
        # input goes over the bridge (collected per tick, sent by `flush()`), or to a device actuator
        self.actuator: Actuator = actuator or BridgeActuator()
        self.reader = LineReader(Limits.for_map(game_map) if game_map is not None else Limits())
        self.hello: Hello | None = None
        self.end: End | None = None
        self.error: Error | None = None
        self.lost: str | None = None  # why the world closed before the game's end
        self.frames = 0
        # with a backlog asked for (record-map), every frame's (t, alive, phase, position) is kept until
        # `take_trail()`, so a reader slower than the game still sees the whole walk
        self._trail: deque[tuple[float, bool, str, tuple[float, float]]] | None = (
            deque(maxlen=backlog) if backlog > 1 else None)
        self.reconnects = 0
        self.inputs_dropped = 0  # inputs a game that was not reading never got
        self._unsent = bytearray()
        self._rng = random.Random()
        self._new = threading.Condition()
        self._send_lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._connect(connect_timeout)
        self._thread = threading.Thread(target=self._run, daemon=True, name="bridge-reader")
        self._thread.start()

    # ------------------------------------------------------------------ connection

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter: a crowd of clients does not come back in step."""
        first, cap = self.backoff
        return self._rng.uniform(0.0, min(cap, first * 2 ** min(attempt, 30)))

    def _open(self) -> None:
        """One connection attempt, the join sent; raises OSError."""
        sock = socket.create_connection((self.host, self.port), timeout=2.0)
        try:
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(dump(self.join))
        except OSError:
            sock.close()
            raise
        with self._send_lock:
            self._unsent.clear()  # a partial line of the last connection must not start this one
        self._sock = sock

    def _connect(self, timeout: float) -> None:
        """The first connection: tried until `timeout`, else `BridgeError` (the address is wrong, or nobody there)."""
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            try:
                self._open()
                return
            except OSError as exc:
                delay = self._delay(attempt)
                attempt += 1
                if self._stop.is_set() or time.monotonic() + delay > deadline:
                    raise BridgeError(f"cannot connect to the bridge at tcp://{self.host}:{self.port}: {exc}") from None
                time.sleep(delay)

    def _run(self) -> None:
        failures = 0  # attempts in a row that ended before a frame (refused, cut, or no connection at all)
        last = ""
        try:
            while not self._stop.is_set():
                if self._sock is None:
                    try:
                        self._open()
                        self.reconnects += 1
                    except OSError as exc:
                        last = f"cannot connect: {exc}"
                        failures += 1
                        if not self._back_off(failures, last):
                            break
                        continue
                frames_before = self.frames
                self._session()
                if self._stop.is_set() or self.end is not None:
                    break
                if self.error is not None and self.error.fatal:
                    self.lost = f"the game refused us: {self.error.message}"
                    break
                if not self.reconnect:
                    self.lost = "connection lost"
                    break
                failures = 0 if self.frames > frames_before else failures + 1
                last = self.error.message if self.error is not None else "connection closed"
                if not self._back_off(failures, last):
                    break
        except Exception as exc:  # noqa: BLE001 - whatever happens, `play` must learn the bridge is gone
            log.exception("bridge: reader stopped")
            self.lost = f"reader stopped: {exc}"
        finally:
            with self._new:
                self._stop.set()
                self._new.notify_all()
            if self.lost:
                log.warning("bridge: %s", self.lost)

    def _back_off(self, failures: int, last: str) -> bool:
        """Wait before the next attempt; False (and `lost` says why) once the attempts are used up."""
        if failures > self.retries:
            self.lost = f"connection lost: {failures} attempt(s) in a row ended without a frame (last: {last})"
            return False
        delay = self._delay(failures)
        log.warning("bridge: connection lost (%s), reconnecting in %.2f s (attempt %d of %d)", last, delay,
                    max(failures, 1), self.retries)
        return not self._stop.wait(delay)

    def _session(self) -> None:
        """Read one connection until it closes (or the game ends)."""
        sock = self._sock
        while sock is not None and not self._stop.is_set():
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            for message in self.reader.feed(data):
                if isinstance(message, Frame):
                    if self.hello is not None and message.me != self.hello.seat:
                        self.reader._bad(f"frame for seat {message.me}, we play seat {self.hello.seat}")
                        continue
                    with self._new:
                        self._frame = message
                        self.frames += 1
                        if self._trail is not None:
                            self._trail.append((message.t, message.alive, message.phase, message.position))
                        self._new.notify_all()
                elif isinstance(message, Event):
                    self.heard(message.event.model_dump(mode="json", exclude_unset=True))
                elif isinstance(message, Hello):
                    self._greeted(message)
                elif isinstance(message, End):
                    self.end = message
                    return
                elif isinstance(message, Error):
                    self.error = message
                    log.warning("bridge: the game says: %s", message.message)
        if sock is not None:
            sock.close()
        self._sock = None
        self.reader.reset()  # a partial line of this connection is not the start of the next one's

    def _greeted(self, hello: Hello) -> None:
        """The seat is ours: rejoin it on reconnect, and ids beyond the game's player count are errors."""
        self.hello = hello
        self.error = None
        self.join = self.join.model_copy(update={"seat": hello.seat})
        self.reader.limits = self.reader.limits.with_players(hello.players)

    # ------------------------------------------------------------------ the world ports

    def wait_frame(self, after: int, timeout: float = 5.0) -> bool:
        """Block until a frame newer than number `after` arrives (or the bridge ends)."""
        with self._new:
            return self._new.wait_for(lambda: self.frames > after or self._stop.is_set(), timeout)

    def take_trail(self) -> list[tuple[float, bool, str, tuple[float, float]]]:
        """(t, alive, phase, position) of every frame since the last call, oldest first (with a backlog only)."""
        with self._new:
            if self._trail is None:
                return []
            out = list(self._trail)
            self._trail.clear()
        return out

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
        """Write one `input` line without blocking."""
        if self._sock is not None:
            self._send(dump(message))

    def _send(self, line: bytes) -> None:
        """Never blocks: a game that does not read our inputs costs us inputs, never the loop."""
        sock = self._sock
        if sock is None:
            return
        with self._send_lock:
            if len(self._unsent) + len(line) > MAX_UNSENT:
                self.inputs_dropped += 1  # whole lines only, so the stream stays line-aligned
            else:
                self._unsent += line
            sock = self._sock
            if sock is None:
                return
            try:
                sent = sock.send(self._unsent, socket.MSG_DONTWAIT)
                del self._unsent[:sent]
            except BlockingIOError:
                pass
            except OSError:
                pass  # the reader thread notices the drop and reconnects

    def close(self) -> None:
        self._stop.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
