"""The live path makes its Windows choices on `win32`, without any X11 tool.

The game client runs on Windows 10/11; Linux is where this project is developed and tested. Each
test here runs a child Python that believes it is on Windows (`fake_win32`: only the system DLLs
and the platform's names are stand-ins; pyautogui, keyboard, mss, pytesseract and the project's
code are the real ones) and checks what it did: which Windows API calls, in what order, and that it
neither imported an X11 tool nor started xdotool (both are guarded, so an attempt that code
swallows is still seen). xdotool and python-xlib are installed on this machine, so a Linux choice
left on the Windows path would be taken, and caught.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

GAME = "Window(0x30A, 'Among Us', (160, 90, 1600, 900))"
DESKTOP = f"""[
    Window(0x101, 'Among Us', (0, 0, 800, 600), visible=False),         # a hidden one: skipped
    Window(0x202, 'among us wiki - Web Browser', (0, 0, 1920, 1000), cls='Chrome_WidgetWin_1'),  # in front
    Window(0x203, 'C:/Games/Among Us', (0, 0, 900, 600), cls='CabinetWClass'),  # a folder named like it
    {GAME},
]"""


def as_windows(body: str, windows: str = "[]", absent: tuple[str, ...] = (), env: dict | None = None) -> dict:
    """Run `body` in a child that believes it is on Windows; return what it reported (its last line)."""
    script = f"import sys\nsys.path.insert(0, {str(TESTS)!r})\nfrom fake_win32 import Window, install\n"
    script += f"desktop = install({windows}, absent={absent!r})\n" + textwrap.dedent(body)
    child_env = {**os.environ, "DISPLAY": os.environ.get("DISPLAY", ":0"), **(env or {})}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env=child_env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["blocked_imports"] == [], f"X11 tools imported on Windows: {report['blocked_imports']}"
    assert not any("xdotool" in p[0] for p in report["processes"]), report["processes"]
    return report


def names(report: dict) -> list[str]:
    return [c[0] for c in report["calls"]]


def test_the_game_window_is_found_through_user32_as_its_client_area():
    report = as_windows("""
        from amongus_agent.perception.capture import CaptureUnavailableError, find_window_region
        region = find_window_region("Among Us")
        errors = []
        for title in ("Fall Guys", "   "):
            try:
                find_window_region(title)
            except CaptureUnavailableError as exc:
                errors.append(str(exc))
        desktop.report(region=[region.left, region.top, region.width, region.height], errors=errors)
    """, DESKTOP)
    # the exact title wins over the browser in front that only contains it; the hidden one is skipped
    assert report["region"] == [160, 90, 1600, 900]
    calls = names(report)
    assert calls.index("user32.SetProcessDpiAwarenessContext") < calls.index("user32.EnumWindows")
    assert ["user32.GetClientRect", 0x30A, "CArgObject"] in report["calls"]
    assert "no visible window titled like 'Fall Guys'" in report["errors"][0]
    assert "needs a title" in report["errors"][1]
    assert "amongus_agent.perception.window.win32" in report["modules"]
    assert not any(m == "Xlib" or m.startswith("Xlib.") for m in report["modules"])


def test_without_an_exact_title_the_game_window_beats_our_terminal_and_a_browser():
    report = as_windows("""
        from amongus_agent.perception.capture import CaptureUnavailableError, find_window_region
        desktop.console = 0x404
        region = find_window_region("Among Us")
        del desktop.windows[1:]  # the game closed: our terminal's title still holds the words
        try:
            find_window_region("Among Us")
            error = None
        except CaptureUnavailableError as exc:
            error = str(exc)
        desktop.report(region=[region.left, region.top, region.width, region.height], error=error)
    """, '''[
        Window(0x404, 'Command Prompt - amongus-agent play --bridge "timshaw:C:/Steam/Among Us"', (0, 0, 900, 500),
               cls='ConsoleWindowClass'),
        Window(0x202, 'among us wiki - Web Browser', (0, 0, 1920, 1000), cls='Chrome_WidgetWin_1'),
        Window(0x30B, 'Among Us (modded)', (0, 0, 1280, 720)),
    ]''')
    assert report["region"] == [0, 0, 1280, 720]
    assert report["error"] == "no visible window titled like 'Among Us'"


def test_a_minimised_game_window_is_named_not_measured():
    report = as_windows("""
        from amongus_agent.perception.capture import CaptureUnavailableError, find_window_region
        try:
            find_window_region("Among Us")
        except CaptureUnavailableError as exc:
            desktop.report(error=str(exc))
    """, "[Window(0x30A, 'Among Us', (160, 90, 1600, 900), minimised=True)]")
    assert report["error"] == "the window 'Among Us' is minimised: restore it, capture needs it on screen"


def test_capture_is_made_dpi_aware_before_mss_chooses_its_own():
    report = as_windows("""
        import os
        os.environ.pop("DISPLAY", None)  # Windows has none, and capture must not ask for one
        from amongus_agent.perception.capture import ScreenCapture, find_window_region
        with ScreenCapture(find_window_region("Among Us")) as cap:
            region = cap.region
        desktop.report(region=[region.left, region.top, region.width, region.height])
    """, DESKTOP)
    assert report["region"] == [160, 90, 1600, 900]
    calls = names(report)
    # ours is first: mss's own (per-monitor, through shcore) comes after and no longer changes anything
    assert calls[0] == "user32.SetProcessDpiAwarenessContext"
    assert "gdi32.CreateCompatibleDC" in calls and "mss.windows.gdi" in report["modules"]


def test_keyboard_input_goes_through_the_keyboard_package_not_xdotool():
    report = as_windows("""
        from amongus_agent.act.input.base import BackendUnavailableError
        from amongus_agent.act.input.keyboard import KeyboardBackend
        from amongus_agent.act.input.desktop import require_display, xdotool_path
        import os
        os.environ.pop("DISPLAY", None)
        require_display()  # no display is needed on Windows
        with KeyboardBackend() as kb:
            via, reason = kb.via, kb.via_reason
            desktop.calls.append(["-- walk"])
            kb.stick(0.0, 1.0)
            kb.stick(0.0, 0.0)
            desktop.calls.append(["-- chat"])
            kb.type_text("hi")
        try:
            KeyboardBackend(via="xdotool")
            refused = None
        except BackendUnavailableError as exc:
            refused = str(exc)
        desktop.report(via=via, reason=reason, xdotool=xdotool_path(), refused=refused)
    """)
    assert report["via"] == "keyboard" and "Windows" in report["reason"]
    assert report["xdotool"] is None  # installed here, but not a Windows tool
    assert "X11-only" in report["refused"]
    assert "keyboard._winkeyboard" in report["modules"]
    calls = names(report)
    walk, chat = calls.index("-- walk"), calls.index("-- chat")
    assert calls[walk + 1 : chat] == ["user32.keybd_event", "user32.keybd_event"]  # W down, W up
    assert calls[chat + 1 :].count("user32.SendInput") == 2  # one unicode event per letter


def test_mouse_input_loads_pyautogui_for_windows_after_dpi_awareness():
    report = as_windows("""
        from amongus_agent.act.input.mouse import MouseBackend
        with MouseBackend() as mouse:
            desktop.calls.append(["-- click"])
            mouse.click(400, 300)
        desktop.report(cursor=desktop.cursor)
    """)
    assert "pyautogui._pyautogui_win" in report["modules"]
    calls = names(report)
    assert calls[0] == "user32.SetProcessDpiAwarenessContext"  # before pyautogui's system-wide call
    assert "user32.SetProcessDPIAware" in calls[1:]
    click = calls[calls.index("-- click") + 1 :]
    assert "user32.SetCursorPos" in click and report["cursor"] == [400, 300]


def test_gamepad_and_abort_key_take_no_x11_path():
    report = as_windows("""
        import sys, types
        from amongus_agent.act.input import install_abort_hotkey, open_backend
        pad_calls = []
        vg = types.ModuleType("vgamepad")  # the ViGEmBus driver behind it cannot exist here
        vg.XUSB_BUTTON = types.SimpleNamespace(**{n: n for n in (
            "XUSB_GAMEPAD_A", "XUSB_GAMEPAD_B", "XUSB_GAMEPAD_X", "XUSB_GAMEPAD_Y",
            "XUSB_GAMEPAD_RIGHT_SHOULDER", "XUSB_GAMEPAD_BACK")})
        class Pad:
            def __getattr__(self, name):
                return lambda *a, **k: pad_calls.append(name)
        vg.VX360Gamepad = Pad
        sys.modules["vgamepad"] = vg
        pad = open_backend("gamepad")
        remove = install_abort_hotkey(pad)
        pad.tap("use", hold=0.0)
        pad.close()
        desktop.report(pad=pad_calls, hooked=remove is not None)
    """)
    assert report["hooked"], "no abort key on Windows"
    assert "user32.SetWindowsHookExW" in names(report)  # the keyboard package's global hook
    assert report["pad"][:4] == ["press_button", "update", "release_button", "update"]


def test_tesseract_is_found_where_the_windows_installer_puts_it(tmp_path):
    """No tesseract on PATH, no tesserocr (no Windows wheel): the engine under Program Files runs.

    The "tesseract.exe" there is this machine's real engine, so a line is really read."""
    real = subprocess.run(["sh", "-c", "command -v tesseract"], capture_output=True, text=True).stdout.strip()
    if not real:
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr)")
    folder = tmp_path / "Program Files" / "Tesseract-OCR"
    folder.mkdir(parents=True)
    (folder / "tesseract.exe").symlink_to(real)
    bare_path = str(tmp_path / "bin")  # nothing on PATH
    report = as_windows("""
        import cv2, numpy as np
        import pytesseract
        from amongus_agent.perception import tesseract
        img = np.full((60, 420), 255, np.uint8)
        cv2.putText(img, "VOTE RED", (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
        text, conf = tesseract.read_line(img)
        desktop.report(cmd=pytesseract.pytesseract.tesseract_cmd, text=text)
    """, absent=("tesserocr",), env={"PATH": bare_path, "ProgramFiles": str(tmp_path / "Program Files"),
                                   "AMONGUS_TESSERACT": ""})
    assert report["cmd"] == str(folder / "tesseract.exe")
    assert report["text"] == "VOTE RED"
    assert any(p[0] == str(folder / "tesseract.exe") for p in report["processes"])


