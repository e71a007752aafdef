"""Pixels of HUD text: the fill colours the game uses for its outlined labels.

The task list and the room label are drawn in flat white, yellow (in progress), green (done) or red
(critical sabotage) inside a dark outline. Selecting those fills gives clean glyphs whatever the
scene behind (the list sits on a translucent panel, the room label on the bare scene), and the fill
colour of a line is its state. OpenCV per-channel operations keep this at a few milliseconds a frame.
"""

from __future__ import annotations

import cv2
import numpy as np

STATES = ("todo", "in_progress", "done", "critical")  # white, yellow, green, red


def channel_range(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel min and max over the three channels."""
    b, g, r = cv2.split(bgr)
    return cv2.min(cv2.min(b, g), r), cv2.max(cv2.max(b, g), r)


def text_masks(bgr: np.ndarray) -> np.ndarray:
    """Per pixel: 0 none, 1 white, 2 yellow, 3 green, 4 red fill."""
    lo, hi = channel_range(bgr)
    white = cv2.bitwise_and(cv2.inRange(lo, 195, 255), cv2.inRange(cv2.subtract(hi, lo), 0, 40))
    out = cv2.bitwise_and(white, 1)
    # later colours win where ranges overlap; copyto with a mask is a fraction of boolean indexing
    for value, lo, hi in ((2, (0, 170, 170), (110, 255, 255)), (3, (0, 150, 0), (120, 255, 120)),
                          (4, (0, 0, 170), (90, 90, 255))):
        np.copyto(out, np.uint8(value), where=cv2.inRange(bgr, lo, hi).view(bool))
    return out
