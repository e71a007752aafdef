"""Undo a capture path's tone curve and colour cast, from a part of the screen whose colour is known.

A screenshot reaches us through capture cards, stream encoders, colour profiles, night-light modes
and HDR tone mapping: every level may move a little (a gamma change, a warm or cool cast) while the
screen means the same. Readers whose colour tests use the game's own levels would then miss what
they look for. The game draws some parts in one fixed colour (the total-tasks bar's frame, a chat
bubble's white): measuring such a part on the frame gives, per channel, the curve that took the
game's level to the one seen. A power curve per channel fixes both ends (black stays black, white
stays white) and moves the middle, which is what tone mapping and most white-balance errors do; one
reference level is enough to fit it. Applied as a 256-entry lookup table it costs a few
milliseconds on a 1080p frame.
"""

from __future__ import annotations

import numpy as np

# beyond these exponents the reference part is not what we took it for (or the capture is unusable)
_MIN_EXP, _MAX_EXP = 0.55, 1.8
_IDENTITY_TOL = 0.015  # exponents this close to 1 change no level by more than about one step


def power_lut(seen: np.ndarray, game: np.ndarray) -> np.ndarray | None:
    """A per-channel lookup table (1x256x3, for cv2.LUT on BGR) taking the `seen` levels to the `game`
    levels of the same part; None when no correction is needed or the levels are too far apart to be
    the same part under a plausible capture (the caller should then not trust the reference)."""
    seen = np.clip(np.asarray(seen, np.float64), 2.0, 253.0) / 255.0
    game = np.clip(np.asarray(game, np.float64), 2.0, 253.0) / 255.0
    exp = np.log(game) / np.log(seen)
    if np.any(exp < _MIN_EXP) or np.any(exp > _MAX_EXP):
        raise ValueError(f"levels {np.round(seen * 255)} cannot be the reference {np.round(game * 255)}")
    if np.all(np.abs(exp - 1) < _IDENTITY_TOL):
        return None
    x = np.arange(256, dtype=np.float64)[:, None] / 255.0
    return np.clip(255.0 * x**exp[None, :] + 0.5, 0, 255).astype(np.uint8).reshape(1, 256, 3)


def plausible(seen: np.ndarray, game: np.ndarray) -> bool:
    """Could `seen` be `game` through a capture path (`power_lut` would not refuse it)?"""
    try:
        power_lut(seen, game)
    except ValueError:
        return False
    return True


def cast_lut(white: np.ndarray, black: np.ndarray, min_range: float = 60.0, max_cast: float = 40.0
             ) -> np.ndarray | None:
    """A per-channel lookup table (1x256x3, for cv2.LUT on BGR) taking a colour cast out, from the levels
    seen on a part known to be white and one known to be black: per channel, both are moved to their
    mean over the channels (a straight line between them).

    Only the imbalance between the channels is corrected, not the overall levels: a neutral capture
    is left as it is, and so are the readers' thresholds on lightness. None when there is no cast to
    speak of, when the two references lack range (no real white or black was measured) or when the
    cast is too large to be one (the references were not neutral).
    """
    white = np.asarray(white, np.float64)
    black = np.asarray(black, np.float64)
    span = white - black
    w, b = float(white.mean()), float(black.mean())
    dev = max(float(np.abs(white - w).max()), float(np.abs(black - b).max()))
    if float(span.min()) < min_range or dev < 1.5 or dev > max_cast:
        return None
    x = np.arange(256, dtype=np.float64)[:, None]
    out = (x - black[None, :]) * ((w - b) / span[None, :]) + b
    return np.clip(out + 0.5, 0, 255).astype(np.uint8).reshape(1, 256, 3)
