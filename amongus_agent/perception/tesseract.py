"""The one door to the Tesseract engine: checks it is there, runs it once per call, single-threaded.

Tesseract is a separate program; pytesseract starts one process per call. Callers batch their
crops into one image so a frame costs one process, and OMP_THREAD_LIMIT=1 keeps that process from
spreading over every core of a machine the game itself needs.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache

import cv2
import numpy as np

from ..errors import AmongUsError


class TesseractMissingError(AmongUsError):
    """pytesseract or the Tesseract engine is not installed."""


@lru_cache(maxsize=1)
def _pytesseract():
    try:
        import pytesseract
    except ImportError as exc:
        raise TesseractMissingError("pytesseract is not installed: pip install pytesseract") from exc
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissingError(
                "the Tesseract OCR engine is not installed: apt-get install tesseract-ocr tesseract-ocr-eng"
            ) from exc
    return pytesseract


def require_tesseract() -> None:
    """Raise TesseractMissingError now rather than in the middle of a meeting."""
    _pytesseract()


def image_to_data(gray: np.ndarray, psm: int = 6) -> dict[str, list]:
    """Word boxes and text for a grey image of dark text on light ground (one Tesseract process)."""
    pt = _pytesseract()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # chat is names and slang: the word lists barely help the LSTM and cost start-up time
    config = f"--oem 1 --psm {psm} -c tessedit_do_invert=0 -c load_system_dawg=0 -c load_freq_dawg=0"
    with tempfile.TemporaryDirectory(prefix="amongus-ocr-") as tmp:
        # an uncompressed PGM is written and parsed far faster than the PNG pytesseract would make
        path = os.path.join(tmp, "sheet.pgm")
        cv2.imwrite(path, gray)
        try:
            return pt.image_to_data(path, lang="eng", config=config, output_type=pt.Output.DICT)
        except pt.TesseractNotFoundError as exc:
            _pytesseract.cache_clear()
            raise TesseractMissingError(
                "the Tesseract OCR engine is not installed: apt-get install tesseract-ocr tesseract-ocr-eng"
            ) from exc
