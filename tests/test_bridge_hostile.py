"""A hostile or broken peer on either end of the bridge: it loses its own frames, never the game.

Each test here reproduces one defect of issue 10 (it failed before the fix). Verdicts never
depend on machine speed: the properties are counted (ticks played, lines counted, messages
received); the timeouts are safety nets only.
"""

from __future__ import annotations

import json
import math
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

from amongus_agent.live.client import BridgeWorld
from amongus_agent.live.protocol import End, Frame, Hello, Input, Join, dump
from amongus_agent.sessions.play import play_bridge
from amongus_agent.sessions.sim_server import SimServer
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.seat_view import SeatView
from amongus_agent.sim.settings import GameSettings

SAFETY_S = 120.0  # a net for a hung test, never a verdict
DEEP = b"[" * 200_000 + b"]" * 200_000
HUGE_INT = b'{"type":"input","v":1,"kill_target":' + b"9" * 5000 + b"}"
HUGE_INT_FRAME = b'{"type":"frame","v":1,"t":' + b"7" * 5000 + b"}"


def _server(agents=1, speed=1000.0, wait_s=30.0, seed=4, **kw):
    game = new_game(GameSettings(), seed)
    server = SimServer(game, agents=agents, role="crewmate", speed=speed, port=0, wait_s=wait_s, **kw)
    box: dict = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", server.serve()), daemon=True)
    thread.start()
    return game, server, thread, box


def _connect(port: int, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(SAFETY_S)
    return sock


def _lines(sock: socket.socket) -> list[dict]:
    """Everything the server sends until it closes the connection."""
    data = bytearray()
    while chunk := sock.recv(1 << 16):
        data += chunk
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def _wait(predicate, what: str) -> None:
    deadline = time.monotonic() + SAFETY_S
    while not predicate():
        assert time.monotonic() < deadline, f"safety net: still waiting for {what}"
        time.sleep(0.005)


# ---------------------------------------------------------------------------- the server's send side

def test_a_client_that_never_reads_does_not_stop_the_game():
    game, server, thread, box = _server(agents=1, speed=1000.0)
    hostile = _connect(server.port, rcvbuf=4096)
    hostile.sendall(dump(Join(seat=next(iter(server.links)))))  # takes the seat, then never reads a byte
    thread.join(SAFETY_S)
    hostile.close()
    assert not thread.is_alive(), "the game stalled behind a client that does not read"
    assert game.over and box["result"].ticks == game.tick > 1000
    assert server.frames_dropped > 0  # the slow reader lost frames: its own loss, counted


def test_a_client_that_reads_late_still_gets_the_end():
    game, server, thread, box = _server(agents=1, speed=1000.0, drain_s=SAFETY_S)
    late = _connect(server.port, rcvbuf=4096)
    late.sendall(dump(Join(seat=next(iter(server.links)))))
    _wait(lambda: game.over, "the game to end")  # it read nothing during the whole game
    received = _lines(late)
    thread.join(SAFETY_S)
    assert received[0]["type"] == "hello" and received[-1] == json.loads(dump(End(winner=game.winner,
                                                                                 reason=game.reason)))
    frames = [m for m in received if m["type"] == "frame"]
    assert 0 < len(frames) < game.tick  # frames dropped (newest wins), the end was not


def test_the_outbox_keeps_messages_in_order_and_frames_newest_first():
    from amongus_agent.sessions.outbox import Outbox

    ours, theirs = socket.socketpair()
    outbox = Outbox(ours, label="test")
    outbox.message(b'{"n":"hello"}\n')
    pad = b"x" * 10_000
    for k in range(1000):  # ~10 MB while nobody reads: most frames are replaced before they are sent
        outbox.frame(b'{"n":%d,"pad":"%s"}\n' % (k, pad))
    outbox.message(b'{"n":"end"}\n')
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.extend(_read_until_closed(theirs)), daemon=True)
    reader.start()
    assert outbox.close(drain_s=SAFETY_S)
    reader.join(SAFETY_S)
    order = [json.loads(line)["n"] for line in received]
    frames = order[1:-1]
    assert order[0] == "hello" and order[-1] == "end"
    assert frames == sorted(frames) and frames[-1] == 999  # in order, and the newest one did arrive
    assert len(frames) + outbox.dropped == 1000 and outbox.dropped > 0


