"""The `jsonl` sink: one event per line (its JSON, narration included) into a file or standard output."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import TextIO

from ..events import GameDecisionEvent


class JsonlSink:
    name = "jsonl"
    needs_loop = False

    def __init__(self, target: str | Path) -> None:
        self.target = str(target)
        self._file: TextIO | None = None
        self._lock = threading.Lock()
        self.written = 0

    def start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if self.target == "-":
            self._file = sys.stdout
        else:
            path = Path(self.target)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("w", encoding="utf-8")

    def send(self, event: GameDecisionEvent) -> None:
        with self._lock:
            if self._file is None:
                return
            self._file.write(event.model_dump_json() + "\n")
            self._file.flush()
            self.written += 1

    def close(self, timeout: float = 2.0) -> None:
        with self._lock:
            if self._file is not None and self._file is not sys.stdout:
                self._file.close()
            self._file = None
