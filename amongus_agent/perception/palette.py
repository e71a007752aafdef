"""The colours of the game, in one place: the 18 player colours and the four Fix Wiring wire colours.

Values are the game's own (RGB): each player colour has a main tone and the darker shadow tone
drawn on the icon's back and lower edge. Recognisers compare colours in CIE Lab, where a distance
means roughly the same visible difference everywhere, so nearest-colour matching works for dark
colours (black, brown, maroon) as well as light ones (white, yellow, banana). Classifying the pixels
of an icon against both tones of every colour lets the shaded part vote for its own colour instead
of for a darker neighbour (red's shadow is close to maroon's main tone).
"""

from __future__ import annotations

import numpy as np

RGB = tuple[int, int, int]

PLAYER_COLORS: dict[str, RGB] = {
    "red": (198, 17, 17),
    "blue": (19, 46, 210),
    "green": (17, 128, 45),
    "pink": (238, 84, 187),
    "orange": (240, 125, 13),
    "yellow": (246, 246, 87),
    "black": (63, 71, 78),
    "white": (215, 225, 241),
    "purple": (107, 47, 188),
    "brown": (113, 73, 30),
    "cyan": (56, 255, 221),
    "lime": (80, 240, 57),
    "maroon": (95, 29, 46),
    "rose": (236, 192, 211),
    "banana": (240, 231, 168),
    "gray": (117, 133, 147),
    "tan": (145, 136, 119),
    "coral": (215, 100, 100),
}

PLAYER_SHADOWS: dict[str, RGB] = {
    "red": (122, 8, 56),
    "blue": (9, 21, 142),
    "green": (10, 77, 46),
    "pink": (172, 43, 174),
    "orange": (180, 62, 21),
    "yellow": (195, 136, 34),
    "black": (30, 31, 38),
    "white": (132, 149, 192),
    "purple": (59, 23, 124),
    "brown": (94, 38, 21),
    "cyan": (36, 168, 190),
    "lime": (21, 168, 66),
    "maroon": (65, 15, 26),
    "rose": (222, 146, 179),
    "banana": (210, 188, 137),
    "gray": (70, 86, 100),
    "tan": (81, 65, 62),
    "coral": (180, 67, 98),
}

VISOR: RGB = (149, 202, 220)  # the glass every crewmate wears, with its shadow (not a player colour)
VISOR_SHADOW: RGB = (80, 120, 146)

WIRE_COLORS: dict[str, RGB] = {
    "red": (255, 0, 0),
    "blue": (38, 38, 255),
    "yellow": (255, 235, 4),
    "magenta": (255, 0, 255),
}


def bgr(rgb: RGB) -> tuple[int, int, int]:
    """OpenCV draws in BGR; the tables are RGB because that is how colours are usually quoted."""
    return (rgb[2], rgb[1], rgb[0])


def _lab(rgb_rows: np.ndarray) -> np.ndarray:
    import cv2

    px = np.asarray(rgb_rows, dtype=np.uint8).reshape(-1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)


_NAMES = list(PLAYER_COLORS)
_PLAYER_LAB = _lab(np.array([PLAYER_COLORS[n] for n in _NAMES]))
# prototypes for pixel votes: main tones, shadow tones, then the visor's two tones (label -1)
_PROTO_LAB = _lab(np.array([PLAYER_COLORS[n] for n in _NAMES] + [PLAYER_SHADOWS[n] for n in _NAMES]
                           + [VISOR, VISOR_SHADOW]))
_PROTO_LABEL = np.array(list(range(len(_NAMES))) * 2 + [-1, -1])


def nearest_player_color(rgb: tuple[float, float, float]) -> tuple[str, float]:
    """Name of the player colour nearest to `rgb` and its Lab distance (so callers can judge trust)."""
    lab = _lab(np.clip(np.round(np.array([rgb])), 0, 255))[0]
    d = np.linalg.norm(_PLAYER_LAB - lab, axis=1)
    i = int(np.argmin(d))
    return _NAMES[i], float(d[i])


def vote_body_color(pixels_bgr: np.ndarray, max_distance: float = 22.0, *, min_lightness: float = 20.0,
                    detail: bool = False, weigh_margin: bool = False):
    """The player colour most of these pixels belong to, and the share of votes it won.

    Each pixel votes for the colour whose main or shadow tone is nearest in Lab, if within
    `max_distance`; visor pixels and pixels near no tone (outline, highlights, hats drawn over the
    body, cracks) abstain, and so do near-black pixels (L* under `min_lightness`: the outline blurred
    into the body). The
    share (winner's votes over the winner's and the runner-up's) tells how sure the answer is: a
    hat or a sticker covering the body lowers it.
    """
    px = np.asarray(pixels_bgr, dtype=np.uint8).reshape(-1, 3)
    if px.shape[0] == 0:
        return None, 0.0
    if px.shape[0] > 2000:  # an evenly spread sample is as good a vote and keeps 4K icons cheap
        px = px[:: px.shape[0] // 2000 + 1]
    lab = _lab(px[:, ::-1])
    d = _distances(lab, _PROTO_LAB)
    best = np.argmin(d, axis=1)
    # near-black pixels are the outline or its blur into the body: they abstain (black's main tone is lighter)
    ok = (d[np.arange(len(best)), best] <= max_distance) & (lab[:, 0] > min_lightness * 255 / 100)
    labels = _PROTO_LABEL[best[ok]]
    weights = np.ones(labels.size)
    if weigh_margin:
        # a pixel between two colours' tones (a compressed or blurred edge, a shade both share) says
        # little: it votes with the margin by which its colour is nearer than the next other colour
        d_ok = d[ok]
        d1 = d_ok[np.arange(len(labels)), best[ok]]
        other = np.where(_PROTO_LABEL[None, :] == labels[:, None], np.inf, d_ok)
        d2 = other.min(axis=1)
        weights = np.clip((d2 - d1) / np.maximum(d1 + d2, 1e-3), 0.0, 1.0)
    keep = labels >= 0
    labels, weights = labels[keep], weights[keep]
    if labels.size == 0:
        return None, 0.0
    counts = np.bincount(labels, weights=weights, minlength=len(_NAMES))
    if detail:
        return {n: round(float(c), 1) if weigh_margin else int(c) for n, c in zip(_NAMES, counts, strict=True) if c}
    order = np.argsort(counts)[::-1]
    i, second = int(order[0]), float(counts[order[1]])
    if counts[i] <= 0:
        return None, 0.0
    return _NAMES[i], float(counts[i] / (counts[i] + second))


def fit_to_palette(pixels_bgr: np.ndarray, cap: float = 40.0) -> float:
    """How far these pixels lie from the players' tones: mean Lab distance to the nearest main or shadow
    tone (each capped at `cap`, so hats and cracks weigh no more than a clear miss)."""
    px = np.asarray(pixels_bgr, dtype=np.uint8).reshape(-1, 3)
    if px.shape[0] == 0:
        return cap
    if px.shape[0] > 800:
        px = px[:: px.shape[0] // 800 + 1]
    d = _distances(_lab(px[:, ::-1]), _PROTO_LAB[: 2 * len(_NAMES)]).min(axis=1)
    return float(np.minimum(d, cap).mean())


def _distances(lab: np.ndarray, protos: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of `lab` and every prototype (one matrix product)."""
    sq = (lab * lab).sum(axis=1)[:, None] + (protos * protos).sum(axis=1)[None, :] - 2.0 * lab @ protos.T
    return np.sqrt(np.maximum(sq, 0.0))
