"""Shared pieces of the panel recognisers: the state record, colour masks, blobs, the working scale.

Every recogniser reads a copy of the screen shrunk to at most `WORK_H` rows (a 4K frame and a 720p
frame look alike there), finds its panel from what is drawn on it (colours, shapes, their relations,
never fixed screen coordinates), and reports points in the caller's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

WORK_H = 540  # rows of the working copy; smaller images are read as they are

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


@dataclass(slots=True)
class PanelState:
    """What a recogniser saw: the panel, its state, and the points a planner needs (image pixels)."""

    name: str
    state: str  # e.g. "ready", "watch", "input", "select", "done"
    box: Box  # the panel's extent
    points: dict[str, object] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Work:
    """The working copy: BGR and HSV at a reduced size, and the factor back to the caller's pixels."""

    bgr: np.ndarray
    hsv: np.ndarray
    k: float  # caller pixels per working pixel

    @property
    def h(self) -> int:
        return self.bgr.shape[0]

    @property
    def w(self) -> int:
        return self.bgr.shape[1]

    def up(self, x: float, y: float) -> tuple[int, int]:
        return (round(x * self.k), round(y * self.k))

    def up_box(self, b: Box) -> Box:
        return (round(b[0] * self.k), round(b[1] * self.k), round(b[2] * self.k), round(b[3] * self.k))


def working(image: np.ndarray, max_h: int = WORK_H) -> Work:
    if image is None or image.ndim != 3 or image.shape[2] < 3 or min(image.shape[:2]) < 40:
        raise ValueError("expected a BGR image of at least 40x40 pixels")
    img = image[..., :3]
    h = img.shape[0]
    k = max(1.0, h / max_h)
    if k > 1.0:
        img = cv2.resize(img, (round(img.shape[1] / k), round(h / k)), interpolation=cv2.INTER_AREA)
    img = np.ascontiguousarray(img)
    return Work(img, cv2.cvtColor(img, cv2.COLOR_BGR2HSV), k)


def hsv_mask(work: Work, h: tuple[int, int] | None = None, s: tuple[int, int] = (0, 255),
             v: tuple[int, int] = (0, 255)) -> np.ndarray:
    """uint8 0/1 mask of pixels inside the ranges (hue in OpenCV's 0..179; a wrapping range if h0 > h1).

    One `cv2.inRange` pass over the HSV copy (bounds inclusive, as the ranges are meant): every
    recogniser calls this several times a frame, so it must not cost a numpy pass per bound.
    """
    if h is None or h[0] <= h[1]:
        lo_h, hi_h = (0, 255) if h is None else h
        m = cv2.inRange(work.hsv, (lo_h, s[0], v[0]), (hi_h, s[1], v[1]))
    else:  # hue wraps round red: h0..179 or 0..h1
        m = cv2.bitwise_or(cv2.inRange(work.hsv, (h[0], s[0], v[0]), (255, s[1], v[1])),
                           cv2.inRange(work.hsv, (0, s[0], v[0]), (h[1], s[1], v[1])))
    m &= 1
    return m


@dataclass(frozen=True, slots=True)
class Blob:
    x: int
    y: int
    w: int
    h: int
    area: int
    cx: float
    cy: float

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.x + self.w, self.y + self.h)

    @property
    def fill(self) -> float:
        return self.area / max(1, self.w * self.h)

    @property
    def aspect(self) -> float:
        return self.w / max(1, self.h)


def blobs(mask: np.ndarray, min_area: float = 1) -> list[Blob]:
    n, _, st, cen = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return [Blob(int(st[i, 0]), int(st[i, 1]), int(st[i, 2]), int(st[i, 3]), int(st[i, 4]), float(cen[i, 0]),
                 float(cen[i, 1])) for i in range(1, n) if st[i, 4] >= min_area]


def close(mask: np.ndarray, size: int) -> np.ndarray:
    size = max(1, int(size))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))


def open_(mask: np.ndarray, size: int) -> np.ndarray:
    size = max(1, int(size))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))


def similar(values: list[float], tol: float) -> bool:
    """All values within `tol` (relative) of their median."""
    if not values:
        return False
    m = float(np.median(values))
    return m > 0 and all(abs(v - m) <= tol * m for v in values)


def rows_of(items: list, key_y, tol: float, key_x=lambda it: it.cx) -> list[list]:
    """Group items into rows by their y (absolute tolerance), rows top to bottom, items left to right."""
    rows: list[list] = []
    for it in sorted(items, key=key_y):
        if rows and abs(key_y(rows[-1][-1]) - key_y(it)) <= tol:
            rows[-1].append(it)
        else:
            rows.append([it])
    return [sorted(r, key=key_x) for r in rows]
