"""The one door to the Tesseract engine: checks it is there, runs it once per call, single-threaded.

In-process through tesserocr when it is installed (a wheel on x86-64 Linux) with the system's
tessdata: the engine loads its model once per thread instead of once per call, which halves the
time of a meeting screen. Otherwise pytesseract starts one Tesseract process per call; callers
batch their crops into one image so a frame costs one call either way, and OMP_THREAD_LIMIT=1 keeps
the engine from spreading over every core of a machine the game itself needs.

Which `tesseract` program pytesseract runs: `$AMONGUS_TESSERACT` (the program, or the folder holding
it) when set, else the one on PATH, else on Windows the folders the UB Mannheim installer uses (it
may leave PATH alone): Program Files, Program Files (x86), or per user %LOCALAPPDATA%/Programs.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile
import threading
from functools import lru_cache

import cv2
import numpy as np

from ..errors import AmongUsError


class TesseractMissingError(AmongUsError):
    """pytesseract or the Tesseract engine is not installed."""


TESSERACT_ENV = "AMONGUS_TESSERACT"


def install_hint() -> str:
    """How to get the engine on this platform (the end of every 'not installed' message)."""
    if sys.platform == "win32":
        return (f"install Tesseract for Windows (the UB Mannheim build: winget install UB-Mannheim.TesseractOCR), "
                f"or set {TESSERACT_ENV} to its tesseract.exe")
    return f"apt-get install tesseract-ocr tesseract-ocr-eng (or set {TESSERACT_ENV} to the tesseract program)"


def _windows_installs() -> list[str]:
    """Where the UB Mannheim installer puts tesseract.exe: for all users, or for one user."""
    places = [(os.environ.get("ProgramFiles"), "Tesseract-OCR"), (os.environ.get("ProgramFiles(x86)"), "Tesseract-OCR"),
              (os.environ.get("LOCALAPPDATA"), os.path.join("Programs", "Tesseract-OCR"))]
    return [os.path.join(base, sub, "tesseract.exe") for base, sub in places if base]


def find_tesseract(current: str = "tesseract") -> str | None:
    """The tesseract program to run, or None to leave pytesseract's `current` choice alone.

    `$AMONGUS_TESSERACT` wins (a wrong one is an error naming it); a caller's own setting of
    pytesseract's command (anything but its default "tesseract") is kept; otherwise PATH is
    pytesseract's own way, and only on Windows, where the installer skips PATH, are its folders searched.
    """
    explicit = os.environ.get(TESSERACT_ENV, "").strip()
    if explicit:
        path = explicit
        if os.path.isdir(path):
            path = os.path.join(path, "tesseract.exe" if sys.platform == "win32" else "tesseract")
        if not os.path.isfile(path):
            raise TesseractMissingError(f"{TESSERACT_ENV}={explicit!r}: there is no Tesseract program there")
        return path
    if current != "tesseract" or shutil.which("tesseract") or sys.platform != "win32":
        return None
    return next((exe for exe in _windows_installs() if os.path.isfile(exe)), None)


@lru_cache(maxsize=1)
def _pytesseract():
    try:
        import pytesseract
    except ImportError as exc:
        raise TesseractMissingError("pytesseract is not installed: pip install pytesseract") from exc
    command = find_tesseract(pytesseract.pytesseract.tesseract_cmd)
    if command is not None:
        pytesseract.pytesseract.tesseract_cmd = command
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractMissingError(f"the Tesseract OCR engine is not installed: {install_hint()}") from exc
    return pytesseract


def require_tesseract() -> None:
    """Raise TesseractMissingError now rather than in the middle of a meeting."""
    _pytesseract()


_VARIABLES = {"tessedit_do_invert": "0", "load_system_dawg": "0", "load_freq_dawg": "0"}
_TSV_KEYS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height",
             "conf", "text")
_local = threading.local()


@lru_cache(maxsize=1)
def _tessdata() -> str | None:
    """The folder holding eng.traineddata: TESSDATA_PREFIX, else the distribution's usual places."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"]
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder
    return None


def _in_process_api(psm: int):
    """A tesserocr engine for this thread and page mode, or None when tesserocr cannot be used."""
    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if psm not in apis:
        api = None
        try:
            import tesserocr

            folder = _tessdata()
            if folder is not None:
                api = tesserocr.PyTessBaseAPI(path=folder, lang="eng", psm=psm, oem=tesserocr.OEM.LSTM_ONLY,
                                              variables=_VARIABLES)
        except (ImportError, RuntimeError):
            api = None
        apis[psm] = api
    return apis[psm]


