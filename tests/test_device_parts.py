"""The device client's parts that need no display: chat read from pixels into frames, the actuator's routing.

What a screen reader hands over is a stranger's text: it is attributed by colour (else by name),
cut to the bridge's limits and range-checked like a frame off the wire, and a new meeting starts
from an empty chat. The actuator sends what a device can do and refuses the rest with a reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from amongus_agent.act.device import DeviceActuator
from amongus_agent.act.input.base import BackendUnavailableError
from amongus_agent.act.input.dry import DryBackend
from amongus_agent.act.input.x11_hotkey import parse_hotkey
from amongus_agent.live.limits import MAX_TEXT, Limits
from amongus_agent.live.pixel_chat import PixelChat
from amongus_agent.live.protocol import Frame
from amongus_agent.perception.chat_ocr import ChatLine as ReadLine
from amongus_agent.perception.watch import SeenLine
from amongus_agent.ports import MeetingView, SeenPlayer


class Watcher:
    """Stands in for the chat watcher's thread: the lines it would have read off the screen."""

    def __init__(self) -> None:
        self.seen: list[SeenLine] = []
        self.active = False
        self.resets = 0

    def set_active(self, on: bool) -> None:
        self.active = on

    def reset(self) -> None:
        self.resets += 1
        self.seen = []

    def lines(self) -> list[SeenLine]:
        return list(self.seen)

    def read(self, speaker: str, color: str, text: str, is_self: bool = False) -> None:
        line = ReadLine(speaker, color, text, is_self, False, (0, 0, 10, 10), 1.0)
        self.seen.append(SeenLine(len(self.seen), line))


def _frame(t: float = 5.0, phase: str = "meeting") -> Frame:
    players = [SeenPlayer(id=1, name="Nova", color="Red", position=(0.0, 0.0), distance=1.0, room="Admin"),
               SeenPlayer(id=2, name="Kai", color="Blue", position=(0.0, 0.0), distance=1.0, room="Admin")]
    meeting = MeetingView(reason="button", caller=1, caller_name="Nova", phase="discussion", time_left=10.0) \
        if phase == "meeting" else None
    return Frame(t=t, phase=phase, me=4, name="Me", color="Lime", role="crewmate", position=(0.0, 0.0),
                 room="Admin", alive=True, players=players, meeting=meeting)


def test_chat_read_off_the_screen_is_attributed_checked_and_kept_per_meeting():
    w = Watcher()
    hook = PixelChat(w, Limits(players=10))
    assert hook(_frame(phase="tasks")).meeting is None and not w.active
    assert hook(_frame(5.0)).meeting.chat == [] and w.active and w.resets == 1
    w.read("Nova", "red", "who called")
    w.read("K4i", "blue", "me, " + "x" * 400)  # the name misread: the colour says who; too long: cut
    w.read("Zed", "unknown", "nobody here is called Zed")  # neither colour nor name: left out, counted
    w.read("Me", "lime", "I was in admin", is_self=True)
    chat = hook(_frame(5.5)).meeting.chat
    assert [(c.player, c.name) for c in chat] == [(1, "Nova"), (2, "Kai"), (4, "Me")]
    assert len(chat[1].text) == MAX_TEXT and hook.unattributed == 1
    assert [c.t for c in hook(_frame(9.0)).meeting.chat] == [5.5, 5.5, 5.5]  # first seen, not last
    hook(_frame(20.0, phase="tasks"))
    assert not w.active
    assert hook(_frame(30.0)).meeting.chat == [] and w.resets == 2  # the next meeting starts empty


def test_a_name_that_is_not_a_players_falls_back_to_the_colour_or_is_dropped():
    w = Watcher()
    hook = PixelChat(w, Limits(players=10))
    hook(_frame())
    w.read("kai", "unknown", "read by name")  # colour unsure: the name as read finds the player
    assert [(c.player, c.text) for c in hook(_frame()).meeting.chat] == [(2, "read by name")]


def test_actuator_votes_by_colour_and_refuses_what_it_cannot_do():
    pad = DryBackend()
    act = DeviceActuator(pad, keyboard=pad)
    assert act.vote(3) is False and act.refused["vote"] == 1  # no screen, no voter: nothing can click
    noted: list = []
    act = DeviceActuator(pad, keyboard=pad, journal=lambda kind, what: noted.append((kind, what)))
    act.stick(0.5, 0.5)
    act.stick(0.5, 0.5)  # unchanged: noted once
    act.press("use")
    act.press("sabotage", "reactor")  # needs the sabotage map on screen: refused
    assert noted == [("stick", [0.5, 0.5]), ("press", "use")]  # the refused sabotage is not an input sent
    assert act.refused["sabotage"] == 1
    act.abort()
    act.stick(1.0, 0.0)
    assert act.refused["stick"] == 1 and act.aborted


def test_abort_hotkey_names_are_checked():
    assert parse_hotkey("ctrl+shift+f12") == (["ControlMask", "ShiftMask"], "f12")
    with pytest.raises(BackendUnavailableError, match="unknown modifier"):
        parse_hotkey("hyper+f12")


REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "real-screens"


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared real screenshots are not here")
def test_the_voting_tablet_is_told_from_the_chat_on_real_screens():
    """The chat box is never looked for on the tablet (a plate can look like it) and the tablet's plates
    are never read as chat: real meeting chats and lobbies are not tablets, real voting screens are."""
    import cv2

    from amongus_agent.perception.voting import tablet_shown

    chats = sorted((REAL / "chat").glob("*.jpg"))
    tablets = sorted((REAL / "voting").glob("*.jpg"))
    assert chats and tablets
    assert [p.name for p in chats if tablet_shown(cv2.imread(str(p)))] == []
    assert [p.name for p in tablets if not tablet_shown(cv2.imread(str(p)))] == []
