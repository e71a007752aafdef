"""Game recordings: the JSONL format, writing and reading it, summaries and the rule checker.

The drawing (`recording.replay.draw_replay`) is left out of this namespace so that importing the
writer does not pull in OpenCV; the rule checker and summaries are imported on first use, so that
a process that only writes recordings (a one-game `simulate`) does not pay for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .format import RECORDING_VERSION, EventBase, Header, PlayerInfo
from .io import Recording, RecordingWriter, read_recording

_LAZY = {"check_invariants": ".invariants", "Summary": ".summary", "summarize": ".summary"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RECORDING_VERSION",
    "EventBase",
    "Header",
    "PlayerInfo",
    "Recording",
    "RecordingWriter",
    "Summary",
    "check_invariants",
    "read_recording",
    "summarize",
]
