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
    out: list[_Blob] = []
    for color, ranges in _HUES.items():
        m = cv2.inRange(hsv, (ranges[0][0], 111, 71), (ranges[0][1], 255, 255))
        for lo, hi in ranges[1:]:
            m |= cv2.inRange(hsv, (lo, 111, 71), (hi, 255, 255))
        n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=4)
        for i in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[i])
            if h < 5 or area < 25 or area < 0.6 * w * h or not 1.25 <= w / h <= 2.3:
                continue
            out.append(_Blob(color, x, x + w, y, y + h))
    return out


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
            if not 6 * h < b.x0 - a.x1 < 25 * h:
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
            if gaps.min() < 2 * h or gaps.max() > 4.5 * h or gaps.max() > 1.25 * gaps.min():
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
    px0 = combo[0][0].x0 - 6 * u
    px1 = max(r.x1 for _, r in combo) + 6 * u
    py0 = combo[0][0].cy - 24 * u
    panel = (round(px0 * inv), round(py0 * inv), round((px1 - px0) * inv), round(100 * u * inv))
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
