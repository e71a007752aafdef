"""Find vote targets on the voting screen: living players' plates by icon colour, and SKIP VOTE.

Plates are the light rounded rectangles laid out on the tablet; the colour comes from the icon on
the plate's left, like in the chat. Dead players' plates are grey, so they never qualify. The skip
button is a light rectangle without an icon whose text Tesseract reads as SKIP.
"""

from __future__ import annotations

import cv2
import numpy as np

from .palette import nearest_player_color
from .tesseract import image_to_data

Box = tuple[int, int, int, int]


def _light_boxes(image: np.ndarray) -> list[Box]:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    mask = ((gray > 215) & (hsv[..., 1] < 40)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    H, W = image.shape[:2]
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if w > 0.08 * W and h > 0.03 * H and 2 < w / h < 12 and cv2.contourArea(c) > 0.8 * w * h:
            out.append((x, y, w, h))
    return out


def _icon_colour(image: np.ndarray, box: Box) -> tuple[str, float] | None:
    x, y, w, h = box
    zone = image[y : y + h, x : x + min(w, h)]
    g = cv2.cvtColor(zone, cv2.COLOR_BGR2GRAY)
    dark = (g < 60).astype(np.uint8)  # the icon's outline
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    if n <= 1:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    ix, iy, iw, ih = (int(v) for v in stats[i, :4])
    if iw < 0.4 * h or ih < 0.4 * h:
        return None
    sx, sy, r = ix + 0.33 * iw, iy + 0.66 * ih, max(1, round(0.08 * iw))
    patch = zone[round(sy) - r : round(sy) + r + 1, round(sx) - r : round(sx) + r + 1].reshape(-1, 3)
    b, gg, rr = np.median(patch, axis=0)
    return nearest_player_color((float(rr), float(gg), float(b)))


def find_vote_targets(image: np.ndarray) -> dict[str, Box]:
    """Colour name (or "skip") -> clickable box, for everyone who can be voted for right now."""
    targets: dict[str, Box] = {}
    iconless = []
    for box in _light_boxes(image):
        got = _icon_colour(image, box)
        if got is not None and got[1] < 25:
            targets[got[0]] = box
        else:
            iconless.append(box)
    if iconless:
        # the skip button: read the icon-less boxes in one Tesseract call
        pad = 6
        crops = []
        for x, y, w, h in iconless:
            crops.append(cv2.cvtColor(image[y + 2 : y + h - 2, x + 2 : x + w - 2], cv2.COLOR_BGR2GRAY))
        width = max(c.shape[1] for c in crops) + 2 * pad
        sheet = np.full((sum(c.shape[0] + pad for c in crops) + pad, width), 255, np.uint8)
        spans, yy = [], pad
        for c in crops:
            sheet[yy : yy + c.shape[0], pad : pad + c.shape[1]] = c
            spans.append((yy, yy + c.shape[0]))
            yy += c.shape[0] + pad
        data = image_to_data(sheet, psm=6)
        for i, word in enumerate(data["text"]):
            if "SKIP" in word.upper():
                cy = data["top"][i] + data["height"][i] / 2
                for box, (a, z) in zip(iconless, spans, strict=True):
                    if a <= cy < z:
                        targets["skip"] = box
    return targets


def find_confirm_button(image: np.ndarray, plate: Box) -> tuple[int, int] | None:
    """Centre of the green confirm button on a selected plate (searched on the plate's right half)."""
    x, y, w, h = plate
    x0 = x + w // 2
    hsv = cv2.cvtColor(image[y : y + h, x0 : x + w], cv2.COLOR_BGR2HSV)
    green = cv2.inRange(hsv, (45, 120, 80), (80, 255, 255))
    n, _, stats, cents = cv2.connectedComponentsWithStats(green, connectivity=8)
    if n <= 1:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[i, cv2.CC_STAT_AREA] < 0.1 * h * h:
        return None
    return (x0 + int(cents[i][0]), y + int(cents[i][1]))
