"""The simulator's two exact shortcuts give what they replace, bit for bit and byte for byte.

`snap` stands in for `round(v, 3)` (positions on the millimetre grid) and `line_text` for
`json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)` (recording lines).
Recordings must not change by a byte when they are used, so each is checked against the original
on the awkward inputs (decimal ties and the floats either side of them, zeros of both signs, huge
values, NaN and infinities) and on arbitrary floats.
"""

from __future__ import annotations

import json
import math
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amongus_agent.recording.encode import line_text
from amongus_agent.sim.grid import snap


def _bits(v: float) -> bytes:
    return struct.pack("<d", v)


def _same_as_round(v: float) -> None:
    want = round(v, 3)
    got = snap(v)
    if math.isnan(want):
        assert math.isnan(got)
    else:
        assert _bits(got) == _bits(want), (v, got, want)


def _dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


AWKWARD = [0.0, -0.0, 0.0004, -0.0004, 0.0005, -0.0005, 0.0015, 2.675, 1.0005, -24.4505, 1e-300, -5e-324,
           1e11, 1e12, 1e15, 1e300, -1e300, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("v", AWKWARD)
def test_snap_is_round_on_awkward_values(v):
    _same_as_round(v)


def test_snap_is_round_at_every_tie_on_the_map_and_either_side():
    # every half millimetre across a map's extent, and the neighbouring floats: where rounding is decided
    for k in range(-60_000, 60_000, 7):
        tie = (k + 0.5) / 1000
        for v in (tie, math.nextafter(tie, math.inf), math.nextafter(tie, -math.inf)):
            _same_as_round(v)


def test_snap_is_round_on_steps_from_the_grid():
    rng = random.Random(7)
    for _ in range(100_000):
        start = rng.randrange(-30_000, 30_000) / 1000
        angle = rng.random() * math.tau
        _same_as_round(start + math.cos(angle) * 0.1)
        _same_as_round(start + rng.uniform(-1e-3, 1e-3))


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_snap_is_round_on_any_float(v):
    _same_as_round(v)


def _pos(positions, **extra):
    event = {"type": "pos", "positions": positions}
    event.update(extra)
    event["t"] = 12.5
    return event


@pytest.mark.parametrize("event", [
    _pos({"0": [1.25, -3.5], "1": [0.0, -0.0], "12": [22.519000000000002, 1e-05]}),
    _pos({"0": [1.25, 2.0]}, ghosts=[1, 2], in_vent=[0]),
    _pos({"0": [1, 2.0]}),  # an int where a float was expected: written as json does, "1"
    _pos({"0": [True, 2.0]}),
    _pos({"0": (1.0, 2.0)}),  # a tuple is written as a list, as json does
    _pos({3: [1.0, 2.0]}),  # a non-string key
    _pos({"a\"b": [1.0, 2.0]}),  # a key that needs escaping
    _pos({"0": [1.0, 2.0, 3.0]}),
    _pos({"0": [1.0, 2.0]}, ghosts=[True]),
    _pos({"0": [1.0, 2.0]}, extra="é\n"),
    {"type": "pos", "t": 1, "positions": {}},
    {"type": "kill", "killer": 1, "victim": 2, "pos": [1.5, -0.0], "room": "Électrique \"x\"", "t": 3.0},
    {"type": "eject", "player": None, "tally": {"skip": 3, "2": 1}, "t": 90.125},
    ["not", "an", "event"],
])
def test_line_text_is_json_dumps(event):
    assert line_text(event) == _dumps(event)
    assert line_text(event) == _dumps(event)  # and again, with the float texts remembered


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_line_text_refuses_nan_and_infinity_like_json(bad):
    for event in (_pos({"0": [bad, 1.0]}), {"type": "kill", "pos": [bad, 1.0], "t": 1.0}):
        with pytest.raises(ValueError):
            _dumps(event)
        with pytest.raises(ValueError):
            line_text(event)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.integers(0, 14).map(str), st.tuples(st.floats(allow_nan=False, allow_infinity=False),
                                                               st.floats(allow_nan=False, allow_infinity=False)).map(list),
                       max_size=15),
       st.lists(st.integers(0, 14), max_size=3))
def test_line_text_is_json_dumps_for_any_positions(positions, ghosts):
    event = _pos(positions, **({"ghosts": ghosts} if ghosts else {}))
    assert line_text(event) == _dumps(event)
