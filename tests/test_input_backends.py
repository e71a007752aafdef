"""Input backends against stand-ins for their driver modules (vgamepad, keyboard): exact calls.

The stand-ins record every call in order, so the tests check what the real driver would have
received: stick values in range, update() after each change, every button released on abort.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from amongus_agent.act.input import BACKENDS, Button, InputAborted, open_backend
from amongus_agent.act.input.base import BackendUnavailableError, UnsupportedInputError
from amongus_agent.errors import AmongUsError


class FakePad:
    def __init__(self, calls: list) -> None:
        self.calls = calls
        calls.append(("init",))

    def left_joystick_float(self, x_value_float: float, y_value_float: float) -> None:
        self.calls.append(("stick", x_value_float, y_value_float))

    def press_button(self, button) -> None:
        self.calls.append(("press", button))

    def release_button(self, button) -> None:
        self.calls.append(("release", button))

    def update(self) -> None:
        self.calls.append(("update",))

    def reset(self) -> None:
        self.calls.append(("reset",))


@pytest.fixture
def fake_vgamepad(monkeypatch):
    calls: list = []
    mod = types.ModuleType("vgamepad")
    mod.XUSB_BUTTON = types.SimpleNamespace(**{n: n for n in (
        "XUSB_GAMEPAD_A", "XUSB_GAMEPAD_B", "XUSB_GAMEPAD_X", "XUSB_GAMEPAD_Y",
        "XUSB_GAMEPAD_RIGHT_SHOULDER", "XUSB_GAMEPAD_BACK")})
    mod.VX360Gamepad = lambda: FakePad(calls)
    monkeypatch.setitem(sys.modules, "vgamepad", mod)
    return calls


@pytest.fixture
def fake_keyboard(monkeypatch):
    calls: list = []
    mod = types.ModuleType("keyboard")
    mod.press = lambda k: calls.append(("press", k))
    mod.release = lambda k: calls.append(("release", k))
    mod.write = lambda text, delay=0: calls.append(("write", text))
    hooks: dict = {}

    def add_hotkey(key, callback):
        hooks[key] = callback
        calls.append(("hook", key))
        return key

    mod.add_hotkey = add_hotkey
    mod.remove_hotkey = lambda h: (calls.append(("unhook", h)), hooks.pop(h))
    mod.hooks = hooks
    monkeypatch.setitem(sys.modules, "keyboard", mod)
    return calls


def test_backends_are_named():
    assert set(BACKENDS) == {"gamepad", "mouse", "keyboard", "dry"}
    with pytest.raises(BackendUnavailableError, match="expected one of"):
        open_backend("joystick")


def test_gamepad_stick_is_clamped_and_each_change_is_sent(fake_vgamepad):
    with open_backend("gamepad") as pad:
        pad.stick(0.5, -0.25)
        pad.stick(3.0, 4.0)  # longer than 1: full speed in that direction
        pad.stick(0, 0)
    sticks = [c for c in fake_vgamepad if c[0] == "stick"]
    assert sticks[0] == ("stick", 0.5, -0.25)
    assert sticks[1] == pytest.approx(("stick", 0.6, 0.8))
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for _, x, y in sticks)
    for i, c in enumerate(fake_vgamepad):
        if c[0] in ("stick", "press", "release"):
            assert fake_vgamepad[i + 1] == ("update",), f"no update() after {c}"


def test_gamepad_buttons_follow_the_mapping(fake_vgamepad):
    with open_backend("gamepad", button_map={"report": "XUSB_GAMEPAD_B"}) as pad:
        pad.press(Button.USE)
        pad.release("use")
        pad.press("report")
    presses = [c[1] for c in fake_vgamepad if c[0] == "press"]
    assert presses == ["XUSB_GAMEPAD_A", "XUSB_GAMEPAD_B"]
    # close() released the held report button and reset the pad
    assert ("release", "XUSB_GAMEPAD_B") in fake_vgamepad and fake_vgamepad[-2:] == [("reset",), ("update",)]


def test_gamepad_abort_releases_every_button_and_refuses_input(fake_vgamepad):
    pad = open_backend("gamepad")
    pad.stick(0.9, 0.1)
    for b in (Button.USE, Button.KILL, Button.MAP):
        pad.press(b)
    fake_vgamepad.clear()
    pad.abort()
    released = {c[1] for c in fake_vgamepad if c[0] == "release"}
    assert released == {"XUSB_GAMEPAD_A", "XUSB_GAMEPAD_X", "XUSB_GAMEPAD_BACK"}
    assert ("stick", 0.0, 0.0) in fake_vgamepad
    with pytest.raises(InputAborted):
        pad.press(Button.USE)
    with pytest.raises(InputAborted):
        pad.stick(1, 0)
    pad.close()
    pad.close()  # idempotent
    assert fake_vgamepad.count(("reset",)) == 1
    with pytest.raises(UnsupportedInputError):
        open_backend("gamepad").type_text("hi")


def test_missing_gamepad_driver_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "vgamepad", None)  # import fails as if not installed
    with pytest.raises(BackendUnavailableError) as err:
        open_backend("gamepad")
    msg = str(err.value)
    assert isinstance(err.value, AmongUsError) and "\n" not in msg and "pip install vgamepad" in msg

    broken = types.ModuleType("vgamepad")

    def no_driver():
        raise OSError("VIGEM_ERROR_BUS_NOT_FOUND")

    broken.VX360Gamepad = no_driver
    broken.XUSB_BUTTON = types.SimpleNamespace()
    monkeypatch.setitem(sys.modules, "vgamepad", broken)
    with pytest.raises(BackendUnavailableError, match="no virtual gamepad driver.*VIGEM_ERROR_BUS_NOT_FOUND"):
        open_backend("gamepad")


def test_keyboard_backend_moves_with_wasd_and_types(fake_keyboard):
    with open_backend("keyboard", via="keyboard") as kb:
        kb.stick(1, 0)
        kb.stick(0.7, 0.7)  # diagonal: d stays, w joins
        kb.stick(0, -1)
        kb.press("report")
        kb.type_text("where?")
    assert fake_keyboard[:5] == [("press", "d"), ("press", "w"), ("release", "d"), ("release", "w"), ("press", "s")]
    assert ("press", "r") in fake_keyboard and ("write", "where?") in fake_keyboard
    # close() released the held s and r
    assert {("release", "s"), ("release", "r")} <= set(fake_keyboard[-3:])


def test_abort_hotkey_calls_abort(fake_keyboard):
    from amongus_agent.act.input import install_abort_hotkey

    with open_backend("keyboard", via="keyboard") as kb:
        kb.press(Button.KILL)
        remove = install_abort_hotkey(kb, "ctrl+shift+f12")
        assert remove is not None
        sys.modules["keyboard"].hooks["ctrl+shift+f12"]()  # the user hits the key
        assert kb.aborted and ("release", "q") in fake_keyboard
        with pytest.raises(InputAborted):
            kb.type_text("x")
        remove()


def test_keyboard_without_root_names_the_fix(monkeypatch):
    def fail_import(name, *a, **k):
        if name == "keyboard" and (len(a) < 4 or a[3] == 0):  # the package, not our own .keyboard module
            raise ImportError("You must be root to use this library on linux.")
        return real_import(name, *a, **k)

    import builtins

    real_import = builtins.__import__
    monkeypatch.delitem(sys.modules, "keyboard", raising=False)
    monkeypatch.setattr(builtins, "__import__", fail_import)
    with pytest.raises(BackendUnavailableError, match="needs root.*xdotool"):
        open_backend("keyboard", via="keyboard")


def test_dry_backend_logs_a_drag_in_steps():
    with open_backend("dry") as dry:
        dry.drag((0, 0), (100, 50), steps=5, step_delay=0)
        dry.tap(Button.USE, hold=0)
    kinds = [e.kind for e in dry.events]
    assert kinds[:2] == ["move", "mouse_down"] and kinds.count("move") == 6 and "mouse_up" in kinds
    moves = [e.args for e in dry.events if e.kind == "move"]
    assert moves[-1] == (100, 50) and moves[3] == (60, 30)
    assert [e.args for e in dry.events if e.kind in ("press", "release")] == [("use",), ("use",)]


@pytest.mark.parametrize("backend", ["mouse", "keyboard"])
def test_missing_display_is_one_clear_line(backend):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    code = (
        "from amongus_agent.act.input import open_backend\n"
        "from amongus_agent.errors import AmongUsError\n"
        "try:\n"
        f"    open_backend({backend!r}, **({{'via': 'xdotool'}} if {backend!r} == 'keyboard' else {{}}))\n"
        "except AmongUsError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.strip().startswith("no X display") and "xvfb" in out.stdout and out.stdout.count("\n") == 1


def test_missing_display_for_capture_is_one_clear_line(monkeypatch):
    from amongus_agent.perception.capture import CaptureUnavailableError, ScreenCapture

    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(CaptureUnavailableError, match="no X display.*xvfb"):
        ScreenCapture()


def test_abort_from_another_thread_stops_a_drag_and_releases_the_button():
    import threading

    dry = open_backend("dry")
    threading.Timer(0.05, dry.abort).start()
    with pytest.raises(InputAborted):
        dry.drag((0, 0), (500, 0), steps=200, step_delay=0.01)
    kinds = [e.kind for e in dry.events]
    assert kinds.count("mouse_down") == 1 and kinds.count("mouse_up") == 1
    assert kinds.count("move") < 100  # stopped part-way, not after finishing
    with pytest.raises(InputAborted):
        dry.click(1, 1)
