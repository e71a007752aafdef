"""The `ws` sink with real websocket clients on localhost: latency of urgent events, slow clients, tokens, `feed tail`."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

from typer.testing import CliRunner
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from amongus_agent.cli import app
from amongus_agent.commentary import Background, Feed, GameDecisionEvent, make_event
from amongus_agent.commentary.sinks import WsServerSink

BG = Background(map="skeld", role="impostor", player="Red")
SAFETY_S = 60.0  # a bound on waits that only stops a hang; never a verdict on speed


class Collector:
    """A websocket client on a thread that notes when each event arrives."""

    def __init__(self, url: str, **kw) -> None:
        self.ws = connect(url, open_timeout=5, **kw)
        self.events: list[tuple[float, dict]] = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.ws:
                for message in self.ws:
                    e = json.loads(message)
                    with self.cond:
                        self.events.append((time.perf_counter(), e))
                        self.cond.notify_all()
        except ConnectionClosed:
            pass

    def wait_for(self, pred, timeout: float = 5.0) -> tuple[float, dict] | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for item in self.events:
                    if pred(item[1]):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def close(self) -> None:
        self.ws.close()
        self.thread.join(2)


def stalled_client(url: str, token: str) -> socket.socket:
    """A websocket client that completes the handshake and then never reads again (tiny receive buffer)."""
    host, port = url.removeprefix("ws://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # byte by byte: read nothing past the handshake
    assert b" 101 " in head.split(b"\r\n", 1)[0]
    return sock


def wait_clients(sink: WsServerSink, n: int) -> None:
    deadline = time.monotonic() + 5
    while len(sink.clients) < n and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(sink.clients) == n


def test_a_critical_event_jumps_10000_queued_lows_and_clears_them():
    """The order, not the speed (benchmarks/bench_commentary.py measures the latency): a critical event
    emitted behind 10,000 queued low events reaches the client, the lows are cleared unspoken, and no low
    event emitted before a critical one is heard after it."""
    sink = WsServerSink("127.0.0.1", 0)
    # a long gap keeps the lows queued, as a speaking VTuber would: only urgent events may pass
    feed = Feed([sink], maxsize=20_000, gap_s=3600.0)
    client = Collector(sink.client_url)
    try:
        wait_clients(sink, 1)
        for run in range(3):
            for i in range(10_000):
                feed.emit(make_event("decision", background=BG, game_t=run, action=f"low {run}.{i}"))
            assert feed.queue.counts()["low"] >= 9_999
            before = feed.queue.stats.dropped_preempted
            feed.emit(make_event("death", background=BG, game_t=run, detail={"killer": "Blue", "run": run}))
            got = client.wait_for(lambda e, r=run: e["kind"] == "death" and e["detail"].get("run") == r, SAFETY_S)
            assert got is not None
            assert feed.queue.stats.dropped_preempted - before >= 9_999  # the queued chatter was cleared
            assert feed.queue.counts()["low"] == 0
        heard = [e for _, e in client.events]
        assert [e["kind"] for e in heard if e["priority"] == "critical"] == ["death"] * 3
        for i, e in enumerate(heard):
            if e["priority"] == "low":
                assert not any(x["seq"] > e["seq"] for x in heard[:i] if x["priority"] == "critical")
    finally:
        client.close()
        feed.close(timeout=0.5)


def lasting(kind: str, **fields) -> GameDecisionEvent:
    """An event that never expires: whether it is delivered must not depend on how fast this machine is."""
    e = make_event(kind, background=BG, game_t=0.0, **fields)
    e.expires_wall = e.expires_game = None
    return e


def test_a_client_that_stops_reading_delays_neither_the_others_nor_the_game():
    """The bounded-outbox contract, without timing: each client has its own outbox of `outbox` events;
    a client that keeps its outbox from filling receives every event in order, and a client that never
    reads loses its oldest events (its outbox never holds more than `outbox`), while `emit` returns at
    once and the other clients go on receiving. The emitter waits for the reading client after each
    burst (an event-driven wait, with a generous limit only as a safety net against a hang)."""
    size, burst, bursts = 256, 200, 10
    sink = WsServerSink("127.0.0.1", 0, outbox=size)
    feed = Feed([sink], maxsize=4096)
    stalled = stalled_client(sink.url, sink.token)
    good = Collector(sink.client_url)
    pad = "x" * 16_000  # 2000 events of 16 kB: 32 MB, far more than the stalled client's socket buffers hold
    accepted: list[bool] = []

    def game() -> None:  # the game thread: emits, and only ever waits for the *reading* client
        for b in range(bursts):
            for i in range(b * burst, (b + 1) * burst):
                accepted.append(feed.emit(lasting("task_done", task=f"t{i}", detail={"pad": pad, "i": i})))
            last = (b + 1) * burst - 1
            if good.wait_for(lambda e, last=last: e["detail"].get("i") == last, timeout=SAFETY_S) is None:
                return

    try:
        wait_clients(sink, 2)
        thread = threading.Thread(target=game, daemon=True)
        thread.start()
        thread.join(SAFETY_S * bursts)
        assert not thread.is_alive(), "emit or the reading client was held up by the client that stopped reading"
        assert len(accepted) == burst * bursts and all(accepted)
        got = [e["detail"]["i"] for _, e in good.events if e["kind"] == "task_done"]
        assert got == list(range(burst * bursts))  # the reading client lost nothing, in order
        (stalled_box,) = [box for ws, box in sink.clients.items() if ws is not good_ws(sink, good)]
        assert len(stalled_box.items) <= size  # memory per client stays bounded
        assert stalled_box.dropped > 0  # it fell behind and lost events: its oldest ones
        assert json.loads(stalled_box.items[-1])["detail"]["i"] == burst * bursts - 1  # the newest are kept
        print(f"stalled client: {stalled_box.dropped} dropped, {len(stalled_box.items)} waiting; "
              f"reading client: {len(got)} of {burst * bursts}")
    finally:
        good.close()
        stalled.close()
        feed.close(timeout=0.3)


def good_ws(sink: WsServerSink, client: Collector):
    """The server side connection of `client` (matched by its local port)."""
    port = client.ws.socket.getsockname()[1]
    return next(ws for ws in sink.clients if ws.remote_address[1] == port)


def refused_status(url: str, **kw) -> int | None:
    """The HTTP status a refused handshake got, or None if the connection was accepted."""
    try:
        with connect(url, open_timeout=5, **kw):
            pass
    except InvalidStatus as exc:
        return exc.response.status_code
    return None


def test_a_client_without_the_feed_token_is_refused():
    sink = WsServerSink("127.0.0.1", 0)  # localhost too: any local web page could connect otherwise
    feed = Feed([sink])
    try:
        assert sink.token and len(sink.token) >= 16
        assert refused_status(sink.url) == 401
        assert refused_status(sink.url + "/?token=wrong") == 401
        assert refused_status(sink.url, additional_headers={"Authorization": "Bearer wrong"}) == 401
        assert refused_status(sink.url, additional_headers={"Authorization": f"Bearer {sink.token}"}) is None
        ok = Collector(sink.client_url)
        wait_clients(sink, 1)
        feed.emit(make_event("meeting", background=BG, game_t=1.0, detail={"caller": "Blue"}))
        assert ok.wait_for(lambda e: e["kind"] == "meeting", SAFETY_S) is not None
        ok.close()
        assert sink.refused == 3
    finally:
        feed.close(timeout=0.3)
    assert WsServerSink("127.0.0.1", 0).token != WsServerSink("127.0.0.1", 0).token  # random per feed
    assert WsServerSink("127.0.0.1", 0, token="given").token == "given"


def test_a_browser_origin_is_refused_unless_allowed():
    sink = WsServerSink("127.0.0.1", 0, origins=["http://localhost:3000"])
    feed = Feed([sink])
    try:
        # a web page elsewhere that somehow has the token is still refused: browsers always send Origin
        assert refused_status(sink.client_url, origin="https://evil.example") == 403
        assert refused_status(sink.client_url, origin="null") == 403
        assert refused_status(sink.url, origin="http://localhost:3000") == 401  # allowed origin, no token
        assert refused_status(sink.client_url, origin="http://localhost:3000") is None
        assert refused_status(sink.client_url) is None  # no Origin: not a browser, the token is enough
        two = [("Origin", "http://localhost:3000"), ("Origin", "https://evil.example")]
        assert refused_status(sink.client_url, additional_headers=two) == 403
    finally:
        feed.close(timeout=0.3)


def _secret_game_events() -> list:
    bg = Background(map="skeld", role="impostor", player="Red")
    return [
        make_event("game_start", background=bg, game_t=0.0),
        make_event("decision", background=bg, game_t=1.0, action="Kill Blue", thought="Blue is alone, kill him"),
        make_event("kill", background=bg, game_t=2.0, detail={"victim": "Blue", "room": "Electrical"}),
        make_event("sabotage", background=bg, game_t=3.0, detail={"sabotage": "Reactor", "mine": True,
                                                                   "variant": "mine"}),
        make_event("meeting", background=bg, game_t=4.0, detail={"caller": "Green"}),
        make_event("thought", background=bg, game_t=5.0, thought="pin it on Green"),
    ]


def heard_from(sink: WsServerSink) -> list[dict]:
    feed = Feed([sink])
    client = Collector(sink.client_url)
    try:
        wait_clients(sink, 1)
        for e in _secret_game_events():  # one at a time: a critical event would clear a queued low one
            feed.emit(e)
            feed.flush(SAFETY_S)
        # a last event after the others: once it is heard, everything before it was sent (FIFO per client)
        feed.emit(make_event("game_end", background=BG, game_t=9.0, detail={"winner": "Crewmates"}))
        assert client.wait_for(lambda e: e["kind"] == "game_end", SAFETY_S) is not None
        return [e for _, e in client.events if e["kind"] != "game_end"]
    finally:
        client.close()
        feed.close(timeout=0.3)


def test_the_feed_hides_the_role_and_thoughts_by_default():
    hidden = heard_from(WsServerSink("127.0.0.1", 0))
    assert [e["kind"] for e in hidden] == ["game_start", "meeting"]  # own kill and sabotage, thoughts: dropped
    text = json.dumps(hidden).lower()
    assert "impostor" not in text and "kill" not in text and "alone" not in text and "green\"" in text
    assert all(e["background"]["role"] is None and e["thought"] is None for e in hidden)
    role = heard_from(WsServerSink("127.0.0.1", 0, secrets="role"))
    assert {e["kind"] for e in role} == {"game_start", "kill", "sabotage", "meeting"}
    assert "impostor" in json.dumps(role) and "alone" not in json.dumps(role)
    everything = heard_from(WsServerSink("127.0.0.1", 0, secrets="all"))
    assert {e["kind"] for e in everything} == {"game_start", "decision", "kill", "sabotage", "meeting", "thought"}
    assert "Blue is alone" in json.dumps(everything)


def test_two_ws_feeds_are_each_announced_with_their_own_token(tmp_path):
    p = subprocess.run([sys.executable, "-m", "amongus_agent", "simulate", "--seed", "2", "--json",
                        "--set", "max_game_s=30", "--out", str(tmp_path / "g.jsonl"),
                        "--feed", "ws:127.0.0.1:0", "--feed", "ws:127.0.0.1:0"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    lines = [line for line in p.stderr.splitlines() if line.startswith("commentary: ws://")]
    assert len(lines) == 2, p.stderr
    tokens = [re.search(r" token (\S+) ", line).group(1) for line in lines]
    ports = [re.search(r"ws://127\.0\.0\.1:(\d+)", line).group(1) for line in lines]
    assert len(set(tokens)) == 2 and len(set(ports)) == 2
    assert all(f"--token {t}" in line and f"?token={t}" in line for t, line in zip(tokens, lines, strict=True))
    assert all("shows secrets: none" in line for line in lines)
    assert "impostor" not in p.stderr.split("commentary:")[0]
    bad = subprocess.run([sys.executable, "-m", "amongus_agent", "simulate", "--feed", "ws", "--feed-secrets", "x"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--feed-secrets" in bad.stderr


def test_feed_tail_prints_events_and_fails_cleanly_without_a_server():
    sink = WsServerSink("127.0.0.1", 0)
    feed = Feed([sink])
    result: dict = {}

    def tail() -> None:
        result["r"] = CliRunner().invoke(app, ["feed", "tail", sink.url, "--json", "--count", "2"],
                                         env={"AMONGUS_FEED_TOKEN": sink.token})

    th = threading.Thread(target=tail)
    th.start()
    try:
        wait_clients(sink, 1)
        feed.emit(make_event("meeting", background=BG, game_t=5.0, detail={"caller": "Blue"}))
        feed.emit(make_event("eject", background=BG, game_t=9.0, detail={"variant": "nobody"}))
        th.join(10)
    finally:
        feed.close(timeout=0.3)
    r = result["r"]
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert [e["kind"] for e in lines] == ["meeting", "eject"] and lines[1]["text"]

    p = subprocess.run([sys.executable, "-m", "amongus_agent", "feed", "tail", "ws://127.0.0.1:9"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "cannot connect" in p.stderr


def test_feed_tail_without_the_token_says_so():
    sink = WsServerSink("127.0.0.1", 0)
    feed = Feed([sink])
    try:
        runs = [subprocess.run([sys.executable, "-m", "amongus_agent", "feed", "tail", sink.url, "--count", "1", *extra],
                               capture_output=True, text=True, timeout=60,
                               env={**os.environ, "AMONGUS_FEED_TOKEN": ""}) for extra in ([], ["--token", "wrong"])]
    finally:
        feed.close(timeout=0.3)
    for run in runs:
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert "HTTP 401" in run.stderr and "--token" in run.stderr
