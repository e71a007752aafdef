"""The `openllmvtuber` sink: an Open-LLM-VTuber client (websocket /client-ws, default port 12393).

Open-LLM-VTuber has no game-event message, so each narration line goes in as `text-input` (the
character then says it in its own voice), and a critical event is preceded by `interrupt-signal`
so the character stops mid-sentence for a death or a meeting. What the server sends back (audio,
subtitles) is read and dropped.
"""

from __future__ import annotations

from typing import Any

from ..events import GameDecisionEvent
from .base import ReconnectingClient

DEFAULT_URL = "ws://127.0.0.1:12393/client-ws"


class OpenLLMVTuberSink(ReconnectingClient):
    name = "openllmvtuber"

    def __init__(self, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(url or DEFAULT_URL, **kwargs)

    def send(self, event: GameDecisionEvent) -> None:
        if not event.text:
            return
        if event.priority == "critical":
            self.post({"type": "interrupt-signal", "text": ""})
        self.post({"type": "text-input", "text": event.text})
