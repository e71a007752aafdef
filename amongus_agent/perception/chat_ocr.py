"""Read the meeting chat from a frame: bubbles, speakers, their colours, the text, in order.

Layout is found, not assumed: the chat panel is the large light region; bubbles are the wide
regions that differ from the panel's own colour; a bubble with straight (not rounded) top or bottom
corners is cut by the panel edge and skipped, since half a message is worse than none. The icon
sits in the wider of the two gaps beside a bubble (left for others, right for our own messages);
its body colour, sampled away from the visor, gives the speaker's colour by nearest palette entry.
All bubbles' text goes to Tesseract in ONE image (stitched, dark on light, scaled to one text
height); each recognised line is mapped back to its bubble by position, the first line of a
bubble being the speaker's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import AmongUsError
from .palette import nearest_player_color
from .tesseract import image_to_data

Box = tuple[int, int, int, int]
TARGET_NAME_H = 30  # pixels of the name line's ink after scaling: where Tesseract's LSTM reads best
_GAP = 24  # white rows between stitched bubbles


class ChatImageError(AmongUsError):
    """The frame is not an image we can read."""


@dataclass(frozen=True, slots=True)
class ChatLine:
    speaker: str
    color: str
    text: str
    is_self: bool
    is_ghost: bool
    box: Box
    color_distance: float  # Lab distance to the palette colour: large means "unsure"


@dataclass(frozen=True, slots=True)
class _Bubble:
    box: Box
    ghost: bool
    is_self: bool
    color: str
    color_distance: float
    inside: np.ndarray  # uint8 mask over `box`: 1 within the bubble's rounded outline


def find_chat_panel(image: np.ndarray) -> Box | None:
    """The chat panel: the largest light region covering a good part of the screen."""
    f = 4  # a quarter-size grey image is plenty to find a panel half the screen wide
    small = cv2.resize(image, None, fx=1 / f, fy=1 / f, interpolation=cv2.INTER_NEAREST)
    mask = (cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[..., 2] > 140).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    x, y, w, h = cv2.boundingRect(max(contours, key=cv2.contourArea))
    H, W = image.shape[:2]
    if w * h * f * f < 0.15 * W * H:
        return None
    # refine each edge at full resolution: first/last light column and row near the coarse box
    v = cv2.cvtColor(image[max(0, f * y - f) : f * (y + h) + f, max(0, f * x - f) : f * (x + w) + f],
                     cv2.COLOR_BGR2GRAY) > 140
    cols = np.flatnonzero(v.mean(axis=0) > 0.5)
    rows = np.flatnonzero(v.mean(axis=1) > 0.5)
    ox, oy = max(0, f * x - f), max(0, f * y - f)
    return (ox + int(cols[0]), oy + int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))


def _diff_mask(crop: np.ndarray, bg: np.ndarray, threshold: int) -> np.ndarray:
    """Pixels whose largest channel difference from the background exceeds `threshold` (uint8 0/1).

    `bg` is one colour or a per-pixel background image of the crop's shape.
    """
    ref = bg.astype(np.uint8) if bg.shape == crop.shape else np.full_like(crop, bg.astype(np.uint8))
    d = cv2.absdiff(crop, ref)
    m = cv2.max(cv2.max(d[..., 0], d[..., 1]), d[..., 2])
    return (m > threshold).astype(np.uint8)


def _panel_background(panel_img: np.ndarray) -> np.ndarray:
    """The panel's own colour everywhere, as a plane fitted to its empty margins.

    Lighting gradients make one colour wrong by 10-20 levels across the panel, enough to merge
    bubbles with the panel or break them apart; a least-squares plane through the left, right and
    top margin strips (nothing is drawn there) follows the gradient.
    """
    h, w = panel_img.shape[:2]
    k = 3
    ys, xs = np.mgrid[2 : h - 2 : 2, 0:k]
    pts = [(ys.ravel(), xs.ravel() + 1), (ys.ravel(), w - 2 - xs.ravel())]
    ty, tx = np.mgrid[1 : 1 + k, 2 : w - 2 : 2]
    pts.append((ty.ravel(), tx.ravel()))
    yy = np.concatenate([p[0] for p in pts])
    xx = np.concatenate([p[1] for p in pts])
    a = np.stack([np.ones_like(xx), xx, yy], axis=1).astype(np.float64)
    colours = panel_img[yy, xx].astype(np.float64)
    coef, *_ = np.linalg.lstsq(a, colours, rcond=None)
    # a plane is smooth: evaluate it on a coarse grid and let a linear resize fill in the pixels
    step = 8
    gx = np.linspace(0, w - 1, w // step + 2, dtype=np.float32)[None, :, None]
    gy = np.linspace(0, h - 1, h // step + 2, dtype=np.float32)[:, None, None]
    c = coef.astype(np.float32)
    coarse = np.clip(c[0] + gx * c[1] + gy * c[2], 0, 255).astype(np.uint8)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)


def _inset(mask: np.ndarray, row: int, x0: int, x1: int) -> int:
    """How far in from the bounding box the bubble starts on this row: a rounded corner's depth."""
    xs = np.flatnonzero(mask[row, x0:x1])
    return int(xs[0]) if xs.size else x1 - x0


