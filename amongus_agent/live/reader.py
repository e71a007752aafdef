"""Read bridge lines off a stream: malformed lines are logged, counted and skipped, never fatal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .protocol import MAX_LINE, BadLine, End, Frame, Hello, Input, parse_line

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LineReader:
    malformed: int = 0
    read: int = 0
    last_error: str = ""
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> Iterator[Hello | Frame | End | Input]:
        """Bytes in, messages out; a partial last line waits for the rest."""
        self._buffer += data
        while True:
            cut = self._buffer.find(b"\n")
            if cut < 0:
                if len(self._buffer) > MAX_LINE:  # no newline in sight: drop what cannot be a line
                    self._bad(f"line longer than {MAX_LINE} bytes")
                    self._buffer.clear()
                return
            line = bytes(self._buffer[:cut]).strip()
            del self._buffer[: cut + 1]
            if not line:
                continue
            message = self.parse(line)
            if message is not None:
                yield message

    def parse(self, line: bytes | str) -> Hello | Frame | End | Input | None:
        self.read += 1
        try:
            return parse_line(line)
        except BadLine as exc:
            self._bad(str(exc))
            return None

    def _bad(self, why: str) -> None:
        self.malformed += 1
        self.last_error = why
        log.warning("bridge: skipped a malformed line (%s)", why)

    def read_stream(self, stream: BinaryIO, chunk: int = 65536) -> Iterator[Hello | Frame | End | Input]:
        while True:
            data = stream.read(chunk)
            if not data:
                return
            yield from self.feed(data)
