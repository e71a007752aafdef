"""The task runner on a fake game: real screenshots as frames, the dry backend, a fake clock.

No display and no real time: the clock only moves when the runner sleeps, so budgets and retries
are checked exactly, whatever the machine's speed.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from amongus_agent.act.input.base import InputAborted
from amongus_agent.act.input.dry import DryBackend
from amongus_agent.act.steps import Click, Hold
from amongus_agent.act.tasks.runner import run_task
from amongus_agent.perception.capture import Frame, Region

SKELD = Path(__file__).resolve().parents[1] / ".." / "shared" / "real-screens" / "skeld"


def load(name: str):
    p = SKELD / name
    if not p.is_file():
        pytest.skip(f"{p} is not here")
    return cv2.imread(str(p))


class FakeGame:
    """Shows one screenshot; `react(kind, x, y)` may swap it (the panel closing)."""

    def __init__(self, image, react=None) -> None:
        self.image = image
        self.react = react or (lambda *a: None)
        self.t = 0.0

    def grab(self) -> Frame:
        h, w = self.image.shape[:2]
        return Frame(self.image, Region(0, 0, w, h))

    def clock(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += max(0.0, s)


class ReactingDry(DryBackend):
    def __init__(self, game: FakeGame) -> None:
        super().__init__()
        self.game = game
        self.pos = (0, 0)

    def _move(self, x, y, duration):
        super()._move(x, y, duration)
        self.pos = (x, y)

    def _mouse_up(self, button):
        super()._mouse_up(button)
        self.game.react("up", *self.pos)


def run(game, backend, **kw):
    return run_task(game.grab, backend, clock=game.clock, sleep=game.sleep, **kw)


def test_accept_power_completes_when_the_fuse_is_clicked():
    walking = load("other_task_open.png")
    game = FakeGame(load("task_divert_power_2.png"))
    game.react = lambda kind, x, y: setattr(game, "image", walking) if 936 <= x <= 982 and 468 <= y <= 620 else None
    backend = ReactingDry(game)
    result = run(game, backend, expect="Accept Diverted Power")
    assert result.ok and result.reason == "panel closed" and result.attempts == 1
    assert [type(s) for s in result.steps] == [Click]
    assert not backend._mouse_held


def test_unresponsive_panel_gives_up_after_one_retry_closes_and_releases():
    game = FakeGame(load("task_fuel_engines.png"))
    backend = ReactingDry(game)
    result = run(game, backend, budget_s=60)
    assert not result.ok and "did not react to 2 tries" in result.reason
    assert [type(s) for s in result.steps] == [Hold, Hold]
    assert [e.args for e in backend.events if e.kind == "key"] == [("escape",)]
    downs = sum(e.kind == "mouse_down" for e in backend.events)
    assert downs == sum(e.kind == "mouse_up" for e in backend.events) == 2 and not backend._mouse_held


def test_budget_ends_a_hold_that_never_finishes():
    game = FakeGame(load("sabotage_reactor_meltdown.png"))  # the other player never comes
    backend = ReactingDry(game)
    result = run(game, backend, budget_s=5.0)
    assert not result.ok and "budget" in result.reason
    assert game.t <= 5.0 + 1.0  # the fake clock: the runner never waited past its budget
    assert not backend._mouse_held and [e.args for e in backend.events if e.kind == "key"] == [("escape",)]


def test_wrong_panel_is_named_and_closed_without_touching_it():
    game = FakeGame(load("task_prime_shields_skeld.png"))
    backend = ReactingDry(game)
    result = run(game, backend, expect="Swipe Card")
    assert not result.ok and result.reason == "wrong panel: Prime Shields is open, expected Swipe Card"
    assert [e.kind for e in backend.events if e.kind != "stick"] == ["key"]


def test_no_panel_is_a_reason_not_an_action():
    game = FakeGame(load("other_task_open.png"))
    backend = ReactingDry(game)
    result = run(game, backend)
    assert not result.ok and "no task panel" in result.reason and result.panel is None
    assert [e for e in backend.events if e.kind != "stick"] == []


def test_input_aborted_mid_task_releases_everything():
    game = FakeGame(load("task_unlock_manifolds.png"))

    class Aborting(ReactingDry):
        n = 0

        def _mouse_down(self, button):
            super()._mouse_down(button)
            Aborting.n += 1
            if Aborting.n == 3:
                raise InputAborted("stop")

    backend = Aborting(game)
    result = run(game, backend)
    assert not result.ok and "input failed" in result.reason
    assert not backend._mouse_held


def test_download_waits_for_the_transfer_and_gives_up_when_it_never_ends():
    game = FakeGame(load("task_download_data.png"))  # clicked, but the panel never closes
    backend = ReactingDry(game)
    result = run(game, backend, budget_s=60)
    assert not result.ok and "never reported 'closed'" in result.reason, result
    assert game.t >= 9.0  # it waited the transfer time (fake clock) before giving up


def test_read_panel_only_matches_the_names_an_entry_reports():
    from amongus_agent.perception.panels import read_panel

    im = load("task_upload_data.png")
    assert read_panel(im, only="Upload Data").name == "Upload Data"
    assert read_panel(im, only="Swipe Card") is None


GAUGES = [(848, 160, 1020, 192), (848, 362, 1020, 396), (848, 565, 1020, 598)]  # the black bars (1456 view)


class SpinningDistributor(FakeGame):
    """The real Calibrate Distributor screenshot with its rings turning on the fake clock.

    A look costs `look_s` of game time and shows the rings as they were when it began (a slow capture on
    a loaded machine); a click stops ring i when its notch is within `accept_deg` of the connector.
    """

    def __init__(self, image, speeds, look_s=0.0, accept_deg=20.0, shown_late_s=0.0) -> None:
        from amongus_agent.perception.panels import read_panel

        super().__init__(image)
        st = read_panel(image)
        self.base, self.st, self.speeds = image, st, speeds
        self.look_s, self.accept_deg, self.shown_late_s = look_s, accept_deg, shown_late_s
        self.stopped: dict[int, float] = {}
        self.presses: list[tuple[int, float]] = []

    def angle(self, i: int, t: float) -> float:
        if i in self.stopped:
            return self.stopped[i]
        return (self.st.info["notch_deg"][i] + self.speeds[i] * t + 180) % 360 - 180

    def render(self, t: float):
        img = self.base.copy()
        for i, ((cx, cy), r) in enumerate(zip(self.st.points["rings"], self.st.info["ring_radius"], strict=True)):
            m = round(r * 1.05)
            patch = self.base[cy - m : cy + m, cx - m : cx + m]
            rot = cv2.getRotationMatrix2D((float(m), float(m)), self.angle(i, t) - self.st.info["notch_deg"][i], 1.0)
            turned = cv2.warpAffine(patch, rot, (2 * m, 2 * m))
            mask = np.zeros((2 * m, 2 * m), np.uint8)
            cv2.circle(mask, (m, m), m, 255, -1)
            img[cy - m : cy + m, cx - m : cx + m][mask > 0] = turned[mask > 0]
            if i in self.stopped:  # its gauge fills (the black bars above the buttons, as seen on the screenshot)
                x0, y0, x1, y1 = (round(v * 1920 / 1456) for v in GAUGES[i])
                img[y0:y1, x0:x1] = [(0, 220, 255), (255, 80, 40), (240, 230, 90)][i]
        return img

    def grab(self) -> Frame:
        t = self.t - self.shown_late_s  # the screen shows the game as it was a moment ago
        self.t += self.look_s
        img = self.render(t)
        return Frame(img, Region(0, 0, img.shape[1], img.shape[0]))

    def peek(self, box):
        x0, y0, x1, y1 = box
        return self.grab().image[y0:y1, x0:x1]

    def press(self, x, y) -> None:
        for i, (bx, by) in enumerate(self.st.points["buttons"]):
            if abs(x - bx) < 60 and abs(y - by) < 25 and i not in self.stopped:
                a = self.angle(i, self.t)
                self.presses.append((i, round(a, 1)))
                if abs(a) <= self.accept_deg:
                    self.stopped[i] = a


import numpy as np  # noqa: E402


@pytest.mark.parametrize("look_s", [0.0, 0.06, 0.15])
def test_calibrate_distributor_times_each_press_to_the_turning_ring(look_s):
    """Each press lands on its ring's connector although every look takes a while (the ring moves on)."""
    game = SpinningDistributor(load("task_calibrate_distributor.png"), speeds=[60.0, -75.0, 90.0], look_s=look_s)
    game.react = lambda kind, x, y: game.press(x, y)
    backend = ReactingDry(game)
    result = run_task(game.grab, backend, clock=game.clock, sleep=game.sleep, budget_s=60, peek=game.peek)
    assert sorted(game.stopped) == [0, 1, 2], (game.presses, result)
    assert all(abs(a) <= 12 for _, a in game.presses), game.presses
    assert not backend._mouse_held


