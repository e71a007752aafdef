"""The voting screen: a plate per player (icon and name), a SKIP VOTE button, confirm buttons.

As in the game, clicking a living player's plate (or skip) shows a green confirm and a red cancel
button on it; dead players' plates are greyed with a red cross and cannot be voted for.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import load_font
from .icons import draw_icon
from .noise import CLEAN, Noise, degrade

TABLET = (160, 178, 205)
PLATE = (236, 239, 246)
DEAD_PLATE = (128, 132, 140)
BACKDROP = (30, 40, 72)
CONFIRM = (40, 180, 60)
CANCEL = (210, 40, 40)

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class VotePlayer:
    name: str
    color: str
    dead: bool = False


@dataclass(frozen=True, slots=True)
class VotingScreen:
    image: np.ndarray
    plates: dict[str, Box]  # colour -> plate box (the living and the dead)
    skip: Box
    confirm: Box | None  # on the selected plate, if any
    cancel: Box | None


def _buttons(box: Box) -> tuple[Box, Box]:
    x, y, w, h = box
    d = int(0.62 * h)
    cy = y + (h - d) // 2
    return (x + w - 2 * d - int(0.4 * d), cy, d, d), (x + w - d - int(0.2 * d), cy, d, d)


def render_voting(players: list[VotePlayer], width: int = 1920, height: int = 1080, *, selected: str | None = None,
                  seed: int = 0, noise: Noise = CLEAN, face: str = "sans") -> VotingScreen:
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), BACKDROP)
    draw = ImageDraw.Draw(img)
    tx0, ty0, tx1, ty1 = int(0.08 * width), int(0.06 * height), int(0.92 * width), int(0.94 * height)
    draw.rounded_rectangle((tx0, ty0, tx1, ty1), radius=int(0.02 * height), fill=TABLET)
    cols, rows = 2, (len(players) + 1) // 2
    gx, gy = int(0.02 * width), int(0.018 * height)
    pw = (tx1 - tx0 - 3 * gx) // cols
    ph = min(int(0.1 * height), (ty1 - ty0 - int(0.2 * height) - (rows + 1) * gy) // max(1, rows))
    name_font = load_font(face, True, int(0.42 * ph))
    plates: dict[str, Box] = {}
    icons = []
    for i, p in enumerate(players):
        c, r = i % cols, i // cols
        x, y = tx0 + gx + c * (pw + gx), ty0 + int(0.08 * height) + r * (ph + gy)
        draw.rounded_rectangle((x, y, x + pw, y + ph), radius=int(0.15 * ph), fill=DEAD_PLATE if p.dead else PLATE)
        d = 0.78 * ph
        icons.append((x + 0.12 * ph, y + (ph - d) / 2, d, p))
        draw.text((x + 0.12 * ph + d + 0.25 * ph, y + 0.26 * ph), p.name, font=name_font, fill=(25, 25, 30))
        plates[p.color] = (x, y, pw, ph)
    sw, sh = int(0.16 * width), int(0.07 * height)
    skip = (tx0 + gx, ty1 - sh - gy, sw, sh)
    draw.rounded_rectangle((skip[0], skip[1], skip[0] + sw, skip[1] + sh), radius=int(0.2 * sh), fill=PLATE)
    skip_font = load_font(face, True, int(0.45 * sh))
    tw = skip_font.getlength("SKIP VOTE")
    draw.text((skip[0] + (sw - tw) / 2, skip[1] + 0.22 * sh), "SKIP VOTE", font=skip_font, fill=(25, 25, 30))
    arr = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    for x, y, d, p in icons:
        draw_icon(arr, x, y, d, p.color)
        if p.dead:
            lw = max(2, int(d / 10))
            cv2.line(arr, (int(x), int(y)), (int(x + d), int(y + d)), CANCEL[::-1], lw, cv2.LINE_AA)
            cv2.line(arr, (int(x + d), int(y)), (int(x), int(y + d)), CANCEL[::-1], lw, cv2.LINE_AA)
    confirm = cancel = None
    if selected is not None:
        box = skip if selected == "skip" else plates[selected]
        confirm, cancel = _buttons(box)
        for (bx, by, bd, _), col in ((confirm, CONFIRM), (cancel, CANCEL)):
            cv2.circle(arr, (bx + bd // 2, by + bd // 2), bd // 2, col[::-1], -1, cv2.LINE_AA)
        bx, by, bd, _ = confirm
        lw = max(2, bd // 8)
        cv2.polylines(arr, [np.array([(bx + bd * 0.25, by + bd * 0.52), (bx + bd * 0.43, by + bd * 0.7),
                                      (bx + bd * 0.75, by + bd * 0.32)], np.int32)], False, (255, 255, 255), lw,
                      cv2.LINE_AA)
        bx, by, bd, _ = cancel
        cv2.line(arr, (int(bx + bd * 0.3), int(by + bd * 0.3)), (int(bx + bd * 0.7), int(by + bd * 0.7)),
                 (255, 255, 255), lw, cv2.LINE_AA)
        cv2.line(arr, (int(bx + bd * 0.7), int(by + bd * 0.3)), (int(bx + bd * 0.3), int(by + bd * 0.7)),
                 (255, 255, 255), lw, cv2.LINE_AA)
    arr = degrade(arr, noise, rng)
    return VotingScreen(arr, plates, skip, confirm, cancel)
