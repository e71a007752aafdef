"""Turn a stream of chat frames into a stream of new messages, each emitted exactly once.

The chat scrolls: a frame shows a window of the conversation, and the next frame shows the same
window shifted by the messages that arrived. Each frame's messages are aligned against what was
already emitted (longest run of matching messages where the frame's start overlaps the end of the
history); what lies past the overlap is new. Matching is fuzzy (same colour, similar text) because
OCR of the same bubble can differ by a character between frames.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

import numpy as np

from .chat_ocr import BubbleCache, ChatLine, read_chat


def same_message(a: ChatLine, b: ChatLine, threshold: float = 0.85) -> bool:
    if a.color != b.color or a.is_ghost != b.is_ghost:
        return False
    return SequenceMatcher(None, f"{a.speaker}\n{a.text}", f"{b.speaker}\n{b.text}").ratio() >= threshold


class ChatReader:
    """Feed frames in order; get back the messages not seen before, in reading order.

    Assumes the view follows the newest message, as the game's chat does while open; messages
    scrolled back into view from before the first frame are not reported.
    """

    def __init__(self, read: Callable[[np.ndarray], list[ChatLine]] | None = None, max_history: int = 200) -> None:
        self._cache = BubbleCache()  # what bubbles already read said, so they are not OCR'd again
        self._read = read or (lambda frame: read_chat(frame, cache=self._cache))
        self._max = max_history
        self.history: list[ChatLine] = []

    def feed(self, frame: np.ndarray) -> list[ChatLine]:
        return self.feed_lines(self._read(frame))

    def feed_lines(self, lines: list[ChatLine]) -> list[ChatLine]:
        """The alignment on its own, for callers that already hold the OCR result."""
        hist = self.history
        best_overlap, best_start = 0, len(hist)
        for start in range(len(hist)):
            overlap = min(len(lines), len(hist) - start)
            if overlap <= best_overlap:
                continue
            if all(same_message(hist[start + i], lines[i]) for i in range(overlap)):
                best_overlap, best_start = overlap, start
        new = lines[len(hist) - best_start :] if best_overlap else lines
        self.history.extend(new)
        del self.history[: max(0, len(self.history) - self._max)]
        return new
