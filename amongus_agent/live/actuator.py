"""The `Actuator` of a bridge seat: one tick of stick and buttons becomes one `input` line.

A mod (or `sim-server`) that speaks the bridge takes everything the agent can do, kill targets and
votes included, so nothing is refused here. The meeting agent keeps chat within the lobby's limit;
what goes on the wire is cut at the protocol's own cap, as a chat box would.
"""

from __future__ import annotations

from ..ports import Button
from .protocol import MAX_CHAT_CHARS, Input


class BridgeActuator:
    aims_kills = True

    def __init__(self, chat_max_chars: int = MAX_CHAT_CHARS) -> None:
        self.chat_max_chars = chat_max_chars
        self._aborted = False
        self._stick = (0.0, 0.0)
        self._clear()

    def _clear(self) -> None:
        self._buttons: list[Button] = []
        self._fields: dict = {}

    def stick(self, x: float, y: float) -> None:
        self._stick = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))

    def press(self, button: Button, target: int | str | None = None) -> None:
        if button in ("use", "report", "kill") and button not in self._buttons:
            self._buttons.append(button)
        if button == "kill" and isinstance(target, int):
            self._fields["kill_target"] = target
        elif button == "vent":
            if isinstance(target, int):
                self._fields["vent_to"] = target
            else:
                self._fields["vent"] = "exit" if target == "exit" else "enter"
        elif button == "sabotage":
            kind, _, room = str(target).partition(":")
            self._fields["sabotage"], self._fields["sabotage_room"] = kind, room or None

    def chat(self, text: str) -> bool:
        self._fields["chat"] = text[: self.chat_max_chars]
        return True

    def vote(self, target: int | str) -> bool:
        self._fields["vote"] = target
        return True

    def release_all(self) -> None:
        self._stick = (0.0, 0.0)
        self._clear()

    def abort(self) -> None:
        self._aborted = True
        self.release_all()

    def take(self) -> Input:
        """This tick's `input` line; buttons act once, the stick holds until changed."""
        if self._aborted:
            return Input()
        message = Input(stick=self._stick, buttons=list(self._buttons), **self._fields)
        self._clear()
        return message
