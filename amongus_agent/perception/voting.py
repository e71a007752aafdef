"""Read the meeting's voting tablet: every plate (colour, name, alive, voted, reporter), SKIP VOTE, confirm.

Everything is found relative to what is seen, at any resolution:

- plates are light (living) or grey (dead) rounded boxes about ten times wider than tall, laid out
  in two columns; cracks in the tablet's glass and the icons that overhang a plate break its light
  area into pieces, so the pieces are closed over small gaps and grouped by their right edge (never
  covered) and their rows, and each plate's left edge is the column's;
- a plate's colour is a vote of the icon's body pixels (`palette.vote_body_color`): the icon's
  square is first stretched between its outline's black and the plate's white (the glass lightens
  and tints what is under it); the plate, the outline, crack lines and the visor abstain, and only
  the largest regions inside the outline vote (a hat, a pet or a crack's shaded edge lie apart).
  A plate whose vote is not clear gets no colour: a vote must never land on a player the agent did
  not choose, so "unsure" means "not offered";
- names, the title ("Who Is The Impostor?" or "Voting Results") and the SKIP VOTE label go to
  Tesseract in one sheet;
- the confirm button is the green disc that appears on a clicked plate (or on SKIP VOTE).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher

import cv2
import numpy as np

from ..errors import AmongUsError
from .chat_ocr import _outlined_fill, _pick_name
from .palette import fit_to_palette, vote_body_color
from .schema import PlateOut, TargetOut, VotingOut
from .tesseract import read_line, read_stacked

Box = tuple[int, int, int, int]  # x, y, w, h
MIN_SHARE = 0.65  # below this (winner's votes over winner's and runner-up's) a plate's colour is withheld
_GAP = 24
_MAX_WORK_H = 720
MIN_LIGHTNESS = 16.0  # L*: after the levels are stretched, darker pixels are outline or crack shade
BODY_PART = 0.5  # regions at least this share of the largest one count as the body


class VotingImageError(AmongUsError):
    """The frame is not an image we can read."""


@dataclass(frozen=True, slots=True)
class Plate:
    box: Box
    color: str | None  # None when the body's colour is not sure (or the player is dead and crossed out)
    color_share: float
    name: str
    alive: bool
    voted: bool
    reporter: bool

    @property
    def click(self) -> tuple[int, int]:
        x, y, w, h = self.box
        return (x + w // 2, y + h // 2)


@dataclass(frozen=True, slots=True)
class VotingScreen:
    stage: str  # "voting" or "results"
    plates: list[Plate]
    skip: Box | None
    confirm: Box | None  # the green confirm button, when a target is selected
    title: str

    def to_out(self) -> VotingOut:
        """The validated JSON shape of `read-voting` (boxes as x0, y0, x1, y1)."""
        def corners(b: Box) -> tuple[int, int, int, int]:
            return (b[0], b[1], b[0] + b[2], b[1] + b[3])

        def target(b: Box | None) -> TargetOut | None:
            return None if b is None else TargetOut(box=corners(b), click=(b[0] + b[2] // 2, b[1] + b[3] // 2))

        plates = [PlateOut(color=p.color, name=p.name[:64], alive=p.alive, voted=p.voted, reporter=p.reporter,
                           box=corners(p.box), click=p.click) for p in self.plates]
        return VotingOut(stage=self.stage, plates=plates, skip=target(self.skip),  # type: ignore[arg-type]
                         confirm=target(self.confirm))


def _split_min_max(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, g, r = cv2.split(image)
    return cv2.min(cv2.min(b, g), r), cv2.max(cv2.max(b, g), r)


def _plate_masks(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mn, mx = _split_min_max(image)
    spread = cv2.subtract(mx, mn)
    light = ((mn >= 215) & (spread < 30)).astype(np.uint8)
    grey = ((mn >= 110) & (mx <= 185) & (spread < 22)).astype(np.uint8)
    # plates' lower edges and cracks' shading are thin grey lines: not plates, and they would join rows
    k = max(3, round(0.03 * image.shape[0]))
    grey = cv2.morphologyEx(grey, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    return light, grey


def _pieces(mask: np.ndarray, H: int, strict: bool = True) -> list[Box]:
    """Plate-sized light (or grey) regions, closed over thin gaps; `strict=False` keeps broken ones too."""
    k = max(3, round(0.012 * H))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=4)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if strict and 0.075 * H <= h <= 0.14 * H and 0.12 * H <= w <= 0.85 * H and area > 0.5 * w * h:
            out.append((x, y, w, h))
        elif not strict and 0.05 * H <= h <= 0.16 * H and 0.06 * H <= w <= 0.85 * H and area > 0.35 * w * h:
            out.append((x, y, w, h))
    return out


def _grid(pieces: list[tuple[Box, bool]], H: int, loose: list[tuple[Box, bool]]) -> list[tuple[Box, bool]]:
    """Plates from pieces: same right edge = same column; a column's left edge is its leftmost piece's.

    Needs at least two plates in a column (a lone light box is a button or a sign, not a tablet).
    """
    tol = max(3, round(0.012 * H))
    cols: list[list[tuple[Box, bool]]] = []
    for p in sorted(pieces, key=lambda t: t[0][0] + t[0][2]):
        right = p[0][0] + p[0][2]
        if cols and abs(cols[-1][0][0][0] + cols[-1][0][0][2] - right) <= tol:
            cols[-1].append(p)
        else:
            cols.append([p])
    kept = []
    for col in cols:
        if len(col) < 2:
            continue
        right = int(np.median([b[0] + b[2] for b, _ in col]))
        left = min(b[0] for b, _ in col)
        height = float(np.median([b[3] for b, _ in col]))
        if right - left >= 3 * height:
            kept.append((right, right - left, height, col))
    if not kept:
        return []
    # every plate is as wide as the widest seen: an icon overhanging a plate's left end hides it on some
    width = max(k[1] for k in kept)
    kept = [k for k in kept if k[1] >= 0.7 * width]
    plates: list[tuple[Box, bool]] = []
    for right, _, height, col in kept:
        rows = [(b, a) for b, a in col if abs(b[3] - height) <= 0.25 * height]
        # a row the other columns have but this one lost (a megaphone or a crack split its plate):
        # any piece lying inside this column at that row stands for the plate
        for _, _, _, other in kept:
            for ob, _ in other:
                if any(abs(b[1] - ob[1]) < 0.5 * height for b, _ in rows):
                    continue
                for b, a in loose:
                    if (abs(b[1] - ob[1]) < 0.3 * height and abs(b[3] - height) <= 0.35 * height
                            and b[0] >= right - width - tol and b[0] + b[2] <= right + tol):
                        rows.append(((b[0], b[1], b[2], b[3]), a))
                        break
        for (_, y, _, h), alive in sorted(rows, key=lambda t: t[0][1]):
            plates.append(((right - width, y, width, h), alive))
    return plates


def _stretched_icon(image: np.ndarray, plate: Box) -> np.ndarray | None:
    """The icon's square, its levels stretched between the outline's black and the plate's white."""
    x, y, w, h = plate
    region = image[y + int(0.25 * h) : y + int(0.95 * h), x + int(0.4 * h) : x + int(1.0 * h)].astype(np.float32)
    ground = image[y + int(0.6 * h) : y + int(0.9 * h), x + int(0.6 * w) : x + int(0.7 * w)].reshape(-1, 3)
    if region.size == 0 or ground.size == 0:
        return None
    white = np.median(ground, axis=0).astype(np.float32)
    # black: the darkest pixels as a whole (the outline's core, crack lines), not each channel's
    # darkest: a blue body is darker in red than the outline's blur, which tinted the stretch
    px = region.reshape(-1, 3)
    total = px.sum(axis=1)
    black = np.median(px[total <= np.percentile(total, 1)], axis=0).astype(np.float32)
    if float((white - black).min()) < 60:
        return None  # no contrast: not an icon on a plate
    return np.clip((region - black) * 255 / (white - black), 0, 255).astype(np.uint8)


