"""The task list under the total-tasks bar: lines of outlined text, one task each.

Geometry comes from the bar found on screen (its left edge is the list's margin, its height the
scale), so the reader works at any resolution and wherever the HUD sits in a crop. Each line is
followed from the margin to the right while the glyphs keep coming at word spacing; a big blob (the
close button of a task panel) or a wide gap ends it. Each line is cut out as binarised glyphs (fill
black on white, every line scaled to one height); `read_texts` names it from its glyph shapes where it
can (`shapes.py`) and sends only what remains to Tesseract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from ..tesseract import read_each
from .shapes import read_line_shape, read_room_shape
from .taskbar import TaskBar
from .text_mask import STATES, text_masks
from .vocab import ParsedLine, parse_line

LINE_PX = 56  # glyph band height of a line crop


@dataclass(frozen=True, slots=True)
class ListLine:
    box: tuple[int, int, int, int]
    state: str
    parsed: ParsedLine


@dataclass(frozen=True, slots=True)
class _Band:
    y0: int
    y1: int
    x0: int
    x1: int
    state: str


def _bands(mask: np.ndarray, bar: TaskBar, x_margin: int) -> list[tuple[int, int]]:
    """Row ranges of text lines, from the glyph count of the list's left part."""
    left = mask[:, x_margin : x_margin + max(4, int(0.3 * bar.width))]
    rows = np.count_nonzero(left, axis=1)
    on = rows >= 2
    bands = []
    y = 0
    n = len(on)
    lo_h, hi_h = 0.25 * bar.height, 0.8 * bar.height
    while y < n:
        if not on[y]:
            y += 1
            continue
        z = y
        while z < n and on[z]:
            z += 1
        if lo_h <= z - y <= hi_h:
            bands.append((y, z))
        elif z - y > hi_h:
            # two lines touching (descender on cap): cut at the emptiest row near the expected pitch
            pitch = int(0.7 * bar.height)
            a = y
            while z - a > hi_h:
                lo, hi = a + int(0.45 * pitch), min(z, a + int(0.95 * pitch))
                cut = lo + int(np.argmin(rows[lo:hi])) if hi > lo else a + pitch
                if lo_h <= cut - a:
                    bands.append((a, cut))
                a = cut + 1
            if lo_h <= z - a <= hi_h:
                bands.append((a, z))
        y = z
    return bands


def _follow(mask: np.ndarray, y0: int, y1: int, band_h: int, scale: float) -> tuple[int, int] | None:
    """Left and right end of the line starting at the margin; None when no text starts there.

    `scale` is the bar's height: word gaps and the margin are measured against it, because thin
    glyphs (":", "i") may drop out of the colour mask at small sizes and make the band look short.
    Components are taken from a strip reaching half a line above and below the band, so a blob that
    crosses the line (a panel's close button) shows its full height and ends the line instead of
    passing for glyphs; pieces of the neighbouring lines are left out by their centre.
    """
    m = band_h // 2
    a0, a1 = max(0, y0 - m), min(mask.shape[0], y1 + m)
    strip = (mask[a0:a1] > 0).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(strip, connectivity=8)
    st = stats[1:]
    cy = a0 + st[:, 1] + st[:, 3] / 2
    st = st[(st[:, 4] >= 3) & (cy >= y0) & (cy <= y1)]  # in numpy: the strip holds scene specks by the thousand
    comps = sorted(zip((st[:, 0]).tolist(), (st[:, 0] + st[:, 2]).tolist(), st[:, 3].tolist(), strict=True))
    if not comps:
        return None
    start = None
    for i, (a, _, h) in enumerate(comps):
        if a > 0.6 * scale:
            break
        if 0.3 * band_h <= h <= 1.3 * band_h:
            start = i
            break
    if start is None:
        return None
    x0, x1 = comps[start][0], comps[start][1]
    glyphs = 1
    for a, b, h in comps[start + 1 :]:
        if a - x1 > 0.55 * scale:
            break
        if b - a > 2.5 * band_h or h > 1.4 * band_h:  # not a glyph: a blob crossing the line
            break
        x1 = max(x1, b)
        glyphs += 1
    if glyphs < 3:
        return None
    return x0, x1


