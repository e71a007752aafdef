"""Task-list lines read from the shapes of their glyphs, before (and mostly instead of) OCR.

The list writes `Room: Task (k/n)` from a closed vocabulary, so a line is known once it is clear
which entry it is. Each glyph of a binarised line falls into a typographic class that any
Latin font shares (character shape coding): `A` reaches the cap/ascender line (capitals, digits,
b d f h k l t, "/"), `x` stays at the x-height (a c e m n o r s u v w x z), `d` descends (g p q y),
`i` is an x-height stem with a dot above, `P` spans ascender to descender (brackets), `:` is two
dots stacked. The classes are measured against the line's own baseline and cap line, so no size,
font file or screen position is assumed. The vocabulary's texts give each entry its class string;
a line whose string equals exactly one entry's, with no other entry one glyph away, is that entry.
The step digits `(k/n)` have the same shape for every k, so only those few glyphs go to OCR.

A line whose end is hidden (a panel over the list) is a prefix: named as far as every entry that
starts with those shapes agrees on the letters. Anything else (touching glyphs at small sizes,
scene art across the text, a sabotage line with a countdown, another language) is left to OCR.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from .vocab import vocabulary

CLASSES = "AxdiP:"
_CLASS_OF = {**dict.fromkeys("acemnorsuvwxz", "x"), **dict.fromkeys("gpqy", "d"), "i": "i", "j": "j",
             "(": "P", ")": "P", ":": ":",
             **dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhklt0123456789/", "A")}
_STEP = "#"  # the step digit k in an entry's text: its shape is "A" whatever its value


@dataclass(frozen=True, slots=True)
class Glyph:
    x0: int
    x1: int
    cls: str


def text_shape(text: str) -> str | None:
    """The class string of a vocabulary text (spaces carry no glyph); None if a character has no class."""
    out = []
    for ch in text:
        if ch == " ":
            continue
        c = "A" if ch == _STEP else _CLASS_OF.get(ch)
        if c is None:
            return None
        out.append(c)
    return "".join(out)


def glyph_shapes(crop: np.ndarray, single_word: bool = False) -> list[Glyph] | None:
    """The glyphs of a line crop (dark ink on white, one line), left to right, each with its class.

    None when the ink does not look like one line of text (too few glyph bodies).
    """
    h = crop.shape[0]
    n, _, st, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    if n < 3 or n > 400:
        return None
    st = st[1:]
    st = st[st[:, 4] >= max(3, h * h // 1200)]
    body = st[:, 3] >= 0.25 * h
    bodies, dots = st[body], st[~body]
    if len(bodies) < 2:
        return None
    tops, bottoms = bodies[:, 1], bodies[:, 1] + bodies[:, 3]
    base = float(np.median(bottoms))
    # a task line has capitals in both the room and the task: a low quantile keeps a speck above
    # the text from setting the cap line; a single word ("Weapons") may have one tall glyph only
    cap = float(tops.min()) if single_word else float(np.percentile(tops, 15))
    size = base - cap
    if size < 0.25 * h:
        return None
    items: list[list] = []
    for x, y, w, hh, _ in bodies.tolist():
        rise, drop = (base - y) / size, (y + hh - base) / size
        if drop > 0.15:
            cls = "P" if rise > 0.86 else "d"
        else:
            cls = "A" if rise > 0.86 else "x"
        items.append([x, x + w, cls, y, y + hh])
    loose = []
    for x, y, w, hh, _ in dots.tolist():
        cx = x + w / 2
        if any(it[0] <= cx <= it[1] and it[3] - 1 <= y and y + hh <= it[4] + 1 for it in items):
            continue  # a piece of a glyph the scene behind broke off: inside that glyph's box
        hosts = [it for it in items if it[0] - 1 <= cx <= it[1] + 1 and it[3] >= y + hh - 1]
        if hosts:
            host = min(hosts, key=lambda it: it[3])
            host[2] = {"x": "i", "d": "j"}.get(host[2], "?")  # a dot over an x-height stem
        else:
            loose.append([x, x + w, ".", y, y + hh])
    out: list[list] = []
    for it in sorted(items + loose):
        if it[2] == "." and out and out[-1][2] == "." and abs(out[-1][0] - it[0]) <= max(2, it[1] - it[0]):
            out[-1][2] = ":"  # two dots stacked
            out[-1][1] = max(out[-1][1], it[1])
            continue
        out.append(it)
    return [Glyph(int(it[0]), int(it[1]), it[2]) for it in out]


@dataclass(frozen=True, slots=True)
class _Entry:
    text: str  # as the list writes it; the step digit as "#"
    shape: str


@dataclass(frozen=True, slots=True)
class _Index:
    entries: tuple[_Entry, ...]
    whole: dict[str, tuple[int, ...]]  # full shape -> entries
    prefix: dict[str, tuple[int, ...]]  # every leading part of a shape -> entries
    rooms: dict[str, tuple[str, ...]]  # shape of a room name as the list writes it -> names


@lru_cache(maxsize=1)
def _index() -> _Index:
    rooms, tasks = vocabulary()
    entries = []
    for room in rooms:
        for task, (_, shown) in tasks.items():
            text = f"{room}: {task}" + (f" ({_STEP}/{shown})" if shown is not None else "")
            shape = text_shape(text)
            if shape is not None:
                entries.append(_Entry(text, shape))
    whole: dict[str, list[int]] = {}
    prefix: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        whole.setdefault(e.shape, []).append(i)
        for k in range(1, len(e.shape) + 1):
            prefix.setdefault(e.shape[:k], []).append(i)
    room_shapes: dict[str, list[str]] = {}
    for room in rooms:
        shape = text_shape(room)
        if shape is not None:
            room_shapes.setdefault(shape, []).append(room)
    return _Index(tuple(entries), {k: tuple(v) for k, v in whole.items()},
                  {k: tuple(v) for k, v in prefix.items()}, {k: tuple(v) for k, v in room_shapes.items()})


def _near(shape: str) -> list[str]:
    """Every class string one glyph away from `shape`."""
    out = []
    for i, c in enumerate(shape):
        for k in CLASSES:
            if k != c:
                out.append(shape[:i] + k + shape[i + 1 :])
    return out


def _hits(table: dict[str, tuple], shape: str) -> tuple[set, set]:
    """Entries whose shape is `shape`, and those at most one glyph class away (empty without exact ones)."""
    exact = set(table.get(shape, ()))
    if not exact:
        return exact, set()
    near = set(exact)
    for s in _near(shape):
        near.update(table.get(s, ()))
    return exact, near


def _glyph_texts(text: str) -> list[str]:
    """`text` split into its glyphs' characters, spaces kept with the glyph after them."""
    out, pending = [], ""
    for ch in text:
        if ch == " ":
            pending += ch
            continue
        out.append(pending + ch)
        pending = ""
    return out