def _read_until_closed(sock: socket.socket) -> list[bytes]:
    data = bytearray()
    sock.settimeout(SAFETY_S)
    while chunk := sock.recv(1 << 16):
        data += chunk
    return data.splitlines()


# ---------------------------------------------------------------------------- the handshake

def test_a_connection_without_a_handshake_takes_no_seat():
    game, server, thread, box = _server(agents=1, speed=1000.0, handshake_s=SAFETY_S)
    squatter = _connect(server.port)  # connects, says nothing
    world = BridgeWorld(f"tcp://127.0.0.1:{server.port}", connect_timeout=SAFETY_S)
    try:
        _wait(lambda: world.hello is not None or world.closed, "a hello")
        assert world.hello is not None and world.hello.seat in server.links
    finally:
        world.close()
        squatter.close()
        server.close()


def test_a_second_client_for_a_taken_seat_is_refused_with_a_message():
    game, server, thread, box = _server(agents=1, speed=1000.0)
    (seat,) = server.links
    first = _connect(server.port)
    first.sendall(dump(Join(seat=seat)))
    _wait(lambda: server.links[seat].conn is not None, "the first client to sit down")
    second = _connect(server.port)
    second.sendall(dump(Join(seat=seat)))
    (reply,) = _lines(second)
    server.close()
    first.close()
    assert reply["type"] == "error" and f"seat {seat}" in reply["message"] and "taken" in reply["message"]


def test_the_token_is_required_when_the_server_has_one():
    game, server, thread, box = _server(agents=1, speed=1000.0, token="s3cret")
    (seat,) = server.links
    try:
        wrong = _connect(server.port)
        wrong.sendall(dump(Join(seat=seat, token="guess")))
        (reply,) = _lines(wrong)
        assert reply["type"] == "error" and "token" in reply["message"]
        right = _connect(server.port)
        right.sendall(dump(Join(seat=seat, token="s3cret")))
        hello = json.loads(right.makefile("rb").readline())
        assert hello["type"] == "hello" and hello["seat"] == seat
        right.close()
    finally:
        server.close()


def test_play_gives_up_with_a_message_when_the_seat_is_taken():
    game, server, thread, box = _server(agents=1, speed=1.0)
    (seat,) = server.links
    owner = _connect(server.port)
    owner.sendall(dump(Join(seat=seat)))
    _wait(lambda: server.links[seat].conn is not None, "the owner to sit down")
    world = BridgeWorld(f"tcp://127.0.0.1:{server.port}", connect_timeout=SAFETY_S, backoff=(0.001, 0.01))
    try:
        _wait(lambda: world.closed, "the client to give up")
        assert world.frames == 0 and world.reconnects <= world.retries
        assert world.lost is not None and "taken" in world.lost
    finally:
        world.close()
        owner.close()
        server.close()


def test_reconnect_backoff_grows_with_jitter_and_is_capped():
    world = BridgeWorld.__new__(BridgeWorld)
    world.backoff = (0.1, 2.0)
    import random

    world._rng = random.Random(3)
    delays = [world._delay(k) for k in range(12)]
    assert all(0 <= d <= 2.0 for d in delays)
    assert max(delays[:2]) <= 0.2 and max(delays[6:]) > 0.2  # grows
    assert len(set(delays)) == len(delays)  # jittered


# ---------------------------------------------------------------------------- hostile lines, both ways

def _frame(**changes) -> bytes:
    game = new_game(GameSettings(), 4)
    frame = Frame(**SeatView(game, 0).observe().model_dump())
    raw = json.loads(dump(frame))
    raw.update(changes)
    return json.dumps(raw).encode() + b"\n"


INPUT = b"<wait for the client's next input>"
TICK = b"<give the client up to 1 s to act on what it got>"


