"""The chat reader on the real client's chat (../shared/real-screens/chat/: 640x360 stream frames).

Ground truth is the share's truth.json, written out here: every complete bubble, oldest first
(the bubble cut at the top of a frame is left out). Bars of issue 12: at least 90 % of the
characters of speaker and text together right, at least 95 % of the colours right on the lines
returned; vote notices, own messages and the order exactly right. The same frames are also read
scaled up to 1280x720, 1920x1080 and 3840x2160 (the reader must not lean on the frame size), and
every real screen without chat must give nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from amongus_agent.perception.chat_ocr import read_chat
from amongus_agent.perception.synthetic.scoring import levenshtein

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-screens"
pytestmark = pytest.mark.skipif(not (REAL / "chat").is_dir(), reason="../shared/real-screens is not there")

V = "vote"
# file -> [(kind, speaker, colour, text, self)]
TRUTH: dict[str, list[tuple[str, str, str, str, bool]]] = {
    "atw_meeting_843162028-832.jpg": [
        ("chat", "hobabcak", "brown", "i only saw pink there", False),
        ("chat", "Alice", "pink", "Me", False),
        ("chat", "hobabcak", "brown", "in o2", False),
        ("chat", "no", "white", "we can shoot if u want", False),
        ("chat", "jayy", "orange", "its not me lol but you guys can vote me out since im sus", False),
    ],
    "atw_meeting_843162028-860.jpg": [
        ("chat", "audr33draw", "yellow", "i was in spec and then admin", False),
        ("chat", "Flower", "cyan", "I just got in admin", False),
        ("chat", "audr33draw", "yellow", "and o2 before", False),
        ("chat", "no", "white", "name the last task that u did", False),
        ("chat", "audr33draw", "yellow", "garbage chute", False),
    ],
    "atw_meeting_829611887-328.jpg": [
        (V, "", "red", "shofu has voted. 3 remaining.", False),
        (V, "", "white", "zampur has voted. 2 remaining.", False),
        (V, "", "orange", "Sr Page has voted. 1 remaining.", False),
        (V, "", "purple", "Squirtball has voted. 0 remaining.", False),
        ("chat", "yan", "black", "ITS REDDDDDDDD", False),
        ("chat", "yan", "black", "HELP", False),
    ],
    "atw_lobby_841689317-160.jpg": [
        ("chat", "Tiko", "orange", "what happened", False),
        ("chat", "Tiko", "orange", "i cant hear anyone", False),
        ("chat", "Tubbo", "lime", "no clue", False),
        ("chat", "Tiko", "orange", "can u guys hear", False),
        ("chat", "Tubbo", "lime", "yeah i little thing i call ears", False),
    ],
    "atw_lobby_829611887-638.jpg": [
        ("chat", "yan", "black", "lower vision to .5x", False),
        ("chat", "PESO", "yellow", "no", False),
        ("chat", "yan", "black", "yes", False),
        ("chat", "shofu", "red", "no", True),
    ],
}
SCALES = {"640x360": 1.0, "1280x720": 2.0, "1920x1080": 3.0, "3840x2160": 6.0}


def _frame(name: str, scale: float):
    image = cv2.imread(str(REAL / "chat" / name))
    assert image is not None, name
    return image if scale == 1 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


@dataclass
class ChatScore:
    """How a reading of the truth frames fares against the bars."""

    structure: list[str]  # frames whose bubbles (kinds, sides, order) do not match one to one
    chars: float  # share of the characters of speaker and text right, over the frames that match
    colours: float  # share of the colours right on the lines returned, same frames
    bad_confidence: list[str]

    def problems(self, note: str) -> list[str]:
        out = [f"{note}: bubbles wrong on {n}" for n in self.structure] + self.bad_confidence
        if self.chars < 0.90:
            out.append(f"{note}: {self.chars:.3f} of characters right")
        if self.colours < 0.95:
            out.append(f"{note}: {self.colours:.3f} of colours right")
        return out


def score_chat(frames: dict[str, np.ndarray]) -> ChatScore:
    """Score the readings of the truth frames (file name -> frame as it arrives)."""
    chars = errors = colours = right_colours = 0
    structure, bad_conf = [], []
    for name, want in TRUTH.items():
        got = read_chat(frames[name])
        # every complete bubble, in order, none invented: kinds and sides must match one to one
        if [(m.kind, m.is_self) for m in got] != [(k, s) for k, _, _, _, s in want]:
            structure.append(name)
            continue
        for m, (_, speaker, colour, text, _) in zip(got, want, strict=True):
            truth = f"{speaker}\n{text}"
            chars += len(truth)
            errors += min(len(truth), levenshtein(truth, f"{m.speaker}\n{m.text}"))
            colours += 1
            right_colours += m.color == colour
            if not 0 < m.confidence <= 1:
                bad_conf.append(f"{name}: confidence {m.confidence}")
    return ChatScore(structure, 1 - errors / max(1, chars), right_colours / max(1, colours), bad_conf)


@pytest.mark.parametrize("size", list(SCALES))
def test_real_chat_meets_the_bars(size):
    assert score_chat({name: _frame(name, SCALES[size]) for name in TRUTH}).problems(size) == []


def test_messages_text_is_read_exactly_where_the_frame_allows():
    """The dark message text (not the 5-pixel outlined names) is read nearly letter for letter."""
    chars = errors = 0
    for name, want in TRUTH.items():
        for m, (_, _, _, text, _) in zip(read_chat(_frame(name, 1.0)), want, strict=True):
            chars += len(text)
            errors += levenshtein(text, m.text)
    assert 1 - errors / chars >= 0.98


@pytest.mark.parametrize("folder", ["skeld", "voting"])
def test_screens_without_chat_give_nothing(folder):
    files = sorted((REAL / folder).glob("*.*"))
    assert files
    for path in files:
        image = cv2.imread(str(path))
        for scale in (1.0, 0.5) if image.shape[0] >= 720 else (1.0, 3.0):
            frame = image if scale == 1 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            assert read_chat(frame) == [], f"{path.name} x{scale}"


def test_ocr_chat_command_on_real_frames():
    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "amongus_agent", "ocr-chat", str(path), "--json"],
                              capture_output=True, text=True, timeout=120)

    got = run(REAL / "chat" / "atw_lobby_829611887-638.jpg")
    assert got.returncode == 0, got.stderr
    lines = json.loads(got.stdout)
    assert [(m["kind"], m["color"], m["self"]) for m in lines] == [
        ("chat", "black", False), ("chat", "yellow", False), ("chat", "black", False), ("chat", "red", True)]
    assert lines[-1]["text"] == "no"
    none = run(REAL / "skeld" / "task_swipe_card.png")
    assert none.returncode == 1 and json.loads(none.stdout) == [] and "no chat" in none.stderr
