"""The gamepad stand-in: JSON state reports on a UDP port, as XInput would read a ViGEm pad.

Each datagram is one report `{"lx": float, "ly": float, "buttons": ["use", ...]}` (stick in -1..1,
y up positive like `GamepadBackend`); the stick holds until the next report, a button acts when it
appears in a report after being absent. Bad datagrams are counted and dropped; nothing a peer sends
can do more than a pad could.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading

from .controls import BUTTONS, Controls

log = logging.getLogger(__name__)
MAX_REPORT = 512  # bytes: a report is a few dozen


def parse_report(data: bytes) -> tuple[float, float, frozenset[str]]:
    """One datagram -> stick and buttons; ValueError naming what is wrong."""
    if len(data) > MAX_REPORT:
        raise ValueError(f"report of {len(data)} bytes (at most {MAX_REPORT})")
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    stick = []
    for key in ("lx", "ly"):
        v = raw.get(key, 0.0)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > 1.0:
            raise ValueError(f"{key}: expected a number in -1..1, got {v!r}")
        stick.append(float(v))
    buttons = raw.get("buttons", [])
    if not isinstance(buttons, list) or len(buttons) > len(BUTTONS) or any(b not in BUTTONS for b in buttons):
        raise ValueError(f"buttons: expected a list of {', '.join(BUTTONS)}")
    return stick[0], stick[1], frozenset(buttons)


class PadListener:
    """Listens on 127.0.0.1:`port` (0: any free port, see `.port`) in a daemon thread."""

    def __init__(self, controls: Controls, port: int, host: str = "127.0.0.1") -> None:
        self.controls = controls
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.bad = 0
        self.reports = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="pad")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, _ = self.sock.recvfrom(MAX_REPORT + 1)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                lx, ly, buttons = parse_report(data)
            except ValueError as exc:
                self.bad += 1
                log.warning("pad: dropped a report: %s", exc)
                continue
            self.reports += 1
            self.controls.pad(lx, ly, buttons)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        self._thread.join(timeout=2)
