"""Fix Wiring solver on rendered panels: every pair right, at any scale, place and noise."""

from __future__ import annotations

import numpy as np
import pytest

from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.wiring import render_wiring
from amongus_agent.perception.wires import WiringError, solve_wiring

NOISES = [Noise(), Noise(shading=0.35, blur=1.0, jpeg_quality=40, sensor=4)]


def _inside(p, box) -> bool:
    return box[0] <= p[0] <= box[0] + box[2] and box[1] <= p[1] <= box[1] + box[3]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (2560, 1080), (3840, 2160)])
@pytest.mark.parametrize("noise", NOISES, ids=["clean", "noisy"])
def test_pairs_are_right(size, noise):
    for seed in range(200, 202 if size[0] > 3000 else 204):  # 4K frames are slow to render
        s = render_wiring(*size, seed, noise=noise)
        sol = solve_wiring(s.image)
        assert sol is not None, seed
        assert sorted(p.color for p in sol.pairs) == ["blue", "magenta", "red", "yellow"]
        for p in sol.pairs:
            left = next(e for e in s.left if e.color == p.color)
            right = next(e for e in s.right if e.color == p.color)
            assert _inside(p.start, left.box) and _inside(p.end, right.box), (seed, p)
        # the reported panel is the drawn one, give or take a few pixels
        assert np.allclose(sol.panel, s.panel, atol=0.03 * s.panel[3])


def test_small_panel_in_a_corner():
    s = render_wiring(1920, 1080, 7, panel_height=330, center=(300, 900))
    sol = solve_wiring(s.image)
    assert sol is not None and {p.color for p in sol.pairs} == {"red", "blue", "yellow", "magenta"}


def test_no_panel_is_none_not_a_guess():
    for seed in range(3):
        bg = render_wiring(1920, 1080, seed, center=(-5000, -5000))  # the scene alone
        assert solve_wiring(bg.image) is None
    assert solve_wiring(np.zeros((720, 1280, 3), np.uint8)) is None


def test_bad_input_raises_our_error():
    with pytest.raises(WiringError):
        solve_wiring(np.zeros((10, 10), np.uint8))


def test_ends_stay_visible_while_wires_are_joined_and_vanish_with_the_panel():
    from amongus_agent.perception.wires import ends_still_visible

    s = render_wiring(1600, 900, 21)
    sol = solve_wiring(s.image)
    half = render_wiring(1600, 900, 21, connected=frozenset(e.color for e in s.left[:3]))
    gone = render_wiring(1600, 900, 21, center=(-9000, -9000))
    assert ends_still_visible(s.image, sol) == 8
    assert ends_still_visible(half.image, sol) == 8
    assert solve_wiring(half.image) is None  # joined wires hide the pattern: why the flow asks this instead
    assert ends_still_visible(gone.image, sol) <= 1
