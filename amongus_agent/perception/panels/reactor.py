"""Start Reactor (watch the flashes, repeat them) and the Reactor Meltdown hand scanner.

Start Reactor: a black square screen, with a 3 x 3 keypad of the same size to its right; both carry
a row of five lamps above. Lit left lamps count the round (how many flashes to watch); the keypad's
buttons turn light when it is the player's turn ("input"), dark while the sequence plays ("watch").
Meltdown: a large red hand-print under a light "HOLD TO STOP MELTDOWN" strip.
"""

from __future__ import annotations

import numpy as np

from .common import PanelState, Work, blobs, close, hsv_mask

START = "Start Reactor"
MELTDOWN = "Reactor Meltdown"


def _screen(work: Work):
    blk = hsv_mask(work, None, (0, 255), (0, 22))
    # fill > 0.6, not ~1: a flash cuts one of the nine cells out of the black square
    return [b for b in blobs(blk, work.h * work.w * 0.02) if 0.85 < b.aspect < 1.18 and b.fill > 0.6]


def keypad_cells(x0: float, y0: float, s: float) -> list[tuple[float, float]]:
    return [(x0 + (c + 0.5) * s / 3, y0 + (r + 0.5) * s / 3) for r in range(3) for c in range(3)]


def read_start(work: Work) -> PanelState | None:
    for scr in _screen(work):
        s = (scr.w + scr.h) / 2
        kx0 = scr.x + 1.67 * s
        if kx0 + s > work.w + 0.05 * s:
            continue
        cells = keypad_cells(kx0, scr.y, s)
        vals, sats = [], []
        for cx, cy in cells:
            r = max(2, int(s * 0.06))
            patch = work.hsv[int(cy) - r : int(cy) + r, int(cx) - r : int(cx) + r]
            if patch.size == 0:
                break
            vals.append(float(patch[..., 2].mean()))
            sats.append(float(patch[..., 1].mean()))
        if len(vals) != 9 or max(sats) > 45 or np.std(vals) > 25 or min(vals) < 60:
            continue  # no grey keypad there
        # the keys are separate buttons: dark seams between neighbouring keys
        seams = [float(work.hsv[int(cy) - 1 : int(cy) + 2, int(kx0 + c * s / 3) - 1 : int(kx0 + c * s / 3) + 2, 2].mean())
                 for c in (1, 2) for (_, cy) in cells[:3]]
        if max(seams) > float(np.mean(vals)) - 25:
            continue
        # the lamps: a row 0.28 s above the screen, five across its width
        ly = int(scr.y - 0.28 * s)
        lit = 0
        for i in range(5):
            lx = int(scr.x + 0.02 * s + i * 0.23 * s)
            patch = work.hsv[max(0, ly - 3) : ly + 4, max(0, lx - 3) : lx + 4]
            if patch.size and float(((patch[..., 0] > 40) & (patch[..., 0] < 85) & (patch[..., 1] > 120)).mean()) > 0.4:
                lit += 1
        # a flash on the screen: a bright cell inside the black square
        flash = None
        gray = work.bgr[scr.y : scr.y + scr.h, scr.x : scr.x + scr.w].max(axis=2)
        if (gray > 80).mean() > 0.03:
            ys, xs = np.nonzero(gray > 80)
            flash = int(min(2, ys.mean() * 3 // scr.h) * 3 + min(2, xs.mean() * 3 // scr.w))
        state = "input" if float(np.mean(vals)) > 150 else "watch"
        return PanelState(START, state, work.up_box((scr.x, int(scr.y - 0.4 * s), int(kx0 + s), scr.y + scr.h)),
                          points={"screen": work.up_box(scr.box), "buttons": [work.up(*c) for c in cells]},
                          info={"round": max(1, lit), "lit_lamps": lit, "flash": flash})
    return None


def flash_cell(image: np.ndarray, screen: tuple[int, int, int, int]) -> int | None:
    """Which of the 3 x 3 cells of the black screen (image pixels) is lit now, if any; cheap, for polling."""
    x0, y0, x1, y1 = screen
    sub = image[max(0, y0) : y1, max(0, x0) : x1]
    if sub.size == 0:
        return None
    step = max(1, sub.shape[0] // 90)  # every few pixels is enough to see a lit cell
    sub = sub[::step, ::step].max(axis=2)
    lit = sub > 80
    if lit.mean() < 0.03:
        return None
    ys, xs = np.nonzero(lit)
    h, w = sub.shape
    return int(min(2, ys.mean() * 3 // h) * 3 + min(2, xs.mean() * 3 // w))


def read_meltdown(work: Work) -> PanelState | None:
    red = close(hsv_mask(work, (170, 15), (150, 255), (150, 255)), max(3, work.h // 100))
    cand = [b for b in blobs(red, work.h * work.w * 0.03) if 0.6 < b.aspect < 1.1 and 0.3 < b.fill < 0.75]
    for hand in sorted(cand, key=lambda b: -b.area):
        # the light title strip above it
        top = work.hsv[max(0, int(hand.y - 0.3 * hand.h)) : hand.y, hand.x : hand.x + hand.w]
        if top.size and float(((top[..., 2] > 200) & (top[..., 1] < 40)).mean()) > 0.12:
            # hold on the palm: the centre of the lower half of the print
            sub = red[hand.y + hand.h // 2 : hand.y + hand.h, hand.x : hand.x + hand.w]
            ys, xs = np.nonzero(sub)
            palm = (hand.x + xs.mean(), hand.y + hand.h // 2 + ys.mean())
            return PanelState(MELTDOWN, "ready", work.up_box(hand.box), points={"hand": work.up(*palm)})
    return None
