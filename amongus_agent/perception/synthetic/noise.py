"""Camera-free degradations that real captures show: uneven lighting, blur, JPEG blocks, sensor noise.

Every function takes an explicit `numpy.random.Generator` so a test set is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, slots=True)
class Noise:
    """How hard to degrade a frame; all zero means the clean render."""

    shading: float = 0.0  # peak-to-peak brightness change of a linear gradient, 0.3 = +-15 %
    blur: float = 0.0  # Gaussian sigma in pixels
    jpeg_quality: int = 0  # 0 = no JPEG round trip
    sensor: float = 0.0  # std of additive Gaussian noise, in 8-bit levels


CLEAN = Noise()


def degrade(img: np.ndarray, noise: Noise, rng: np.random.Generator) -> np.ndarray:
    out = img
    if noise.shading > 0:
        h, w = img.shape[:2]
        angle = rng.uniform(0, 2 * np.pi)
        xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
        yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
        ramp = np.cos(angle) * xx + np.sin(angle) * yy
        ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
        gain = (1.0 - noise.shading / 2 + noise.shading * ramp).astype(np.float32)
        out = cv2.multiply(out.astype(np.float32), cv2.merge([gain, gain, gain]))
        out = np.clip(out, 0, 255).astype(np.uint8)
    if noise.blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), noise.blur)
    if noise.sensor > 0:
        grain = rng.normal(0, noise.sensor, out.shape).astype(np.float32)
        out = np.clip(out.astype(np.float32) + grain, 0, 255).astype(np.uint8)
    if noise.jpeg_quality > 0:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(noise.jpeg_quality)])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return out


def scene_background(width: int, height: int, rng: np.random.Generator, dim: float = 0.5) -> np.ndarray:
    """A cluttered, dimmed stand-in for the map behind an overlay: floor tiles, walls, random blobs.

    The game dims the world behind task panels and the chat; clutter makes the detectors prove they
    find the panel and not just 'the only thing on screen'.
    """
    img = np.empty((height, width, 3), np.uint8)
    img[:] = rng.integers(40, 120, 3)
    tile = max(16, int(rng.integers(40, 120) * height / 1080))
    c2 = rng.integers(30, 140, 3)
    for y in range(0, height, tile):
        for x in range((y // tile) % 2 * tile, width, 2 * tile):
            img[y : y + tile, x : x + tile] = c2
    for _ in range(int(rng.integers(8, 20))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(20, width // 4)), y0 + int(rng.integers(20, height // 4))
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            cv2.rectangle(img, (x0, y0), (x1, y1), color, -1)
        else:
            cv2.circle(img, (x0, y0), int(rng.integers(10, max(11, height // 10))), color, -1, cv2.LINE_AA)
    return (img.astype(np.float32) * dim).astype(np.uint8)
