"""Renderers: any screen size, seeded and reproducible, drawing what they report."""

from __future__ import annotations

import numpy as np
import pytest

from amongus_agent.perception.palette import (
    PLAYER_COLORS,
    PLAYER_SHADOWS,
    WIRE_COLORS,
    nearest_player_color,
    vote_body_color,
)
from amongus_agent.perception.synthetic.chat_samples import random_chat
from amongus_agent.perception.synthetic.fonts import FontMissingError, FontSpec, font_path
from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
from amongus_agent.perception.synthetic.wiring import render_wiring


def test_palette_has_the_eighteen_colours_and_matches_itself():
    assert list(PLAYER_COLORS) == ["red", "blue", "green", "pink", "orange", "yellow", "black", "white", "purple",
                                   "brown", "cyan", "lime", "maroon", "rose", "banana", "gray", "tan", "coral"]
    assert set(PLAYER_SHADOWS) == set(PLAYER_COLORS)
    assert set(WIRE_COLORS) == {"red", "blue", "yellow", "magenta"}
    for name, rgb in PLAYER_COLORS.items():
        assert nearest_player_color(rgb) == (name, 0.0)
        darker = tuple(v * 0.95 for v in rgb)
        assert nearest_player_color(darker)[0] == name
        # an icon's pixels: main tone, its shadow, visor and outline -> the colour, with a clear share
        pixels = np.array([rgb[::-1]] * 60 + [PLAYER_SHADOWS[name][::-1]] * 25 + [(220, 202, 149)] * 15
                          + [(0, 0, 0)] * 10, np.uint8)
        got, share = vote_body_color(pixels)
        assert got == name and share > 0.9


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160), (1366, 768)])
def test_wiring_panel_fits_the_screen_and_shuffles_each_side(size):
    orders = set()
    for seed in range(6):
        s = render_wiring(*size, seed)
        assert s.image.shape == (size[1], size[0], 3)
        x, y, w, h = s.panel
        assert 0 <= x and 0 <= y and x + w <= size[0] and y + h <= size[1]
        assert sorted(e.color for e in s.left) == sorted(WIRE_COLORS) == sorted(e.color for e in s.right)
        # the drawn colour is there, at the reported grab point
        for end in s.left:
            b, g, r = s.image[end.box[1] + end.box[3] // 4, end.box[0] + 3].astype(int)
            assert np.allclose((r, g, b), WIRE_COLORS[end.color], atol=40)
        orders.add((tuple(e.color for e in s.left), tuple(e.color for e in s.right)))
    assert len(orders) == 6
    a, b = render_wiring(*size, 5, noise=Noise(jpeg_quality=50)), render_wiring(*size, 5, noise=Noise(jpeg_quality=50))
    assert np.array_equal(a.image, b.image)


@pytest.mark.parametrize("size,font", [((1280, 720), FontSpec("mono", 22)), ((3840, 2160), FontSpec("serif", 26))])
def test_meeting_marks_cut_bubbles_and_keeps_order(size, font):
    chat = random_chat(np.random.default_rng(1), 30)
    s = render_meeting(chat, *size, font=font)
    assert s.image.shape == (size[1], size[0], 3)
    shown = [b.message for b in s.bubbles]
    assert shown == chat[-len(shown):]  # newest at the bottom, oldest cut away
    assert not s.bubbles[0].complete and all(b.complete for b in s.bubbles[1:])
    older = render_meeting(chat, *size, font=font, scroll=size[1] // 3)
    assert older.bubbles[-1].message is not chat[-1]


def test_meeting_wraps_long_messages_and_sides():
    long = "I was in Electrical doing wires and then I saw blue walk out of the vent near the door, vote blue"
    chat = [ChatMessage("Nova", "red", long), ChatMessage("Me", "lime", "ok", is_self=True)]
    s = render_meeting(chat, 1280, 720)
    other, mine = s.bubbles
    assert len(other.lines) >= 2 and " ".join(other.lines) == long
    assert mine.box[0] > other.box[0]  # own bubble sits further right, its icon at its right end


def test_voting_screen_reports_plates_and_buttons():
    players = [VotePlayer("A", "red"), VotePlayer("B", "cyan", dead=True), VotePlayer("C", "brown")]
    s = render_voting(players, 1600, 900, selected="brown", cracks=True, hats=True)
    assert set(s.plates) == {"red", "cyan", "brown"} and s.confirm is not None and s.skip is not None
    assert render_voting(players, 1600, 900, results=True).skip is None
    x, y, w, h = s.plates["brown"]
    cx, cy, cw, ch = s.confirm
    assert x < cx and cx + cw <= x + w and y <= cy and cy + ch <= y + h


def test_missing_font_names_the_package():
    with pytest.raises(FontMissingError, match="expected one of"):
        font_path("comic", False)
    assert font_path("sans", True).name == "DejaVuSans-Bold.ttf"
