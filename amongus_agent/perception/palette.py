"""The colours of the game, in one place: player colours and the four Fix Wiring wire colours.

Values are close to the ones the game draws (RGB). Recognisers compare colours in CIE Lab, where a
distance means roughly the same visible difference everywhere, so nearest-colour matching works for
dark colours (black, brown) as well as light ones (white, yellow).
"""

from __future__ import annotations

import numpy as np

RGB = tuple[int, int, int]

PLAYER_COLORS: dict[str, RGB] = {
    "red": (197, 17, 17),
    "blue": (19, 46, 209),
    "green": (17, 127, 45),
    "pink": (237, 84, 186),
    "orange": (239, 125, 14),
    "yellow": (245, 245, 87),
    "black": (63, 71, 78),
    "white": (214, 224, 240),
    "purple": (107, 49, 188),
    "brown": (113, 73, 30),
    "cyan": (56, 254, 220),
    "lime": (80, 239, 57),
}

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


def nearest_player_color(rgb: tuple[float, float, float]) -> tuple[str, float]:
    """Name of the player colour nearest to `rgb` and its Lab distance (so callers can judge trust)."""
    lab = _lab(np.clip(np.round(np.array([rgb])), 0, 255))[0]
    d = np.linalg.norm(_PLAYER_LAB - lab, axis=1)
    i = int(np.argmin(d))
    return _NAMES[i], float(d[i])