def _body_mask(reg: np.ndarray, h: int) -> np.ndarray | None:
    """The icon's body pixels: the plate, the outline and the glass cracks (near black), the pixels
    blurred between those and the rest, and the visor abstain; of what is left, the largest regions
    (a hat, a crack's shaded edge or a pet lie apart). None when too little of the body shows."""
    mn, mx = _split_min_max(reg)
    hsv = cv2.cvtColor(reg, cv2.COLOR_BGR2HSV)
    plate_px = (mn >= 235) & (cv2.subtract(mx, mn) < 20)
    dark = mx < 45
    visor = (hsv[..., 0] >= 85) & (hsv[..., 0] <= 105) & (hsv[..., 1] > 40) & (hsv[..., 1] < 150) & (hsv[..., 2] > 150)
    k = max(1, round(h / 36))
    rim = cv2.dilate((plate_px | dark).astype(np.uint8), np.ones((2 * k + 1, 2 * k + 1), np.uint8)) > 0
    keep = ~(rim | visor)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(keep.astype(np.uint8), connectivity=4)
    if n <= 1:
        return None
    areas = stats[:, cv2.CC_STAT_AREA].copy()
    areas[0] = 0
    keep = (areas >= max(BODY_PART * areas.max(), 1))[labels]  # the body, also where a crack cuts it in parts
    if keep.sum() < 0.04 * h * h:
        return None  # too little of the body shows
    return keep


