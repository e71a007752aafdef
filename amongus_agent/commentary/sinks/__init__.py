"""Where commentary goes: `ws` (server), `neuro` (Neuro API client), `openllmvtuber` (client), `jsonl` (file/stdout)."""

from .base import Sink
from .jsonl import JsonlSink
from .neuro import NeuroSink, NeuroVoteAdvisor
from .openllmvtuber import OpenLLMVTuberSink
from .ws import WsServerSink

__all__ = ["JsonlSink", "NeuroSink", "NeuroVoteAdvisor", "OpenLLMVTuberSink", "Sink", "WsServerSink"]