class FakeGame:
    """A bridge server that plays back fixed lines to one client, then holds or closes.

    `INPUT` waits for the client's next input line (it acted on what it got); `TICK` waits for it
    at most 1 s — after a frame the client should drop, whose input never comes. The wait only
    gives a client that does take the frame the time to act on it while it is still the newest.
    """

    def __init__(self, lines: list[bytes], close: bool = True) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lines, self.close_after = lines, close
        self.received = bytearray()
        threading.Thread(target=self._serve, daemon=True).start()

    def _inputs(self) -> int:
        return self.received.count(b'"type":"input"')

    def _await_input(self, conn: socket.socket, timeout: float) -> None:
        before = self._inputs()
        deadline = time.monotonic() + timeout
        while self._inputs() == before and (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            try:
                chunk = conn.recv(1 << 16)
            except TimeoutError:
                break
            if not chunk:
                break
            self.received += chunk
        conn.settimeout(SAFETY_S)

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        self.listener.close()  # one client, one time: a reconnect finds nobody
        conn.settimeout(SAFETY_S)
        try:
            for line in self.lines:
                if line is INPUT or line is TICK:
                    self._await_input(conn, SAFETY_S if line is INPUT else 1.0)
                    continue
                conn.sendall(line if line.endswith(b"\n") else line + b"\n")
            while chunk := conn.recv(1 << 16):
                self.received += chunk
                if self.close_after and b"\n" in self.received:
                    break
        except OSError:
            pass
        conn.close()


HELLO = dump(Hello(seat=0, name="Red", map="skeld"))
END = dump(End(winner="crew", reason="tasks"))


HOSTILE_FRAMES = {
    "panel at 1e9": _frame(t=1.0, sabotage={"kind": "reactor", "time_left": 30, "panels": [["Reactor", [1e9, 1e9]]]}),
    "panel at 'NaN'": _frame(t=1.0, sabotage={"kind": "reactor", "time_left": 30, "panels": [["Reactor", ["NaN", 0]]]}),
    "panel at NaN": _frame(t=1.0).replace(b'"sabotage": null', b'"sabotage": {"kind": "reactor", "time_left": NaN, '
                                                               b'"panels": [["Reactor", [NaN, Infinity]]]}'),
    "me = 10**9": _frame(t=1.0, me=10**9),
    "nested 200,000 deep": DEEP,
    "5000 digits": HUGE_INT_FRAME,
    "not UTF-8": b"\xff\xfe" * 10,
    "5000 open braces": b"{" * 5000,
}


@pytest.mark.parametrize("kind", list(HOSTILE_FRAMES))
def test_play_survives_every_hostile_frame_kind(kind, skeld, tmp_path):
    # the hostile line comes first, while the agent has no frame yet: a first frame is acted on at once
    # (its first decision, the recording's header), so an old client crashed on it right there
    fake = FakeGame([HELLO, HOSTILE_FRAMES[kind], TICK, _frame(t=2.0), INPUT, END], close=False)
    world = BridgeWorld(f"tcp://127.0.0.1:{fake.port}", game_map=skeld)
    result = play_bridge(world, skeld, out=tmp_path / "play.jsonl")
    assert result.winner == "crew" and result.frames == 1 and result.malformed == 1
    assert (tmp_path / "play.jsonl").stat().st_size < 100_000


def test_the_server_reader_survives_any_line():
    game, server, thread, box = _server(agents=2, speed=1.0, wait_s=SAFETY_S)
    seat = min(server.links)
    link = server.links[seat]
    client = _connect(server.port)
    client.sendall(dump(Join(seat=seat)))
    _wait(lambda: link.conn is not None, "the client to sit down")
    bad = [DEEP, HUGE_INT, b'{"type":"input","v":1,"stick":[NaN,0]}', b'{"type":"input","v":1,"stick":[1e300,0]}',
           b'{"type":"input","v":1,"vote":1000000}', b"\x00" * 100, b"]" * 10]
    for line in bad:
        client.sendall(line + b"\n")
    client.sendall(dump(Input(stick=(0.5, 0.5), chat="still here")))
    try:
        _wait(lambda: link.pending or link.conn is None, "the valid input (or the reader's end)")
        assert [m.chat for m in link.pending] == ["still here"]
        assert link.reader.malformed == len(bad)
    finally:
        client.close()
        server.close()


def test_a_game_that_never_reads_inputs_does_not_freeze_play():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # inherited by the accepted connection
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()  # accepts, never reads
    world = BridgeWorld(f"tcp://127.0.0.1:{listener.getsockname()[1]}", connect_timeout=SAFETY_S)
    done = threading.Event()

    def tick_a_lot() -> None:
        for _ in range(40_000):  # ~10 MB of inputs: beyond any socket buffer here (tcp_wmem max 4 MiB)
            world.actuator.chat("x" * 100)
            world.flush()
        done.set()
    threading.Thread(target=tick_a_lot, daemon=True).start()
    try:
        assert done.wait(SAFETY_S), "flush blocked on a game that does not read"
        assert world.inputs_dropped > 0
    finally:
        world.close()
        listener.close()


def test_a_client_flooding_inputs_is_read_at_a_bounded_rate():
    from amongus_agent.sessions.sim_server import MAX_QUEUED_INPUTS, READ_CHUNK

    game, server, thread, box = _server(agents=2, speed=1.0, wait_s=SAFETY_S)  # waits for seat 2: no game runs
    seat = min(server.links)
    link = server.links[seat]
    client = _connect(server.port)
    client.sendall(dump(Join(seat=seat)))
    _wait(lambda: link.conn is not None, "the client to sit down")
    line = dump(Input(stick=(1.0, 0.0), buttons=["use"]))
    threading.Thread(target=lambda: _ignore_errors(client.sendall, line * 20_000), daemon=True).start()
    start = time.monotonic()
    _wait(lambda: link.reader.read > MAX_QUEUED_INPUTS, "the flood to arrive")
    time.sleep(1.0)  # a window to look through, not a verdict: the bound below grows with the time it took
    read, elapsed = link.reader.read, time.monotonic() - start
    server.close()
    client.close()
    rate = 2 * server.speed / game.dt + 20
    per_chunk = READ_CHUNK // len(line) + 1
    assert read <= MAX_QUEUED_INPUTS + 20 + rate * elapsed + per_chunk  # not the 20,000 it was sent
    assert len(link.pending) <= MAX_QUEUED_INPUTS and link.inputs_dropped > 0


def _ignore_errors(call, *args) -> None:
    try:
        call(*args)
    except OSError:
        pass


# ---------------------------------------------------------------------------- exit status

def test_play_exits_1_when_the_game_is_lost(tmp_path):
    fake = FakeGame([HELLO, _frame(t=1.0), _frame(t=1.1)], close=True)  # no end, then gone for good
    play = subprocess.run(
        [sys.executable, "-m", "amongus_agent", "play", "--bridge", f"tcp://127.0.0.1:{fake.port}",
         "--input", "bridge", "--retries", "2", "--json"], capture_output=True, text=True, timeout=SAFETY_S)
    assert play.returncode == 1, play.stderr
    assert "lost" in play.stderr
    summary = json.loads(play.stdout.strip().splitlines()[-1])
    assert summary["winner"] is None and summary["lost"]


def test_limits_reject_what_cannot_be_in_a_game(skeld):
    from amongus_agent.live.limits import Limits
    from amongus_agent.live.protocol import BadLine, parse_line

    limits = Limits.for_map(skeld)
    good = parse_line(_frame(t=3.0), limits)
    assert isinstance(good, Frame) and math.isfinite(good.t)
    for changes in ({"me": 15}, {"me": -1}, {"position": [1e9, 0]}, {"t": float("inf")}, {"name": "x" * 10_000},
                    {"partners": list(range(100))}, {"task_bar": 7.0}, {"alive_players": [[1, "a"]] * 100}):
        with pytest.raises(BadLine):
            parse_line(_frame(**changes), limits)


def test_sim_server_beyond_localhost_makes_up_a_token_and_prints_it():
    server = subprocess.Popen(
        [sys.executable, "-m", "amongus_agent", "sim-server", "--host", "0.0.0.0", "--port", "0", "--wait", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second = server.stderr.readline(), server.stderr.readline()
        port = int(re.search(r":(\d+),", first).group(1))
        token = re.search(r"token (\S+) \(pass it to play --token\)", second)
        assert "token required" in first and token and len(token.group(1)) >= 16
        without = _connect(port)
        without.sendall(dump(Join()))
        (reply,) = _lines(without)
        assert reply["type"] == "error" and "token" in reply["message"]
    finally:
        server.kill()
        server.wait()
