"""The cheap first look of `identify_panel`: colour fractions of a thumbnail, one test per panel.

A panel's recogniser runs only when the colours it is made of cover enough of a 160-row thumbnail;
the thresholds sit well below what the real panels show at full screen (where the panel is
smallest relative to the frame), so they only skip recognisers that could not succeed.
"""

from __future__ import annotations

import cv2
import numpy as np

THUMB_H = 160


def thumbnail_hsv(image: np.ndarray) -> np.ndarray:
    """Every k-th pixel (no filtering: fractions of colour survive sampling and it costs nothing)."""
    step = max(1, image.shape[0] // THUMB_H)
    return cv2.cvtColor(np.ascontiguousarray(image[::step, ::step, :3]), cv2.COLOR_BGR2HSV)


def frac(hsv: np.ndarray, h: tuple[int, int] | None, s: tuple[int, int], v: tuple[int, int]) -> float:
    hh, ss, vv = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    m = (ss >= s[0]) & (ss <= s[1]) & (vv >= v[0]) & (vv <= v[1])
    if h is not None:
        m &= ((hh >= h[0]) & (hh <= h[1])) if h[0] <= h[1] else ((hh >= h[0]) | (hh <= h[1]))
    return float(m.mean())


# name -> (hue, saturation, value ranges, least fraction of the thumbnail)
GATES: dict[str, list[tuple[tuple[int, int] | None, tuple[int, int], tuple[int, int], float]]] = {
    "Unlock Manifolds": [((100, 125), (170, 255), (140, 255), 0.007)],
    "Swipe Card": [((70, 92), (110, 255), (35, 130), 0.005)],
    "Start Reactor": [(None, (0, 255), (0, 22), 0.05)],
    "Reactor Meltdown": [((170, 15), (150, 255), (150, 255), 0.03)],
    "Align Engine Output": [((45, 75), (90, 255), (10, 50), 0.04)],
    "Calibrate Distributor": [((18, 32), (120, 255), (140, 255), 0.003), ((84, 98), (50, 255), (140, 255), 0.003)],
    "Chart Course": [((96, 108), (140, 255), (130, 255), 0.08)],
    "Divert Power": [((0, 22), (150, 255), (70, 255), 0.015)],
    "Accept Diverted Power": [((22, 34), (170, 255), (170, 255), 0.003)],
    "Download Data|Upload Data": [((12, 26), (45, 130), (200, 255), 0.01)],
    "Empty Garbage": [((3, 35), (90, 255), (70, 255), 0.03)],
    "Fuel Engines": [((172, 10), (170, 255), (140, 255), 0.003)],
    "Inspect Sample": [(None, (0, 255), (0, 60), 0.1), ((45, 80), (150, 255), (120, 255), 0.0008)],
    "Prime Shields": [((172, 6), (170, 255), (170, 255), 0.005)],
    "Stabilize Steering": [((95, 115), (110, 255), (120, 255), 0.08)],
    "Fix Lights": [((45, 80), (120, 255), (35, 255), 0.002)],
    "Fix Wiring": [((0, 179), (150, 255), (100, 255), 0.01)],
    # imitations (synthetic/panels.py): not yet seen on real pixels
    "Clean O2 Filter": [((75, 95), (25, 90), (170, 240), 0.08)],
    "Clear Asteroids": [(None, (0, 255), (0, 25), 0.08), ((45, 80), (120, 255), (120, 255), 0.001)],
    "O2 Keypad": [((20, 34), (70, 200), (200, 255), 0.01)],
    "Comms Dial": [(None, (0, 255), (0, 25), 0.03), ((45, 80), (120, 255), (120, 255), 0.003)],
    "Submit Scan": [((98, 112), (110, 200), (40, 80), 0.08)],
    "Fuel Engines (engine)": [((172, 10), (170, 255), (140, 255), 0.003)],
}


def _dark_square(hsv: np.ndarray) -> bool:
    """A near-black, nearly square patch of at least ~1% of the frame (Start Reactor's screen): dark
    pixels alone are common (the void around the map), a square of them is not. Looser than the
    recogniser's own test (2% of the frame, aspect 0.85..1.18, fill 0.6) so it only skips frames
    the recogniser would reject."""
    dark = cv2.inRange(hsv, (0, 0, 0), (255, 255, 22))
    _, _, st, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    st = st[1:]
    least = 0.01 * hsv.shape[0] * hsv.shape[1]
    w, h, area = st[:, 2], st[:, 3], st[:, 4]
    return bool(np.any((area >= least) & (w <= 1.4 * h) & (h <= 1.4 * w) & (area >= 0.45 * w * h)))


# name -> a test of the thumbnail's shapes, after the colour fractions
SHAPE_GATES = {"Start Reactor": _dark_square}


def passes(name: str, hsv: np.ndarray) -> bool:
    tests = GATES.get(name)
    if tests is not None and not all(frac(hsv, h, s, v) >= least for h, s, v, least in tests):
        return False
    shape = SHAPE_GATES.get(name)
    return shape is None or shape(hsv)