@dataclass(frozen=True, slots=True)
class ShapeRead:
    """A line named from its shapes: the text as the list writes it, the step digit as "#" when
    `step_span` (the x range of "(k/n)" in the crop) still has to be read by OCR."""

    text: str
    step_span: tuple[int, int] | None
    rest_from: int | None = None  # only the room is settled: OCR the crop from this x on, after `text`


def read_line_shape(crop: np.ndarray) -> ShapeRead | None:
    """The task line in `crop` from its glyph shapes; None when the shapes do not settle it."""
    glyphs = glyph_shapes(crop)
    if not glyphs:
        return None
    shape = "".join(g.cls for g in glyphs)
    if not _colon_then_space(glyphs, shape, crop.shape[0]):
        return None  # no colon, or a broken glyph passing for one: OCR
    ix = _index()
    if shape.count(":") == 1 and set(shape) <= set(CLASSES):
        exact, near = _hits(ix.whole, shape)
        if exact:
            if len(exact) != 1 or len({ix.entries[i].text for i in near}) != 1:
                return None
            text = ix.entries[next(iter(exact))].text
            span = None
            if _STEP in text:
                k = shape.index("P", shape.index(":"))
                span = (glyphs[k].x0, glyphs[-1].x1)
            return ShapeRead(text, span)
    # a hidden end: the last glyphs may be cut or be pieces of what covers the line (the panel's
    # edge, its close button), so up to three are left out of the match
    for cut in (1, 2, 3):
        head = shape[:-cut]
        if head.count(":") != 1 or not set(head) <= set(CLASSES):
            continue
        exact, near = _hits(ix.prefix, head)
        if not exact:
            continue
        if any(len(ix.entries[i].shape) <= len(shape) for i in near):
            break  # the line may be a whole entry with its end misread: OCR decides after the room
        return _visible(head, near, ix)
    return _room_only(glyphs, shape, ix)


def _colon_then_space(glyphs: list[Glyph], shape: str, h: int) -> bool:
    """The line's first colon is a real one: the list always writes a space after it, so the gap to
    the next glyph is a word gap, wider than the gaps between letters (a broken "i" is not)."""
    k = shape.find(":")
    if k <= 0 or k + 1 >= len(glyphs):
        return False
    gaps = [b.x0 - a.x1 for a, b in zip(glyphs, glyphs[1:], strict=False)]
    after = glyphs[k + 1].x0 - glyphs[k].x1
    return after >= max(2.0 * float(np.median(gaps)), 0.12 * h)


def _room_only(glyphs: list[Glyph], shape: str, ix: _Index) -> ShapeRead | None:
    """The room before the colon, when its shapes settle it and the rest of the line is left to OCR."""
    k = shape.find(":")
    if k <= 0 or k + 1 >= len(glyphs):
        return None
    exact, near = _hits(ix.rooms, shape[:k])
    if len(exact) != 1 or near != exact:
        return None
    return ShapeRead(f"{next(iter(exact))}: ", None, glyphs[k].x1)


def _visible(head: str, near: set[int], ix: _Index) -> ShapeRead | None:
    """The text of a cut line: as far as every entry that starts with its shapes agrees on the letters."""
    n = len(head)
    visible = [_glyph_texts(ix.entries[i].text)[:n] for i in near]
    common: list[str] = []
    for chars in zip(*visible, strict=False):
        if len(set(chars)) != 1:
            break
        common.append(chars[0])
    text = "".join(common)
    if ":" not in text:
        return None
    text = text.split(f"({_STEP}")[0].split(_STEP)[0].rstrip()
    return ShapeRead(text, None)


def read_room_shape(crop: np.ndarray) -> str | None:
    """The room label's room (as the list writes it) from its glyph shapes, or None to leave it to OCR."""
    glyphs = glyph_shapes(crop, single_word=True)
    if not glyphs:
        return None
    shape = "".join(g.cls for g in glyphs)
    exact, near = _hits(_index().rooms, shape)
    if len(exact) != 1 or near != exact:
        return None
    return next(iter(exact))
