"""Limits on what a bridge peer may send: checked at the boundary, before anything else sees it.

A peer is untrusted (a mod, a stranger on the port, a broken build). Three layers, cheapest
first: the line's length; its shape while parsing (nesting depth, digits in a number, finite
numbers only); then the values against the game they claim to describe (positions inside the
map's bounds plus a margin, player ids within the player count, bounded lists and strings). A
line failing any of them raises `BadLine` naming the field; the reader drops and counts it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..ports import MAX_PLAYERS

if TYPE_CHECKING:
    from ..world.map import GameMap

MAX_LINE = 1 << 20  # game -> agent: a frame is a few KiB; anything near this is not a frame
MAX_INPUT_LINE = 8 << 10  # agent -> game: an input line is under 1 KiB
MAX_DEPTH = 8  # a frame nests 5 deep (frame > meeting > chat > line > field); a little room to grow
MAX_TOKENS = 20_000  # brackets and strings in one line (a full frame has under 2,000): bounds the scan
MAX_DIGITS = 32  # digits in one JSON number (a double needs 17)
MAX_NUMBER = 1e6  # any time, cooldown, distance or range: far above anything a game holds
MAX_TEXT = 256  # names, rooms, labels, chat lines, reasons
MAX_LIST = 64  # tasks, vents, panels, done tasks
MAX_CHAT = 256  # chat lines in one meeting
MAX_BACKLOG = 1024  # frames a client may ask the game to hold for it (a map recorder wants every one)
MAP_MARGIN = 10.0  # world units a position may lie outside the map's bounding box (mods round, maps differ)


class BadLine(ValueError):
    """A line that is not a valid bridge message; the text names what and where."""


_STRUCTURE = re.compile(rb'[\[\]{}"]')
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: linear, no backtracking


def check_shape(line: bytes, max_depth: int = MAX_DEPTH) -> None:
    """Nesting depth before parsing, so no parser recursion is ever at a stranger's mercy."""
    depth = pos = tokens = 0
    while (m := _STRUCTURE.search(line, pos)) is not None:
        tokens += 1
        if tokens > MAX_TOKENS:
            raise BadLine(f"more than {MAX_TOKENS} brackets and strings")
        c = line[m.start()]
        if c == 0x22:  # a string: skip to its closing quote
            rest = _STRING_REST.match(line, m.end())
            if rest is None:
                raise BadLine("not JSON: unterminated string")
            pos = rest.end()
            continue
        depth += 1 if c in (0x5B, 0x7B) else -1
        if depth > max_depth:
            raise BadLine(f"nested deeper than {max_depth}")
        pos = m.end()


def _number(text: str) -> None:
    if len(text) > MAX_DIGITS:
        raise BadLine(f"a number with more than {MAX_DIGITS} digits")


def _int(text: str) -> int:
    _number(text)
    return int(text)


def _float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):
        raise BadLine(f"number out of range: {text}")
    return value


def _constant(name: str) -> float:
    raise BadLine(f"{name} is not a number a game holds")


def load_json(line: bytes | str, max_line: int = MAX_LINE, max_depth: int = MAX_DEPTH) -> object:
    """`json.loads` for a stranger's line: length, depth, digits and finiteness limited."""
    if len(line) > max_line:
        raise BadLine(f"line longer than {max_line} bytes")
    data = line.encode() if isinstance(line, str) else bytes(line)
    check_shape(data, max_depth)
    try:
        return json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadLine(f"not JSON: {exc}") from None
    except RecursionError:  # unreachable after check_shape; kept so no line can ever escape as a traceback
        raise BadLine("nested too deep") from None


@dataclass(frozen=True, slots=True)
class Limits:
    """What one side accepts. `bounds` is the map's box (x0, y0, x1, y1), None when no map is known."""

    max_line: int = MAX_LINE
    players: int = MAX_PLAYERS
    bounds: tuple[float, float, float, float] | None = None

    @classmethod
    def for_map(cls, game_map: GameMap, players: int = MAX_PLAYERS) -> Limits:
        x0, y0, x1, y1 = game_map.data.bounds
        return cls(bounds=(x0 - MAP_MARGIN, y0 - MAP_MARGIN, x1 + MAP_MARGIN, y1 + MAP_MARGIN),
                   players=min(players, MAX_PLAYERS))

    @classmethod
    def for_server(cls, players: int = MAX_PLAYERS) -> Limits:
        return cls(max_line=MAX_INPUT_LINE, players=min(players, MAX_PLAYERS))

    def with_players(self, players: int) -> Limits:
        return replace(self, players=max(1, min(players, MAX_PLAYERS)))


class Check:
    """Range checks for one message; each raises `BadLine` with the field's path."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def number(self, where: str, value: float | None, lo: float = 0.0, hi: float = MAX_NUMBER) -> None:
        if value is None:
            return
        if not (math.isfinite(value) and lo <= value <= hi):
            raise BadLine(f"{where}: {value!r} is outside [{lo:g}, {hi:g}]")

    def count(self, where: str, value: int | None, hi: int = MAX_LIST) -> None:
        if value is not None and not 0 <= value <= hi:
            raise BadLine(f"{where}: {value!r} is outside [0, {hi}]")

    def player(self, where: str, value: int | None) -> None:
        if value is not None and not 0 <= value < self.limits.players:
            raise BadLine(f"{where}: player id {value!r} is outside [0, {self.limits.players - 1}]")

    def players(self, where: str, values: Iterable[int]) -> None:
        values = list(values)
        self.length(where, values, self.limits.players)
        for k, v in enumerate(values):
            self.player(f"{where}.{k}", v)

    def text(self, where: str, value: str | None, hi: int = MAX_TEXT) -> None:
        if value is not None and len(value) > hi:
            raise BadLine(f"{where}: text longer than {hi} characters")

    def length(self, where: str, values: list, hi: int = MAX_LIST) -> None:
        if len(values) > hi:
            raise BadLine(f"{where}: more than {hi} entries")

    def point(self, where: str, p: tuple[float, float]) -> None:
        x, y = p
        if not (math.isfinite(x) and math.isfinite(y)):
            raise BadLine(f"{where}: ({x!r}, {y!r}) is not a finite point")
        b = self.limits.bounds
        if b is None:
            if abs(x) > MAX_NUMBER or abs(y) > MAX_NUMBER:
                raise BadLine(f"{where}: ({x:g}, {y:g}) is outside any map")
        elif not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            raise BadLine(f"{where}: ({x:g}, {y:g}) is outside the map's bounds {list(b)}")
