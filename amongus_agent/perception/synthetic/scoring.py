"""Scoring a chat reading against what the renderer drew: shared by the tests and the benchmark.

A read message is matched to a drawn bubble by box overlap, not by list position, so one extra or
missing bubble does not shift every later comparison. Fully visible bubbles must be read; bubbles
cut by at most a sliver of padding may be read; anything else read is a false message.
"""

from __future__ import annotations

from dataclasses import dataclass

from .meeting import MeetingScreen


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter)


@dataclass(slots=True)
class ChatScore:
    chars: int = 0
    char_errors: int = 0
    messages: int = 0
    missed: int = 0
    false_messages: int = 0
    color_errors: int = 0
    flag_errors: int = 0  # is_self or kind (chat / vote) wrong; the game draws a ghost's message like any other
    order_errors: int = 0

    @property
    def char_accuracy(self) -> float:
        return 1 - self.char_errors / max(1, self.chars)

    def add(self, screen: MeetingScreen, lines: list) -> None:
        used: set[int] = set()
        last = -1
        for bubble in screen.bubbles:
            best = max(range(len(lines)), key=lambda i: _iou(lines[i].box, bubble.box), default=None)
            hit = best is not None and _iou(lines[best].box, bubble.box) > 0.7
            if not hit:
                if bubble.complete:
                    self.missed += 1
                    m = bubble.message
                    self.chars += len(m.speaker) + len(m.text) + 1
                    self.char_errors += len(m.speaker) + len(m.text) + 1
                continue
            if not bubble.readable:
                continue
            used.add(best)
            if best < last:
                self.order_errors += 1
            last = best
            got, m = lines[best], bubble.message
            truth = f"{m.speaker}\n{m.text}"
            self.chars += len(truth)
            self.char_errors += levenshtein(truth, f"{got.speaker}\n{got.text}")
            self.messages += 1
            self.color_errors += got.color != m.color
            self.flag_errors += (got.is_self != m.is_self) + (got.kind != m.kind)
        self.false_messages += len(lines) - len(used)
