"""The real screens as other capture paths would deliver them: re-encoded, tone-mapped, tinted, softened.

The share's screenshots are all the real frames we have, and readers tuned on them could lean on
their exact levels. A capture card, a stream's JPEG, a monitor colour profile, a night-light mode
or HDR tone mapping changes every level a little while the screen means the same. The readers'
bars are therefore also checked on these variants (tests/test_real_variants.py).

The set was fixed before any reader was changed, and split in two: TUNE is what the readers'
thresholds may be adjusted against; HELD is never looked at while tuning and is reported apart,
as the honest figure of how well the readers generalise.

Each variant maps a BGR frame to (frame, scale): `scale` is how much the frame was enlarged
(pixel boxes of the truth multiply by it).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Variant = Callable[[np.ndarray], tuple[np.ndarray, float]]


def jpeg(quality: int) -> Variant:
    def run(img: np.ndarray) -> tuple[np.ndarray, float]:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return cv2.imdecode(buf, cv2.IMREAD_COLOR), 1.0
    return run


def gamma(g: float) -> Variant:
    """g > 1 darkens the mid-tones, g < 1 brightens them; black and white stay."""
    lut = np.clip(((np.arange(256) / 255.0) ** g) * 255 + 0.5, 0, 255).astype(np.uint8)
    return lambda img: (cv2.LUT(img, lut), 1.0)


def cast(db: int, dg: int, dr: int) -> Variant:
    """A colour cast: each channel shifted by a constant (clipped), as a white-balance error gives."""
    shift = np.array([db, dg, dr], np.int16)
    return lambda img: (np.clip(img.astype(np.int16) + shift, 0, 255).astype(np.uint8), 1.0)


def desaturate(share: float) -> Variant:
    """Saturation (HSV) cut by `share`, as a washed-out colour profile gives."""
    def run(img: np.ndarray) -> tuple[np.ndarray, float]:
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        hsv[..., 1] = np.clip(hsv[..., 1].astype(np.float32) * (1 - share) + 0.5, 0, 255).astype(np.uint8)
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR), 1.0
    return run


def soften() -> Variant:
    """A slightly soft capture: Gaussian blur sigma 0.5 on frames of 1080 lines or more; smaller frames
    (the 360-line stream frames, the 824-line results screen) are first enlarged 2x (as a stream player
    shows them) and blurred with sigma 0.4, since 0.5 px of a 360-line frame is a whole stroke of text."""
    def run(img: np.ndarray) -> tuple[np.ndarray, float]:
        if img.shape[0] >= 1080:
            return cv2.GaussianBlur(img, (0, 0), 0.5), 1.0
        big = cv2.resize(img, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        return cv2.GaussianBlur(big, (0, 0), 0.4), 2.0
    return run


TUNE: dict[str, Variant] = {
    "jpeg70": jpeg(70),
    "gamma1.25": gamma(1.25),
    "warm": cast(-8, 0, 10),
}
HELD: dict[str, Variant] = {
    "jpeg50": jpeg(50),
    "gamma0.8": gamma(0.8),
    "cool": cast(10, 0, -8),
    "soft": soften(),
    "desat15": desaturate(0.15),
}


def limited_range() -> Variant:
    """Video levels 16..235 taken for full-range pixels (a capture card's classic mismatch): black is
    lifted, white dimmed, everything between squeezed."""
    return lambda img: ((16 + img.astype(np.float32) * (219 / 255) + 0.5).astype(np.uint8), 1.0)


# A second held-out set, written after the first round of changes and measured once, blind, before
# anything else changed (limited range then showed the HUD's power curve cannot follow a lifted black:
# the straight-line fit through the trough was added for it, so that one is no longer blind).
FRESH: dict[str, Variant] = {
    "limited": limited_range(),
    "jpeg60": jpeg(60),
    "gamma0.9": gamma(0.9),
    "gamma1.12": gamma(1.12),
    "greentint": cast(-4, 8, -4),
}
VARIANTS: dict[str, Variant] = {**TUNE, **HELD, **FRESH}
