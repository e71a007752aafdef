"""A stand-in for the Windows API, for a child process that must believe it runs on Windows.

Only what cannot exist on Linux is faked: the system DLLs behind `ctypes.windll` / `ctypes.WinDLL`
(user32 with a small desktop of windows, a cursor and a message loop; every other function returns
0), the Windows-only names of `ctypes`, `sys.platform`, `platform.system()` and
`sys.getwindowsversion()`. The real packages (pyautogui, keyboard, mss, pytesseract) and the
project's own code then take their Windows paths and call into it, and every call is logged in
order, so a test sees which API was used and when.

Two guards record what a Windows run must never do: import an X11 tool (python-xlib, pyautogui's,
keyboard's or mss's X11 side, the project's xdotool window finder) or start xdotool. Both refuse
as well as record, so code that swallows ImportError cannot hide an attempt.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import json
import platform
import subprocess
import sys
import threading
from dataclasses import dataclass

X11_MODULES = ("Xlib", "pyautogui._pyautogui_x11", "keyboard._nixkeyboard", "keyboard._nixcommon", "mss.linux",
               "mouseinfo._mouseinfo_x11", "amongus_agent.perception.window.x11", "amongus_agent.act.input.x11_hotkey")

QUIET = {"user32.ToUnicode", "user32.GetKeyNameTextW", "user32.MapVirtualKeyW", "user32.MapVirtualKeyExW",
         "user32.VkKeyScanA", "user32.GetMessageW", "user32.TranslateMessage", "user32.DispatchMessageA"}


@dataclass
class Window:
    hwnd: int
    title: str
    client: tuple[int, int, int, int]  # left, top (screen) and width, height of the client area
    visible: bool = True
    minimised: bool = False
    cls: str = "UnityWndClass"  # the window class; Unity games' main windows have this one


class Desktop:
    """What the fake Windows knows: top-level windows front to back, a screen, a cursor, the call log."""

    def __init__(self, windows: list[Window], screen: tuple[int, int] = (1920, 1080)) -> None:
        self.windows = windows
        self.screen = screen
        self.cursor = [screen[0] // 2, screen[1] // 2]
        self.console = 0  # the hwnd of the terminal this process runs in (0: none)
        self.calls: list[list] = []
        self.quiet: dict[str, int] = {}  # calls counted, not logged: a package's key tables, a message loop
        self.blocked_imports: list[str] = []
        self.processes: list[list[str]] = []

    def by_hwnd(self, hwnd) -> Window | None:
        return next((w for w in self.windows if w.hwnd == hwnd), None)

    def report(self, **extra) -> None:
        """Print what happened as one JSON line for the parent test."""
        print(json.dumps({"calls": self.calls, "quiet": self.quiet, "blocked_imports": self.blocked_imports,
                          "processes": self.processes, "modules": sorted(sys.modules), **extra}))


class _Fn:
    """A DLL function: callable, with the argtypes/restype attributes ctypes code sets (and checks)."""

    def __init__(self, desktop: Desktop, name: str, impl) -> None:
        self.desktop, self.name, self.impl = desktop, name, impl
        self.argtypes = None
        self.restype = None

    def __call__(self, *args):
        if self.argtypes is not None:  # declared types convert the arguments, or refuse them, as ctypes would
            assert len(args) == len(self.argtypes), f"{self.name}: {len(args)} arguments for {len(self.argtypes)}"
            for kind, arg in zip(self.argtypes, args, strict=True):
                kind.from_param(arg)
        if self.name in QUIET:
            self.desktop.quiet[self.name] = self.desktop.quiet.get(self.name, 0) + 1
            return self.impl(*args) if self.impl is not None else 0
        self.desktop.calls.append([self.name, *[a if isinstance(a, int | str) else type(a).__name__ for a in args]])
        return self.impl(*args) if self.impl is not None else 0


class _DLL:
    def __init__(self, desktop: Desktop, name: str) -> None:
        self._desktop, self._name = desktop, name
        self._impl = _user32(desktop) if name == "user32" else {"GetConsoleWindow": lambda: desktop.console} \
            if name == "kernel32" else {}

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        fn = _Fn(self._desktop, f"{self._name}.{attr}", self._impl.get(attr))
        setattr(self, attr, fn)
        return fn


def _obj(ref):
    return getattr(ref, "_obj", None) or ref.contents  # byref(...) or pointer(...)


def _user32(d: Desktop) -> dict:
    def enum_windows(callback, lparam):
        assert isinstance(callback, ctypes._CFuncPtr), "EnumWindows needs a ctypes callback, as on Windows"
        for w in list(d.windows):
            if not callback(w.hwnd, lparam):
                break
        return 1

    def title_length(hwnd):
        w = d.by_hwnd(hwnd)
        return len(w.title) if w else 0

    def get_title(hwnd, buf, size):
        w = d.by_hwnd(hwnd)
        text = (w.title if w else "")[: max(0, size - 1)]
        buf.value = text
        return len(text)

    def get_class(hwnd, buf, size):
        w = d.by_hwnd(hwnd)
        buf.value = (w.cls if w else "")[: max(0, size - 1)]
        return len(buf.value)

    def client_rect(hwnd, ref):
        w = d.by_hwnd(hwnd)
        if w is None:
            return 0
        rect = _obj(ref)
        rect.left, rect.top = 0, 0
        rect.right, rect.bottom = (0, 0) if w.minimised else w.client[2:]
        return 1

    def client_to_screen(hwnd, ref):
        w = d.by_hwnd(hwnd)
        if w is None:
            return 0
        point = _obj(ref)
        point.x += w.client[0]
        point.y += w.client[1]
        return 1

    def set_cursor(x, y):
        d.cursor = [x, y]
        return 1

    def get_cursor(ref):
        point = _obj(ref)
        point.x, point.y = d.cursor
        return 1

    def enum_monitors(_hdc, _clip, callback, lparam):
        from ctypes import wintypes

        callback(1, 0, ctypes.pointer(wintypes.RECT(0, 0, *d.screen)), lparam)  # one monitor: the screen
        return 1

    idle = threading.Event()

    def get_message(*_args):  # a message loop waits for messages; none come
        idle.wait()
        return 0

    return {
        "EnumWindows": enum_windows,
        "IsWindowVisible": lambda hwnd: int(bool(d.by_hwnd(hwnd) and d.by_hwnd(hwnd).visible)),
        "IsIconic": lambda hwnd: int(bool(d.by_hwnd(hwnd) and d.by_hwnd(hwnd).minimised)),
        "GetWindowTextLengthW": title_length,
        "GetWindowTextW": get_title,
        "GetClassNameW": get_class,
        "GetClientRect": client_rect,
        "ClientToScreen": client_to_screen,
        "SetProcessDpiAwarenessContext": lambda ctx: 1,
        "SetProcessDPIAware": lambda: 1,
        "GetSystemMetrics": lambda i: {0: d.screen[0], 1: d.screen[1]}.get(i, 0),
        "SetCursorPos": set_cursor,
        "GetCursorPos": get_cursor,
        "EnumDisplayMonitors": enum_monitors,
        "GetMonitorInfoW": lambda hmonitor, ref: 1,
        "GetMessageW": get_message,
        "GetMessageA": get_message,
    }


class _Windlls:
    def __init__(self, desktop: Desktop) -> None:
        self._desktop = desktop

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        dll = _DLL(self._desktop, name)
        setattr(self, name, dll)
        return dll


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


class _X11Guard(importlib.abc.MetaPathFinder):
    def __init__(self, desktop: Desktop, absent: tuple[str, ...]) -> None:
        self.desktop, self.absent = desktop, absent

    def find_spec(self, name, path=None, target=None):
        if _under(name, X11_MODULES):
            self.desktop.blocked_imports.append(name)
            raise ImportError(f"{name} must not be imported on Windows")
        if _under(name, self.absent):
            raise ImportError(f"No module named {name!r} (not installed on Windows)")
        return None


def install(windows: list[Window] | None = None, *, absent: tuple[str, ...] = ()) -> Desktop:
    """Make this process look like Windows 10 to Python code; call before importing anything that
    looks. `absent`: packages that are not installed on Windows (tesserocr has no wheel there)."""
    desktop = Desktop(windows or [])
    for name in list(sys.modules):  # nothing imported before may keep a Linux choice
        if name.startswith(("amongus_agent", "pyautogui", "keyboard", "mss", "pytesseract")):
            del sys.modules[name]
    sys.meta_path.insert(0, _X11Guard(desktop, absent))
    sys.platform = "win32"
    platform.system = lambda: "Windows"
    sys.getwindowsversion = lambda: (10, 0, 19045)
    windlls = _Windlls(desktop)
    ctypes.windll = windlls
    ctypes.WinDLL = lambda name, **_kw: _DLL(desktop, name)  # a private handle, as on Windows
    ctypes.WINFUNCTYPE = ctypes.CFUNCTYPE  # stdcall and cdecl are one convention on 64-bit Windows
    ctypes.WinError = lambda code=None, descr=None: OSError(code, descr)
    ctypes.get_last_error = lambda: 0
    ctypes.set_last_error = lambda value: 0

    real_popen_init = subprocess.Popen.__init__

    def popen_init(self, args, *a, **kw):
        argv = [str(x) for x in ([args] if isinstance(args, str | bytes) else args)]
        desktop.processes.append(argv)
        if "xdotool" in argv[0]:
            raise AssertionError("xdotool must not run on Windows")
        real_popen_init(self, args, *a, **kw)

    subprocess.Popen.__init__ = popen_init
    return desktop
