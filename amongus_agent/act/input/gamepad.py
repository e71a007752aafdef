"""A virtual Xbox 360 pad through vgamepad: left stick moves, face buttons act.

Every change is followed by `update()`, which is what actually sends the report to the driver;
forgetting it is the classic bug where the pad 'does nothing'.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import BackendUnavailableError, Button, InputBackend

DEFAULT_BUTTONS: dict[Button, str] = {
    Button.USE: "XUSB_GAMEPAD_A",
    Button.REPORT: "XUSB_GAMEPAD_Y",
    Button.KILL: "XUSB_GAMEPAD_X",
    Button.VENT: "XUSB_GAMEPAD_RIGHT_SHOULDER",
    Button.SABOTAGE: "XUSB_GAMEPAD_B",
    Button.MAP: "XUSB_GAMEPAD_BACK",
}
INSTALL = ("pip install vgamepad (Windows: it runs the ViGEmBus driver's setup; if that was skipped, install "
           "ViGEmBus from the nefarius/ViGEmBus releases; Linux: needs libevdev and write access to /dev/uinput)")


class GamepadBackend(InputBackend):
    name = "gamepad"

    def __init__(self, button_map: Mapping[Button | str, str] | None = None) -> None:
        super().__init__(button_map)
        try:
            import vgamepad as vg
        except ImportError as exc:
            raise BackendUnavailableError(f"the gamepad backend needs vgamepad: {INSTALL}") from exc
        except Exception as exc:  # noqa: BLE001 - vgamepad fails in driver-specific ways at import
            raise BackendUnavailableError(f"vgamepad cannot start ({type(exc).__name__}: {exc}): {INSTALL}") from exc
        self._vg = vg
        try:
            self._pad = vg.VX360Gamepad()
        except Exception as exc:  # noqa: BLE001
            raise BackendUnavailableError(
                f"no virtual gamepad driver ({type(exc).__name__}: {exc}): {INSTALL}"
            ) from exc
        for code in self.button_map.values():
            if not hasattr(vg.XUSB_BUTTON, code):
                raise BackendUnavailableError(f"unknown Xbox 360 button {code!r} in the button map")

    @classmethod
    def default_buttons(cls) -> Mapping[Button, str]:
        return DEFAULT_BUTTONS

    def _stick(self, x: float, y: float) -> None:
        self._pad.left_joystick_float(x_value_float=x, y_value_float=y)
        self._pad.update()

    def _press(self, code: str) -> None:
        self._pad.press_button(button=getattr(self._vg.XUSB_BUTTON, code))
        self._pad.update()

    def _release(self, code: str) -> None:
        self._pad.release_button(button=getattr(self._vg.XUSB_BUTTON, code))
        self._pad.update()

    def _shutdown(self) -> None:
        self._pad.reset()
        self._pad.update()
        self._pad = None
