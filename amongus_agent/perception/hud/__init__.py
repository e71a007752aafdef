"""The HUD while walking, from pixels: task list, room label, task bar, action buttons, open panel.

`read_hud(image)` finds the total-tasks bar first (the HUD's anchor and scale), then reads the rest
relative to it; one Tesseract call covers every task line and the room label. A frame without the
bar is not a game HUD (`NotHudError`). A task list in a language the reader does not know is said
so (`HudReading.error`), never turned into English guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...errors import AmongUsError
from .buttons import read_buttons
from .layout import layout_from_bar
from .panel import CloseButton, find_close_button, panel_name
from .room_label import find_room_label, label_crop, room_from_text
from .task_list import LINE_PX, ListLine, find_lines, line_crops, ocr_lines, to_lines
from .taskbar import TaskBar, find_task_bar


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
    unread: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        tasks = []
        if self.error is None:
            for ln in self.lines:
                p = ln.parsed
                if p.kind == "unreadable":
                    continue
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


def read_hud(image: np.ndarray) -> HudReading:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise HudImageError("expected a colour (BGR) image")
    bar = find_task_bar(image)
    if bar is None:
        raise NotHudError("no total-tasks bar at the top left: not a game HUD")
    layout = layout_from_bar(bar, image.shape[1])
    bands = find_lines(image, bar)
    crops = line_crops(image, bands, bar)
    label_box = find_room_label(image, layout)
    if label_box is not None:
        crops.append(label_crop(image, label_box, LINE_PX))
    texts = ocr_lines(crops)
    room = room_from_text(texts[-1]) if label_box is not None else None
    lines = to_lines(bands, texts[: len(bands)])
    error = _language_error(lines)
    button = find_close_button(image, bar)
    name = panel_name(image) if button is not None else None
    return HudReading(bar, tuple(lines), room, read_buttons(image, layout), button is not None, name, button, error,
                      tuple(ln.parsed.text for ln in lines if ln.parsed.kind == "unreadable"))