def _icon_color(image: np.ndarray, plate: Box, tone: float = 1.0) -> tuple[str | None, float]:
    """The body colour of the plate's icon: a vote of the icon square's pixels, levels corrected.

    The tablet's glass lightens and tints what is under it, so each plate's pixels are first
    stretched between the darkest ink on the icon (its outline: black under the glass) and the
    plate's own white; the power curve `tone` (`_frame_tone`) then undoes the capture's tone curve.
    The body's main and shadow tones outvote what a hat's brim or a skin adds.

    The curve is only known roughly, so the colour must stay the same under curves a step darker
    and a step brighter: one that flips (a black body turning gray, a green one black) is not sure
    and is withheld (share 0).
    """
    reg = _stretched_icon(image, plate)
    if reg is None:
        return None, 0.0
    answer: tuple[str | None, float] = (None, 0.0)
    for step in (1.0, 1 / _TONE_STEP, _TONE_STEP):
        seen = cv2.LUT(reg, _power(tone * step))
        keep = _body_mask(seen, plate[3])
        if keep is None:
            if step == 1.0:
                return None, 0.0
            continue  # the body is lost at that end of the range: no verdict from there
        name, share = vote_body_color(seen[keep], 60.0, min_lightness=MIN_LIGHTNESS, weigh_margin=True)
        if step == 1.0:
            answer = (name, share)
        elif name is not None and share >= MIN_SHARE and name != answer[0]:
            return answer[0], 0.0
    return answer


_TONE_EXPONENTS = (0.7, 0.8, 0.9, 1.0, 1.12, 1.25, 1.4)
_TONE_GAIN = 0.85  # another curve must fit the palette this much better than none to be used
_TONE_BODIES = 7  # living players' bodies needed to fit a curve
_TONE_NEAR = 1.1  # fits within this factor of the best count as equally good
_TONE_STEP = 1.06  # how far off the fitted curve may still be: a colour must hold a step either side


