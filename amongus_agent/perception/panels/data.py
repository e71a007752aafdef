"""Download Data / Upload Data: a blue glass tablet with two tan folders and one button between them.

The two tasks share the panel; Upload has a radio mast over the right folder (Headquarters),
Download does not. The button is the light grey bar below, midway between the folders.
"""

from __future__ import annotations

from .common import PanelState, Work, blobs, close, hsv_mask

DOWNLOAD = "Download Data"
UPLOAD = "Upload Data"


def read(work: Work) -> PanelState | None:
    tan = close(hsv_mask(work, (12, 26), (45, 130), (200, 255)), 3)
    folders = [b for b in blobs(tan, work.h * work.w * 0.006) if 1.3 < b.aspect < 2.2 and b.fill > 0.7]
    if len(folders) < 2:
        return None
    folders.sort(key=lambda b: -b.area)
    a, b = sorted(folders[:2], key=lambda f: f.cx)
    if abs(a.cy - b.cy) > 0.2 * a.h or abs(a.area - b.area) > 0.3 * a.area or b.cx - a.cx < 1.5 * a.w:
        return None
    glass = hsv_mask(work, (98, 115), (60, 170), (110, 210))
    mid = glass[int(a.y) : int(a.y + a.h), int(a.x + a.w) : int(b.x)]
    if mid.size == 0 or mid.mean() < 0.4:
        return None  # not on the blue tablet
    # mast over the right folder: dark strokes in the band just above it
    band = work.hsv[max(0, int(b.y - 0.9 * b.h)) : int(b.y), int(b.x + 0.2 * b.w) : int(b.x + 0.8 * b.w), 2]
    upload = band.size > 0 and float((band < 70).mean()) > 0.03
    name = UPLOAD if upload else DOWNLOAD
    span = b.cx - a.cx
    x0, x1 = int(a.cx + 0.25 * span), int(b.cx - 0.25 * span)
    y0, y1 = int(a.y + a.h), min(work.h, int(a.y + a.h + 1.2 * a.h))
    light = hsv_mask(work, None, (0, 25), (140, 240))[y0:y1, x0:x1]
    btn = [c for c in blobs(light, (0.1 * a.h) ** 2) if 2.0 < c.aspect < 5 and c.fill > 0.6]
    box = work.up_box((int(a.x - 0.4 * a.w), int(a.y - 0.8 * a.h), int(b.x + 1.4 * b.w), int(a.y + 2.4 * a.h)))
    if not btn:
        return PanelState(name, "transfer", box)
    c = max(btn, key=lambda c: c.area)
    return PanelState(name, "ready", box, points={"button": work.up(x0 + c.cx, y0 + c.cy)})
