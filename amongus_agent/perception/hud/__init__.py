"""The HUD while walking, from pixels: task list, room label, task bar, action buttons, open panel.

`read_hud(image)` finds the total-tasks bar first (the HUD's anchor and scale), then reads the rest
relative to it; task lines and the room label are named from their glyph shapes where the closed
vocabulary allows (`shapes.py`), Tesseract reads the rest (step digits, unclear lines). A frame without the
bar is not a game HUD (`NotHudError`). A task list in a language the reader does not know is said
so (`HudReading.error`), never turned into English guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ...errors import AmongUsError
from .buttons import read_buttons
from .layout import layout_from_bar
from .panel import CloseButton, find_close_button, panel_name
from .room_label import find_room_label, label_crop, room_from_text
from .task_list import LINE_PX, LineCache, ListLine, find_lines, line_crops, read_texts, to_lines
from .taskbar import TaskBar, find_task_bar

_MIN_BAR_PX = 30  # below this (smaller than 720p) the list's letters are too small for OCR


class NotHudError(AmongUsError):
    """The frame shows no game HUD (no total-tasks bar)."""


class HudImageError(AmongUsError):
    """The frame cannot be read as an image."""


@dataclass(frozen=True, slots=True)
class HudReading:
    bar: TaskBar
    lines: tuple[ListLine, ...]
    room: str | None
    buttons: dict[str, bool | None]
    panel_open: bool
    panel: str | None
    close_button: CloseButton | None
    error: str | None = None  # e.g. the task list is in a language the reader cannot read

    def to_json(self) -> dict:
        tasks = []
        if self.error is None:
            for ln in self.lines:
                p = ln.parsed  # a line that matched nothing is kept (kind "unreadable"): the agent knows it is there
                item = {"room": p.room, "task": p.task, "step": p.step, "steps": p.steps, "state": ln.state,
                        "partial": p.partial, "kind": p.kind}
                if p.kind == "sabotage" and p.countdown is not None:
                    item["countdown"] = p.countdown
                tasks.append(item)
        out = {"tasks": tasks, "room": self.room, "task_bar": round(self.bar.fill, 3), "buttons": self.buttons,
               "panel": self.panel if self.panel is not None else ("unknown" if self.panel_open else None)}
        if self.error is not None:
            out["error"] = self.error
        return out


def _language_error(lines: list[ListLine]) -> str | None:
    """Most lines unreadable although they look like text: the list is in another language or script."""
    bad = [ln for ln in lines if ln.parsed.kind == "unreadable"]
    if len(lines) >= 2 and len(bad) * 2 >= len(lines):
        return (f"cannot read the task list: {len(bad)} of {len(lines)} lines match no English room or task "
                "(the game is probably set to another language)")
    return None


def _named_panel(image: np.ndarray, button: CloseButton, cache: LineCache | None) -> str | None:
    """The panel's name; with a cache, recognised again only when the panel's look has changed."""
    if cache is None:
        return panel_name(image, button)
    (cx, cy), r = button.center, button.radius
    area = image[max(0, cy - r) : cy + 16 * r, max(0, cx - r) : cx + 20 * r]
    thumb = cv2.resize(cv2.cvtColor(area, cv2.COLOR_BGR2GRAY), (24, 24), interpolation=cv2.INTER_AREA) >> 5
    look = bytes([cx // 4 % 256, cy // 4 % 256, r // 2 % 256]) + thumb.tobytes()
    if cache.panel is not None and cache.panel[0] == look:
        return cache.panel[1]
    name = panel_name(image, button)
    cache.panel = (look, name)
    return name


def read_hud(image: np.ndarray, cache: LineCache | None = None, *, name_panel: bool = True) -> HudReading:
    """Read the HUD of one frame.

    `cache` (kept by the caller across frames) skips the OCR of task lines and room labels read
    before: while walking, the list changes a few times a minute, so most frames cost no OCR.
    The cache also remembers the open panel's name while its look stays the same.
    `name_panel=False` only says whether a panel is open, without running the panel recognisers.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise HudImageError("expected a colour (BGR) image")
    bar = find_task_bar(image)
    if bar is None:
        raise NotHudError("no total-tasks bar at the top left: not a game HUD")
    if bar.lut is not None:  # the capture moved the game's levels: every colour test below expects them
        image = cv2.LUT(image, bar.lut)
    layout = layout_from_bar(bar, image.shape[1])
    bands = find_lines(image, bar)
    crops = line_crops(image, bands, bar)
    label_box = find_room_label(image, layout)
    label = label_crop(image, label_box, LINE_PX) if label_box is not None else None
    texts, label_text = read_texts(crops, label, cache)
    room = room_from_text(label_text) if label_text is not None else None
    lines = to_lines(bands, texts)
    error = _language_error(lines)
    if bar.height < _MIN_BAR_PX:
        error = (f"the HUD is too small to read the task list (total-tasks bar {bar.height} px tall, "
                 f"{_MIN_BAR_PX} needed: about 720p)")
    button = find_close_button(image, bar)
    name = _named_panel(image, button, cache) if button is not None and name_panel else None
    return HudReading(bar, tuple(lines), room, read_buttons(image, layout), button is not None, name, button, error)