def _frame_tone(image: np.ndarray, plates: list[Box]) -> float:
    """The capture's tone curve, found from the icons themselves: the exponent of the power curve
    undoing it (1.0: none).

    Stretching between black and white fixes the ends of the levels but not the middle, which a
    capture's tone mapping moves (a darker or brighter gamma): black bodies then pass for gray, or
    bodies shrink into the outline. No part of the tablet has a known mid-tone, but every icon's
    body is one of the 18 player colours: the power curve under which the bodies' pixels lie
    nearest to the palette's tones, over all plates of the frame, is the one the capture applied.
    """
    samples = []
    for box in plates:
        reg = _stretched_icon(image, box)
        if reg is None:
            continue
        # the body as seen at each end of the range of curves, so that a dark capture's body is not lost
        keep = None
        for e in (1.0, 0.8):
            lut = None if e == 1.0 else _power(e)
            keep = _body_mask(reg if lut is None else cv2.LUT(reg, lut), box[3])
            if keep is not None:
                break
        if keep is not None:
            px = reg[keep]
            samples.append(px[:: max(1, len(px) // 200)])
    if len(samples) < _TONE_BODIES:
        # with few colours the best curve follows the art's shading as much as the capture's curve
        # (the project's rendered tablets, five players, fit best at 0.8): too few to tell them apart
        return 1.0
    px = np.concatenate(samples)
    scores = {e: fit_to_palette(cv2.LUT(px.reshape(-1, 1, 3), _power(e)).reshape(-1, 3)) for e in _TONE_EXPONENTS}
    best = min(scores.values())
    if best > _TONE_GAIN * scores[1.0]:
        return 1.0
    # of the curves that fit about as well as the best, the mildest: a frame's own players may sit a
    # little off the palette, and over-correcting turns dark bodies into the next lighter colour
    near = [e for e, v in scores.items() if v <= _TONE_NEAR * best]
    return min(near, key=lambda e: abs(np.log(e)))


def _power(e: float) -> np.ndarray:
    return np.clip(255.0 * (np.arange(256) / 255.0) ** e + 0.5, 0, 255).astype(np.uint8)


def _reporter(image: np.ndarray, plate: Box) -> bool:
    """The megaphone drawn on the reporter's plate, near its right end: a tall grey shape banded in red."""
    x, y, w, h = plate
    region = image[y : y + h, x + int(0.7 * w) : x + w]
    if region.size == 0:
        return False
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    red = (((hsv[..., 0] < 10) | (hsv[..., 0] > 165)) & (hsv[..., 1] > 80) & (hsv[..., 2] > 110)).astype(np.uint8)
    mn, mx = _split_min_max(region)
    grey = ((mn > 120) & (mx < 228) & (cv2.subtract(mx, mn) < 28)).astype(np.uint8)
    grey = cv2.morphologyEx(grey | red, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(grey, connectivity=8)
    for i in range(1, n):
        bx, by, bw, bh, area = (int(v) for v in stats[i])
        if bh >= 0.45 * h and bw >= 0.45 * h and area >= 0.15 * h * h:
            if red[by : by + bh, bx : bx + bw].sum() >= 0.01 * h * h:
                return True
    return False


def _inside(small: Box | None, big: Box) -> bool:
    if small is None:
        return False
    cx, cy = small[0] + small[2] / 2, small[1] + small[3] / 2
    return big[0] <= cx <= big[0] + big[2] and big[1] <= cy <= big[1] + big[3]


def _voted(image: np.ndarray, plate: Box, color: str | None) -> bool:
    """The "I VOTED" sticker on the icon's lower left: white and red on a small round badge.

    On a red-toned body the badge cannot be told from the body: reported as not voted.
    """
    if color in (None, "red", "coral", "maroon", "rose", "pink"):
        return False
    x, y, w, h = plate
    region = image[y + h // 2 : y + h, x : x + int(0.6 * h)]
    if region.size == 0:
        return False
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    red = ((hsv[..., 0] < 8) | (hsv[..., 0] > 170)) & (hsv[..., 1] > 120) & (hsv[..., 2] > 120)
    white = (hsv[..., 1] < 30) & (hsv[..., 2] > 225)
    return bool(red.mean() > 0.12 and white.mean() > 0.08)


def _skip_button(image: np.ndarray, plates: list[Plate], H: int) -> Box | None:
    """A light box under the plates, starting at the left column, a third of a plate wide or more."""
    if not plates:
        return None
    light, _ = _plate_masks(image)
    bottom = max(p.box[1] + p.box[3] for p in plates)
    left = min(p.box[0] for p in plates)
    pw = int(np.median([p.box[2] for p in plates]))
    ph = int(np.median([p.box[3] for p in plates]))
    k = max(3, round(0.01 * H))
    closed = cv2.morphologyEx(light, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=4)
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if (y > bottom and y < bottom + 3 * ph and abs(x - left) < 0.25 * pw and 0.2 * pw < w < 0.9 * pw
                and 0.4 * ph < h < 1.3 * ph and area > 0.6 * w * h):
            return (x, y, w, h)
    return None


def _confirm_box(image: np.ndarray, plate: Box) -> Box | None:
    """The green confirm button on a selected plate (searched on the plate's right half), as a box."""
    x, y, w, h = plate
    x0 = x + w // 2
    if w < 4 or h < 4:
        return None
    hsv = cv2.cvtColor(image[y : y + h, x0 : x + w], cv2.COLOR_BGR2HSV)
    green = cv2.inRange(hsv, (45, 120, 80), (80, 255, 255))
    n, _, stats, _ = cv2.connectedComponentsWithStats(green, connectivity=8)
    if n <= 1:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[i, cv2.CC_STAT_AREA] < 0.1 * h * h:
        return None
    bx, by, bw, bh = (int(v) for v in stats[i, :4])
    return (x0 + bx, y + by, bw, bh)


def find_confirm_button(image: np.ndarray, plate: Box) -> tuple[int, int] | None:
    """Centre of the green confirm button on a selected plate, or None when it is not shown."""
    box = _confirm_box(image, plate)
    return None if box is None else (box[0] + box[2] // 2, box[1] + box[3] // 2)


def _without_cracks(gray: np.ndarray) -> np.ndarray:
    """The name's strip with the glass cracks painted out: long thin dark lines, unlike letters' outlines."""
    if gray.size == 0:
        return gray
    ink = (gray < 150).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = gray.copy()
    h = gray.shape[0]
    for i in range(1, n):
        bx, by, bw, bh, area = (int(v) for v in stats[i])
        touches_edge = by == 0 or by + bh == h
        if area < 0.2 * bw * bh and max(bw, bh) > 0.5 * h or (touches_edge and bh > 0.8 * h and area < 0.3 * bw * bh):
            out[labels == i] = 255
    return out


def _read_texts(image: np.ndarray, plates: list[Box], title: Box | None, skip: Box | None) -> tuple[list[str], str, str]:
    """Names (one per plate), the title and the skip label, in ONE Tesseract run.

    Names and the title are white letters with a dark outline: each is read as drawn and as the
    outline's fill (`chat_ocr._outlined_fill`), and the surer reading is kept (`chat_ocr._pick_name`).
    """
    gray_all = _split_min_max(image)[0]
    regions: list[np.ndarray | None] = []
    for x, y, w, h in plates:
        regions.append(_without_cracks(gray_all[max(0, y - int(0.05 * h)) : y + int(0.55 * h),
                                                x + int(1.1 * h) : x + int(0.75 * w)]))
    for box in (title, skip):
        regions.append(None if box is None else gray_all[box[1] : box[1] + box[3], box[0] : box[0] + box[2]])
    pieces: list[tuple[int, bool, np.ndarray]] = []  # (item, is the fill, image)
    for item, c in enumerate(regions):
        if c is None or c.size == 0 or c.shape[0] < 3:
            continue
        ink = c < 150
        rows = np.flatnonzero(ink.sum(axis=1) > 0)
        cols = np.flatnonzero(ink.sum(axis=0) > 0)
        if rows.size == 0:
            continue
        pad = max(1, (rows[-1] - rows[0]) // 6)
        c = c[max(0, rows[0] - pad) : rows[-1] + pad + 1, max(0, cols[0] - pad) : cols[-1] + pad + 1]
        s = 36 / max(3, c.shape[0])
        c = cv2.resize(c, None, fx=s, fy=s, interpolation=cv2.INTER_LANCZOS4 if s > 1 else cv2.INTER_AREA)
        c = cv2.normalize(c, None, 0, 255, cv2.NORM_MINMAX)
        pieces.append((item, False, c))
        filled = _outlined_fill(c)
        if filled is not c:
            pieces.append((item, True, filled))
    texts: list[str] = [""] * len(regions)
    if pieces:
        words = read_stacked([p for _, _, p in pieces], _GAP)
        best: dict[int, tuple[str, float, bool]] = {}
        for (item, fill, _), ws in zip(pieces, words, strict=True):
            if not ws:
                continue
            ws.sort()
            got = (" ".join(w for _, w, _ in ws), float(np.mean([c for _, _, c in ws])), fill)
            best[item] = _pick_name(best.get(item), got, fill)
        for item, (text, _, _) in best.items():
            # crack ends and the icon's edge come out as stray marks around the name
            words = [w.strip("'‘’\"|,._~-—") for w in text.split()]
            texts[item] = " ".join(w for w in words if any(ch.isalnum() for ch in w))
    n = len(plates)
    return texts[:n], texts[n], texts[n + 1]


def _read_title(image: np.ndarray, box: Box) -> str:
    """The tablet's title, large outlined letters: read on its own as one line, as drawn and as its fill."""
    x, y, w, h = box
    gray = _split_min_max(image[y : y + h, x : x + w])[0]
    ink = gray < 150
    rows = np.flatnonzero(ink.sum(axis=1) > 0)
    cols = np.flatnonzero(ink.sum(axis=0) > 0)
    if rows.size == 0:
        return ""
    pad = max(2, (rows[-1] - rows[0]) // 5)
    crop = gray[max(0, rows[0] - pad) : rows[-1] + pad + 1, max(0, cols[0] - pad) : cols[-1] + pad + 1]
    s = 48 / max(3, crop.shape[0])
    crop = cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_LANCZOS4 if s > 1 else cv2.INTER_AREA)
    crop = cv2.normalize(crop, None, 0, 255, cv2.NORM_MINMAX)
    best: tuple[str, float, bool] | None = None
    for fill, img in ((False, crop), (True, _outlined_fill(crop))):
        text, conf = read_line(cv2.copyMakeBorder(img, _GAP, _GAP, _GAP, _GAP, cv2.BORDER_CONSTANT, value=255))
        best = _pick_name(best, (text, conf), fill)
    return best[0] if best else ""


def _stage(title: str) -> str:
    """"results" when the title reads more like "Voting Results" than "Who Is The Impostor?"."""
    letters = "".join(ch for ch in title.lower() if ch.isalpha())
    results = SequenceMatcher(None, letters, "votingresults").ratio()
    voting = SequenceMatcher(None, letters, "whoistheimpostor").ratio()
    return "results" if results > voting and results >= 0.5 else "voting"


def read_voting(image: np.ndarray) -> VotingScreen | None:
    """The voting tablet on this frame, or None when no tablet is shown."""
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise VotingImageError("expected a colour (BGR, 8-bit) image")
    H0, W0 = image.shape[:2]
    if H0 < 120 or W0 < 200:
        raise VotingImageError(f"image too small to hold a voting tablet ({W0}x{H0})")
    f = max(1, int(np.ceil(H0 / _MAX_WORK_H)))  # a 4K frame is read on a copy at most 720 lines tall
    screen = _read(cv2.resize(image, (W0 // f, H0 // f), interpolation=cv2.INTER_AREA) if f > 1 else image)
    if screen is None or f == 1:
        return screen

    def up(b: Box) -> Box:
        return (b[0] * f, b[1] * f, b[2] * f, b[3] * f)

    return VotingScreen(screen.stage, [replace(p, box=up(p.box)) for p in screen.plates],
                        up(screen.skip) if screen.skip else None,
                        up(screen.confirm) if screen.confirm else None, screen.title)


def tablet_shown(image: np.ndarray) -> bool:
    """Whether the voting tablet's plates are on this frame: the grid alone, no OCR (cheap enough to
    ask before every click that must not land on a plate, such as the chat box's)."""
    H0, W0 = image.shape[:2]
    f = max(1, int(np.ceil(H0 / _MAX_WORK_H)))
    work = cv2.resize(image, (W0 // f, H0 // f), interpolation=cv2.INTER_AREA) if f > 1 else image
    H = work.shape[0]
    light, grey = _plate_masks(work)
    pieces = [(b, True) for b in _pieces(light, H)] + [(b, False) for b in _pieces(grey, H)]
    loose = [(b, True) for b in _pieces(light, H, False)] + [(b, False) for b in _pieces(grey, H, False)]
    return len(_grid(pieces, H, loose)) >= 2


def _read(image: np.ndarray) -> VotingScreen | None:
    H = image.shape[0]
    light, grey = _plate_masks(image)
    pieces = [(b, True) for b in _pieces(light, H)] + [(b, False) for b in _pieces(grey, H)]
    loose = [(b, True) for b in _pieces(light, H, False)] + [(b, False) for b in _pieces(grey, H, False)]
    grid = _grid(pieces, H, loose)
    if len(grid) < 2:
        return None
    boxes = [b for b, _ in grid]
    tone = _frame_tone(image, [b for b, a in grid if a])
    plates_raw = []
    for box, alive in grid:
        color, share = _icon_color(image, box, tone) if alive else (None, 0.0)
        if color is not None and share < MIN_SHARE:
            color = None
        plates_raw.append((box, alive, color, share))
    top = min(b[1] for b in boxes)
    left = min(b[0] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    ph = int(np.median([b[3] for b in boxes]))
    title = (left, max(0, top - int(1.3 * ph)), right - left, int(1.1 * ph))
    provisional = [Plate(b, c, s, "", a, False, False) for b, a, c, s in plates_raw]
    skip = _skip_button(image, provisional, H)
    names, _, skip_text = _read_texts(image, boxes, None, skip)
    title_text = _read_title(image, title)
    if skip is not None and "SKIP" not in skip_text.upper().replace(" ", ""):
        skip = None
    stage = _stage(title_text)
    confirm = None
    if stage == "voting":
        for box in [b for b, a, _, _ in plates_raw if a] + ([skip] if skip else []):
            confirm = _confirm_box(image, box)
            if confirm is not None:
                break
    plates = []
    for (box, alive, color, share), name in zip(plates_raw, names, strict=True):
        plates.append(Plate(box, color, round(share, 3), name, alive, _voted(image, box, color) if alive else False,
                            _reporter(image, box) if not _inside(confirm, box) else False))
    return VotingScreen(stage, plates, skip, confirm, title_text)


def find_vote_targets(image: np.ndarray) -> dict[str, Box]:
    """Colour name (or "skip") -> clickable box, for everyone who can be voted for right now.

    Only living players whose colour is sure are offered; on the results screen nobody can be.
    """
    screen = read_voting(image)
    if screen is None or screen.stage != "voting":
        return {}
    targets: dict[str, Box] = {}
    seen: set[str] = set()
    for p in screen.plates:
        if not p.alive or p.color is None:
            continue
        if p.color in seen:  # two plates claiming one colour: neither can be trusted
            targets.pop(p.color, None)
            continue
        seen.add(p.color)
        targets[p.color] = p.box
    if screen.skip is not None:
        targets["skip"] = screen.skip
    return targets