def test_amongus_tesseract_names_the_engine_or_says_what_is_wrong(tmp_path, monkeypatch):
    from amongus_agent.perception.tesseract import TesseractMissingError, find_tesseract, install_hint

    exe = tmp_path / "Tesseract-OCR" / "tesseract.exe"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("AMONGUS_TESSERACT", str(exe.parent))  # the folder is enough
    assert find_tesseract() == str(exe)
    monkeypatch.setenv("AMONGUS_TESSERACT", str(tmp_path / "nowhere.exe"))
    with pytest.raises(TesseractMissingError, match="AMONGUS_TESSERACT=.*nowhere.exe.*no Tesseract program"):
        find_tesseract()
    monkeypatch.delenv("AMONGUS_TESSERACT")
    assert find_tesseract("C:/mine/tesseract.exe") is None  # a caller's own choice is kept
    assert "UB Mannheim" in install_hint() and "AMONGUS_TESSERACT" in install_hint()
    monkeypatch.setattr(sys, "platform", "linux")
    assert "apt-get install tesseract-ocr" in install_hint()


def test_macos_is_told_to_give_a_region(monkeypatch):
    from amongus_agent.perception.capture import CaptureUnavailableError, find_window_region

    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(CaptureUnavailableError, match="not supported on macOS.*Region"):
        find_window_region("Among Us")


def _requirements(extra: str) -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"][extra]


@pytest.mark.parametrize("extra", ["live", "dev"])
def test_the_extras_install_on_windows_without_linux_only_packages(extra):
    from packaging.requirements import Requirement

    windows = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
               "python_version": "3.12", "python_full_version": "3.12.4", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "extra": extra}
    linux = {**windows, "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
             "platform_machine": "x86_64"}
    reqs = [Requirement(r) for r in _requirements(extra)]
    on_windows = {r.name for r in reqs if r.marker is None or r.marker.evaluate(windows)}
    on_linux = {r.name for r in reqs if r.marker is None or r.marker.evaluate(linux)}
    assert not on_windows & {"python-xlib", "python3-xlib", "tesserocr"}, on_windows
    assert {"pytesseract", "pyautogui", "keyboard", "mss"} <= on_windows
    if extra == "live":
        assert "vgamepad" in on_windows
    else:
        assert "python-xlib" in on_linux
