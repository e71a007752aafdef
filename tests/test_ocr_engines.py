"""Both ways to the Tesseract engine read the same chat: in-process (tesserocr) and a process per call."""

from __future__ import annotations

import numpy as np
import pytest

from amongus_agent.perception import tesseract
from amongus_agent.perception.chat_ocr import read_chat
from amongus_agent.perception.synthetic.chat_samples import random_chat
from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import render_meeting
from amongus_agent.perception.synthetic.scoring import ChatScore


@pytest.mark.parametrize("engine", ["in_process", "process_per_call"])
def test_both_engines_read_the_chat(monkeypatch, engine):
    if engine == "in_process":
        pytest.importorskip("tesserocr")
        assert tesseract._in_process_api(6) is not None, "tesserocr is installed but found no tessdata"
    else:
        monkeypatch.setattr(tesseract, "_in_process_api", lambda psm: None)
    score = ChatScore()
    screen = render_meeting(random_chat(np.random.default_rng(4242), 10), 1920, 1080, font=FontSpec("sans", 20), seed=4242)
    score.add(screen, read_chat(screen.image))
    assert score.messages >= 8 and score.missed == 0 and score.color_errors == 0
    assert score.char_accuracy >= 0.98, score
