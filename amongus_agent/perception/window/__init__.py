"""Finding the game window, one module per windowing system.

`perception.capture.find_window_region` is the one public entry and picks the module for the
running platform: `x11` (xdotool, Linux: development and CI) or `win32` (the user32 API through
ctypes, Windows 10/11: where the game client runs). Each module is imported only on its own
platform, so neither drags the other's tools in.
"""
