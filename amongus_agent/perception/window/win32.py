"""The game window on Windows 10/11, through user32 with ctypes (no extra package).

The region is the window's client area: what the game draws, without title bar and borders,
placed on the desktop by ClientToScreen. Those numbers, the pixels mss captures and the points
the mouse is sent to only agree when the process is DPI-aware: a DPI-unaware process on a scaled
desktop (125 %, 150 %) is told shrunken window sizes while mss grabs physical pixels. mss and
pyautogui each set an awareness when they start, differently (per-monitor vs system), and only
the first call in a process counts; so `make_dpi_aware` is called before either of them, by
capture, window finding and the pyautogui loader alike. `Frame.to_screen` still maps any scale
that remains.

user32 is loaded as a private `ctypes.WinDLL` so the argument types declared here never change
the shared `ctypes.windll.user32` that pyautogui and pygetwindow call with their own types.
"""

from __future__ import annotations

import ctypes
import logging
from ctypes import wintypes
from functools import lru_cache

from ..capture import CaptureUnavailableError, Region

log = logging.getLogger(__name__)

# Windows' callbacks are stdcall (WINFUNCTYPE); that name exists only in Windows' ctypes, and on
# 64-bit Windows both conventions are the same, so elsewhere (the tests) the C one stands in.
_CALLBACK = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)
ENUM_WINDOWS_PROC = _CALLBACK(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
PER_MONITOR_AWARE_V2 = -4  # DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2, Windows 10 1703+
PROCESS_PER_MONITOR_DPI_AWARE = 2  # shcore's SetProcessDpiAwareness, Windows 8.1+
MAX_TITLE = 512  # characters of a title compared; titles are short, a hostile one is cut
GAME_CLASS = "UnityWndClass"  # the window class of every Unity game's main window, Among Us included

_USER32 = {
    "EnumWindows": ([ENUM_WINDOWS_PROC, wintypes.LPARAM], wintypes.BOOL),
    "IsWindowVisible": ([wintypes.HWND], wintypes.BOOL),
    "IsIconic": ([wintypes.HWND], wintypes.BOOL),
    "GetWindowTextLengthW": ([wintypes.HWND], ctypes.c_int),
    "GetWindowTextW": ([wintypes.HWND, wintypes.LPWSTR, ctypes.c_int], ctypes.c_int),
    "GetClassNameW": ([wintypes.HWND, wintypes.LPWSTR, ctypes.c_int], ctypes.c_int),
    "GetClientRect": ([wintypes.HWND, ctypes.POINTER(wintypes.RECT)], wintypes.BOOL),
    "ClientToScreen": ([wintypes.HWND, ctypes.POINTER(wintypes.POINT)], wintypes.BOOL),
    "SetProcessDPIAware": ([], wintypes.BOOL),
}


def _dll(name: str):
    """A private handle on a system DLL; one clear error where there is none (not Windows)."""
    try:
        return ctypes.WinDLL(name)
    except AttributeError as exc:  # ctypes.WinDLL exists only on Windows
        raise CaptureUnavailableError(f"the Windows API ({name}.dll) is not available: this is not Windows") from exc
    except OSError as exc:
        raise CaptureUnavailableError(f"cannot load {name}.dll ({exc})") from exc


@lru_cache(maxsize=1)
def _user32():
    user32 = _dll("user32")
    for name, (args, result) in _USER32.items():
        fn = getattr(user32, name)
        fn.argtypes, fn.restype = args, result
    return user32


@lru_cache(maxsize=1)
def make_dpi_aware() -> str:
    """Make this process per-monitor DPI-aware (once); says which call took effect, for the log.

    The newest API first (per-monitor v2), then shcore's per-monitor, then Vista's system-wide. A
    process whose awareness is already fixed (by its manifest, or an earlier call) keeps it, which
    is logged: capture still works, and `Frame.to_screen` maps the remaining scale.
    """
    try:
        user32 = _user32()
    except CaptureUnavailableError as exc:
        log.warning("DPI awareness not set: %s", exc)
        return "unavailable"
    how = "unchanged"
    set_context = getattr(user32, "SetProcessDpiAwarenessContext", None)  # missing before Windows 10 1703
    if set_context is not None:
        set_context.argtypes, set_context.restype = [wintypes.HANDLE], wintypes.BOOL
        if set_context(wintypes.HANDLE(PER_MONITOR_AWARE_V2)):
            how = "per-monitor v2"
    if how == "unchanged":
        try:
            shcore = _dll("shcore")
            set_awareness = shcore.SetProcessDpiAwareness
            set_awareness.argtypes, set_awareness.restype = [ctypes.c_int], ctypes.c_long
            if set_awareness(PROCESS_PER_MONITOR_DPI_AWARE) == 0:  # S_OK
                how = "per-monitor"
        except (CaptureUnavailableError, AttributeError):
            pass  # Windows before 8.1
    if how == "unchanged" and user32.SetProcessDPIAware():
        how = "system"
    log.info("DPI awareness: %s", how)
    return how


def _title(user32, hwnd: int) -> str:
    n = min(user32.GetWindowTextLengthW(hwnd), MAX_TITLE)
    if n <= 0:
        return ""
    buf = ctypes.create_unicode_buffer(n + 1)
    user32.GetWindowTextW(hwnd, buf, n + 1)
    return buf.value


def _class(user32, hwnd: int) -> str:
    buf = ctypes.create_unicode_buffer(256)  # window class names are at most 256 characters
    user32.GetClassNameW(hwnd, buf, len(buf))
    return buf.value


def _own_console() -> int | None:
    """Our terminal's window: cmd puts the running command line, game folder and all, in its title."""
    try:
        kernel32 = _dll("kernel32")
        get = kernel32.GetConsoleWindow
        get.argtypes, get.restype = [], wintypes.HWND
        return get()
    except (CaptureUnavailableError, AttributeError):
        return None


def find_window_region(title: str) -> Region:
    """The client area, in screen pixels, of the visible top-level window titled `title`.

    Of the visible windows whose title contains `title` (case ignored), the best is taken: the
    whole title equal to it first, then a Unity game's window, then any, each time the topmost
    (EnumWindows goes front to back); so a browser tab or a folder named after the game does not
    shadow the game's own window. Our own terminal is never taken.
    """
    make_dpi_aware()
    user32 = _user32()
    want = title.casefold()
    console = _own_console()
    found: list[tuple[bool, bool, int, int, str]] = []  # (not exact, not unity, z-order, hwnd, title)

    def visit(hwnd: int, _lparam: int) -> bool:
        if hwnd and hwnd != console and user32.IsWindowVisible(hwnd):
            name = _title(user32, hwnd)
            if want in name.casefold():
                found.append((name.casefold() != want, _class(user32, hwnd) != GAME_CLASS, len(found), hwnd, name))
        return True  # keep enumerating

    user32.EnumWindows(ENUM_WINDOWS_PROC(visit), 0)
    if not found:
        raise CaptureUnavailableError(f"no visible window titled like {title!r}")
    *_, hwnd, name = min(found)
    if user32.IsIconic(hwnd):
        raise CaptureUnavailableError(f"the window {name!r} is minimised: restore it, capture needs it on screen")
    rect = wintypes.RECT()
    origin = wintypes.POINT(0, 0)
    if not user32.GetClientRect(hwnd, ctypes.byref(rect)) or not user32.ClientToScreen(hwnd, ctypes.byref(origin)):
        raise CaptureUnavailableError(f"Windows gave no client area for the window {name!r} (closed meanwhile?)")
    width, height = rect.right - rect.left, rect.bottom - rect.top
    if width <= 0 or height <= 0:
        raise CaptureUnavailableError(f"the window {name!r} has an empty client area ({width}x{height})")
    return Region(origin.x, origin.y, width, height)
