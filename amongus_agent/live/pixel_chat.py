"""Meeting chat read from the screen, put into the bridge's frames where a mod leaves it out.

The real client shows the chat; a mod (and `sim-server --screens` for the seat it draws) gives
positions and the meeting's state but no chat lines. `PixelChat` is a frame hook of the live world:
it switches a `perception.watch.ChatWatcher` on while a meeting is on (and starts a fresh one per
meeting), and writes the messages the watcher read into `meeting.chat` as the game's `ChatLine`s.

A message is attributed by the speaker's colour (colours are unique in a game; a meeting frame lists
every living player with their colour), else by the name as read; one that cannot be attributed is
left out and counted. OCR text is a stranger's text like any bridge line: it goes through the same
range checks as a frame off the wire (`protocol.check` with the world's `Limits`: text length, list
length, ids) before the agent sees it, and the agent's `untrusted.observation` defuses it as it does
the bridge's chat. Each message keeps the game time it was first seen.
"""

from __future__ import annotations

import logging

from ..perception.watch import ChatWatcher
from ..ports import ChatLine
from .limits import MAX_CHAT, MAX_TEXT, BadLine, Limits
from .protocol import Frame, check

log = logging.getLogger(__name__)


class PixelChat:
    """`frame -> frame` with `meeting.chat` filled from the screen (a `FrameWorld.amend` hook)."""

    def __init__(self, watcher: ChatWatcher, limits: Limits | None = None) -> None:
        self.watcher = watcher
        self.limits = limits or Limits()
        self.unattributed = 0
        self.dropped = 0  # lines the range checks refused
        self._in_meeting = False
        self._first_seen: dict[int, float] = {}  # watcher line number -> game time first put in a frame
        self._counted: set[int] = set()
        self.read: dict[tuple[int, int], tuple[int, str]] = {}  # (meeting, line) -> (player, text) put in frames
        self._meetings = 0

    def __call__(self, frame: Frame) -> Frame:
        meeting = frame.phase == "meeting" and frame.meeting is not None
        if meeting and not self._in_meeting:
            self._meetings += 1
            self.watcher.reset()
            self._first_seen.clear()
            self._counted.clear()
        if meeting != self._in_meeting:
            self.watcher.set_active(meeting)
            self._in_meeting = meeting
        if not meeting:
            return frame
        assert frame.meeting is not None
        chat = self._lines(frame)
        fixed = frame.model_copy(update={"meeting": frame.meeting.model_copy(update={"chat": chat})})
        try:
            check(fixed, self.limits)
        except BadLine as exc:  # never expected after the cuts above; the bridge's own frame stands then
            self.dropped += len(chat)
            log.warning("screen chat refused by the frame checks: %s", exc)
            return frame
        return fixed

    def _lines(self, frame: Frame) -> list[ChatLine]:
        by_color = {p.color.lower(): p for p in frame.players}
        by_name = {p.name.strip().lower(): p for p in frame.players}
        out: list[ChatLine] = []
        for seen in self.watcher.lines():
            m = seen.line
            t = self._first_seen.setdefault(seen.n, frame.t)
            if m.is_self:
                pid, name = frame.me, frame.name
            else:
                p = by_color.get(m.color) or by_name.get(m.speaker.strip().lower())
                if p is None:
                    if seen.n not in self._counted:
                        self._counted.add(seen.n)
                        self.unattributed += 1
                    continue
                pid, name = p.id, p.name
            if not 0 <= pid < self.limits.players:
                continue
            out.append(ChatLine(player=pid, name=name[:MAX_TEXT], text=m.text[:MAX_TEXT], t=t))
            if len(self.read) < 1000:
                self.read[(self._meetings, seen.n)] = (pid, m.text[:MAX_TEXT])
        return out[-MAX_CHAT:]
