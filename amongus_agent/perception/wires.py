"""Fix Wiring from pixels: find the wire ends on both sides of the panel and pair them by colour.

Works at any scale and place because it looks for the panel's structure rather than a template:
four wire stubs of four different colours stacked in a column at even spacing, mirrored by four
terminals at the same heights further right, with dark low-saturation metal in between. That
pattern does not occur by chance in a cluttered scene, while a plain "find the grey rectangle"
breaks as soon as blur or JPEG opens a gap in the panel's frame next to a grey floor. Colours are
classified by hue, which survives lighting gradients (they change value) and JPEG (its chroma bleed
is thin next to the wire bodies).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np

from ..errors import AmongUsError

Box = tuple[int, int, int, int]

# OpenCV hue is 0..180; these ranges hold the game's red, blue, yellow and magenta wires
_HUES: dict[str, tuple[tuple[int, int], ...]] = {
    "red": ((0, 9), (172, 180)),
    "yellow": ((20, 38),),
    "blue": ((106, 132),),
    "magenta": ((138, 165),),
}
WIRE_COLOR_NAMES = tuple(_HUES)
# wire ends are drawn at full brightness; blur mixing a thin dark outline with a coloured scene
# beyond it stays darker, so a bar does not leak into a same-hued object next to the panel
_MIN_V = 130
WORK_HEIGHT = 432  # frames are analysed at this height: stubs stay >= 10 px tall, and 4K costs as much as 720p
# panel geometry in hundredths of the panel height (the game's proportions, see perception/synthetic/wiring.py)
_ROW_PITCH = 19.0


class WiringError(AmongUsError):
    """The frame cannot be read as an image."""


@dataclass(frozen=True, slots=True)
class WirePair:
    color: str
    start: tuple[int, int]  # on the left wire end, where the drag begins
    end: tuple[int, int]  # on the right terminal, where the drag ends


@dataclass(frozen=True, slots=True)
class WiringSolution:
    panel: Box
    pairs: tuple[WirePair, ...]  # top to bottom by left end


@dataclass(frozen=True, slots=True)
class _Blob:
    color: str
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def _blobs(hsv: np.ndarray) -> list[_Blob]:
    """Solid bars of one wire colour, wider than tall.

    A short horizontal closing first bridges what the game draws across a wire end: the colour-blind
    symbol (x, triangle, circle, star in dark strokes) that would otherwise split a bar in two.
    """
    close = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1))
    out: list[_Blob] = []
    for color, ranges in _HUES.items():
        m = cv2.inRange(hsv, (ranges[0][0], 111, _MIN_V), (ranges[0][1], 255, 255))
        for lo, hi in ranges[1:]:
            m |= cv2.inRange(hsv, (lo, 111, _MIN_V), (hi, 255, 255))
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, close)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=4)
        for i in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[i])
            if h < 5 or area < 25:
                continue
            # a bar is over twice as wide as tall; a squarer blob may be a bar with its lamp on top
            runs = _full_rows(labels[y : y + h, x : x + w] == i) if w < 1.8 * h else [(0, h)]
            for a, b in runs:
                sub = labels[y + a : y + b, x : x + w] == i
                cols = np.flatnonzero(sub.any(axis=0))
                bw, bh = int(cols[-1] - cols[0] + 1), b - a
                if bh < 5 or int(sub.sum()) < 0.55 * bw * bh or not 1.25 <= bw / bh <= 6.0:
                    continue
                out.append(_Blob(color, x + int(cols[0]), x + int(cols[-1]) + 1, y + a, y + b))
    return out


def _full_rows(mask: np.ndarray) -> list[tuple[int, int]]:
    """Row runs where a component is at least 80% as wide as at its widest.

    A bar and the narrower lamp drawn just above it (the yellow lamp over each left wire), once
    blur has filled the thin outline between them, form one component; they separate here.
    """
    rows = mask.sum(axis=1)
    full = rows >= 0.8 * rows.max()
    runs, start = [], None
    for k, on in enumerate(full):
        if on and start is None:
            start = k
        elif not on and start is not None:
            runs.append((start, k))
            start = None
    if start is not None:
        runs.append((start, len(full)))
    return runs


def _rows(blobs: list[_Blob]) -> list[tuple[_Blob, _Blob]]:
    """Left stub and right terminal at the same height and of the same size, far enough apart."""
    rows = []
    for a in blobs:
        for b in blobs:
            if b.x0 <= a.x1:
                continue
            h = (a.h + b.h) / 2
            if abs(a.cy - b.cy) > 0.3 * h or abs(a.h - b.h) > 0.3 * h:
                continue
            if not 6 * h < b.x0 - a.x1 < 35 * h:
                continue
            rows.append((a, b))
    return rows


def _columns(rows: list[tuple[_Blob, _Blob]]) -> list[tuple[tuple[_Blob, _Blob], ...]]:
    """Sets of four rows whose ends line up, evenly spaced, each side holding four different colours."""
    found = []
    for r in rows:
        h = r[0].h
        group = [q for q in rows if abs(q[0].x0 - r[0].x0) < 0.4 * h and abs(q[1].x1 - r[1].x1) < 0.4 * h]
        if len(group) < 4:
            continue
        group.sort(key=lambda q: q[0].cy)
        for combo in combinations(group, 4):
            ys = [q[0].cy for q in combo]
            gaps = np.diff(ys)
            # rendered panels space rows ~3 stub heights apart, the game's thin bars ~5.6
            if gaps.min() < 2 * h or gaps.max() > 7.5 * h or gaps.max() > 1.25 * gaps.min():
                continue
            if len({q[0].color for q in combo}) == 4 and len({q[1].color for q in combo}) == 4:
                found.append(combo)
    return found


def _plate_is_dark(hsv: np.ndarray, combo: tuple[tuple[_Blob, _Blob], ...]) -> bool:
    x0 = int(combo[0][0].x1 + 2 * combo[0][0].h)
    x1 = int(combo[0][1].x0 - 2 * combo[0][0].h)
    y0, y1 = int(combo[0][0].cy), int(combo[-1][0].cy)
    if x1 <= x0 or y1 <= y0:
        return False
    region = hsv[y0:y1, x0:x1]
    return float(np.median(region[..., 1])) < 80 and float(np.median(region[..., 2])) < 120


def solve_wiring(image: np.ndarray) -> WiringSolution | None:
    """Find a Fix Wiring panel in a BGR frame and the drags that solve it; None when there is no panel."""
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise WiringError("expected a colour (BGR) image")
    scale = min(1.0, WORK_HEIGHT / image.shape[0])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR) if scale < 1 else image
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    combos = [c for c in _columns(_rows(_blobs(hsv))) if _plate_is_dark(hsv, c)]
    if not combos:
        return None
    # the biggest pattern wins (a small decoy would be a picture of a panel, not the open task)
    combo = max(combos, key=lambda c: c[0][0].h)
    inv = 1.0 / scale
    # the row pitch (19 units, 57 over the four rows) measures the panel far better than a stub's few pixels
    u = (combo[-1][0].cy - combo[0][0].cy) / (3 * _ROW_PITCH)
    pairs = []
    rights = {r.color: r for _, r in combo}
    for left, _ in combo:
        right = rights[left.color]  # each side is shuffled on its own: pair by colour, not by row
        lw, rw = left.x1 - left.x0, right.x1 - right.x0
        start = (round((left.x1 - 0.2 * lw) * inv), round(left.cy * inv))
        end = (round((right.x0 + 0.2 * rw) * inv), round(right.cy * inv))
        pairs.append(WirePair(left.color, start, end))
    pitch = 19 * u
    bar_h = float(np.median([b.h for row in combo for b in row]))
    if bar_h < 0.25 * pitch:
        # the game's art: thin bars (under a fifth of the row pitch) reaching the panel's edges; the
        # panel is about as tall as wide, the first row ~one pitch below its top
        px0 = min(a.x0 for a, _ in combo)
        px1 = max(r.x1 for _, r in combo)
        py0 = combo[0][0].cy - 0.97 * pitch
        ph = 4.81 * pitch
    else:
        # stubs a third of the pitch tall, set in from the edges (the project's rendered panels)
        px0 = combo[0][0].x0 - 6 * u
        px1 = max(r.x1 for _, r in combo) + 6 * u
        py0 = combo[0][0].cy - 24 * u
        ph = 100 * u
    panel = (round(px0 * inv), round(py0 * inv), round((px1 - px0) * inv), round(ph * inv))
    return WiringSolution(panel, tuple(pairs))


def ends_still_visible(image: np.ndarray, solution: WiringSolution) -> int:
    """How many of the solution's eight wire ends still show their colour (0 once the panel has closed).

    Joined wires hide the pattern `solve_wiring` looks for, so "is the panel still open?" is asked
    of the ends found before: a small patch at each grab and drop point, classified by hue.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    H, W = hsv.shape[:2]
    r = max(1, solution.panel[3] // 200)
    seen = 0
    for pair in solution.pairs:
        for x, y in (pair.start, pair.end):
            patch = hsv[max(0, y - r) : min(H, y + r + 1), max(0, x - r) : min(W, x + r + 1)].reshape(-1, 3)
            if patch.size == 0:
                continue
            h, s, v = np.median(patch, axis=0)
            if s > 110 and v > 70 and any(lo <= h <= hi for lo, hi in _HUES[pair.color]):
                seen += 1
    return seen
