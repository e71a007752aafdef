"""Loading a screenshot from a file, with one clear error when it is missing, too big or not an image."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..errors import AmongUsError

MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_PIXELS = 8192 * 8192  # an 8K screenshot is 33 M pixels; a decoded 64 M-pixel image is 200 MB


class ImageFileError(AmongUsError):
    """An image file given by the user cannot be read."""


def _dimensions(path: Path) -> tuple[int, int] | None:
    """Width and height from the file's header, without decoding the pixels (None if Pillow cannot tell)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except Image.DecompressionBombError:  # Pillow's own limit, far over ours
        return (MAX_IMAGE_PIXELS + 1, 1)
    except Exception:  # not an image Pillow knows: OpenCV's decoder gives the answer below
        return None


def load_image(path: Path) -> np.ndarray:
    if not path.is_file():
        raise ImageFileError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ImageFileError(f"{path}: {size} bytes, over the limit of {MAX_IMAGE_BYTES} for a screenshot")
    dims = _dimensions(path)
    if dims is not None and dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        raise ImageFileError(f"{path}: more pixels than the limit of {MAX_IMAGE_PIXELS} for a screenshot")
    data = np.fromfile(str(path), np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise ImageFileError(f"{path}: not an image OpenCV can read (PNG, JPEG, BMP, ...)")
    return image
