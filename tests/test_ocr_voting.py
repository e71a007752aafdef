"""Vote targets found on rendered voting screens: plates by icon colour, SKIP VOTE by its text."""

from __future__ import annotations

import pytest

from amongus_agent.perception.palette import PLAYER_COLORS
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
from amongus_agent.perception.voting import find_confirm_button, find_vote_targets

NAMES = ["Nova", "Kai", "Ren", "Bean", "Zed", "Otto", "Luna", "Hex", "Fig", "Pip", "Dot", "Moss"]


@pytest.mark.parametrize("size,face,noise", [((1280, 720), "sans", Noise()),
                                             ((2560, 1440), "serif", Noise(shading=0.1, jpeg_quality=70))])
def test_every_living_player_and_skip_are_found(size, face, noise):
    colors = list(PLAYER_COLORS)
    players = [VotePlayer(n, c, dead=i in (2, 7)) for i, (n, c) in enumerate(zip(NAMES, colors, strict=True))]
    s = render_voting(players, *size, face=face, noise=noise)
    found = find_vote_targets(s.image)
    alive = {p.color for p in players if not p.dead}
    assert set(found) == alive | {"skip"}
    for color in alive:
        assert found[color] == pytest.approx(s.plates[color], abs=3)
    assert found["skip"] == pytest.approx(s.skip, abs=3)


@pytest.mark.parametrize("target", ["lime", "skip"])
def test_confirm_button_appears_on_the_selected_target(target):
    players = [VotePlayer("A", "red"), VotePlayer("B", "lime"), VotePlayer("C", "green")]
    s = render_voting(players, 1920, 1080, selected=target)
    box = s.skip if target == "skip" else s.plates[target]
    x, y = find_confirm_button(s.image, box)
    cx, cy, cw, ch = s.confirm
    assert cx <= x <= cx + cw and cy <= y <= cy + ch
    assert find_confirm_button(render_voting(players, 1920, 1080).image, box) is None
