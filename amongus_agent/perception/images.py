"""Loading a screenshot from a file, with one clear error when it is missing or not an image."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..errors import AmongUsError


class ImageFileError(AmongUsError):
    """An image file given by the user cannot be read."""


def load_image(path: Path) -> np.ndarray:
    if not path.is_file():
        raise ImageFileError(f"{path}: no such file")
    data = np.fromfile(str(path), np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise ImageFileError(f"{path}: not an image OpenCV can read (PNG, JPEG, BMP, ...)")
    return image
