"""Chat OCR with the real Tesseract on rendered meeting screens, and the frame-to-frame reader."""

from __future__ import annotations

import numpy as np
import pytest

from amongus_agent.perception import tesseract
from amongus_agent.perception.chat_ocr import ChatImageError, ChatLine, ChatUnreadableError, read_chat
from amongus_agent.perception.chat_reader import ChatReader
from amongus_agent.perception.synthetic.chat_samples import random_chat
from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
from amongus_agent.perception.synthetic.noise import Noise
from amongus_agent.perception.synthetic.scoring import ChatScore

CASES = [
    ((1280, 720), FontSpec("sans", 21), Noise(blur=0.5, jpeg_quality=70, sensor=2)),
    ((1920, 1080), FontSpec("serif", 24), Noise(shading=0.12, jpeg_quality=80)),
    ((2560, 1440), FontSpec("mono", 27), Noise()),
]


@pytest.mark.parametrize("size,font,noise", CASES, ids=["720p-sans", "1080p-serif", "1440p-mono"])
def test_reads_speakers_colours_and_text(size, font, noise):
    score = ChatScore()
    for seed in (301, 302):
        screen = render_meeting(random_chat(np.random.default_rng(seed), 10), *size, font=font, seed=seed,
                                noise=noise)
        score.add(screen, read_chat(screen.image))
    assert score.messages >= 10 and score.missed == 0 and score.false_messages == 0
    assert score.color_errors == 0 and score.flag_errors == 0 and score.order_errors == 0
    assert score.char_accuracy >= 0.98, score


def test_own_messages_vote_notices_and_every_colour():
    """All 18 colours from the icon inside the bubble, own messages on the right, vote notices as their own kind."""
    from amongus_agent.perception.palette import PLAYER_COLORS

    chat = [ChatMessage(f"P{i}", c, f"colour {c} here", is_self=i % 5 == 0, is_ghost=i % 4 == 1)
            for i, c in enumerate(PLAYER_COLORS)]
    chat.insert(12, ChatMessage("", "coral", "P4 has voted. 3 remaining.", kind="vote"))
    seen: list = []
    for end in (6, 12, 19):  # the panel shows about eight bubbles: read the chat in three screens
        screen = render_meeting(chat[:end], 1920, 1080, font=FontSpec("sans", 20))
        got = read_chat(screen.image)
        want = screen.complete_messages
        assert [(g.color, g.is_self, g.kind) for g in got] == [(m.color, m.is_self, m.kind) for m in want]
        assert all(0.5 < g.confidence <= 1 for g in got)
        seen += [g.color for g in got]
    assert set(seen) == set(PLAYER_COLORS)
    vote = next(g for g in got if g.kind == "vote")
    assert vote.speaker == "" and vote.text == "P4 has voted. 3 remaining."


def test_lobby_chat_on_the_dark_panel():
    chat = random_chat(np.random.default_rng(5), 8)
    score = ChatScore()
    screen = render_meeting(chat, 1600, 900, font=FontSpec("sans", 24), lobby=True, seed=5,
                            noise=Noise(jpeg_quality=80))
    score.add(screen, read_chat(screen.image))
    assert score.messages >= 5 and score.missed == 0 and score.false_messages == 0 and score.color_errors == 0
    assert score.char_accuracy >= 0.98, score


def test_no_chat_is_empty_and_bad_input_raises():
    assert read_chat(np.zeros((720, 1280, 3), np.uint8)) == []
    assert read_chat(np.full((720, 1280, 3), 255, np.uint8)) == []  # a white screen is not a bubble
    with pytest.raises(ChatImageError):
        read_chat(np.zeros((720, 1280), np.uint8))
    with pytest.raises(ChatImageError):
        read_chat(np.zeros((50, 80, 3), np.uint8))


def test_open_chat_that_cannot_be_read_is_an_error(monkeypatch):

    screen = render_meeting(random_chat(np.random.default_rng(8), 5), 1280, 720)
    monkeypatch.setattr(tesseract, "image_to_data", lambda sheet, psm=6: {k: [] for k in (
        "text", "conf", "top", "height", "left")})
    with pytest.raises(ChatUnreadableError):
        read_chat(screen.image)


def _line(speaker: str, color: str, text: str) -> ChatLine:
    return ChatLine(speaker, color, text, False, False, (0, 0, 1, 1), 0.0)


def test_reader_emits_each_message_once_while_scrolling():
    chat = random_chat(np.random.default_rng(7), 22)
    reader = ChatReader()
    emitted = []
    for n in (5, 9, 9, 14, 18, 22):  # the chat grows; the view follows the newest line
        screen = render_meeting(chat[:n], 1600, 900, font=FontSpec("sans", 24), seed=n,
                                noise=Noise(jpeg_quality=80))
        emitted += reader.feed(screen.image)
    texts = [(m.speaker, m.text) for m in emitted]
    assert texts == [(m.speaker, m.text) for m in chat[: len(texts)]]
    assert len(texts) >= 20  # at most the last cut bubble of a frame waits for the next


def test_reader_alignment_handles_repeats_and_ocr_slips():
    r = ChatReader(read=lambda frame: frame)
    a, b, c = _line("Kai", "red", "skip"), _line("Ren", "blue", "skip"), _line("Kai", "red", "vote blue")
    assert r.feed([a, b]) == [a, b]
    assert r.feed([a, b]) == []  # nothing new
    slipped = _line("Kai", "red", "sklp")  # one character misread in the next frame
    assert r.feed([slipped, b, c]) == [c]
    again = _line("Kai", "red", "skip")  # the same words said again later are a new message
    assert r.feed([b, c, again]) == [again]
    assert r.feed([_line("Zed", "lime", "hi")]) == [_line("Zed", "lime", "hi")]  # jumped: all new


def test_missing_tesseract_is_one_clear_line(monkeypatch):
    import pytesseract

    from amongus_agent.perception import tesseract
    from amongus_agent.perception.tesseract import TesseractMissingError, require_tesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract._pytesseract.cache_clear()
    try:
        with pytest.raises(TesseractMissingError) as err:
            require_tesseract()
        assert "apt-get install tesseract-ocr" in str(err.value) and "\n" not in str(err.value)
    finally:
        tesseract._pytesseract.cache_clear()


def test_reader_reuses_reads_of_bubbles_it_has_seen(monkeypatch):

    calls: list[int] = []
    real = tesseract.image_to_data

    def counting(sheet, psm=6):
        calls.append(sheet.shape[0])
        return real(sheet, psm)

    monkeypatch.setattr(tesseract, "image_to_data", counting)
    chat = random_chat(np.random.default_rng(11), 8)
    reader = ChatReader()
    first = reader.feed(render_meeting(chat[:6], 1920, 1080, seed=1, noise=Noise(jpeg_quality=80)).image)
    assert len(calls) == 1 and len(first) == 6
    assert reader.feed(render_meeting(chat[:6], 1920, 1080, seed=2, noise=Noise(jpeg_quality=80)).image) == []
    assert len(calls) == 1  # same bubbles, re-encoded: no Tesseract run at all
    new = reader.feed(render_meeting(chat[:7], 1920, 1080, seed=3, noise=Noise(jpeg_quality=80)).image)
    assert [(m.speaker, m.text) for m in new] == [(chat[6].speaker, chat[6].text)]
    assert len(calls) == 2 and calls[1] < calls[0] / 3  # only the new bubble was read
