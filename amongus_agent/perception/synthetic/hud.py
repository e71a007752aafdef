"""The walking HUD as the game draws it: total-tasks bar, task list, room label, action buttons.

Drawn after the real client's 1080p screens (../shared/real-screens/skeld/other_task_open.png) and
scaled with the screen height as the game does: the total-tasks bar (light grey-beige frame in a
black ring around a dark green trough that fills bright green, "TOTAL TASKS COMPLETED" on it) at the
top left; under it, on a translucent dark panel, one line per task "Room: Task (k/n)" in white
(to do), yellow (in progress) or green (done) with a dark outline; the room label in white outlined
letters at the bottom centre; USE at the bottom right and REPORT above it, opaque white art in black
outlines when they can be pressed, faded when not. `render_hud` draws over a scene the caller gives
(the simulator's view of the ship), so the same pixels serve the screens window and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import load_font

# BGR, measured on the real screen
RING = (12, 12, 12)
FRAME = (187, 187, 170)
TROUGH_EDGE = (51, 51, 51)
TROUGH = (46, 64, 46)
FILL = (40, 215, 60)
LIST_PANEL = (87, 85, 79)  # the list's panel over a black scene; translucent over anything else
LIST_ALPHA = 0.6
# RGB text fills by line state, and the dark outline
TEXT_FILLS = {"todo": (255, 255, 255), "in_progress": (250, 240, 60), "done": (60, 225, 60),
              "critical": (235, 40, 40)}
OUTLINE = (20, 20, 20)

# layout in screen heights (perception/hud/layout.py measures the same)
BAR_TOP, BAR_H, BAR_LEFT, BAR_W = 0.0222, 0.0574, 0.0185, 0.785
LINE_PITCH, LINE_FONT = 0.040, 0.028
LABEL_FONT, LABEL_Y = 0.040, 0.945
# button slots: (left from the right edge, top, size), as perception/hud/buttons.py reads them
SLOTS = {"use": (0.205, 0.80, 0.165), "report": (0.205, 0.58, 0.178), "kill": (0.41, 0.80, 0.165),
         "sabotage": (0.41, 0.58, 0.165), "vent": (0.615, 0.80, 0.165)}

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class HudLine:
    text: str  # as the list writes it: "Admin: Fix Wiring (1/3)"
    state: str = "todo"  # todo | in_progress | done | critical


@dataclass(frozen=True, slots=True)
class HudDrawn:
    bar: Box  # x0, y0, x1, y1 of the bar's outer frame
    lines: tuple[Box, ...]
    label: Box | None
    buttons: dict[str, Box]


@lru_cache(maxsize=512)
def text_sprite(text: str, px: int, fill: tuple[int, int, int], bold: bool = False,
                outline: tuple[int, int, int] = OUTLINE) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Outlined text drawn once: BGR, alpha (0..1, float32) and its offset from the text's origin.

    The window redraws ten times a second the same few labels; FreeType renders each once.
    """
    font = load_font("sans", bold, px)
    stroke = max(1, round(px / 12))
    x0, y0, x1, y1 = font.getbbox(text, stroke_width=stroke)
    pil = Image.new("RGBA", (max(1, x1 - x0), max(1, y1 - y0)), (0, 0, 0, 0))
    ImageDraw.Draw(pil).text((-x0, -y0), text, font=font, fill=fill, stroke_width=stroke, stroke_fill=outline)
    rgba = np.asarray(pil)
    return cv2.cvtColor(rgba[..., :3], cv2.COLOR_RGB2BGR), rgba[..., 3:].astype(np.float32) / 255.0, x0, y0


def blit(img: np.ndarray, sprite: tuple[np.ndarray, np.ndarray, int, int], x: float, y: float) -> Box:
    """Paint a sprite with its origin at (x, y), clipped to the image; its box on the image."""
    bgr_, alpha, ox, oy = sprite
    h, w = alpha.shape[:2]
    x0, y0 = round(x) + ox, round(y) + oy
    a0, b0 = max(0, -x0), max(0, -y0)
    a1, b1 = min(w, img.shape[1] - x0), min(h, img.shape[0] - y0)
    if a1 > a0 and b1 > b0:
        region = img[y0 + b0 : y0 + b1, x0 + a0 : x0 + a1]
        a = alpha[b0:b1, a0:a1]
        region[:] = (region * (1 - a) + bgr_[b0:b1, a0:a1] * a).astype(np.uint8)
    return (x0, y0, x0 + w, y0 + h)


def _text(img: np.ndarray, xy: tuple[float, float], text: str, px: int, fill, bold: bool = False) -> Box:
    return blit(img, text_sprite(text, px, tuple(fill), bold), *xy)