def _complete(mask: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Both ends rounded: an edge cut by the panel is straight.

    Measured three rows in from each end, past the one or two rows that blur and JPEG round off
    even on a straight cut; a rounded corner is still clearly inset there.
    """
    if h < 10:
        return False
    top, bottom = _inset(mask, y + 3, x, x + w), _inset(mask, y + h - 4, x, x + w)
    return min(top, bottom) >= 3


def _icon_color(panel_img: np.ndarray, bg_img: np.ndarray, zone: Box) -> tuple[str, float] | None:
    x, y, w, h = zone
    if w < 4 or h < 4:
        return None
    crop = panel_img[y : y + h, x : x + w]
    n, _, stats, _ = cv2.connectedComponentsWithStats(_diff_mask(crop, bg_img[y : y + h, x : x + w], 40),
                                                      connectivity=8)
    if n <= 1:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    ix, iy, iw, ih = (int(v) for v in stats[i, :4])
    if iw < 6 or ih < 6:
        return None
    sx, sy, r = ix + 0.33 * iw, iy + 0.66 * ih, max(1, round(0.1 * iw))
    patch = crop[round(sy) - r : round(sy) + r + 1, round(sx) - r : round(sx) + r + 1].reshape(-1, 3)
    b, g, rr = np.median(patch, axis=0)
    return nearest_player_color((float(rr), float(g), float(b)))


def find_bubbles(image: np.ndarray, panel: Box) -> list[_Bubble]:
    """Complete bubbles inside the panel, top to bottom, with side, ghost flag and icon colour."""
    px, py, pw, ph = panel
    crop = image[py : py + ph, px : px + pw]
    bg_img = _panel_background(crop)
    mask = _diff_mask(crop, bg_img, 30)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if w < 0.6 * pw or h < 12 or w > 0.95 * pw:  # icons are small; the input box spans the panel
            continue
        if not _complete(mask, x, y, w, h):
            continue  # cut by the panel edge
        inner = crop[y + h // 2, x + 2 : x + w - 2]  # one row through the bubble: mostly its fill
        ghost = float(np.median(inner.mean(axis=1))) < 150
        left_gap, right_gap = x, pw - (x + w)
        is_self = right_gap > left_gap
        zone = (x + w + 1, y, right_gap - 1, min(h, right_gap)) if is_self else (0, y, left_gap - 1, min(h, left_gap))
        zx, zy, zw, zh = zone
        got = _icon_color(image[py : py + ph, px : px + pw], bg_img, (zx, zy, zw, zh))
        color, dist = got if got else ("unknown", float("inf"))
        inside = np.zeros((h, w), np.uint8)
        cv2.drawContours(inside, [c], -1, 1, thickness=-1, offset=(-x, -y))
        inside = cv2.erode(inside, np.ones((5, 5), np.uint8))  # off the blurred rim
        out.append(_Bubble((px + x, py + y, w, h), ghost, is_self, color, dist, inside))
    out.sort(key=lambda b: b.box[1])
    return out


def _text_crop(gray: np.ndarray, ghost: bool, inside: np.ndarray) -> np.ndarray | None:
    """Dark-on-light, tightly cropped to the ink, scaled so the first (name) line is TARGET_NAME_H tall.

    Everything outside the bubble's outline (the panel showing in the rounded corners) is painted
    with the bubble's fill first, or Otsu would take those corners for ink.
    """
    g = 255 - gray if ghost else gray.copy()
    fill = np.median(g[inside > 0]) if inside.any() else 255
    g[inside == 0] = fill
    h, w = g.shape
    inset = max(2, h // 12)
    g = g[inset : h - inset, inset : w - inset]
    _, ink = cv2.threshold(g, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.sum(axis=1) > 0)
    cols = np.flatnonzero(ink.sum(axis=0) > 0)
    if rows.size == 0:
        return None
    # name line height: first run of inked rows
    first = rows[0]
    end = first
    while end + 1 < ink.shape[0] and ink[end + 1].any():
        end += 1
    name_h = end - first + 1
    scale = TARGET_NAME_H / max(4, name_h)
    pad = max(3, name_h // 3)
    y0, y1 = max(0, rows[0] - pad), min(g.shape[0], rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(g.shape[1], cols[-1] + pad + 1)
    tight = g[y0:y1, x0:x1]
    tight = cv2.normalize(tight, None, 0, 255, cv2.NORM_MINMAX)
    interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.resize(tight, None, fx=scale, fy=scale, interpolation=interp)


_LOOKS_LIKE_I = {"|", "l", "[", "]", "!", "1"}


def _fix_glyphs(line: str) -> str:
    """DejaVu's capital I is a bare bar, so Tesseract reads a lone 'I' as '|', 'l', '[' or '!'.

    A lone bar-shaped token between words is the pronoun in chat; so is one before an apostrophe
    (I'll, I'm). A lone '1' stays a digit unless followed by a word that never follows a number.
    """
    words = line.split(" ")
    for i, w in enumerate(words):
        if w in _LOOKS_LIKE_I - {"1"}:
            words[i] = "I"
        elif len(w) > 1 and w[0] in _LOOKS_LIKE_I - {"1"} and w[1] in "'’":
            words[i] = "I" + w[1:]
        elif w == "1" and i + 1 < len(words) and words[i + 1] in {"was", "saw", "have", "am", "did", "think"}:
            words[i] = "I"
    return " ".join(words)


class BubbleCache:
    """What earlier frames' bubbles said, looked up by a small thumbnail of the bubble's text image.

    The same bubble on a later frame has moved (scroll) and been re-encoded (JPEG), so exact hashes
    miss. Thumbnails of the same bubble differ nowhere by more than a few tens of grey levels; two
    bubbles differing even in one short name differ by over a hundred somewhere (their mean
    difference can be tiny), so the test is on the largest difference.
    """

    def __init__(self, max_entries: int = 800, tolerance: float = 70.0) -> None:
        self._entries: list[tuple[tuple[int, int], np.ndarray, tuple[str, str]]] = []
        self._max = max_entries
        self._tol = tolerance

    @staticmethod
    def _thumb(crop: np.ndarray) -> tuple[tuple[int, int], np.ndarray]:
        size = (crop.shape[0] // 6, crop.shape[1] // 6)  # same size class, within scaling noise
        return size, cv2.resize(crop, (64, 16), interpolation=cv2.INTER_AREA).astype(np.float32)

    def get(self, crop: np.ndarray) -> tuple[str, str] | None:
        size, thumb = self._thumb(crop)
        for s, t, value in reversed(self._entries):
            if abs(s[0] - size[0]) <= 1 and abs(s[1] - size[1]) <= 1 and float(np.abs(t - thumb).max()) < self._tol:
                return value
        return None

    def put(self, crop: np.ndarray, value: tuple[str, str]) -> None:
        size, thumb = self._thumb(crop)
        self._entries.append((size, thumb, value))
        del self._entries[: max(0, len(self._entries) - self._max)]


def read_chat(image: np.ndarray, cache: BubbleCache | None = None) -> list[ChatLine]:
    """Every complete message on a meeting-chat frame, top to bottom (oldest first).

    With a `cache` (kept by the caller across frames), bubbles read before are not sent to
    Tesseract again, so a frame with one new message costs one bubble's OCR, and a frame with
    none costs no Tesseract process at all.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise ChatImageError("expected a colour (BGR) image")
    panel = find_chat_panel(image)
    if panel is None:
        return []
    bubbles = find_bubbles(image, panel)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    crops: list[tuple[_Bubble, np.ndarray]] = []
    for b in bubbles:
        x, y, w, h = b.box
        crop = _text_crop(gray[y : y + h, x : x + w], b.ghost, b.inside)
        if crop is not None:
            crops.append((b, crop))
    if not crops:
        return []
    known: dict[int, tuple[str, str]] = {}
    if cache is not None:
        for i, (_, c) in enumerate(crops):
            hit = cache.get(c)
            if hit is not None:
                known[i] = hit
    fresh = [(i, bc) for i, bc in enumerate(crops) if i not in known]
    read = _ocr_crops([c for _, (_, c) in fresh]) if fresh else []
    results: dict[int, tuple[str, str]] = dict(known)
    for (i, (_, c)), got in zip(fresh, read, strict=True):
        if got is None:
            continue
        results[i] = got
        if cache is not None:
            cache.put(c, got)
    out = []
    for i, (b, _) in enumerate(crops):
        if i in results:
            speaker, text = results[i]
            out.append(ChatLine(speaker, b.color, text, b.is_self, b.ghost, b.box, b.color_distance))
    return out


def _ocr_crops(crops: list[np.ndarray]) -> list[tuple[str, str] | None]:
    """Speaker and text of each bubble crop, in ONE Tesseract run over a sheet stacking them all."""
    width = max(c.shape[1] for c in crops) + 2 * _GAP
    height = sum(c.shape[0] + _GAP for c in crops) + _GAP
    sheet = np.full((height, width), 255, np.uint8)
    spans = []
    y = _GAP
    for c in crops:
        sheet[y : y + c.shape[0], _GAP : _GAP + c.shape[1]] = c
        spans.append((y, y + c.shape[0]))
        y += c.shape[0] + _GAP
    data = image_to_data(sheet)
    # group words into lines, lines into bubbles by the line's vertical centre
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, str]]] = {}
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word or float(data["conf"][i]) < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append((data["top"][i], data["height"][i], data["left"][i], word))
    per_bubble: list[list[tuple[float, str]]] = [[] for _ in crops]
    for words in lines.values():
        words.sort(key=lambda t: t[2])
        cy = float(np.median([t + h / 2 for t, h, _, _ in words]))
        for k, (a, z) in enumerate(spans):
            if a - _GAP / 2 <= cy < z + _GAP / 2:
                per_bubble[k].append((cy, _fix_glyphs(" ".join(w for _, _, _, w in words))))
                break
    result: list[tuple[str, str] | None] = []
    for got in per_bubble:
        got.sort()
        result.append((got[0][1], " ".join(t for _, t in got[1:])) if got else None)
    return result
