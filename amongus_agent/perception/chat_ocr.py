"""Read the chat (meeting tablet or lobby panel) from a frame: bubbles, speakers, colours, text, in order.

Layout is found, not assumed, and nothing depends on what is behind the chat (the meeting
tablet's light glass, the lobby's dark translucent panel, a streamer's overlay):

- a message is a wide white rounded box ("bubble") holding the speaker's icon at one end: the
  left end for other players, the right end for our own messages;
- bubbles stack in one column; white boxes side by side are the voting tablet's plates, not chat;
- a bubble whose top or bottom corners are square was cut by the chat's scroll edge: skipped,
  since half a message is worse than none;
- the icon is told from anything else at a bubble's end (the input box's send arrow) by its dark
  outline; its colour is a vote of the pixels of its body, outline and visor excluded
  (`palette.vote_body_color`);
- the speaker's name is small white text with a dark outline above the message, the message is
  dark text; a vote notice ("X has voted. N remaining.") is one line of green text and no name.

All text of a frame goes to Tesseract in ONE image: each line is cut out, turned dark-on-light
(the minimum of the three channels darkens green, dark and outlined text alike), scaled to one
text height and stacked; recognised lines are mapped back by position. Scaling is derived from
each bubble's own size, so 640x360 video frames and 4K screenshots go through the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import AmongUsError
from .levels import cast_lut
from .palette import vote_body_color
from .schema import ChatLineOut
from .tesseract import read_stacked

Box = tuple[int, int, int, int]  # x, y, w, h
TARGET_LINE_H = 34  # pixels of a text line's ink after scaling: where Tesseract's LSTM reads these fonts best
NAME_SCALE = 1.0
_GAP = 24  # white rows between stitched lines
_WHITE_MIN = 222  # a bubble's fill: every channel at least this, and nearly grey
_WHITE_SPREAD = 32
_MAX_WORK_H = 720  # bubbles are found on a copy at most this tall (a 4K frame needs no 4K search)


class ChatImageError(AmongUsError):
    """The frame is not an image we can read."""


class ChatUnreadableError(AmongUsError):
    """The chat is open (bubbles are on screen) but no message on it could be read."""


@dataclass(frozen=True, slots=True)
class ChatLine:
    speaker: str  # "" for a vote notice
    color: str  # a palette colour name, or "unknown" when the icon's colour is not clear
    text: str
    is_self: bool
    is_ghost: bool
    box: Box
    color_share: float  # share of the icon's body pixels that voted for `color` (0..1)
    kind: str = "chat"  # "chat" or "vote"
    confidence: float = 1.0  # 0..1: OCR confidence, lowered when the colour is unsure


def lines_out(lines: list[ChatLine]) -> list[ChatLineOut]:
    """The validated JSON shape of `ocr-chat` (names and text cut to the game's limits)."""
    return [ChatLineOut(kind="vote" if m.kind == "vote" else "chat", speaker=m.speaker[:64], color=m.color,
                        text=m.text[:400], is_self=m.is_self, confidence=min(1.0, max(0.0, m.confidence)))
            for m in lines]


@dataclass(frozen=True, slots=True)
class Bubble:
    box: Box  # full-frame pixels
    is_self: bool
    icon: Box  # relative to the bubble
    color: str
    color_share: float
    kind: str  # "chat" or "vote"


def _channel_min(image: np.ndarray) -> np.ndarray:
    b, g, r = cv2.split(image)
    return cv2.min(cv2.min(b, g), r)


def _white_mask(image: np.ndarray) -> np.ndarray:
    b, g, r = cv2.split(image)
    mn = cv2.min(cv2.min(b, g), r)
    mx = cv2.max(cv2.max(b, g), r)
    return ((mn >= _WHITE_MIN) & (cv2.subtract(mx, mn) < _WHITE_SPREAD)).astype(np.uint8)


def _corner_cut(mask: np.ndarray, top: bool) -> bool:
    """True when the bubble's top (or bottom) edge is square: cut by the chat's scroll edge.

    A rounded corner leaves the bounding box's corner squares empty; a cut edge is white right
    into them. The square is a small fraction of the bubble's height, so this holds at any scale.
    """
    h, w = mask.shape
    k = max(2, round(0.005 * w))  # the corner radius is about 0.008 of the bubble's width
    rows = mask[:k] if top else mask[h - k :]
    corners = np.concatenate([rows[:, :k].ravel(), rows[:, w - k :].ravel()])
    return float(corners.mean()) > 0.8


def _icon(bubble_img: np.ndarray, white: np.ndarray) -> tuple[Box, bool] | None:
    """The speaker's icon inside a bubble: (box relative to the bubble, on the right?), or None.

    Candidates are the non-white blobs near either end, about as tall as a text line pair; the
    send arrow of the input box and stray overlays are refused because an icon has a dark outline.
    """
    h, w = white.shape
    ink = (1 - white).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    best: tuple[int, Box, bool] | None = None
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if bh < 0.045 * w or bw < 0.04 * w or bw > 0.2 * w:
            continue
        cx = x + bw / 2
        if 0.16 * w < cx < 0.84 * w:
            continue
        region = bubble_img[y : y + bh, x : x + bw]
        blob = ink[y : y + bh, x : x + bw] > 0
        b_, g_, r_ = cv2.split(region)
        dark = float((cv2.max(cv2.max(b_, g_), r_)[blob] < 75).mean())
        if dark < 0.06:
            continue  # no outline: not a crewmate (the input box's send arrow)
        if area < 0.45 * bw * bh:
            continue  # strokes, not a body: a letter of a sign
        hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
        visor = ((hsv[..., 0] >= 85) & (hsv[..., 0] <= 112) & (hsv[..., 1] >= 25) & (hsv[..., 1] <= 170)
                 & (hsv[..., 2] >= 120))
        if float(visor[blob].mean()) < 0.02:
            continue  # every crewmate wears the pale blue visor
        if best is None or area > best[0]:
            best = (area, (x, y, bw, bh), cx > w / 2)
    return None if best is None else (best[1], best[2])


def _body_color(bubble_img: np.ndarray, white: np.ndarray, icon: Box, vote: bool) -> tuple[str, float]:
    """Colour of the icon's body: pixels inside the outline, off the rim, visor and outline abstaining.

    On a vote notice the "I VOTED" sticker covers the icon's lower left, so only the right part votes.
    """
    x, y, w, h = icon
    blob = (1 - white[y : y + h, x : x + w]).astype(np.uint8)
    blob = cv2.morphologyEx(blob, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    k = max(1, round(h / 11))
    inner = cv2.erode(blob, np.ones((2 * k + 1, 2 * k + 1), np.uint8))
    if vote:
        inner[:, : int(0.45 * w)] = 0
    region = bubble_img[y : y + h, x : x + w]
    name, share = vote_body_color(region[inner > 0])
    return (name or "unknown"), share


def _neutral_levels(bubble_img: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The levels of the bubble's white paper and of its darkest text ink, both neutral in the game.

    A capture's colour cast (night light, white balance) moves a dark body's hue the most, and tints
    a white body like the paper; these two references measure it (`levels.cast_lut`). Both are taken
    on the bubble's middle, where only text lies (the icon sits within its outer sixths): the ink is
    the darkest few pixels of the text (the message's black letters, the name's outline), whose blur
    mixes only with the white paper, unlike the icon's thin outline, which mixes with the body's
    colour. A vote notice's text is green: its ink is no reference (None).
    """
    w = bubble_img.shape[1]
    mid = bubble_img[:, int(0.2 * w) : int(0.8 * w)]
    px = mid.reshape(-1, 3)[:: max(1, mid.shape[0] * mid.shape[1] // 20000)]
    white = _white_mask(px.reshape(-1, 1, 3)).ravel() > 0
    paper = np.median(px[white], axis=0) if white.any() else np.full(3, 255.0)
    if _is_vote_text(mid):
        return paper, None
    total = px.astype(np.int16).sum(axis=1)
    return paper, np.median(px[total <= np.percentile(total, 2)], axis=0)


def _is_vote_text(text_img: np.ndarray) -> bool:
    """Vote notices are written in green; chat text is dark and names are white."""
    ink = _channel_min(text_img) < 170
    if ink.sum() < 10:
        return False
    hsv = cv2.cvtColor(text_img, cv2.COLOR_BGR2HSV)
    green = (hsv[..., 0] >= 40) & (hsv[..., 0] <= 85) & (hsv[..., 1] > 90) & (hsv[..., 2] > 70)
    return float(green[ink].mean()) > 0.4


def _refine(image: np.ndarray, box: Box, f: int) -> Box:
    """A box found on a reduced copy, made exact at full resolution (the largest white region near it)."""
    if f == 1:
        return box
    x, y, w, h = box
    H, W = image.shape[:2]
    x0, y0, x1, y1 = max(0, x - f), max(0, y - f), min(W, x + w + f), min(H, y + h + f)
    n, _, stats, _ = cv2.connectedComponentsWithStats(_white_mask(image[y0:y1, x0:x1]), connectivity=4)
    if n <= 1:
        return box
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    bx, by, bw, bh = (int(v) for v in stats[i, :4])
    return (x0 + bx, y0 + by, bw, bh)


def find_bubbles(image: np.ndarray) -> list[Bubble]:
    """Complete chat bubbles, top to bottom. Empty when no chat is on screen."""
    H, W = image.shape[:2]
    f = max(1, int(np.ceil(H / _MAX_WORK_H)))
    work = cv2.resize(image, (W // f, H // f), interpolation=cv2.INTER_AREA) if f > 1 else image
    wh = work.shape[0]
    white = _white_mask(work)
    n, _, stats, _ = cv2.connectedComponentsWithStats(white, connectivity=4)
    boxes, others = [], []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h >= 0.045 * wh and w >= 0.15 * wh and area >= 0.5 * w * h:
            others.append((x, y, w, h))
        if h < 0.045 * wh or w < 0.55 * wh or w < 3.2 * h or area < 0.5 * w * h:
            continue
        boxes.append((x, y, w, h))

    # chat is one column: a box with a white box of its height beside it is a voting plate, not a bubble
    def beside(a: Box, b: Box) -> bool:
        overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        gap_x = max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2])
        return overlap_y > 0.6 * min(a[3], b[3]) and 0.6 * a[3] < b[3] < 1.6 * a[3] and gap_x > 0

    boxes = [a for a in boxes if not any(beside(a, b) for b in others if b != a)]
    found: list[Box] = []
    papers, inks = [], []
    for x, y, w, h in boxes:
        # full-resolution geometry from here on: the bubble's own white extent near the coarse box
        X, Y, Wb, Hb = _refine(image, (x * f, y * f, w * f, h * f), f)
        wm = _white_mask(image[Y : Y + Hb, X : X + Wb])
        if _corner_cut(wm, top=True) or _corner_cut(wm, top=False):
            continue
        found.append((X, Y, Wb, Hb))
        paper, ink = _neutral_levels(image[Y : Y + Hb, X : X + Wb])
        papers.append(paper)
        if ink is not None:
            inks.append(ink)
    # one cast for the frame, from the median of the bubbles' references; bubbles are read through it
    lut = cast_lut(np.median(papers, axis=0), np.median(inks, axis=0)) if inks else None
    out: list[Bubble] = []
    for X, Y, Wb, Hb in found:
        img = image[Y : Y + Hb, X : X + Wb]
        if lut is not None:
            img = cv2.LUT(img, lut)
        wm = _white_mask(img)
        got = _icon(img, wm)
        if got is None:
            continue  # a white box without a speaker: the input box, a button, a sign
        icon, right = got
        ix, iy, iw, ih = icon
        margin = max(2, round(0.012 * Wb))
        tx0, tx1 = (margin, ix - margin) if right else (ix + iw + margin, Wb - margin)
        if tx1 - tx0 < 0.3 * Wb:
            continue
        vote = _is_vote_text(img[margin : Hb - margin, tx0:tx1])
        color, share = _body_color(img, wm, icon, vote)
        out.append(Bubble((X, Y, Wb, Hb), right, icon, color, share, "vote" if vote else "chat"))
    out.sort(key=lambda b: b.box[1])
    return out


def find_chat_input(image: np.ndarray) -> Box | None:
    """The chat's text box (full-frame box): a wide white box without an icon, below every bubble.

    With no message yet it is the lowest such box in the lower half of the screen.
    """
    bubbles = find_bubbles(image)
    H, W = image.shape[:2]
    f = max(1, int(np.ceil(H / _MAX_WORK_H)))
    work = cv2.resize(image, (W // f, H // f), interpolation=cv2.INTER_AREA) if f > 1 else image
    wh = work.shape[0]
    low = max(b.box[1] + b.box[3] for b in bubbles) // f - 2 if bubbles else wh // 2
    n, _, stats, _ = cv2.connectedComponentsWithStats(_white_mask(work), connectivity=4)
    best = None
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if y >= low and w > 0.55 * wh and w > 3 * h and h > 0.03 * wh and area > 0.5 * w * h:
            if best is None or (y < best[1] if bubbles else y > best[1]):
                best = (x, y, w, h)
    return None if best is None else (best[0] * f, best[1] * f, best[2] * f, best[3] * f)


def _bands(ink: np.ndarray, line_h: float) -> list[tuple[int, int]]:
    """Runs of inked rows; a run too tall for one line is split at its thinnest row (touching lines)."""
    prof = ink.sum(axis=1)
    rows = prof > max(1, 0.004 * ink.shape[1])
    runs: list[tuple[int, int]] = []
    r = 0
    while r < len(rows):
        if rows[r]:
            s = r
            while r < len(rows) and rows[r]:
                r += 1
            runs.append((s, r))
        else:
            r += 1
    # join a run with a thin neighbour closer than a third of a line (dots, accents, descenders)
    merged: list[tuple[int, int]] = []
    for s, e in runs:
        if merged and s - merged[-1][1] < 0.2 * line_h and (e - s < 0.4 * line_h or merged[-1][1] - merged[-1][0]
                                                            < 0.4 * line_h):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in merged:
        while e - s > 1.6 * line_h:
            lo, hi = s + int(0.6 * line_h), min(e - 2, s + int(1.45 * line_h))
            if hi <= lo:
                break
            cut = lo + int(np.argmin(prof[lo:hi]))
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return [(s, e) for s, e in out if e - s >= max(2, 0.35 * line_h)]


@dataclass(frozen=True, slots=True)
class _Piece:
    bubble: int
    role: str  # "name" or "text"
    img: np.ndarray  # grey, dark on light, scaled


def _line_pieces(image: np.ndarray, b: Bubble, index: int) -> list[_Piece]:
    x, y, w, h = b.box
    img = image[y : y + h, x : x + w]
    ix, iy, iw, ih = b.icon
    margin = max(2, round(0.006 * w))
    tx0, tx1 = (margin, ix - margin) if b.is_self else (ix + iw + margin, w - margin)
    ty0, ty1 = margin, h - margin
    region = img[ty0:ty1, tx0:tx1]
    gray = _channel_min(region)  # dark, green and outlined-white text all have a dark channel
    ink = gray < 150
    line_h = 0.36 * ih  # a line pair (name over text) is about as tall as the icon
    if b.kind == "vote":  # one line of bold text, no name
        rows = np.flatnonzero(ink.sum(axis=1) > max(1, 0.004 * ink.shape[1]))
        bands = [(int(rows[0]), int(rows[-1]) + 1)] if rows.size else []
    else:
        bands = _bands(ink, line_h)
    pieces = []
    for k, (s, e) in enumerate(bands):
        cols = np.flatnonzero(ink[s:e].any(axis=0))
        if cols.size == 0:
            continue
        pad = max(1, round(0.15 * line_h))
        crop = gray[max(0, s - pad) : e + pad, max(0, cols[0] - pad) : cols[-1] + pad + 1]
        scale = TARGET_LINE_H / max(3, e - s)
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        role = "name" if (k == 0 and b.kind == "chat") else "text"
        if role == "name":  # small outlined letters read best a little larger than plain text
            scale *= NAME_SCALE
            interp = cv2.INTER_LANCZOS4 if scale > 1 else cv2.INTER_AREA
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=interp)
        crop = cv2.normalize(crop, None, 0, 255, cv2.NORM_MINMAX)
        pieces.append(_Piece(index, role, crop))
        if role == "name":  # read both as drawn and as the outline's fill (see `_pick_name`)
            filled = _outlined_fill(crop)
            if filled is not crop:
                pieces.append(_Piece(index, "name_fill", filled))
    return pieces


def _outlined_fill(gray: np.ndarray, threshold: int = 145) -> np.ndarray:
    """White letters with a dark outline -> their fill as dark letters on white.

    Tesseract reads outlined letters poorly (it sees two thin strokes per stroke). The fill is the
    light area the outline encloses and that lies one outline's width from the surroundings; light
    areas enclosed deeper inside a letter are its counters (the inside of an "o", a "C" whose mouth
    the outline closed) and stay light. A name written plainly (dark, no outline) encloses almost
    nothing: it is returned unchanged.
    """
    # thin fills (an i's stem) blur darker than the threshold between their outlines: a top-hat finds them
    k = max(3, round(gray.shape[0] / 8)) | 1
    ridge = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    light = ((gray > threshold) | (ridge > 50)).astype(np.uint8)
    # light margins left and right are the surroundings; dark ones top and bottom close letters the
    # line's crop cut (a descender reaching into the next line)
    light = cv2.copyMakeBorder(light, 1, 1, 0, 0, cv2.BORDER_CONSTANT, value=0)
    light = cv2.copyMakeBorder(light, 0, 0, 1, 1, cv2.BORDER_CONSTANT, value=1)
    _, labels = cv2.connectedComponents(light, connectivity=4)
    outside = labels == labels[light.shape[0] // 2, 0]
    enclosed = (~outside) & (light > 0)
    dark = int((gray <= threshold).sum())
    if enclosed.sum() < 0.25 * dark:
        return gray
    ink = (light == 0).astype(np.uint8)
    thick = cv2.distanceTransform(ink, cv2.DIST_L2, 3)
    outline = 2.0 * float(np.percentile(thick[ink > 0], 90))  # the outline's width
    to_outside = cv2.distanceTransform((~outside).astype(np.uint8), cv2.DIST_L2, 3)
    fill = (enclosed & (to_outside <= 1.7 * outline + 1))[1:-1, 1:-1]
    # a fill region is mostly that close to the outside; a counter only where the outline closed its mouth
    n, lab = cv2.connectedComponents(enclosed[1:-1, 1:-1].astype(np.uint8), connectivity=4)
    near = np.bincount(lab[fill], minlength=n)
    size = np.bincount(lab.ravel(), minlength=n)
    keep = near >= 0.5 * size
    keep[0] = False
    # a fill joined to a counter through a gap in the inner outline: its pixels near the outside only
    joined = (near > 0) & ~keep
    joined[0] = False
    out = keep[lab] | (joined[lab] & fill)
    # marks too small to hold any fill (an i's dot, a full stop) are all outline: they are ink as they are
    solid = ink[1:-1, 1:-1]
    m, marks = cv2.connectedComponents(solid, connectivity=8)
    touching = np.unique(marks[cv2.dilate(out.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0])
    lone = np.ones(m, bool)
    lone[touching] = False
    lone[0] = False
    return np.where(out | lone[marks], 0, 255).astype(np.uint8)


_LOOKS_LIKE_I = {"|", "l", "[", "]", "!", "1"}


def _fix_glyphs(line: str) -> str:
    """A lone capital I is often read as '|', 'l', '[' or '!'; a lone bar between words is the pronoun.

    So is one before an apostrophe (I'll, I'm). A lone '1' stays a digit unless followed by a word
    that never follows a number.
    """
    words = line.split(" ")
    for i, w in enumerate(words):
        if w in _LOOKS_LIKE_I - {"1"}:
            words[i] = "I"
        elif len(w) > 1 and w[0] in _LOOKS_LIKE_I - {"1"} and w[1] in "'’":
            words[i] = "I" + w[1:]
        elif w == "1" and i + 1 < len(words) and words[i + 1] in {"was", "saw", "have", "am", "did", "think"}:
            words[i] = "I"
    return " ".join(words)


_VOTE_RE = re.compile(r"^(?P<name>.+?)\s+h\w{1,3}\s+v\w{2,5}\.?\s*(?P<n>\d+|[oO])\s*r\w{4,10}\.?$")


def _vote_notice(text: str) -> str:
    """The game's fixed notice "NAME has voted. N remaining.": its fixed words restored around the name and count."""
    m = _VOTE_RE.match(text.strip())
    if not m:
        return text
    n = "0" if m["n"] in "oO" else m["n"]
    return f"{m['name']} has voted. {n} remaining."


@dataclass(frozen=True, slots=True)
class _Read:
    speaker: str
    text: str
    text_conf: float  # 0..1
    name_conf: float  # 0..1 (1 for a vote notice, which has no name)


class BubbleCache:
    """What earlier frames' bubbles said, looked up by a small thumbnail of the bubble.

    The same bubble on a later frame has moved (scroll) and been re-encoded (JPEG), so exact hashes
    miss. Thumbnails of the same bubble differ nowhere by more than a few tens of grey levels; two
    bubbles differing even in one short name differ by over a hundred somewhere (their mean
    difference can be tiny), so the test is on the largest difference.
    """

    def __init__(self, max_entries: int = 800, tolerance: float = 70.0) -> None:
        self._entries: list[tuple[tuple[int, int], np.ndarray, _Read]] = []
        self._max = max_entries
        self._tol = tolerance

    @staticmethod
    def _thumb(crop: np.ndarray) -> tuple[tuple[int, int], np.ndarray]:
        size = (crop.shape[0] // 6, crop.shape[1] // 6)  # same size class, within scaling noise
        return size, cv2.resize(crop, (96, 16), interpolation=cv2.INTER_AREA).astype(np.float32)

    def get(self, crop: np.ndarray) -> _Read | None:
        size, thumb = self._thumb(crop)
        for s, t, value in reversed(self._entries):
            if abs(s[0] - size[0]) <= 1 and abs(s[1] - size[1]) <= 1 and float(np.abs(t - thumb).max()) < self._tol:
                return value
        return None

    def put(self, crop: np.ndarray, value: _Read) -> None:
        size, thumb = self._thumb(crop)
        self._entries.append((size, thumb, value))
        del self._entries[: max(0, len(self._entries) - self._max)]


def read_chat(image: np.ndarray, cache: BubbleCache | None = None) -> list[ChatLine]:
    """Every complete message on a chat frame, top to bottom (oldest first); [] when no chat is shown.

    Raises ChatUnreadableError when bubbles are on screen but none could be read. With a `cache`
    (kept by the caller across frames), bubbles read before are not sent to Tesseract again, so a
    frame with one new message costs one bubble's OCR.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ChatImageError("expected a colour (BGR, 8-bit) image")
    if min(image.shape[:2]) < 120:
        raise ChatImageError(f"image too small to hold a chat ({image.shape[1]}x{image.shape[0]})")
    bubbles = find_bubbles(image)
    if not bubbles:
        return []
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    thumbs = [gray[b.box[1] : b.box[1] + b.box[3], b.box[0] : b.box[0] + b.box[2]] for b in bubbles]
    results: dict[int, _Read] = {}
    if cache is not None:
        for i, t in enumerate(thumbs):
            hit = cache.get(t)
            if hit is not None:
                results[i] = hit
    pieces = [p for i, b in enumerate(bubbles) if i not in results for p in _line_pieces(image, b, i)]
    if pieces:
        for i, got in _ocr_pieces(pieces, bubbles).items():
            results[i] = got
            if cache is not None:
                cache.put(thumbs[i], got)
    names = _agree_on_names(bubbles, results)
    out = []
    for i, b in enumerate(bubbles):
        r = results.get(i)
        if r is None or not r.text:
            continue
        speaker, name_conf = names.get(i, (r.speaker, r.name_conf))
        colour = min(1.0, 0.3 + b.color_share) if b.color != "unknown" else 0.3
        confidence = (0.7 * r.text_conf + 0.3 * name_conf) * colour
        out.append(ChatLine(speaker, b.color, r.text, b.is_self, False, b.box, round(b.color_share, 3), b.kind,
                            round(float(confidence), 3)))
    if not out:
        raise ChatUnreadableError(f"the chat is open ({len(bubbles)} bubbles) but no message on it could be read")
    return out


def _agree_on_names(bubbles: list[Bubble], results: dict[int, _Read]) -> dict[int, tuple[str, float]]:
    """Colours are unique in a game, so bubbles with the same sure colour share one speaker: the name
    is taken where it was read most surely. Returns bubble index -> (name, confidence) for those."""
    groups: dict[str, list[int]] = {}
    for i, b in enumerate(bubbles):
        if i in results and b.kind == "chat" and b.color != "unknown" and b.color_share >= 0.6:
            groups.setdefault(b.color, []).append(i)
    out: dict[int, tuple[str, float]] = {}
    for members in groups.values():
        best = max(members, key=lambda i: results[i].name_conf)
        for i in members:
            out[i] = (results[best].speaker, results[best].name_conf)
    return out


SURE_AS_DRAWN = 85.0  # Tesseract confidence at which the name as drawn is kept over its fill


def _pick_name(old: tuple[str, float, bool] | None, new: tuple[str, float, bool | None], fill: bool
               ) -> tuple[str, float, bool]:
    """The name as drawn when Tesseract is sure of it (large, crisp letters), else the surer of the two.

    Small outlined letters read as drawn come out as confident-looking garbage less often than as
    the fill; large ones read best as drawn, where the fill can lose an i's dot.
    """
    cand = (new[0], new[1], fill)
    if old is None:
        return cand
    drawn, filled = (old, cand) if fill else (cand, old)
    if drawn[1] >= SURE_AS_DRAWN:
        return drawn
    return drawn if drawn[1] >= filled[1] else filled


def _ocr_pieces(pieces: list[_Piece], bubbles: list[Bubble]) -> dict[int, _Read]:
    """Speaker, text and confidences per bubble: every line in ONE Tesseract run over a sheet stacking them."""
    lines = pieces
    words_of = read_stacked([p.img for p in lines], _GAP)
    text_of: dict[int, list[str]] = {}
    conf_of: dict[int, list[float]] = {}
    name_of: dict[int, tuple[str, float, bool]] = {}
    for p, words in zip(lines, words_of, strict=True):
        words.sort()
        if not words:
            continue
        if p.role in ("name", "name_fill"):
            got = (" ".join(w for _, w, _ in words), float(np.mean([c for _, _, c in words])))
            name_of[p.bubble] = _pick_name(name_of.get(p.bubble), got, p.role == "name_fill")
        else:
            text_of.setdefault(p.bubble, []).append(" ".join(w for _, w, _ in words))
            conf_of.setdefault(p.bubble, []).extend(c for _, _, c in words)
    out: dict[int, _Read] = {}
    for i in {p.bubble for p in pieces}:
        text = _fix_glyphs(" ".join(text_of.get(i, [])))
        if bubbles[i].kind == "vote":
            text = _vote_notice(text)
        conf = float(np.mean(conf_of[i])) / 100 if conf_of.get(i) else 0.0
        name, name_conf, _ = name_of.get(i, ("", 100.0 if bubbles[i].kind == "vote" else 0.0, False))
        out[i] = _Read(name.strip(), text.strip(), conf, max(0.0, name_conf) / 100)
    return out
