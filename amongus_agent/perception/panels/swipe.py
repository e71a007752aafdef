"""Swipe Card: a dark green display ("PLEASE INSERT CARD") above a card slot, a wallet below.

Everything is placed relative to the display's width: the slot runs under it, a little wider; the
card is the light strip in the wallet (state "wallet") or the light strip in the slot (state "slot").
"""

from __future__ import annotations

from .common import PanelState, Work, blobs, hsv_mask

NAME = "Swipe Card"


def _display(work: Work):
    lcd = hsv_mask(work, (70, 92), (110, 255), (35, 130))
    cand = [b for b in blobs(lcd, work.h * work.w * 0.002) if 6 < b.aspect < 20 and b.fill > 0.6]
    return max(cand, key=lambda b: b.area) if cand else None


def read(work: Work) -> PanelState | None:
    d = _display(work)
    if d is None:
        return None
    W = d.w
    brown = hsv_mask(work, (0, 16), (100, 255), (50, 210))
    y0, y1 = int(d.cy + 0.65 * W), int(min(work.h, d.cy + 1.45 * W))
    x0, x1 = max(0, int(d.x - 0.15 * W)), min(work.w, int(d.x + d.w + 0.15 * W))
    wallet = brown[y0:y1, x0:x1]
    slot_y = d.cy + 0.43 * W
    white = hsv_mask(work, None, (0, 45), (190, 255))
    cards = [b for b in blobs(white, (0.08 * W) ** 2) if b.aspect > 1.8 and x0 <= b.cx <= x1 and b.w > 0.2 * W]
    in_slot = [b for b in cards if abs(b.cy - slot_y) < 0.12 * W]
    in_wallet = [b for b in cards if y0 <= b.cy <= y1]
    box = work.up_box((x0, int(d.y - 0.1 * W), x1, y1))
    slot_start = work.up(d.x + 0.12 * W, slot_y)
    slot_end = work.up(d.x + d.w + 0.1 * W, slot_y)
    if in_slot:
        c = max(in_slot, key=lambda b: b.area)
        return PanelState(NAME, "slot", box, points={"card": work.up(c.cx, c.cy), "slot_start": slot_start,
                                                     "slot_end": slot_end})
    if in_wallet and wallet.size and wallet.mean() > 0.15:
        c = max(in_wallet, key=lambda b: b.area)
        return PanelState(NAME, "wallet", box, points={"card": work.up(c.cx, c.cy), "slot_start": slot_start,
                                                       "slot_end": slot_end})
    return None