def find_lines(image: np.ndarray, bar: TaskBar) -> list[_Band]:
    h_img, w_img = image.shape[:2]
    x_margin = bar.box[0]
    region_x1 = min(w_img, bar.box[2] + bar.width // 10)
    top = bar.box[3]
    region = image[top:, x_margin:region_x1]
    # the rows of text come from the list's left part; the full width is coloured only down to where
    # the rows stop coming at line pitch (the list's end: the loop below stops there or earlier)
    left_w = max(4, int(0.3 * bar.width))
    bands = _bands(text_masks(region[:, :left_w]), bar, 0)
    end = 0
    for y0, y1 in bands:
        if end and y0 - end > 1.5 * bar.height:
            break
        end = y1
    labels = text_masks(region[: min(region.shape[0], end + bar.height)])
    out = []
    last_y = None
    for y0, y1 in bands:
        if last_y is not None and y0 - last_y > 1.5 * bar.height:
            break  # the list ends; text further down is the scene
        if y1 + (y1 - y0) // 2 >= labels.shape[0] and labels.shape[0] < region.shape[0]:
            labels = text_masks(region)  # a line past the first gap (none read above it): colour it all
        ends = _follow(labels, y0, y1, y1 - y0, bar.height)
        if ends is None:
            if last_y is None and y0 > 1.5 * bar.height:
                break
            continue
        sub = labels[y0:y1, ends[0] : ends[1]]
        counts = np.bincount(sub.ravel(), minlength=5)[1:]
        state = STATES[int(np.argmax(counts))]
        out.append(_Band(top + y0, top + y1, x_margin + ends[0], x_margin + ends[1], state))
        last_y = y1
    return out


def fill_intensity(bgr: np.ndarray, state: str) -> np.ndarray:
    """How strongly each pixel shows the line's fill colour (0..255), keeping the glyphs' antialiasing.

    White fill is bright in all channels, yellow in green and red, green in green, red in red; the
    dark outline and the grey list panel are low in that measure. Small text (720p) keeps its shapes
    this way where a hard colour mask would drop thin strokes.
    """
    b, g, r = cv2.split(bgr)
    if state == "todo":
        return cv2.min(cv2.min(b, g), r)
    if state == "in_progress":
        return cv2.subtract(cv2.min(g, r), cv2.divide(b, 2))
    if state == "done":
        return cv2.subtract(g, cv2.divide(cv2.max(b, r), 2))
    return cv2.subtract(r, cv2.divide(cv2.max(b, g), 2))


def _percentile_u8(hist: np.ndarray, q: float) -> float | None:
    """`np.percentile(values, q)` (linear between ranks) from the 256-bin histogram of uint8 values:
    a cumulative sum instead of a sort, the same number. None for no values."""
    n = int(hist.sum())
    if n == 0:
        return None
    rank = q / 100 * (n - 1)
    lo = int(np.floor(rank))
    cum = np.cumsum(hist)
    v_lo = int(np.searchsorted(cum, lo, side="right"))
    v_hi = int(np.searchsorted(cum, min(n - 1, lo + 1), side="right"))
    return v_lo + (rank - lo) * (v_hi - v_lo)


def _crop(image: np.ndarray, band: _Band, bar_h: int) -> np.ndarray:
    """The line as dark glyphs on white, scaled so that the bar's height is 2 sheet lines."""
    cy = (band.y0 + band.y1) / 2
    half = 0.36 * bar_h
    pad = max(2, int(0.1 * bar_h))
    y0, y1 = max(0, int(cy - half)), min(image.shape[0], int(cy + half) + 1)
    x0, x1 = max(0, band.x0 - pad), min(image.shape[1], band.x1 + pad)
    patch = image[y0:y1, x0:x1]
    level = fill_intensity(patch, band.state)
    # keep the fill and its antialiased rim only: a bright scene seen through the list panel is
    # as bright as thin glyphs in this measure, but lies away from the fill
    r = max(1, int(round(bar_h / 30)))
    fill = (text_masks(patch) > 0).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fill, connectivity=8)
    speck = stats[:, cv2.CC_STAT_AREA] < max(2.0, (bar_h / 40) ** 2)  # light scene pixels, not strokes
    speck[0] = True
    fill[speck[labels]] = 0
    near = cv2.dilate(fill, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    # the scene behind can be nearly as bright as the fill (white art under the translucent panel):
    # whatever brightness it reaches away from the glyphs is cut off near them too
    on = near.view(bool)
    scene = _percentile_u8(np.bincount(level[~on], minlength=256), 97)
    scene = scene + 5 if scene is not None else 0.0
    floor = _percentile_u8(np.bincount(level[on], minlength=256), 20) or 0.0
    level = np.where(on, level, 0).astype(np.float32)
    floor = max(floor, min(scene, 190.0))
    ink = np.clip((level - floor) * (255.0 / max(1.0, 255.0 - floor)), 0, 255).astype(np.uint8)
    crop = cv2.bitwise_not(ink)
    scale = LINE_PX / (0.72 * bar_h)
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)


