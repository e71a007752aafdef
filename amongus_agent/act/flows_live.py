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
from ..perception.chat_ocr import ChatUnreadableError, find_chat_input, read_chat
from ..perception.voting import find_confirm_button, find_vote_targets
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
    """Centre of the chat's text box: the wide white box without an icon under the chat's bubbles."""
    box = find_chat_input(image)
    if box is None:
        return None
    x, y, w, h = box
    return (x + w // 2, y + h // 2)


def send_chat(grab: Grab, backend: InputBackend, text: str, *, settle: float = 0.5,
              confirm: bool = True, confirm_s: float = 4.0) -> FlowResult:
    """Click the chat box, type, press Enter; confirmed when our own bubble shows the text.

    The game may take a while to draw the new bubble (a busy machine, a long message): the flow keeps
    looking for up to `confirm_s` before typing again, since a second try that was not needed posts
    the line twice.
    """
    frame = grab()
    box = _input_box(frame.image)
    if box is None:
        return FlowResult(False, 0, "no chat panel on screen")
    for attempt in (1, 2):
        backend.click(*frame.to_screen(*box))
        backend.type_text(text, interval=0.01)
        backend.key("enter")
        if not confirm:
            return FlowResult(True, attempt, "sent (not confirmed)")
        end = time.monotonic() + max(settle, confirm_s)
        while True:
            time.sleep(settle)
            frame = grab()
            if _said(frame.image, text):
                return FlowResult(True, attempt, "message seen in the chat")
            if time.monotonic() >= end:
                break
        box = _input_box(frame.image)
        if box is None:
            return FlowResult(False, attempt, "the chat panel closed before the message was seen")
    return FlowResult(False, 2, "message not seen in the chat")


def _said(image: np.ndarray, text: str) -> bool:
    """Our own bubble (the right-hand ones) among the last few shows `text`, give or take OCR slips."""
    try:
        mine = [m for m in read_chat(image) if m.is_self]
    except ChatUnreadableError:
        return False
    return any(SequenceMatcher(None, m.text, text).ratio() > 0.8 for m in mine[-3:])


def vote(grab: Grab, backend: InputBackend, target: str, *, settle: float = 0.4) -> FlowResult:
    """Vote for the player of colour `target` (or "skip"): click their plate, then the confirm button."""
    frame = grab()
    targets = find_vote_targets(frame.image)
    if target not in targets:
        return FlowResult(False, 0, f"no vote target {target!r} on screen (seen: {', '.join(sorted(targets))})")
    x, y, w, h = targets[target]
    backend.click(*frame.to_screen(x + w // 2, y + h // 2))
    time.sleep(settle)
    frame = grab()
    button = find_confirm_button(frame.image, (x, y, w, h))
    if button is None:
        return FlowResult(False, 1, "no confirm button appeared")
    backend.click(*frame.to_screen(*button))
    return FlowResult(True, 1, "vote confirmed")
