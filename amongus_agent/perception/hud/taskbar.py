"""The total-tasks bar at the top left: the HUD's anchor and its fill fraction.

The bar is the one HUD element with a fixed, high-contrast look (a light grey-beige frame around a
dark green trough that fills with bright green), so it is found first and everything else on the
left side of the HUD is measured from it: its height sets the scale, its left edge the margin of the
task list. Nothing here assumes a screen size or a position.

The frame's colour is also the HUD's colour reference: a capture path's tone curve or colour cast
(stream encoders, colour profiles, night-light modes) moves it, and the curve that takes it back to
the game's colour (`levels.power_lut`) is applied to the frame before anything else on the HUD is
read, so the colour tests downstream see the game's levels. The green trough is tested after that
correction: a cast of ten levels is as large as the trough's green excess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..levels import power_lut

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)

# BGR bounds of the frame's light grey-beige (the game draws ~(187, 187, 170)); the blue/green
# channels sit a little above the red one, which keeps plain white and grey floors out
_FRAME_LO = np.array([150, 150, 128], np.uint8)
_FRAME_HI = np.array([220, 220, 205], np.uint8)
FRAME_BGR = np.array([187, 187, 170], np.float64)  # the frame as the game draws it
TROUGH_BGR = np.array([46, 64, 46], np.float64)  # the trough's unlit dark green
_TROUGH_TOL = 20.0  # per channel, once the frame's levels are corrected (JPEG and blur move it this much)


@dataclass(frozen=True, slots=True)
class TaskBar:
    box: Box  # outer frame
    fill: float  # 0..1, share of the trough that is bright green
    # the lookup table (cv2.LUT) taking this frame's levels back to the game's; None when they are the game's
    lut: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


def _greenish(px: np.ndarray) -> np.ndarray:
    b, g, r = (px[..., i].astype(np.int16) for i in range(3))
    return (g > b + 10) & (g > r + 10)


def _bright_green(px: np.ndarray) -> np.ndarray:
    b, g, r = (px[..., i].astype(np.int16) for i in range(3))
    return (g > 140) & (g > r + 80) & (g > b + 80)


def _fill(image: np.ndarray, box: Box) -> float | None:
    """Fill share of the trough, from two rows above and below the bar's caption."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    shares = []
    for fy in (0.27, 0.76):
        row = image[y0 + int(fy * h), x0:x1]
        trough = np.flatnonzero(_greenish(row))
        if trough.size < 0.5 * (x1 - x0):
            continue
        a, z = int(trough[0]), int(trough[-1]) + 1
        lit = np.flatnonzero(_bright_green(row[a:z]))
        # the fill grows from the left: the run of lit columns from the trough's left end (blended
        # edge pixels may leave a gap of a pixel or two)
        run = 0
        if lit.size and lit[0] <= 0.05 * (z - a):
            gaps = np.flatnonzero(np.diff(lit) > 3)
            run = int(lit[gaps[0]] if gaps.size else lit[-1]) + 1
        shares.append(run / max(1, z - a))
    if not shares:
        return None
    return float(np.clip(max(shares), 0.0, 1.0))


def _trough_rows(bar: np.ndarray) -> tuple[int, int] | None:
    green = _greenish(bar)
    rows = np.flatnonzero(np.count_nonzero(green, axis=1) >= 0.5 * bar.shape[1])
    return None if rows.size == 0 else (int(rows[0]), int(rows[-1]) + 1)


def _trough_level(bar: np.ndarray, rows: tuple[int, int]) -> np.ndarray | None:
    """The median colour of the trough's unlit part (None when the bar is full)."""
    t = bar[rows[0] : rows[1]]
    unlit = t[_greenish(t) & ~_bright_green(t)]
    return np.median(unlit, axis=0) if unlit.size else None


def _has_caption(bar: np.ndarray, rows: tuple[int, int]) -> bool:
    """The bar's caption ("TOTAL TASKS COMPLETED", white) on the trough's left part."""
    trough = bar[rows[0] : rows[1], : int(0.4 * bar.shape[1])]
    lo = cv2.min(cv2.min(trough[..., 0], trough[..., 1]), trough[..., 2])
    return float(np.percentile(lo, 99)) >= 200


