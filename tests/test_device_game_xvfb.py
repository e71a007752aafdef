"""A whole game through pixels: `sim-server --screens` and `play --input device` in two processes under Xvfb.

The server draws the agent's seat as the client would show it and takes that seat's input only from
its window (keys, mouse, typed chat) or its pad port; the client sees positions over the bridge and
does the rest through the window with real X11 input, real mss capture and real Tesseract (see
tests/device_game.py). The verdicts are the server's: its recording (task steps, chat, votes, the
end), which must pass the rule checker, and its log of the window inputs it acted on. Slow (whole
games in about real time); the figures come from benchmarks/bench_device_game.py.
"""

from __future__ import annotations

import shutil

import pytest
from device_game import chat_matches, run_device_game, start_xvfb

from amongus_agent.recording import check_invariants, read_recording
from amongus_agent.world.map import load_map

SEED = 2  # a game whose first meeting comes while the agent's seat still lives (as most do)


@pytest.fixture(scope="module")
def display():
    assert shutil.which("Xvfb") and shutil.which("xdotool"), "Xvfb and xdotool are installed by scripts/setup.sh"
    proc, name = start_xvfb()
    yield name
    proc.terminate()
    proc.wait(timeout=10)


def _check_game(game) -> None:
    why = game.logs
    assert game.server.get("winner") and game.client.get("winner") == game.server["winner"], why
    assert game.client.get("lost") is None, why
    # tasks: steps the server finished because the seat solved their panels in the window
    steps = game.of_seat("task")
    assert len(steps) >= 3, (steps, game.client.get("screen"), why)
    solved = [e for e in game.server_inputs if e["kind"] in ("drag", "click") and e["what"].get("on") in
              ("Fix Wiring", "Clear Asteroids", "Submit Scan", "Clean O2 Filter")]
    assert solved, "no panel input reached the window"
    # the meeting chat, read from pixels: other players' lines the game recorded as said
    assert chat_matches(game), (game.client.get("screen", {}).get("chat_read"), why)
    # the agent's own line, typed into the chat box, as the server received it
    assert game.of_seat("chat"), ([e for e in game.server_inputs if e["kind"] == "text"], why)
    # a vote, cast by clicking a plate (or skip) and the confirm button
    votes = [e for e in game.events if e.get("type") == "vote" and e.get("voter") == game.seat]
    confirms = [e for e in game.server_inputs if e["kind"] == "click" and str(e["what"].get("on")).startswith("confirm")]
    assert votes and confirms, (votes, confirms, why)
    # the bridge carried none of the seat's inputs: everything above came through the window or the pad
    assert game.client.get("inputs_sent") == 0
    problems = check_invariants(read_recording(game.recording), load_map("skeld"))
    assert not problems, problems[:10]


@pytest.mark.long
@pytest.mark.timeout(1800)
def test_a_whole_game_with_keyboard_and_mouse(display, tmp_path):
    game = run_device_game(tmp_path, display, seed=SEED, movement="keyboard")
    _check_game(game)
    walked = [e for e in game.server_inputs if e["kind"] == "key" and e["what"].split()[0] in ("w", "a", "s", "d")]
    assert walked, "no WASD key reached the window"


@pytest.mark.long
@pytest.mark.timeout(1800)
def test_a_whole_game_walking_with_a_gamepad(display, tmp_path):
    game = run_device_game(tmp_path, display, seed=SEED, movement="gamepad")
    _check_game(game)
    assert game.server["screens"]["pad_reports"] > 0 and game.server["screens"]["pad_bad"] == 0
    pads = [e for e in game.server_inputs if e["kind"] == "pad"]
    assert any(e["what"]["lx"] or e["what"]["ly"] for e in pads), "the pad never moved the seat"
    assert not [e for e in game.server_inputs if e["kind"] == "key" and e["what"].split()[0] in ("w", "a", "s", "d")]
