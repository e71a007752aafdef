"""The voting tablet as the game draws it: plates in two columns, SKIP VOTE, confirm buttons, "Voting Results".

Like the game: the tablet's light blue glass holds a title ("Who Is The Impostor?", or "Voting
Results" once everyone has voted), a white plate per player with the icon at its left end (a hat
on it overhangs the plate), the name in white letters with a dark outline, the reporter's
megaphone near the plate's right end, and SKIP VOTE under the plates; dead players' plates are
grey with a red cross over the icon. Clicking a living player's plate (or skip) shows a green
confirm and a red cancel button on it. `cracks` draws the cracked-glass overlay.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .fonts import load_font
from .icons import OUTLINE, draw_icon
from .noise import CLEAN, Noise, degrade

TABLET = (196, 215, 238)  # RGB: light blue glass
FRAME = (150, 156, 168)
PLATE = (255, 255, 255)
DEAD_PLATE = (140, 142, 146)
BACKDROP = (30, 40, 72)
CONFIRM = (40, 180, 60)
CANCEL = (210, 40, 40)
HATS = ((200, 30, 40), (240, 200, 40), (250, 250, 250), (60, 60, 70))

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class VotePlayer:
    name: str
    color: str
    dead: bool = False
    reporter: bool = False


@dataclass(frozen=True, slots=True)
class VotingScreen:
    image: np.ndarray
    plates: dict[str, Box]  # colour -> plate box (the living and the dead)
    skip: Box | None  # None on the results screen
    confirm: Box | None  # on the selected plate, if any
    cancel: Box | None


def _buttons(box: Box) -> tuple[Box, Box]:
    x, y, w, h = box
    d = int(0.62 * h)
    cy = y + (h - d) // 2
    return (x + w - 2 * d - int(0.4 * d), cy, d, d), (x + w - d - int(0.2 * d), cy, d, d)


def _outlined(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font, px: float) -> None:
    draw.text(xy, text, font=font, fill=(255, 255, 255), stroke_width=max(1, round(0.09 * px)), stroke_fill=OUTLINE)


def _cracks(arr: np.ndarray, rng: np.random.Generator, box: Box) -> None:
    """Thin dark cracks running across the glass from a few impact points."""
    x0, y0, w, h = box
    lw = max(1, round(h / 400))
    for _ in range(int(rng.integers(2, 4))):
        cx, cy = x0 + rng.uniform(0.3, 0.9) * w, y0 + rng.uniform(0.2, 0.8) * h
        for _ in range(int(rng.integers(4, 8))):
            a = rng.uniform(0, 2 * np.pi)
            pts = [(cx, cy)]
            for _ in range(6):
                a += rng.normal(0, 0.3)
                step = rng.uniform(0.04, 0.12) * h
                pts.append((pts[-1][0] + step * np.cos(a), pts[-1][1] + step * np.sin(a)))
            cv2.polylines(arr, [np.array(pts, np.int32)], False, (30, 30, 34), lw, cv2.LINE_AA)


def render_voting(players: list[VotePlayer], width: int = 1920, height: int = 1080, *, selected: str | None = None,
                  seed: int = 0, noise: Noise = CLEAN, face: str = "sans", cracks: bool = False, hats: bool = False,
                  results: bool = False) -> VotingScreen:
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), BACKDROP)
    draw = ImageDraw.Draw(img)
    u = height / 360  # the game's layout in units of a 360-line frame
    tw = 500 * u
    tx0, ty0 = (width - tw) / 2, 15 * u
    tx1, ty1 = tx0 + tw, 335 * u
    draw.rounded_rectangle((tx0 - 8 * u, ty0 - 8 * u, tx1 + 8 * u, ty1 + 8 * u), radius=int(12 * u), fill=FRAME)
    draw.rounded_rectangle((tx0, ty0, tx1, ty1), radius=int(8 * u), fill=TABLET)
    title_font = load_font(face, True, int(22 * u))
    title = "Voting Results" if results else "Who Is The Impostor?"
    _outlined(draw, ((width - title_font.getlength(title)) / 2, ty0 + 20 * u), title, title_font, 22 * u)
    pw, ph, gap_x, pitch = 210 * u, 37 * u, 10 * u, 46 * u
    px0 = (width - 2 * pw - gap_x) / 2
    name_font = load_font(face, True, int(14 * u))
    plates: dict[str, Box] = {}
    icons = []
    rows = (len(players) + 1) // 2
    for i, p in enumerate(players):
        c, r = i // rows, i % rows
        x, y = px0 + c * (pw + gap_x), ty0 + 55 * u + r * pitch
        draw.rounded_rectangle((x, y, x + pw, y + ph), radius=int(4 * u), fill=DEAD_PLATE if p.dead else PLATE)
        draw.line((x + 2 * u, y + ph, x + pw, y + ph), fill=(110, 118, 130), width=max(1, int(1.5 * u)))
        d = 34 * u
        icons.append((x + 2 * u, y + 3 * u, d, p))
        _outlined(draw, (x + d + 8 * u, y + 3 * u), p.name, name_font, 14 * u)
        plates[p.color] = (int(x), int(y), int(pw), int(ph))
    skip = None
    if not results:
        sw, sh = 90 * u, 22 * u
        skip = (int(px0), int(ty0 + 55 * u + rows * pitch + 8 * u), int(sw), int(sh))
        draw.rounded_rectangle((skip[0], skip[1], skip[0] + sw, skip[1] + sh), radius=int(4 * u), fill=PLATE)
        skip_font = load_font(face, True, int(12 * u))
        tw2 = skip_font.getlength("SKIP VOTE")
        draw.text((skip[0] + (sw - tw2) / 2, skip[1] + 4 * u), "SKIP VOTE", font=skip_font, fill=(25, 25, 30))
    arr = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    for x, y, d, p in icons:
        draw_icon(arr, x, y, d, p.color, ghost=False)
        if hats and not p.dead:
            hat = HATS[int(rng.integers(len(HATS)))]
            cv2.ellipse(arr, (int(x + 0.55 * d), int(y + 0.02 * d)), (int(0.3 * d), int(0.16 * d)), 0, 0, 360,
                        hat[::-1], -1, cv2.LINE_AA)
            cv2.ellipse(arr, (int(x + 0.55 * d), int(y + 0.02 * d)), (int(0.3 * d), int(0.16 * d)), 0, 0, 360,
                        OUTLINE, max(1, int(d / 16)), cv2.LINE_AA)
        if p.dead:
            lw = max(2, int(d / 9))
            cv2.line(arr, (int(x), int(y)), (int(x + d), int(y + d)), CANCEL[::-1], lw, cv2.LINE_AA)
            cv2.line(arr, (int(x + d), int(y)), (int(x), int(y + d)), CANCEL[::-1], lw, cv2.LINE_AA)
        if p.reporter:  # the megaphone near the plate's right end
            bx, by, bw, bh = plates[p.color]
            mx, my = int(bx + bw - 0.7 * bh), int(by + 0.5 * bh)
            pts = np.array([(mx - 0.35 * bh, my - 0.12 * bh), (mx + 0.25 * bh, my - 0.35 * bh),
                            (mx + 0.25 * bh, my + 0.35 * bh), (mx - 0.35 * bh, my + 0.12 * bh)], np.int32)
            cv2.fillPoly(arr, [pts], (200, 200, 204), cv2.LINE_AA)
            cv2.line(arr, (mx, my - int(0.25 * bh)), (mx, my + int(0.25 * bh)), CANCEL[::-1], max(2, int(bh / 12)))
    if cracks:
        _cracks(arr, rng, (int(tx0), int(ty0), int(tw), int(ty1 - ty0)))
    confirm = cancel = None
    if selected is not None:
        box = skip if selected == "skip" else plates[selected]
        assert box is not None, "the results screen has no SKIP VOTE"
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