class LineCache:
    """Text of line crops read before, so a task list that did not change costs no OCR.

    Keyed by a coarse binary thumbnail of the crop (a few flickering pixels of the scene behind the
    translucent list do not change it; a changed digit or colour does). Bounded: oldest out first.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self._items: dict[bytes, str] = {}
        self._max = max_entries
        self.panel: tuple[bytes, str | None] | None = None  # last open panel's look and name (read_hud)

    @staticmethod
    def key(crop: np.ndarray) -> bytes:
        h = 28  # half the sheet's line height: a changed digit still changes the key
        w = max(1, round(crop.shape[1] * h / crop.shape[0]))
        thumb = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA) < 160
        return w.to_bytes(2, "little") + np.packbits(thumb).tobytes()

    def get(self, crop: np.ndarray) -> str | None:
        return self._items.get(self.key(crop))

    def put(self, crop: np.ndarray, text: str) -> None:
        if len(self._items) >= self._max:
            self._items.pop(next(iter(self._items)))
        self._items[self.key(crop)] = text


def ocr_lines(crops: list[np.ndarray], cache: LineCache | None = None) -> list[str]:
    """Text of each line crop not cached, each read on its own (`tesseract.read_each`)."""
    if cache is not None:
        known = [cache.get(c) for c in crops]
        todo = [i for i, k in enumerate(known) if k is None]
        fresh = ocr_lines([crops[i] for i in todo]) if todo else []
        for i, text in zip(todo, fresh, strict=True):
            cache.put(crops[i], text)
            known[i] = text
        return [k or "" for k in known]
    if not crops:
        return []
    words = read_each(crops)
    return [" ".join(w for _, w, _ in sorted(ws)) for ws in words]


_STEPS = re.compile(r"\(\s*(\d{1,2})\s*/\s*(\d{1,2})\s*\)")


def read_texts(crops: list[np.ndarray], label: np.ndarray | None = None,
               cache: LineCache | None = None) -> tuple[list[str], str | None]:
    """Text of every task-line crop and of the room label: from glyph shapes where they settle the
    line (`shapes.py`), the rest (and the step digits "(k/n)" of lines named by shape) from ONE
    Tesseract run. A step bracket that OCR does not read as "(k/n)" with the entry's n sends its whole
    line to OCR after all."""
    texts: list[str | None] = [None] * len(crops)
    todo: list[int] = []
    heads: dict[int, str] = {}  # lines whose room the shapes settled: only the rest goes to OCR
    todo_crops: list[np.ndarray] = []
    steps: list[tuple[int, str, np.ndarray]] = []
    for i, crop in enumerate(crops):
        got = read_line_shape(crop)
        if got is None:
            todo.append(i)
            todo_crops.append(crop)
        elif got.rest_from is not None:
            todo.append(i)
            todo_crops.append(crop[:, max(0, got.rest_from + crop.shape[0] // 8) :])
            heads[i] = got.text
        elif got.step_span is None:
            texts[i] = got.text
        else:
            pad = max(2, crop.shape[0] // 6)
            a, b = max(0, got.step_span[0] - pad), min(crop.shape[1], got.step_span[1] + pad)
            steps.append((i, got.text, crop[:, a:b]))
    room = read_room_shape(label) if label is not None else None
    jobs = todo_crops + [s[2] for s in steps]
    if label is not None and room is None:
        jobs.append(label)
    read = ocr_lines(jobs, cache)
    for i, text in zip(todo, read, strict=False):
        texts[i] = heads.get(i, "") + text
    again = []
    for (i, text, _), got in zip(steps, read[len(todo) :], strict=False):
        m = _STEPS.search(got)
        n = re.search(r"/(\d+)\)$", text)
        if m is None or n is None or m.group(2) != n.group(1) or int(m.group(1)) > int(m.group(2)):
            again.append(i)
            continue
        texts[i] = text.replace("#", m.group(1))
    if again:
        for i, text in zip(again, ocr_lines([crops[i] for i in again], cache), strict=True):
            texts[i] = text
    if label is not None and room is None:
        room = read[-1]
    return [t or "" for t in texts], room


def line_crops(image: np.ndarray, bands: list[_Band], bar: TaskBar) -> list[np.ndarray]:
    return [_crop(image, b, bar.height) for b in bands]


def to_lines(bands: list[_Band], texts: list[str]) -> list[ListLine]:
    return [ListLine((b.x0, b.y0, b.x1, b.y1), b.state, parse_line(t)) for b, t in zip(bands, texts, strict=True)]
