"""Where the HUD's parts sit, measured from the total-tasks bar.

The game scales its HUD with the screen height: the bar's outer frame is 5.7% of it, and the room
label and the action buttons keep fixed places relative to the screen's bottom and right edges. With
the bar found on screen, the screen height (and its bottom edge inside a crop) follows; the right edge
is taken as the image's own right edge (the buttons hug it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .taskbar import TaskBar

BAR_SHARE = 0.0574  # outer bar height / screen height
_BAR_TOP = 0.0213  # bar's top edge below the screen's top, in screen heights


@dataclass(frozen=True, slots=True)
class Layout:
    screen_h: float
    top: float  # screen's top edge in image pixels (may be negative in a crop)
    right: int

    @property
    def bottom(self) -> float:
        return self.top + self.screen_h

    def y(self, share: float) -> int:
        return int(round(self.top + share * self.screen_h))

    def span(self, share: float) -> int:
        return max(1, int(round(share * self.screen_h)))


def layout_from_bar(bar: TaskBar, image_width: int) -> Layout:
    screen_h = bar.height / BAR_SHARE
    return Layout(screen_h, bar.box[1] - _BAR_TOP * screen_h, image_width)
