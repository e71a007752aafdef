"""The chat as the game draws it (meeting tablet or lobby): white bubbles, newest at the bottom.

Like the game: each message is a white rounded bubble with the speaker's icon INSIDE it (at the
left for other players; our own bubbles sit further right with the icon at their right end), the
speaker's name in small white letters with a dark outline above the dark message text (wrapped
to several lines), and vote notices ("X has voted. N remaining.") as one line of green text next
to the voter's icon wearing an "I VOTED" sticker. A dead player's message looks the same but for a
ghost icon. The meeting chat sits on the tablet's light glass, the lobby chat on a dark
translucent panel. Only the bottom of a long chat fits; `scroll` shows older messages, and bubbles
cut by the panel edge are drawn cut (straight edges).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import DEFAULT_FONT, FontSpec, load_font
from .icons import draw_icon
from .noise import CLEAN, Noise, degrade, scene_background

PANEL_BG = (172, 194, 220)  # RGB: the meeting tablet's glass
LOBBY_BG = (96, 100, 110)  # the lobby's dark translucent panel
PANEL_FRAME = (60, 64, 80)
BUBBLE = (255, 255, 255)
SHADOW = (120, 128, 140)
TEXT = (22, 22, 26)
NAME = (255, 255, 255)
NAME_OUTLINE = (30, 30, 34)
VOTE_TEXT = (20, 170, 40)
VOTE_OUTLINE = (10, 70, 20)
STICKER = (200, 30, 40)
INPUT_BG = (255, 255, 255)
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
    kind: str = "chat"  # "chat" or "vote" (a notice: `text` is the whole line, `speaker` is empty)


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


def _draw_sticker(img: np.ndarray, x: float, y: float, d: float) -> None:
    """The "I VOTED" badge on the lower left of a voter's icon: a red disc with a white band."""
    r = 0.26 * d
    c = (int(x + r), int(y + d - r))
    cv2.circle(img, c, int(r), STICKER[::-1], -1, cv2.LINE_AA)
    cv2.rectangle(img, (int(c[0] - 0.8 * r), int(c[1] - 0.25 * r)), (int(c[0] + 0.8 * r), int(c[1] + 0.25 * r)),
                  (255, 255, 255), -1)


def render_meeting(messages: list[ChatMessage], width: int = 1920, height: int = 1080, *, font: FontSpec = DEFAULT_FONT,
                   scroll: int = 0, seed: int = 0, noise: Noise = CLEAN, lobby: bool = False) -> MeetingScreen:
    """Draw the chat; `scroll` in screen pixels moves the view up from the newest message."""
    rng = np.random.default_rng(seed)
    s = height / 1080
    f = font.size_1080 * s
    lay = _Layout(f=f, icon=3.1 * f, pad=0.6 * f, line_h=1.4 * f, gap=0.5 * f, radius=max(3.0, 0.45 * f))
    regular = load_font(font.face, False, round(f))
    bold = load_font(font.face, True, round(0.95 * f))
    stroke = max(1, round(0.09 * f))
    panel_bg = LOBBY_BG if lobby else PANEL_BG

    px, py, pw, ph = chat_panel_box(width, height)
    margin = round(0.5 * f)
    input_h = round(2.2 * f)
    vx0, vy0 = px + margin, py + margin
    vw, vh = pw - 2 * margin, ph - 3 * margin - input_h
    shift = round(0.1 * vw)  # own bubbles sit this much further right
    bw = vw - shift
    icon_x = 0.25 * f
    text_x = icon_x + lay.icon + 0.6 * f
    text_w = bw - text_x - lay.pad

    laid = []  # (message, lines, height)
    for m in messages:
        if m.kind == "vote":
            laid.append((m, [m.text], round(max(2 * lay.pad + lay.line_h, 2.7 * f))))
            continue
        lines = wrap(m.text, regular, text_w)
        h = round(2 * lay.pad + lay.line_h * (1 + len(lines)))
        laid.append((m, lines, max(h, round(lay.icon + 2 * 0.3 * f))))
    content_h = sum(h for _, _, h in laid) + round(lay.gap) * (len(laid) + 1)
    canvas_h = max(content_h, vh)
    canvas = Image.new("RGB", (vw, canvas_h), panel_bg)
    draw = ImageDraw.Draw(canvas)
    icons = []
    y = canvas_h - content_h + round(lay.gap)
    placed = []
    sh = max(1, round(0.12 * f))
    for m, lines, bh in laid:
        bx = shift if m.is_self else 0
        draw.rounded_rectangle((bx + sh, y + sh, bx + bw - 1 + sh, y + bh - 1 + sh), radius=round(lay.radius),
                               fill=SHADOW)
        draw.rounded_rectangle((bx, y, bx + bw - 1, y + bh - 1), radius=round(lay.radius), fill=BUBBLE)
        if m.kind == "vote":
            d = 2.4 * f
            ix = bx + icon_x + 0.3 * f
            ty = y + (bh - lay.line_h) / 2
            draw.text((ix + d + 0.8 * f, ty + 0.1 * f), m.text, font=bold, fill=VOTE_TEXT, stroke_width=0,
                      stroke_fill=VOTE_OUTLINE)
            icons.append((ix, y + (bh - d) / 2, d, m))
        else:
            ty = y + lay.pad
            if m.is_self:  # right-aligned against the icon at the bubble's right end
                right = bx + bw - icon_x - lay.icon - 0.6 * f
                draw.text((right - bold.getlength(m.speaker), ty + 0.1 * f), m.speaker, font=bold, fill=NAME,
                          stroke_width=stroke, stroke_fill=NAME_OUTLINE)
                for line in lines:
                    ty += lay.line_h
                    draw.text((right - regular.getlength(line), ty + 0.1 * f), line, font=regular, fill=TEXT)
                icons.append((bx + bw - icon_x - lay.icon, y + 0.3 * f, lay.icon, m))
            else:
                draw.text((bx + text_x, ty + 0.1 * f), m.speaker, font=bold, fill=NAME, stroke_width=stroke,
                          stroke_fill=NAME_OUTLINE)
                for line in lines:
                    ty += lay.line_h
                    draw.text((bx + text_x, ty + 0.1 * f), line, font=regular, fill=TEXT)
                icons.append((bx + icon_x, y + 0.3 * f, lay.icon, m))
        placed.append((m, lines, y, bx, bh))
        y += bh + round(lay.gap)
    arr = cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR)
    for ix, iy, d, m in icons:
        draw_icon(arr, ix, iy, d, m.color, ghost=m.is_ghost)
        if m.kind == "vote":
            _draw_sticker(arr, ix, iy, d)

    view_top = max(0, min(canvas_h - vh, canvas_h - vh - scroll))
    if lobby:
        img = scene_background(width, height, rng)
    else:
        img = np.empty((height, width, 3), np.uint8)
        img[:] = BACKDROP[::-1]
        cv2.rectangle(img, (px - 3, py - 3), (px + pw + 2, py + ph + 2), PANEL_FRAME[::-1], -1)
    cv2.rectangle(img, (px, py), (px + pw - 1, py + ph - 1), panel_bg[::-1], -1)
    img[vy0 : vy0 + vh, vx0 : vx0 + vw] = arr[view_top : view_top + vh]
    iy0 = py + ph - margin - input_h
    cv2.rectangle(img, (vx0, iy0), (vx0 + vw - 1, iy0 + input_h), INPUT_BG[::-1], -1)
    cv2.rectangle(img, (vx0, iy0), (vx0 + vw - 1, iy0 + input_h), NAME_OUTLINE[::-1], max(1, round(0.12 * f)))

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