def _button(img: np.ndarray, name: str, box: Box, lit: bool) -> None:
    """A button's art: a white badge in a thick black outline with its word; faded when not usable."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    art = img[y0:y1, x0:x1].copy()
    lw = max(2, round(s / 22))
    pts = np.array([(0.08, 0.12), (0.92, 0.12), (0.5, 0.95)]) * s if name == "use" else \
        np.array([(0.1, 0.3), (0.5, 0.08), (0.9, 0.3), (0.82, 0.85), (0.18, 0.85)]) * s
    pts = pts.astype(np.int32)
    cv2.fillPoly(art, [pts], (255, 255, 255), cv2.LINE_AA)
    cv2.polylines(art, [pts], True, (0, 0, 0), lw, cv2.LINE_AA)
    word = name.upper()
    scale = s / 150 * (1.4 if len(word) <= 3 else 0.9)
    (tw, th), _ = cv2.getTextSize(word, cv2.FONT_HERSHEY_DUPLEX, scale, max(1, lw // 2))
    org = ((s - tw) // 2, int(0.45 * s + th / 2))
    cv2.putText(art, word, org, cv2.FONT_HERSHEY_DUPLEX, scale, (0, 0, 0), lw + 2, cv2.LINE_AA)
    cv2.putText(art, word, org, cv2.FONT_HERSHEY_DUPLEX, scale, (255, 255, 255), max(1, lw // 2), cv2.LINE_AA)
    if lit:
        img[y0:y1, x0:x1] = art
    else:  # translucent: neither pure white nor black survives
        img[y0:y1, x0:x1] = cv2.addWeighted(art, 0.35, img[y0:y1, x0:x1], 0.65, 0).clip(0, 255)


def render_hud(scene: np.ndarray, lines: list[HudLine], room: str | None, *, task_bar: float = 0.0,
               buttons: dict[str, bool] | None = None, panel_right: float = 0.58) -> HudDrawn:
    """Draw the HUD over `scene` (BGR, changed in place). `buttons`: name -> usable (drawn only if named).

    `panel_right` is where the list's translucent panel ends, in screen heights (the game sizes it to
    the longest line; an open task panel is drawn over it by the caller).
    """
    h, w = scene.shape[:2]
    u = h  # everything scales with the screen height
    bx0, by0 = round(BAR_LEFT * u), round(BAR_TOP * u)
    bx1, by1 = bx0 + round(BAR_W * u), by0 + round(BAR_H * u)
    ring = max(2, round(0.0055 * u))
    frame = max(2, round(0.0055 * u))
    edge = max(1, round(0.0035 * u))
    cv2.rectangle(scene, (bx0 - ring, by0 - ring), (bx1 + ring - 1, by1 + ring - 1), RING, -1)
    cv2.rectangle(scene, (bx0, by0), (bx1 - 1, by1 - 1), FRAME, -1)
    cv2.rectangle(scene, (bx0 + frame, by0 + frame), (bx1 - frame - 1, by1 - frame - 1), TROUGH_EDGE, -1)
    tx0, ty0, tx1, ty1 = bx0 + frame + edge, by0 + frame + edge, bx1 - frame - edge, by1 - frame - edge
    cv2.rectangle(scene, (tx0, ty0), (tx1 - 1, ty1 - 1), TROUGH, -1)
    fill = max(0.0, min(1.0, task_bar))
    if fill > 0:
        cv2.rectangle(scene, (tx0, ty0), (tx0 + round((tx1 - tx0) * fill) - 1, ty1 - 1), FILL, -1)
    # the list's translucent panel, from under the bar to the last line
    top = by1 + ring + round(0.012 * u)
    pitch = LINE_PITCH * u
    bottom = min(h, round(top + (len(lines) + 0.4) * pitch)) if lines else top
    px1 = min(w, bx0 + round(panel_right * u))
    if lines:
        region = scene[top:bottom, bx0:px1]
        scene[top:bottom, bx0:px1] = cv2.addWeighted(region, 1 - LIST_ALPHA, np.full_like(region, LIST_PANEL),
                                                     LIST_ALPHA, 0)
    cap = round(0.013 * u)
    _text(scene, (tx0 + round(0.012 * u), (ty0 + ty1) / 2 - cap), "TOTAL TASKS COMPLETED", round(0.022 * u),
          (255, 255, 255), bold=True)
    boxes = []
    font_px = round(LINE_FONT * u)
    for i, line in enumerate(lines):
        y = top + round(0.2 * pitch) + i * pitch
        if y + pitch > h:
            break
        boxes.append(_text(scene, (bx0 + round(0.016 * u), y), line.text, font_px,
                           TEXT_FILLS.get(line.state, TEXT_FILLS["todo"])))
    label = None
    if room:
        px = round(LABEL_FONT * u)
        tw = load_font("sans", False, px).getlength(room)
        label = _text(scene, ((w - tw) / 2, LABEL_Y * u - 0.75 * LABEL_FONT * u), room, px, (255, 255, 255))
    drawn: dict[str, Box] = {}
    for name, lit in (buttons or {}).items():
        left, y, size = SLOTS[name]
        x0, y0, s = round(w - left * u), round(y * u), round(size * u)
        box = (x0, y0, min(w, x0 + s), min(h, y0 + s))
        if box[2] - box[0] < s or box[3] - box[1] < s:
            continue
        _button(scene, name, box, lit)
        drawn[name] = box
    return HudDrawn((bx0, by0, bx1, by1), tuple(boxes), label, drawn)


def close_button(img: np.ndarray, center: tuple[int, int], radius: int) -> None:
    """The round close button every task panel has at its top left: light disc, dark ring, dark X."""
    cx, cy = center
    cv2.circle(img, (cx, cy), radius, (40, 40, 40), -1, cv2.LINE_AA)
    cv2.circle(img, (cx, cy), round(radius * 0.8), (235, 235, 235), -1, cv2.LINE_AA)
    d = round(radius * 0.42)
    lw = max(2, round(radius / 5))
    cv2.line(img, (cx - d, cy - d), (cx + d, cy + d), (40, 40, 40), lw, cv2.LINE_AA)
    cv2.line(img, (cx - d, cy + d), (cx + d, cy - d), (40, 40, 40), lw, cv2.LINE_AA)
