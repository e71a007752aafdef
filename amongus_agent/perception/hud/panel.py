"""Is a task panel open? Its close button says so; which panel it is, the panel recognisers say.

Every task and sabotage panel of the game opens with a round close button (light disc, dark ring,
dark X) at its top left corner, about 1.3 times as tall as the total-tasks bar. The button is the one
mark all panels share, so it is what this module looks for; naming the panel is left to
`perception.panels.identify_panel` (one recogniser per panel) when that package is present, and to
`perception.wires.solve_wiring` for Fix Wiring.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .taskbar import TaskBar
from .text_mask import channel_range


@dataclass(frozen=True, slots=True)
class CloseButton:
    center: tuple[int, int]
    radius: int


def find_close_button(image: np.ndarray, bar: TaskBar) -> CloseButton | None:
    h_img, w_img = image.shape[:2]
    x1 = min(w_img, int(bar.box[0] + 1.5 * bar.width))
    # at half size: the button stays ~30 px wide at 1080p and the search costs a quarter
    f = 0.5 if bar.height >= 40 else 1.0
    # panels are centred on the screen, so the corner holding the button lies in the upper half
    # (plus the button's own size): the rows below need no search
    y1 = min(h_img, int(0.55 * h_img + 2 * bar.height))
    region = image[:y1, :x1]
    if f < 1:
        region = cv2.resize(region, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    lo, hi = channel_range(region)
    light = cv2.bitwise_and(cv2.inRange(lo, 200, 255), cv2.inRange(cv2.subtract(hi, lo), 0, 35))
    n, _, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
    bar_h = bar.height * f
    best = None
    st = stats[1:]
    sized = st[(st[:, 2] >= 0.7 * bar_h) & (st[:, 2] <= 1.8 * bar_h)]  # the rest at once, not one by one
    for x, y, w, h, area in sized.tolist():
        if not 0.7 * bar_h <= w <= 1.8 * bar_h or abs(w - h) > 0.2 * w:
            continue
        if not 0.35 <= area / (w * h) <= 0.85:
            continue
        cx, cy = x + w // 2, y + h // 2
        r = max(1, w // 10)
        core = lo[cy - r : cy + r + 1, cx - r : cx + r + 1]
        if core.size == 0 or float(np.median(core)) > 120:  # the X crosses the centre
            continue
        if best is None or w > 2 * best.radius:
            best = CloseButton((int(cx / f), int(cy / f)), int(w / 2 / f))
    return best


def panel_area(image: np.ndarray, button: CloseButton) -> np.ndarray:
    """The part of the frame an open panel can cover: the game centres its panels on the screen and
    puts the close button at the panel's top left corner, so the panel lies right of and below the
    button and reaches as far past the centre as the button sits before it (with a margin of two
    button widths). Its recognisers then look at about half the frame instead of all of it."""
    h, w = image.shape[:2]
    (cx, cy), r = button.center, button.radius
    x0, y0 = max(0, cx - 2 * r), max(0, cy - 2 * r)
    x1, y1 = min(w, w - x0 + 4 * r), min(h, h - y0 + 4 * r)
    if x1 - x0 < w // 4 or y1 - y0 < h // 4:
        return image  # the button is not where a centred panel's corner would be: look everywhere
    return image[y0:y1, x0:x1]


def panel_name(image: np.ndarray, button: CloseButton | None = None) -> str | None:
    """The open panel's name: the per-panel recognisers first, then the Fix Wiring solver; None if unnamed.

    With the panel's close button, only the part of the frame the panel can cover is looked at."""
    area = image if button is None else panel_area(image, button)
    try:
        from ..panels import identify_panel
    except ImportError:  # the recognisers are optional: the HUD then says only that a panel is open
        identify_panel = None
    name = identify_panel(area, image.shape[0]) if identify_panel is not None else None
    if name is None:
        from ..wires import solve_wiring

        if solve_wiring(image) is not None:
            name = "Fix Wiring"
    return name