def test_calibrate_distributor_learns_how_late_its_presses_land():
    """The screen shows the rings 0.12 s late: the first press lands late, the stopped ring shows by how
    much, and the next presses come that much earlier."""
    game = SpinningDistributor(load("task_calibrate_distributor.png"), speeds=[90.0, 90.0, 90.0], look_s=0.03,
                               shown_late_s=0.12)
    game.react = lambda kind, x, y: game.press(x, y)
    backend = ReactingDry(game)
    run_task(game.grab, backend, clock=game.clock, sleep=game.sleep, budget_s=60, peek=game.peek)
    assert sorted(game.stopped) == [0, 1, 2], game.presses
    first, *rest = [a for _, a in game.presses]
    assert first > 6 and all(abs(a) < 4 for a in rest), game.presses


def test_calibrate_distributor_presses_again_when_a_press_missed():
    """A press the game did not take (the ring keeps turning) is tried again on the ring's next pass."""
    game = SpinningDistributor(load("task_calibrate_distributor.png"), speeds=[90.0, 90.0, 90.0])
    misses = {"left": 1}

    def react(kind, x, y):
        if misses["left"] and abs(y - game.st.points["buttons"][1][1]) < 25:
            misses["left"] -= 1  # the game drops ring 2's first press
            return
        game.press(x, y)

    game.react = react
    backend = ReactingDry(game)
    result = run_task(game.grab, backend, clock=game.clock, sleep=game.sleep, budget_s=60, peek=game.peek)
    assert sorted(game.stopped) == [0, 1, 2], (game.presses, result)
    assert sum(isinstance(s, Click) for s in result.steps) == 4, (game.presses, result.reason, result.steps)


def test_calibrate_distributor_that_does_not_turn_gives_up_within_budget():
    game = SpinningDistributor(load("task_calibrate_distributor.png"), speeds=[0.0, 0.0, 0.0], look_s=0.05)
    game.react = lambda kind, x, y: game.press(x, y)
    backend = ReactingDry(game)
    result = run_task(game.grab, backend, clock=game.clock, sleep=game.sleep, budget_s=10, peek=game.peek)
    # ring 1 stands within reach of its connector (-13 degrees): pressed; ring 2 never comes round
    assert not result.ok and ("ring 2's notch never reached" in result.reason or "budget" in result.reason), result
    assert game.t <= 10 + 1.0 and [i for i, _ in game.presses] == [0]
    assert not backend._mouse_held and [e.args for e in backend.events if e.kind == "key"] == [("escape",)]
