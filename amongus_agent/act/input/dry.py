"""The dry backend: records every intended input and sends nothing (for dry runs and tests)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .base import Button, InputBackend

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InputEvent:
    t: float
    kind: str  # stick, press, release, move, mouse_down, mouse_up, type, key
    args: tuple


class DryBackend(InputBackend):
    name = "dry"

    def __init__(self, button_map: Mapping[Button | str, str] | None = None) -> None:
        super().__init__(button_map)
        self.events: list[InputEvent] = []

    @classmethod
    def default_buttons(cls) -> Mapping[Button, str]:
        return {b: b.value for b in Button}

    def _log(self, kind: str, *args: object) -> None:
        self.events.append(InputEvent(time.monotonic(), kind, args))
        log.info("dry input: %s %s", kind, args)

    def intend(self, kind: str, *args: object) -> None:
        """Log an input a screen flow would have made (a vote click), for dry runs."""
        self._log(kind, *args)

    def _stick(self, x: float, y: float) -> None:
        self._log("stick", round(x, 4), round(y, 4))

    def _press(self, code: str) -> None:
        self._log("press", code)

    def _release(self, code: str) -> None:
        self._log("release", code)

    def _move(self, x: int, y: int, duration: float) -> None:
        self._log("move", x, y)

    def _mouse_down(self, button: str) -> None:
        self._log("mouse_down", button)

    def _mouse_up(self, button: str) -> None:
        self._log("mouse_up", button)

    def _type(self, text: str, interval: float) -> None:
        self._log("type", text)

    def _key(self, key: str) -> None:
        self._log("key", key)
