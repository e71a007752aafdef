"""The meeting screen with the chat open: a panel of fixed-width bubbles, newest at the bottom.

Like the game: each bubble has the speaker's name in bold over the message (wrapped to several
lines), the speaker's icon beside it (left for others, right for your own messages, which sit on
the right), and dead players' messages in dark bubbles with a ghost icon. Only the bottom of a
long chat fits; `scroll` shows older messages, and bubbles cut by the panel edge are drawn cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import DEFAULT_FONT, FontSpec, load_font
from .icons import draw_icon
from .noise import CLEAN, Noise, degrade

PANEL_BG = (200, 208, 222)  # RGB
PANEL_FRAME = (60, 64, 80)
BUBBLE = (250, 250, 250)
GHOST_BUBBLE = (74, 80, 98)
TEXT = (22, 22, 26)
GHOST_TEXT = (236, 236, 242)
INPUT_BG = (245, 245, 245)
BACKDROP = (26, 34, 62)

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat line as the game shows it. `color` is a key of `palette.PLAYER_COLORS`."""

    speaker: str
    color: str
    text: str
    is_self: bool = False
    is_ghost: bool = False


@dataclass(frozen=True, slots=True)
class DrawnBubble:
    message: ChatMessage
    box: Box  # on screen; may reach past the panel when cut
    complete: bool  # entirely visible (a reader can only be held to those)
    lines: tuple[str, ...]
    readable: bool = True  # only padding cut, all text visible: reading it is allowed, not required


@dataclass(frozen=True, slots=True)
class MeetingScreen:
    image: np.ndarray  # BGR
    panel: Box
    bubbles: tuple[DrawnBubble, ...]  # top to bottom, visible ones only

    @property
    def complete_messages(self) -> list[ChatMessage]:
        return [b.message for b in self.bubbles if b.complete]


def wrap(text: str, font, max_width: float) -> list[str]:
    """Greedy word wrap by measured width (a word longer than a line gets a line of its own)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}" if cur else word
        if cur and font.getlength(cand) > max_width:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines or [""]


@dataclass(frozen=True, slots=True)
class _Layout:
    f: float  # font size in pixels
    icon: float
    pad: float
    line_h: float
    gap: float
    radius: float


def chat_panel_box(width: int, height: int) -> Box:
    pw = int(min(0.6 * width, 1.1 * height))
    ph = int(0.86 * height)
    return ((width - pw) // 2, int(0.07 * height), pw, ph)


def render_meeting(messages: list[ChatMessage], width: int = 1920, height: int = 1080, *, font: FontSpec = DEFAULT_FONT,
                   scroll: int = 0, seed: int = 0, noise: Noise = CLEAN) -> MeetingScreen:
    """Draw the chat; `scroll` in screen pixels moves the view up from the newest message."""
    rng = np.random.default_rng(seed)
    s = height / 1080
    f = font.size_1080 * s
    lay = _Layout(f=f, icon=2.1 * f, pad=0.55 * f, line_h=1.32 * f, gap=0.55 * f, radius=max(8.0, 0.9 * f))
    regular = load_font(font.face, False, round(f))
    bold = load_font(font.face, True, round(0.95 * f))

    px, py, pw, ph = chat_panel_box(width, height)
    margin = round(0.5 * f)
    input_h = round(2.2 * f)
    vx0, vy0 = px + margin, py + margin
    vw, vh = pw - 2 * margin, ph - 3 * margin - input_h
    bw = round(vw - lay.icon - 0.5 * f)
    text_w = bw - 2 * lay.pad

    laid = []  # (message, lines, height)
    for m in messages:
        lines = wrap(m.text, regular, text_w)
        laid.append((m, lines, round(2 * lay.pad + lay.line_h * (1 + len(lines)))))
    content_h = sum(h for _, _, h in laid) + round(lay.gap) * (len(laid) + 1)
    canvas_h = max(content_h, vh)
    canvas = Image.new("RGB", (vw, canvas_h), PANEL_BG)
    draw = ImageDraw.Draw(canvas)
    icons = []
    y = canvas_h - content_h + round(lay.gap)
    placed = []
    for m, lines, bh in laid:
        bx = 0 if m.is_self else vw - bw
        fill, ink = (GHOST_BUBBLE, GHOST_TEXT) if m.is_ghost else (BUBBLE, TEXT)
        draw.rounded_rectangle((bx, y, bx + bw - 1, y + bh - 1), radius=round(lay.radius), fill=fill)
        ty = y + lay.pad
        draw.text((bx + lay.pad, ty + 0.1 * f), m.speaker, font=bold, fill=ink)
        for line in lines:
            ty += lay.line_h
            draw.text((bx + lay.pad, ty + 0.1 * f), line, font=regular, fill=ink)
        ix = vw - lay.icon if m.is_self else 0
        icons.append((ix, y, m))
        placed.append((m, lines, y, bx, bh))
        y += bh + round(lay.gap)
    arr = cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR)
    for ix, iy, m in icons:
        draw_icon(arr, ix, iy, lay.icon, m.color, ghost=m.is_ghost)

    view_top = max(0, min(canvas_h - vh, canvas_h - vh - scroll))
    img = np.empty((height, width, 3), np.uint8)
    img[:] = BACKDROP[::-1]
    cv2.rectangle(img, (px - 3, py - 3), (px + pw + 2, py + ph + 2), PANEL_FRAME[::-1], -1)
    cv2.rectangle(img, (px, py), (px + pw - 1, py + ph - 1), PANEL_BG[::-1], -1)
    img[vy0 : vy0 + vh, vx0 : vx0 + vw] = arr[view_top : view_top + vh]
    iy0 = py + ph - margin - input_h
    cv2.rectangle(img, (vx0, iy0), (vx0 + vw - 1, iy0 + input_h), INPUT_BG[::-1], -1)

    bubbles = []
    for m, lines, by, bx, bh in placed:
        top, bottom = by - view_top, by - view_top + bh
        if bottom <= 0 or top >= vh:
            continue
        complete = top >= 0 and bottom <= vh
        readable = top >= -lay.pad and bottom <= vh + lay.pad  # only padding cut: every glyph shows
        bubbles.append(DrawnBubble(m, (vx0 + bx, vy0 + top, bw, bh), complete, tuple(lines), readable))
    img = degrade(img, noise, rng)
    return MeetingScreen(img, (px, py, pw, ph), tuple(bubbles))
