"""The voting tablet read on rendered screens: plates by icon colour, SKIP VOTE, confirm, the results stage."""

from __future__ import annotations

import numpy as np
import pytest

from amongus_agent.perception.palette import PLAYER_COLORS
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
from amongus_agent.perception.voting import VotingImageError, find_confirm_button, find_vote_targets, read_voting

NAMES = ["Nova", "Kai", "Ren", "Bean", "Zed", "Otto", "Luna", "Hex", "Fig", "Pip"]
COLORS = list(PLAYER_COLORS)


@pytest.mark.parametrize("size,face,noise,offset", [((1280, 720), "sans", Noise(), 0),
                                                    ((2560, 1440), "serif", Noise(shading=0.1, jpeg_quality=70), 10)])
def test_living_players_and_skip_are_found_and_no_colour_is_wrong(size, face, noise, offset):
    colors = (COLORS * 2)[offset : offset + 10]
    players = [VotePlayer(n, c, dead=i in (2, 7)) for i, (n, c) in enumerate(zip(NAMES, colors, strict=True))]
    s = render_voting(players, *size, face=face, noise=noise, cracks=True, hats=True, seed=offset)
    found = find_vote_targets(s.image)
    alive = {p.color for p in players if not p.dead}
    assert "skip" in found and set(found) - {"skip"} <= alive  # never a colour that is not there
    assert len(set(found) & alive) >= 6  # dark tones under a hat may be withheld, never guessed
    for color in set(found) - {"skip"}:
        assert found[color] == pytest.approx(s.plates[color], abs=3)
    assert found["skip"] == pytest.approx(s.skip, abs=3)
    screen = read_voting(s.image)
    assert screen is not None and screen.stage == "voting" and len(screen.plates) == 10
    assert [p.alive for p in screen.plates] == [not p.dead for p in players]


def test_every_colour_is_read_or_withheld_never_wrong():
    wrong, read = [], 0
    for seed in range(0, 18, 6):
        colors = (COLORS * 2)[seed : seed + 10]
        s = render_voting([VotePlayer(f"P{i}", c) for i, c in enumerate(colors)], 1280, 720, hats=True, seed=seed)
        for plate, color in zip(read_voting(s.image).plates, colors, strict=True):
            read += plate.color == color
            if plate.color not in (None, color):
                wrong.append((color, plate.color))
    assert wrong == [] and read >= 24


def test_results_stage_offers_no_target():
    players = [VotePlayer(n, c) for n, c in zip(NAMES[:6], COLORS[:6], strict=True)]
    s = render_voting(players, 1920, 1080, results=True)
    screen = read_voting(s.image)
    assert screen is not None and screen.stage == "results" and screen.skip is None
    assert find_vote_targets(s.image) == {}


def test_reporter_mark_and_no_tablet():
    players = [VotePlayer(n, c, reporter=i == 3) for i, (n, c) in enumerate(zip(NAMES[:6], COLORS[:6], strict=True))]
    screen = read_voting(render_voting(players, 1920, 1080).image)
    assert [p.reporter for p in screen.plates] == [p.reporter for p in players]
    assert read_voting(np.full((720, 1280, 3), 90, np.uint8)) is None
    with pytest.raises(VotingImageError):
        read_voting(np.zeros((720, 1280), np.uint8))


@pytest.mark.parametrize("target", ["lime", "skip"])
def test_confirm_button_appears_on_the_selected_target(target):
    players = [VotePlayer("A", "red"), VotePlayer("B", "lime"), VotePlayer("C", "green")]
    s = render_voting(players, 1920, 1080, selected=target)
    box = s.skip if target == "skip" else s.plates[target]
    x, y = find_confirm_button(s.image, box)
    cx, cy, cw, ch = s.confirm
    assert cx <= x <= cx + cw and cy <= y <= cy + ch
    assert find_confirm_button(render_voting(players, 1920, 1080).image, box) is None
    out = read_voting(s.image).to_out()
    assert out.confirm is not None and cx <= out.confirm.click[0] <= cx + cw
