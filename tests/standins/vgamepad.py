"""A stand-in for the `vgamepad` package (ViGEmBus cannot exist here): the virtual pad's state goes to a UDP port.

Put this directory first on the client's `sys.path` (PYTHONPATH) and set AMONGUS_PAD_PORT: every
`update()` sends the pad's state as `sim-server --screens --pad-port` reads it (docs/screens.md),
`{"lx", "ly", "buttons"}`, as XInput would read a ViGEm pad. Only what `GamepadBackend` calls is here.
"""

from __future__ import annotations

import json
import os
import socket
from types import SimpleNamespace

XUSB_BUTTON = SimpleNamespace(**{n: n for n in (
    "XUSB_GAMEPAD_A", "XUSB_GAMEPAD_B", "XUSB_GAMEPAD_X", "XUSB_GAMEPAD_Y", "XUSB_GAMEPAD_RIGHT_SHOULDER",
    "XUSB_GAMEPAD_BACK")})
# what the game reads each Xbox button as (the GamepadBackend's default mapping, read back)
GAME_BUTTONS = {"XUSB_GAMEPAD_A": "use", "XUSB_GAMEPAD_Y": "report", "XUSB_GAMEPAD_X": "kill",
                "XUSB_GAMEPAD_RIGHT_SHOULDER": "vent"}


class VX360Gamepad:
    def __init__(self) -> None:
        port = os.environ.get("AMONGUS_PAD_PORT")
        if not port:
            raise OSError("no virtual pad bus: set AMONGUS_PAD_PORT to the screens server's --pad-port")
        self._to = ("127.0.0.1", int(port))
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._lx = self._ly = 0.0
        self._buttons: set[str] = set()
        self.reports = 0

    def left_joystick_float(self, x_value_float: float, y_value_float: float) -> None:
        self._lx, self._ly = float(x_value_float), float(y_value_float)

    def press_button(self, button: str) -> None:
        self._buttons.add(button)

    def release_button(self, button: str) -> None:
        self._buttons.discard(button)

    def reset(self) -> None:
        self._lx = self._ly = 0.0
        self._buttons.clear()

    def update(self) -> None:
        report = {"lx": round(self._lx, 4), "ly": round(self._ly, 4),
                  "buttons": sorted(GAME_BUTTONS[b] for b in self._buttons if b in GAME_BUTTONS)}
        self._sock.sendto(json.dumps(report).encode(), self._to)
        self.reports += 1
