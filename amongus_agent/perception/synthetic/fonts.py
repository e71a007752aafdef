"""Real fonts for the renderers: the DejaVu faces of Debian's `fonts-dejavu-core` (see setup.sh).

Text is drawn with Pillow's FreeType binding because OpenCV's Hershey fonts look nothing like game
text and would make the OCR tests too easy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import AmongUsError

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
# (regular, bold) pairs shipped by fonts-dejavu-core
FACES: dict[str, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}


class FontMissingError(AmongUsError):
    """A font file the renderers need is not installed."""


@dataclass(frozen=True, slots=True)
class FontSpec:
    """Which face and how big, in pixels of a 1080-line screen (scaled with the screen)."""

    face: str = "sans"
    size_1080: float = 26.0


DEFAULT_FONT = FontSpec()


def font_path(face: str, bold: bool) -> Path:
    if face not in FACES:
        raise FontMissingError(f"unknown font face {face!r}; expected one of {', '.join(FACES)}")
    name = FACES[face][1 if bold else 0]
    for d in FONT_DIRS:
        if (d / name).is_file():
            return d / name
    raise FontMissingError(f"font {name} not found; install the Debian package fonts-dejavu-core")


@lru_cache(maxsize=64)
def load_font(face: str, bold: bool, px: int):
    """A cached Pillow FreeType font (loading one takes about a millisecond, rendering many bubbles adds up)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(face, bold)), max(6, int(px)))
