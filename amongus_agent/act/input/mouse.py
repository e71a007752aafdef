"""Mouse (and keys) through pyautogui: the way the game is played with "mouse" controls.

Movement in mouse mode is "hold the left button and point where to walk": the stick vector becomes
a held left button at `centre + stick * radius`. Game buttons are keys, chat is typed. pyautogui's
fail-safe (pointer into a screen corner raises) is kept on: it is the human's last-resort stop.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import DEFAULT_KEYS, Button, InputBackend
from .desktop import pyautogui_module


class MouseBackend(InputBackend):
    name = "mouse"

    def __init__(self, button_map: Mapping[Button | str, str] | None = None, *,
                 walk_centre: tuple[int, int] | None = None, walk_radius: int | None = None) -> None:
        super().__init__(button_map)
        self._pg = pyautogui_module()
        w, h = self._pg.size()
        self._centre = walk_centre or (w // 2, h // 2)
        self._radius = walk_radius or h // 4
        self._walking = False

    @classmethod
    def default_buttons(cls) -> Mapping[Button, str]:
        return DEFAULT_KEYS

    def _stick(self, x: float, y: float) -> None:
        if x == 0 and y == 0:
            if self._walking:
                self._pg.mouseUp(button="left")
                self._walking = False
            return
        cx, cy = self._centre
        self._pg.moveTo(round(cx + x * self._radius), round(cy - y * self._radius))  # screen y grows down
        if not self._walking:
            self._pg.mouseDown(button="left")
            self._walking = True

    def _press(self, code: str) -> None:
        self._pg.keyDown(code)

    def _release(self, code: str) -> None:
        self._pg.keyUp(code)

    def _move(self, x: int, y: int, duration: float) -> None:
        self._pg.moveTo(x, y, duration=duration)

    def _mouse_down(self, button: str) -> None:
        self._pg.mouseDown(button=button)

    def _mouse_up(self, button: str) -> None:
        self._pg.mouseUp(button=button)

    def _type(self, text: str, interval: float) -> None:
        self._pg.write(text, interval=interval)

    def _key(self, key: str) -> None:
        self._pg.press(key)
