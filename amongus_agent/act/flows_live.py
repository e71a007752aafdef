"""Live action flows for the real client: see the screen, act through a backend, check the result.

Each flow captures, recognises, acts in screen coordinates (via `Frame.to_screen`), then captures
again to confirm the game reacted, retrying once; the result says what happened and why, so the
agent can narrate a failure instead of assuming success.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from ..perception.capture import Frame
from ..perception.chat_ocr import BubbleCache, ChatUnreadableError, find_chat_input, read_chat
from ..perception.voting import find_confirm_button, find_vote_targets, tablet_shown
from ..perception.wires import WiringSolution, ends_still_visible, solve_wiring
from .input.base import InputBackend

Grab = Callable[[], Frame]


@dataclass(frozen=True, slots=True)
class FlowResult:
    ok: bool
    attempts: int
    reason: str


def fix_wiring(grab: Grab, backend: InputBackend, *, settle: float = 0.4, retries: int = 1,
               drag_steps: int = 12) -> FlowResult:
    """Capture, solve, drag each wire, confirm the panel closed; retry once with a fresh look."""
    frame = grab()
    solution = solve_wiring(frame.image)
    if solution is None:
        return FlowResult(False, 0, "no Fix Wiring panel on screen")
    last: WiringSolution = solution
    for attempt in range(1, retries + 2):
        for pair in last.pairs:
            backend.drag(frame.to_screen(*pair.start), frame.to_screen(*pair.end), steps=drag_steps)
        time.sleep(settle)
        frame = grab()
        if ends_still_visible(frame.image, last) >= 5:
            # the game (or a busy machine) may not have drawn the last join yet: look once more
            # before dragging again, a second drag on a joined wire is wasted time
            time.sleep(settle)
            frame = grab()
        if ends_still_visible(frame.image, last) < 5:  # of 8: the panel is gone
            return FlowResult(True, attempt, "panel closed")
        # wires already joined hide their ends; if the panel cannot be re-read, repeat the last drags
        last = solve_wiring(frame.image) or last
    return FlowResult(False, retries + 1, "panel still open after retrying")


def _input_box(image: np.ndarray) -> tuple[int, int] | None:
    """Centre of the chat's text box: the wide white box without an icon under the chat's bubbles.

    Never on the voting tablet, whose plates can look like that box: a click there would pick a vote.
    """
    if tablet_shown(image):
        return None
    box = find_chat_input(image)
    if box is None:
        return None
    x, y, w, h = box
    return (x + w // 2, y + h // 2)


def send_chat(grab: Grab, backend: InputBackend, text: str, *, settle: float = 0.5,
              confirm: bool = True, confirm_s: float = 6.0, type_interval: float = 0.06,
              open_chat: Callable[[], None] | None = None, said: Callable[[], list[str]] | None = None
              ) -> FlowResult:
    """Click the chat box, type, press Enter; confirmed when our own bubble shows the text.

    The game may take a while to draw the new bubble (a busy machine, a long message): the flow keeps
    looking for up to `confirm_s` before typing again, since a second try that was not needed posts
    the line twice, and it types again only when the chat box is still where it was (the screen did
    not change to the tablet meanwhile). Keys are typed `type_interval` apart, about a fast typist's
    pace: a game reading key events per frame loses keys typed faster (a repeated letter looks like
    one held key). When no chat box is on screen (the voting tablet covers it), `open_chat` is called
    once to show it. `said` gives our own lines as a chat reader already running reads them (the
    chat watcher): then confirming costs no OCR of its own; else each look reads the chat (bubbles
    read before are not read again).
    """
    cache = BubbleCache()

    def own() -> list[str]:
        if said is not None:
            return said()
        try:
            return [m.text for m in read_chat(grab().image, cache) if m.is_self]
        except ChatUnreadableError:
            return []

    frame = grab()
    box = _input_box(frame.image)
    if box is None and open_chat is not None:
        open_chat()
        time.sleep(settle)
        frame = grab()
        box = _input_box(frame.image)
    if box is None:
        return FlowResult(False, 0, "no chat panel on screen")
    for attempt in (1, 2):
        before = len(own())  # lines of ours already there (the same words said earlier must not confirm this)
        backend.click(*frame.to_screen(*box))
        backend.type_text(text, interval=type_interval)
        backend.key("enter")
        if not confirm:
            return FlowResult(True, attempt, "sent (not confirmed)")
        end = time.monotonic() + max(settle, confirm_s)
        seen: list[str] = []
        while True:
            time.sleep(settle)
            seen = own()[before:]
            if any(SequenceMatcher(None, m, text).ratio() > 0.8 for m in seen[-3:]):
                return FlowResult(True, attempt, "message seen in the chat")
            if time.monotonic() >= end:
                break
        frame = grab()
        again = _input_box(frame.image)
        if again is None or abs(again[0] - box[0]) + abs(again[1] - box[1]) > 8:
            return FlowResult(False, attempt, "the chat screen changed before the message was seen "
                                              f"(our last lines read: {seen[-3:]})")
        box = again
    return FlowResult(False, 2, f"message not seen in the chat (our last lines read: {seen[-3:]})")


def vote(grab: Grab, backend: InputBackend, target: str, *, settle: float = 0.4, wait_s: float = 8.0,
         open_tablet: Callable[[], None] | None = None) -> FlowResult:
    """Vote for the player of colour `target` (or "skip"): click their plate, then the confirm button.

    The tablet may not be drawn yet when the vote is decided (the game told of the voting phase a
    moment before its screen shows it): the flow keeps looking for up to `wait_s`. When the chat is
    shown instead (it was opened over the tablet), `open_tablet` brings the tablet back; it is asked
    again only after a while, since a switch that came too early may have shown the chat. A tablet
    without the target (dead, or its colour not sure) is read once more before the flow gives up.
    """
    end = time.monotonic() + wait_s
    switched: float | None = None
    looks_without = 0  # tablet looks without the target: a plate read unsure once is read again, once
    while True:
        frame = grab()
        targets = find_vote_targets(frame.image)
        looks_without += bool(targets) and target not in targets
        if target in targets or looks_without >= 2 or time.monotonic() >= end:
            break
        now = time.monotonic()
        if open_tablet is not None and (switched is None or now - switched > 2.0) and _input_box(frame.image):
            open_tablet()
            switched = now
        time.sleep(settle)
    if target not in targets:
        return FlowResult(False, 0, f"no vote target {target!r} on screen (seen: {', '.join(sorted(targets))})")
    x, y, w, h = targets[target]
    backend.click(*frame.to_screen(x + w // 2, y + h // 2))
    end = time.monotonic() + max(settle, 3.0)  # a busy game draws the selection a moment later
    while True:
        time.sleep(settle)
        frame = grab()
        button = find_confirm_button(frame.image, (x, y, w, h))
        if button is not None or time.monotonic() >= end:
            break
    if button is None:
        return FlowResult(False, 1, "no confirm button appeared")
    backend.click(*frame.to_screen(*button))
    return FlowResult(True, 1, "vote confirmed")
