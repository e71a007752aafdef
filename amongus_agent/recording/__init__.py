"""Game recordings: the JSONL format, writing and reading it, summaries and the rule checker.

The drawing (`recording.replay.draw_replay`) is left out of this namespace so that importing the
writer does not pull in OpenCV.
"""

from __future__ import annotations

from .format import RECORDING_VERSION, EventBase, Header, PlayerInfo
from .invariants import check_invariants
from .io import Recording, RecordingWriter, read_recording
from .summary import Summary, summarize

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