def _tsv_to_dict(tsv: str) -> dict[str, list]:
    out: dict[str, list] = {k: [] for k in _TSV_KEYS}
    for row in tsv.splitlines():
        parts = row.split("\t")
        if len(parts) < 11:
            continue
        parts += [""] * (12 - len(parts))
        for key, value in zip(_TSV_KEYS, parts, strict=False):
            out[key].append(value if key == "text" else (float(value) if key == "conf" else int(value)))
    return out


def in_process() -> bool:
    """Whether the engine runs inside this process (tesserocr): then a call costs no process start."""
    return _in_process_api(6) is not None


def image_to_data(gray: np.ndarray, psm: int = 6) -> dict[str, list]:
    """Word boxes and text for a grey image of dark text on light ground (one engine call)."""
    api = _in_process_api(psm)
    if api is not None:
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        # the grey buffer as it is: no PIL image, no copy into another format
        api.SetImageBytes(gray.tobytes(), gray.shape[1], gray.shape[0], 1, gray.shape[1])
        api.Recognize()
        return _tsv_to_dict(api.GetTSVText(0))
    pt = _pytesseract()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # chat is names and slang: the word lists barely help the LSTM and cost start-up time
    config = f"--oem 1 --psm {psm} -c tessedit_do_invert=0 -c load_system_dawg=0 -c load_freq_dawg=0"
    with tempfile.TemporaryDirectory(prefix="amongus-ocr-") as tmp:
        # an uncompressed PGM is written and parsed far faster than the PNG pytesseract would make
        # (encoded here and written by Python: cv2.imwrite fails silently on the non-ASCII temp folder
        # of a Windows user named, say, José)
        path = os.path.join(tmp, "sheet.pgm")
        with open(path, "wb") as f:
            f.write(cv2.imencode(".pgm", gray)[1].tobytes())
        try:
            return pt.image_to_data(path, lang="eng", config=config, output_type=pt.Output.DICT)
        except pt.TesseractNotFoundError as exc:
            _pytesseract.cache_clear()
            raise TesseractMissingError(f"the Tesseract OCR engine is not installed: {install_hint()}") from exc


def read_line(gray: np.ndarray) -> tuple[str, float]:
    """One line of text (page mode 7) and its mean word confidence (0..100; -1 when nothing was read)."""
    data = image_to_data(gray, psm=7)
    words = [(w.strip(), float(c)) for w, c in zip(data["text"], data["conf"], strict=True) if w.strip() and float(c) >= 0]
    if not words:
        return "", -1.0
    return " ".join(w for w, _ in words), float(np.mean([c for _, c in words]))


def read_each(images: list[np.ndarray], margin: int = 8) -> list[list[tuple[int, str, float]]]:
    """Each one-line grey image read on its own as one text line (page mode 7): what a line
    reads as does not depend on the other lines read with it, so a line read before and cached
    reads the same as when read afresh. In-process only (tesserocr); without it, one stacked run
    (`read_stacked`) instead of a process per line."""
    if not in_process():
        return read_stacked(images, 2 * margin)
    out = []
    for im in images:
        framed = cv2.copyMakeBorder(im, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
        data = image_to_data(framed, psm=7)
        out.append([(int(data["left"][i]) - margin, w.strip(), float(data["conf"][i]))
                    for i, w in enumerate(data["text"]) if w.strip() and float(data["conf"][i]) >= 0])
    return out


def read_stacked(images: list[np.ndarray], gap: int = 24) -> list[list[tuple[int, str, float]]]:
    """Many one-line grey images read in ONE Tesseract run: stacked on a white sheet with `gap` rows
    between them (one process or API call instead of one per line), words handed back to the image
    they sit on as (left, word, confidence)."""
    words: list[list[tuple[int, str, float]]] = [[] for _ in images]
    if not images:
        return words
    width = max(im.shape[1] for im in images) + 2 * gap
    sheet = np.full((sum(im.shape[0] + gap for im in images) + gap, width), 255, np.uint8)
    spans, y = [], gap
    for im in images:
        sheet[y : y + im.shape[0], gap : gap + im.shape[1]] = im
        spans.append((y, y + im.shape[0]))
        y += im.shape[0] + gap
    data = image_to_data(sheet)
    for i, word in enumerate(data["text"]):
        word = word.strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        cy = data["top"][i] + data["height"][i] / 2
        for k, (a, z) in enumerate(spans):
            if a - gap / 2 <= cy < z + gap / 2:
                words[k].append((data["left"][i], word, conf))
                break
    return words
