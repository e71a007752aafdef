"""Fuzz the bridge's readers both ways: no line, however made, raises or stops the thread reading it.

Lines are real messages with one part swapped for something hostile (NaN, a billion, 5000 digits,
nesting, long strings, wrong types), arbitrary JSON, or bytes; split at random points the way
TCP delivers them. Derandomized, so a run is the same run every time.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amongus_agent.live.client import BridgeWorld
from amongus_agent.live.limits import MAX_PLAYERS, Limits
from amongus_agent.live.protocol import End, Frame, Hello, Input, Join, dump
from amongus_agent.live.reader import LineReader
from amongus_agent.sessions.sim_server import SimServer
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.seat_view import SeatView
from amongus_agent.sim.settings import GameSettings
from amongus_agent.world.map import load_map

SKELD = load_map("skeld")
SAFETY_S = 60.0
FUZZ = settings(derandomize=True, deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _frame_template() -> dict:
    game = new_game(GameSettings(), 11)
    for _ in range(600):  # into the game far enough that lists are filled
        game.step({})
    return json.loads(dump(Frame(**SeatView(game, 0).observe().model_dump())))


FRAME = _frame_template()
INPUT = json.loads(dump(Input(stick=(0.3, -0.2), buttons=["use", "kill"], kill_target=3, chat="hello", vote=2)))
JOIN = json.loads(dump(Join(seat=1, name="Blue", token="t")))

HOSTILE_RAW = [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000, b"-" + b"1" * 40, b"1e9", b"-1e9",
               b"1000000000", b"[" * 3000 + b"]" * 3000, b'"' + b"x" * 5000 + b'"', b"[" + b"0," * 2000 + b"0]",
               b"null", b"true", b"{}", b"[]", b'"NaN"', b'"1e400"', b"0.000001", b'"' + b"\\u0000" * 50 + b'"']
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False,
                      allow_infinity=False), st.text(max_size=40))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=5)),
                          max_leaves=30)


def _paths(value, prefix=()):
    """Every place in a message a value can be swapped."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _swap(message: dict, path: tuple, raw: bytes) -> bytes:
    """`message` as a line with the value at `path` replaced by the raw JSON text `raw`."""
    marker = "\u2603swap\u2603"
    copy = json.loads(json.dumps(message))
    if not path:
        return raw
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = marker
    return json.dumps(copy).encode().replace(json.dumps(marker).encode(), raw)


def _mutated(template: dict):
    paths = list(_paths(template))
    raw = st.one_of(st.sampled_from(HOSTILE_RAW), json_value.map(lambda v: json.dumps(v).encode()))
    return st.builds(_swap, st.just(template), st.sampled_from(paths), raw)


def _lines(template: dict):
    return st.one_of(_mutated(template), json_value.map(lambda v: json.dumps(v).encode()), st.binary(max_size=300),
                     st.just(json.dumps(template).encode()))


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def _assert_sane(message, limits: Limits) -> None:
    if isinstance(message, Frame):
        x0, y0, x1, y1 = limits.bounds
        points = [message.position, *(p.position for p in message.players), *(t.position for t in message.tasks),
                  *(b.position for b in message.bodies), *(v.position for v in message.vents),
                  *(spot for _, spot in (message.sabotage.panels if message.sabotage else []))]
        assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)
        assert 0 <= message.me < limits.players and math.isfinite(message.t)
        assert all(0 <= p.id < limits.players for p in message.players)
    if isinstance(message, Input):
        assert all(math.isfinite(v) and -1 <= v <= 1 for v in message.stick)
        assert message.kill_target is None or 0 <= message.kill_target < limits.players


def _read_all(limits: Limits, lines: list[bytes], cuts: list[int]) -> LineReader:
    reader = LineReader(limits)
    good = 0
    for chunk in _chunks(b"\n".join(lines) + b"\n", cuts):
        for message in reader.feed(chunk):
            good += 1
            _assert_sane(message, limits)
    assert reader.read == good + reader.malformed
    return reader


@FUZZ
@given(st.lists(_lines(FRAME), min_size=1, max_size=6), st.lists(st.integers(0, 1 << 20), max_size=8))
def test_the_agent_side_reader_takes_any_line(lines, cuts):
    _read_all(Limits.for_map(SKELD), lines, cuts)


@FUZZ
@given(st.lists(st.one_of(_lines(INPUT), _lines(JOIN)), min_size=1, max_size=6),
       st.lists(st.integers(0, 1 << 14), max_size=8))
def test_the_game_side_reader_takes_any_line(lines, cuts):
    _read_all(Limits.for_server(10), lines, cuts)


def test_a_mutated_frame_is_either_valid_and_in_bounds_or_counted():
    limits = Limits.for_map(SKELD)
    reader = LineReader(limits)
    assert reader.parse(json.dumps(FRAME)) is not None  # the template itself is fine
    assert 0 <= FRAME["me"] < MAX_PLAYERS


# ---------------------------------------------------------------------------- the threads themselves

def _one_client_game(lines: list[bytes]) -> socket.socket:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        listener.close()
        for line in [dump(Hello(seat=0, name="Red")), *(line + b"\n" for line in lines),
                     dump(Frame(**{**FRAME, "t": 99.0})), dump(End(winner="crew", reason="tasks"))]:
            try:
                conn.sendall(line)
            except OSError:
                break
        time.sleep(0.05)
        conn.close()
    threading.Thread(target=serve, daemon=True).start()
    return listener


@settings(derandomize=True, deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lines(FRAME), min_size=1, max_size=5))
def test_the_agents_reader_thread_survives_any_line(lines):
    listener = _one_client_game(lines)
    world = BridgeWorld(f"tcp://127.0.0.1:{listener.getsockname()[1]}", game_map=SKELD, reconnect=False)
    try:
        world._thread.join(SAFETY_S)
        assert world.end is not None and world.end.winner == "crew", world.lost  # it read on to the end
        assert world.t == 99.0 and world.lost is None
    finally:
        world.close()


@pytest.fixture(scope="module")
def server():
    """One server for every example: two seats, one never filled, so it waits and no game runs."""
    game = new_game(GameSettings(), 5)
    server = SimServer(game, agents=2, role="crewmate", speed=1.0, port=0, wait_s=3600.0)
    threading.Thread(target=server.serve, daemon=True).start()
    yield server
    server.close()


def _wait(predicate) -> None:
    deadline = time.monotonic() + SAFETY_S
    while not predicate():
        assert time.monotonic() < deadline, "safety net"
        time.sleep(0.002)


@settings(derandomize=True, deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lines(INPUT), min_size=1, max_size=5), st.integers(0, 10**6))
def test_the_servers_reader_thread_survives_any_line(server, lines, marker):
    seat = min(server.links)
    link = server.links[seat]
    _wait(lambda: link.conn is None)
    client = socket.create_connection(("127.0.0.1", server.port))
    try:
        client.sendall(dump(Join(seat=seat)))
        _wait(lambda: link.conn is not None)
        with link.lock:
            link.pending.clear()
        client.sendall(b"\n".join(lines) + b"\n" + dump(Input(chat=f"marker {marker}")))
        _wait(lambda: any(m.chat == f"marker {marker}" for m in list(link.pending)) or link.conn is None)
        assert link.conn is not None and any(m.chat == f"marker {marker}" for m in link.pending)
        for m in list(link.pending):
            _assert_sane(m, link.reader.limits)
    finally:
        client.close()
