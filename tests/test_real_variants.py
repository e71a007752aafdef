"""Issue 12's bars on the real screens as other capture paths deliver them (tests/capture_variants.py).

The bar "the scores hold on real screenshots that are not in the share" cannot be checked on
screenshots we do not have; what can be checked is that nothing in the readers leans on these files'
exact levels: the same screens re-encoded as JPEG, tone-mapped darker or brighter, tinted warm or
cool, softened or washed out must meet the same bars, and screens without chat, a tablet or a HUD
must still give nothing. The truth and the checks are the real-screen tests' own (imported).

Variants in `capture_variants.TUNE` were the ones looked at while making the readers robust;
those in `HELD` (and `FRESH`, a second set measured blind later) were not, so they say how well
the readers generalise.
"""

from __future__ import annotations

import cv2
import pytest
import test_real_chat as chat
import test_real_hud as hud
import test_real_voting as voting
from capture_variants import FRESH, HELD, TUNE, VARIANTS

from amongus_agent.perception.chat_ocr import read_chat
from amongus_agent.perception.hud import NotHudError, read_hud
from amongus_agent.perception.voting import read_voting

REAL = chat.REAL
pytestmark = pytest.mark.skipif(not (REAL / "skeld").is_dir(), reason="../shared/real-screens is not there")

IDS = [f"tune-{v}" for v in TUNE] + [f"held-{v}" for v in HELD] + [f"fresh-{v}" for v in FRESH]
# Bars not met yet, as measured (strict: a case that starts passing must be taken off this list)
NOT_YET: dict[tuple[str, str], str] = {
    ("chat", "held-jpeg50"): "colours 0.92: JPEG q50 on 640x360 frames smears the 5 px icons' colours",
    ("chat", "held-gamma0.8"): "one frame's bubbles not all found, colours 0.895 (brighter mid-tones)",
    ("voting", "held-jpeg50"): "19/25 living plates coloured (colours withheld, none wrong)",
    ("voting", "held-gamma0.8"): "WRONG colour: one black body read gray (the tone fit undoes most of the curve, "
                                 "not enough for black next to gray's shadow tone)",
    ("voting", "held-cool"): "the results screen read as 'voting' with 2 plates; 17/25 coloured",
    ("voting", "held-desat15"): "WRONG colours: two blue bodies read purple on washed-out frames",
    ("voting", "fresh-jpeg60"): "21/25 living plates coloured (colours withheld, none wrong)",
    ("voting", "fresh-greentint"): "one plate of a tablet not found (its light area tinted past the plate mask); "
                                   "17/25 coloured",
    ("hud", "fresh-jpeg60"): "JPEG ringing joins two task lines' bands on two screens: a line too many, "
                             "read as junk",
}


def _variant(vid: str):
    return VARIANTS[vid.split("-", 1)[1]]


def _cases(reader: str) -> list:
    return [pytest.param(v, marks=pytest.mark.xfail(reason=NOT_YET[(reader, v)], strict=True))
            if (reader, v) in NOT_YET else v for v in IDS]


@pytest.mark.parametrize("vid", _cases("chat"))
def test_chat_bars(vid):
    vary = _variant(vid)
    frames = {name: vary(chat._frame(name, 1.0))[0] for name in chat.TRUTH}
    assert chat.score_chat(frames).problems(vid) == []


@pytest.mark.parametrize("vid", _cases("voting"))
def test_voting_bars(vid):
    vary = _variant(vid)
    frames = {name: vary(cv2.imread(str(REAL / "voting" / name))) for name in voting.TRUTH}
    problems, _, _ = voting.voting_problems(frames)
    assert problems == []


@pytest.mark.parametrize("vid", _cases("hud"))
def test_hud_bars(vid):
    vary = _variant(vid)
    problems = []
    for name in hud.TRUTH:
        problems += hud._check(vary(cv2.imread(str(hud.SKELD / name)))[0], name, vid)
    assert problems == []


@pytest.mark.parametrize("vid", IDS)
def test_non_target_screens_give_nothing(vid):
    """No chat read off a HUD or a tablet, no tablet off a chat or a HUD, no HUD off chat or tablet frames."""
    vary = _variant(vid)
    wrong = []
    for path in sorted(p for p in REAL.rglob("*") if p.suffix.lower() in {".png", ".jpg"}):
        image, _ = vary(cv2.imread(str(path)))
        folder = path.parent.name
        if folder != "chat" and read_chat(image) != []:
            wrong.append(f"{path.name}: chat read")
        if folder != "voting" and read_voting(image) is not None:
            wrong.append(f"{path.name}: tablet read")
        if folder != "skeld":
            try:
                read_hud(image)
                wrong.append(f"{path.name}: HUD read")
            except NotHudError:
                pass
    assert wrong == []