def _through_trough(lut: np.ndarray | None, level: np.ndarray) -> np.ndarray | None:
    """`lut` followed by a straight line per channel that keeps the frame's level and takes the trough's
    seen `level` to the game's: for captures that also lift or crush the black level (limited-range
    video levels), which a power curve through the frame alone cannot follow. None when the line is
    too steep or too flat to be a capture's."""
    slope = (FRAME_BGR - TROUGH_BGR) / np.maximum(FRAME_BGR - level, 1.0)
    if np.any(slope < 0.7) or np.any(slope > 1.6):
        return None
    base = lut.reshape(256, 3).astype(np.float64) if lut is not None else np.repeat(np.arange(256.0)[:, None], 3, 1)
    out = FRAME_BGR + (base - FRAME_BGR) * slope
    return np.clip(out + 0.5, 0, 255).astype(np.uint8).reshape(1, 256, 3)


def find_task_bar(image: np.ndarray) -> TaskBar | None:
    """The total-tasks bar: a wide light frame (width 8..20 times its height) around a green trough.

    Searched in the top 40% of the frame only (the HUD draws it at the top). Scene objects drawn in
    front of the HUD (cables, pipes) may cut the frame: pieces at the same height are joined first.
    """
    top = image[: max(1, int(image.shape[0] * 0.4))]
    f = 0.5 if image.shape[0] >= 700 else 1.0  # the frame stays >= 15 px tall at half size from 720p up
    if f < 1:
        top = cv2.resize(top, None, fx=f, fy=f, interpolation=cv2.INTER_NEAREST)
    mask = cv2.inRange(top, _FRAME_LO, _FRAME_HI)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rings, strips = [], []
    st = stats[1:]
    wide = st[(st[:, 3] >= 2) & (st[:, 2] >= 2 * st[:, 3])]  # thousands of scene specks are left out at once
    for x, y, w, h, area in wide.tolist():
        if h >= 8 and w >= 2 * h and 0.1 * w * h <= area <= 0.6 * w * h:
            rings.append([x, y, x + w, y + h])
        elif h >= 2 and w >= 2 * h:
            strips.append((x, y, x + w, y + h))
    joined: list[list[int]] = []
    for q in sorted(rings):
        if any(q[0] < j[2] and q[1] == j[1] for j in joined):
            continue
        h = q[3] - q[1]
        tol = max(2, 0.08 * h)
        for p in sorted([tuple(r) for r in rings] + strips):
            if p[0] >= q[2] - 1 and p[0] - q[2] < 4 * h and p[1] >= q[1] - tol and p[3] <= q[3] + tol:
                q[2] = max(q[2], p[2])
        joined.append(q)
    best: TaskBar | None = None
    best_rank = 2
    for q in joined:
        x0, y0, x1, y1 = (int(round(v / f)) for v in q)
        w, h = x1 - x0, y1 - y0
        if not 8 <= w / h <= 20:
            continue
        seen = np.median(top[q[1] : q[3], q[0] : q[2]][mask[q[1] : q[3], q[0] : q[2]] > 0], axis=0)
        try:
            lut = power_lut(seen, FRAME_BGR)
        except ValueError:
            continue  # not the frame's colour under any plausible capture
        box = (x0, y0, x1, y1)
        raw = image[y0:y1, x0:x1]
        bar_img = cv2.LUT(raw, lut) if lut is not None else raw
        # the trough's unlit part must now show the game's dark green too: two reference colours
        # agreeing is what tells the bar from look-alikes that a capture's changed levels bring into
        # the frame's colour range (Swipe Card's display: a grey frame around a blue-green screen)
        rows = _trough_rows(bar_img)
        level = None if rows is None else _trough_level(bar_img, rows)
        rank = 0
        if level is not None and np.abs(level - TROUGH_BGR).max() > _TROUGH_TOL:
            rank = 1  # a fit with more freedom: any candidate that needs none is preferred
            lut = _through_trough(lut, level)
            if lut is None:
                continue
            bar_img = cv2.LUT(raw, lut)
            rows = _trough_rows(bar_img)
            level = None if rows is None else _trough_level(bar_img, rows)
            if level is not None and np.abs(level - TROUGH_BGR).max() > _TROUGH_TOL:
                continue
        fill = _fill(bar_img, (0, 0, w, h))
        # and the white caption, which look-alikes lack
        if fill is None or rows is None or not _has_caption(bar_img, rows):
            continue
        if best is None or rank < best_rank or (rank == best_rank and w > best.width):
            best, best_rank = TaskBar(box, fill, lut), rank
    return best
