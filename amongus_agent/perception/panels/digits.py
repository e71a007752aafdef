"""Reading the hand-drawn digits 1..10 of Unlock Manifolds without OCR.

Tesseract misreads the game's hand-drawn 4 and 9, but the ten cells always hold 1..10 once each:
each glyph is compared with stroke prototypes drawn from OpenCV's Hershey fonts and DejaVu (no game
art is stored), "10" is the only glyph of two side-by-side strokes, and the best one-to-one
assignment (Hungarian) settles the rest.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

_N = 32
_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_PLAIN,
          cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_TRIPLEX)
_TTF = ("DejaVuSans.ttf", "DejaVuSans-ExtraLight.ttf", "DejaVuSerif.ttf")


def _norm(ink: np.ndarray) -> np.ndarray | None:
    ys, xs = np.nonzero(ink)
    if ys.size < 4:
        return None
    b = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8) * 255
    h, w = b.shape
    s = max(h, w)
    pad = np.zeros((s, s), np.uint8)
    pad[(s - h) // 2 : (s - h) // 2 + h, (s - w) // 2 : (s - w) // 2 + w] = b
    r = cv2.resize(pad, (_N, _N), interpolation=cv2.INTER_AREA).astype(np.float32)
    r = cv2.GaussianBlur(r, (0, 0), 1.5)
    r -= r.mean()
    return r / (float(np.linalg.norm(r)) + 1e-6)


@lru_cache(maxsize=1)
def _prototypes() -> dict[int, list[np.ndarray]]:
    out: dict[int, list[np.ndarray]] = {}
    ttfs = []
    try:
        from PIL import Image, ImageDraw, ImageFont

        for name in _TTF:
            try:
                ttfs.append(ImageFont.truetype(name, 100))
            except OSError:
                try:
                    ttfs.append(ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}", 100))
                except OSError:
                    pass
    except ImportError:  # pragma: no cover - pillow is a dependency
        Image = None
    for d in range(1, 11):
        protos = []
        for f in _FONTS:
            for th in (2, 4):
                img = np.zeros((120, 160), np.uint8)
                cv2.putText(img, str(d), (10, 95), f, 5 if f == cv2.FONT_HERSHEY_PLAIN else 3, 255, th)
                p = _norm(img > 0)
                if p is not None:
                    protos.append(p)
        for font in ttfs:
            im = Image.new("L", (200, 140))
            ImageDraw.Draw(im).text((10, 5), str(d), fill=255, font=font)
            p = _norm(np.asarray(im) > 100)
            if p is not None:
                protos.append(p)
        out[d] = protos
    return out


def _strokes(ink: np.ndarray) -> int:
    """How many sizeable separate strokes a glyph has (10 has two: the 1 and the 0)."""
    n, _, st, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if n <= 1:
        return 0
    areas = st[1:, 4]
    return int((areas >= 0.15 * areas.max()).sum())


def read_permutation(glyphs: list[np.ndarray]) -> list[int] | None:
    """Digits for ten ink masks (True = ink) known to hold 1..10 once each; None when not ten glyphs."""
    if len(glyphs) != 10:
        return None
    protos = _prototypes()
    score = np.full((10, 10), -2.0)
    for i, g in enumerate(glyphs):
        v = _norm(g)
        if v is None:
            return None
        two = _strokes(g) >= 2
        for d in range(1, 11):
            if (d == 10) != two:
                continue
            score[i, d - 1] = max(float((v * p).sum()) for p in protos[d])
    rows, cols = linear_sum_assignment(-score)
    if any(score[r, c] <= -2.0 for r, c in zip(rows, cols, strict=True)):
        return None
    out = [0] * 10
    for r, c in zip(rows, cols, strict=True):
        out[r] = int(c) + 1
    return out
