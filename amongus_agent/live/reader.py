"""Read bridge lines off a stream: malformed lines are logged, counted and skipped, never fatal.

Whatever a peer sends — broken JSON, a line nested 100,000 deep, a 5000-digit number, NaN, a
player id of a billion — costs it that one line: the reader counts it and goes on, so the
thread that owns a connection survives any line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .limits import BadLine, Limits
from .protocol import End, Error, Frame, Hello, Input, Join, parse_line

log = logging.getLogger(__name__)
Message = Hello | Join | Frame | End | Error | Input


@dataclass(slots=True)
class LineReader:
    limits: Limits = field(default_factory=Limits)
    malformed: int = 0
    read: int = 0
    last_error: str = ""
    _buffer: bytearray = field(default_factory=bytearray)
    _skipping: bool = False  # inside an over-long line: drop bytes until its end

    def feed(self, data: bytes) -> Iterator[Message]:
        """Bytes in, messages out; a partial last line waits for the rest (up to the line limit)."""
        self._buffer += data
        while True:
            cut = self._buffer.find(b"\n")
            if cut < 0:
                if len(self._buffer) > self.limits.max_line:  # no end in sight: drop it, and the rest of it
                    if not self._skipping:
                        self.read += 1
                        self._bad(f"line longer than {self.limits.max_line} bytes")
                    self._skipping = True
                    self._buffer.clear()
                return
            line = bytes(self._buffer[:cut]).strip()
            del self._buffer[: cut + 1]
            if self._skipping:  # the tail of a line already counted
                self._skipping = False
                continue
            if not line:
                continue
            message = self.parse(line)
            if message is not None:
                yield message

    def reset(self) -> None:
        """A new connection: nothing of the last one's partial line carries over."""
        self._buffer.clear()
        self._skipping = False

    def rest(self) -> bytes:
        """Bytes read but not yet consumed as lines (handed on when a handshake reader is done)."""
        return bytes(self._buffer)

    def parse(self, line: bytes | str) -> Message | None:
        self.read += 1
        try:
            return parse_line(line, self.limits)
        except BadLine as exc:
            self._bad(str(exc))
        except Exception as exc:  # noqa: BLE001 - the boundary: no line may kill the thread that reads it
            self._bad(f"{type(exc).__name__}: {exc}"[:200])
        return None

    def _bad(self, why: str) -> None:
        self.malformed += 1
        self.last_error = why
        log.warning("bridge: skipped a malformed line (%s)", why[:200])

    def read_stream(self, stream: BinaryIO, chunk: int = 65536) -> Iterator[Message]:
        while True:
            data = stream.read(chunk)
            if not data:
                return
            yield from self.feed(data)
