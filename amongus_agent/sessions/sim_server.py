"""The simulator as a bridge server: a game in (scaled) real time, one TCP connection per agent seat.

A dry-run this way crosses a process boundary exactly as live play does: the agent sees frames
and sends inputs, nothing else. Bots play every other seat. A connection takes a seat only by
its handshake (`join`, with the token when the server has one), so a stray or hostile connection
holds nothing; a seat whose client drops stands idle until a client joins it again. Each client
has its own outbox and writer thread: a client that reads slowly or never loses its own frames,
and the game never waits for it.
"""

from __future__ import annotations

import hmac
import logging
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..live.limits import Limits
from ..live.protocol import End, Error, Event, Frame, Hello, Input, Join, dump
from ..live.reader import LineReader
from ..ports import Observation
from ..recording import RecordingWriter
from ..sim.engine import Game
from ..sim.runner import GameResult, play
from ..sim.screens.controls import Controls
from ..sim.seat_view import SeatView
from ..sim.state import PlayerInput
from .outbox import Outbox
from .seats import pick_seats

log = logging.getLogger(__name__)
MAX_PENDING = 8  # connections that have not joined yet; more evict the oldest
READ_CHUNK = 4096  # bytes read at a time: with the throttle, what one wakeup may cost
MAX_QUEUED_INPUTS = 64  # inputs a seat may have waiting for the next tick (one a frame is the protocol)


class Throttle:
    """Lines a connection may have parsed per wall second; over budget its reader sleeps.

    Sleeping instead of reading lets TCP push back on the sender, so a client flooding lines costs
    the server a bounded share of the CPU the game loop needs, whatever it sends.
    """

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.last = time.monotonic()

    def spend(self, lines: int, stop: threading.Event) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate) - lines
        self.last = now
        if self.tokens < 0:
            stop.wait(min(1.0, -self.tokens / self.rate))  # bounded: a deadline elsewhere still comes round


@dataclass(slots=True)
class SeatLink:
    """One agent seat: its view of the game, its client connection, and the input it sent last."""

    seat: int
    world: SeatView
    conn: socket.socket | None = None
    stick: tuple[float, float] = (0.0, 0.0)
    pending: list[Input] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    reader: LineReader = field(default_factory=LineReader)
    outbox: Outbox | None = None
    inputs_dropped: int = 0
    server: SimServer | None = None
    # a seat played through the screens window (sessions/screens.py): its input comes from there, not
    # the bridge; `screen` sees each tick's observation and returns the one the bridge frame carries
    controls: Controls | None = None
    screen: Callable[[Observation], Observation] | None = None

    # the runner's Controller interface: the seat's input for this tick, and the tick's events
    def act(self) -> PlayerInput:
        return self.take()

    def witness(self, events: list[dict]) -> None:
        self.world.see_events(events)
        if self.server is not None:
            for e in self.world.perceived():  # the bridge seat is told what the player perceived
                if self.controls is not None and e["type"] == "chat":
                    continue  # a screens seat reads the chat from pixels, as the real client's does
                self.server._send(self, Event(event=e))

    def take(self) -> PlayerInput:
        with self.lock:
            messages, self.pending = self.pending, []
        if self.controls is not None:
            return self.controls.take(self.world.game)  # the bridge's inputs for this seat are ignored
        out = PlayerInput(stick=self.stick)
        for m in messages:
            out.stick = self.stick = (max(-1.0, min(1.0, m.stick[0])), max(-1.0, min(1.0, m.stick[1])))
            if "use" in m.buttons:
                out.use = True
            if "report" in m.buttons:
                out.report = True
            if "kill" in m.buttons:
                out.kill = m.kill_target if m.kill_target is not None else True
            if m.vent is not None:
                out.vent = m.vent
            if m.vent_to is not None:
                out.vent_to = m.vent_to
            if m.sabotage is not None:
                out.sabotage, out.sabotage_room = m.sabotage, m.sabotage_room
            if m.chat:
                out.chat = m.chat
            if m.vote is not None:
                out.vote = m.vote
        return out


class SimServer:
    def __init__(self, game: Game, *, agents: int = 1, role: str = "random", speed: float = 1.0,
                 host: str = "127.0.0.1", port: int = 7777, out: Path | None = None, wait_s: float = 30.0,
                 token: str | None = None, handshake_s: float = 5.0, drain_s: float = 2.0) -> None:
        self.game = game
        self.speed = speed
        self.wait_s = wait_s
        self.out = out
        self.token = token
        self.handshake_s = handshake_s
        self.drain_s = drain_s
        seats = pick_seats(game, agents, role, random.Random(f"seats:{game.seed}"))
        self.links = {s: SeatLink(s, SeatView(game, s), reader=LineReader(Limits.for_server(len(game.players))))
                      for s in seats}
        for link in self.links.values():
            link.server = self
        self._sock = socket.create_server((host, port))
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._seating = threading.Lock()  # one handshake at a time takes a seat
        self._pending: deque[socket.socket] = deque()  # connections yet to join, oldest first
        self.malformed = 0
        self.handshake_malformed = 0  # malformed lines before a join
        self.refused = 0  # handshakes refused (bad token, seat taken, no join in time...)
        self.frames_dropped = 0  # frames a slow reader never got (newer ones replaced them)
        self.undelivered: list[int] = []  # seats whose client never took the end of the game

    # ------------------------------------------------------------------ connections

    def _accept_loop(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._seating:
                self._pending.append(conn)
                while len(self._pending) > MAX_PENDING:  # a crowd of silent connections: the oldest goes
                    _cut(self._pending.popleft())
            threading.Thread(target=self._client, args=(conn,), daemon=True, name="bridge-client").start()

    def _client(self, conn: socket.socket) -> None:
        """One connection: the handshake, then its input lines until it closes. Survives any line."""
        reader = LineReader(Limits.for_server(len(self.game.players)))
        link = None
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            link = self._handshake(conn, reader)
            if link is None:
                return
            # one input a frame is the protocol; twice that, and a burst, is room enough for any client
            throttle = Throttle(rate=2 * self.speed / self.game.dt + 20, burst=MAX_QUEUED_INPUTS)
            while not self._stop.is_set():
                data = conn.recv(READ_CHUNK)
                if not data:
                    break
                before = link.reader.read
                for message in link.reader.feed(data):
                    if isinstance(message, Input):
                        with link.lock:
                            if len(link.pending) >= MAX_QUEUED_INPUTS:  # a flood: the oldest go
                                del link.pending[0]
                                link.inputs_dropped += 1
                            link.pending.append(message)
                throttle.spend(link.reader.read - before, self._stop)
        except OSError:
            pass
        finally:
            with self._seating:
                if conn in self._pending:
                    self._pending.remove(conn)
            if link is not None and link.conn is conn:
                self._unseat(link)
            elif link is None:
                _cut(conn)

    def _handshake(self, conn: socket.socket, reader: LineReader) -> SeatLink | None:
        """Read lines until a `join` (or the time is up); seat the client or tell it why not."""
        deadline = time.monotonic() + self.handshake_s
        throttle = Throttle(rate=20, burst=20)  # a join is one line
        join = None
        while join is None:
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.is_set():
                self.handshake_malformed += reader.malformed
                return self._refuse(conn, f"no join within {self.handshake_s:g} s (see docs/bridge.md)", fatal=False)
            conn.settimeout(left)
            try:
                data = conn.recv(READ_CHUNK)
            except TimeoutError:
                continue
            if not data:
                return None
            before = reader.read
            for message in reader.feed(data):
                if isinstance(message, Join):
                    join = message
                    break
            throttle.spend(reader.read - before, self._stop)
        self.handshake_malformed += reader.malformed
        if self.token is not None and not hmac.compare_digest((join.token or "").encode(), self.token.encode()):
            return self._refuse(conn, "wrong or missing token (sim-server --token)")
        with self._seating:
            link, why, fatal = self._pick(join)
            if link is not None:
                self._seat(link, conn, reader, join)
        if link is None:
            return self._refuse(conn, why, fatal)  # outside the lock: a slow refusal holds up nobody
        log.info("bridge: seat %d joined", link.seat)
        return link

    def _seat(self, link: SeatLink, conn: socket.socket, reader: LineReader, join: Join) -> None:
        """Give `link` to this connection (under the seating lock): its outbox, then its hello."""
        if conn in self._pending:
            self._pending.remove(conn)
        conn.settimeout(None)
        link.reader.reset()
        link.pending.extend(m for m in link.reader.feed(reader.rest()) if isinstance(m, Input))  # sent with the join
        outbox = Outbox(conn, backlog=join.backlog, label=f"seat {link.seat}")
        p = self.game.players[link.seat]
        outbox.message(dump(Hello(seat=link.seat, name=p.name, map=self.game.map.name, tick_s=self.game.dt,
                                  player_speed=self.game.settings.player_speed, players=len(self.game.players))))
        link.outbox, link.conn = outbox, conn  # the hello is queued before the game can queue a frame

    def _pick(self, join: Join) -> tuple[SeatLink | None, str, bool]:
        """The seat a join asks for, or why not and whether asking again could ever help."""
        served = sorted(self.links)
        if join.seat is not None:
            link = self.links.get(join.seat)
            if link is None:
                return None, f"seat {join.seat} is not served here (served: {served})", True
        elif join.name is not None:
            link = next((self.links[s] for s in served if self.game.players[s].name.lower() == join.name.lower()),
                        None)
            if link is None:
                return None, f"no served seat plays {join.name!r} (served: {served})", True
        else:
            link = next((self.links[s] for s in served if self.links[s].conn is None), None)
            if link is None:
                return None, f"every served seat is taken ({served})", False
        if link.conn is not None:  # perhaps by our own last connection, not yet seen closing: worth a retry
            return None, f"seat {link.seat} is taken by another client", False
        return link, "", False

    def _refuse(self, conn: socket.socket, why: str, fatal: bool = True) -> None:
        self.refused += 1
        log.warning("bridge: refused a client: %s", why)
        try:
            conn.settimeout(1.0)
            conn.sendall(dump(Error(message=why, fatal=fatal)))
        except OSError:
            pass
        _cut(conn)
        return None

    def _unseat(self, link: SeatLink) -> None:
        with self._seating:
            outbox, link.conn, link.outbox = link.outbox, None, None
            link.stick = (0.0, 0.0)
        if outbox is not None:
            self.frames_dropped += outbox.dropped
            outbox.close()

    def _send(self, link: SeatLink, message) -> None:
        outbox = link.outbox
        if outbox is None:
            return
        if isinstance(message, Frame):
            outbox.frame(dump(message))
        else:
            outbox.message(dump(message))

    # ------------------------------------------------------------------ the game

    def serve(self, on_events=None) -> GameResult:
        """Wait for the agents' clients (up to `wait_s`), then play the game on the runner's one loop."""
        threading.Thread(target=self._accept_loop, daemon=True).start()
        deadline = time.monotonic() + self.wait_s
        while (any(link.conn is None for link in self.links.values()) and time.monotonic() < deadline
               and not self._stop.is_set()):
            time.sleep(0.02)
        game = self.game
        writer = RecordingWriter(self.out, game.header()) if self.out else None
        connected = False

        def send_frames(game, events) -> None:
            for link in self.links.values():
                obs = link.world.observe()
                if link.screen is not None:
                    obs = link.screen(obs)
                self._send(link, Frame(**obs.model_dump()))

        def last_client_gone(game) -> bool:
            nonlocal connected
            live = any(link.conn is not None for link in self.links.values())
            connected = connected or live
            return game.settings.freeplay and connected and not live  # practice: over when the last client left

        try:
            send_frames(game, [])
            result = play(game, dict(self.links), sinks=[writer] if writer else [], on_events=on_events,
                          speed=self.speed, on_tick=send_frames, stop=lambda g: self._stop.is_set() or last_client_gone(g))
            for link in self.links.values():
                self._send(link, End(winner=game.winner, reason=game.reason))
        finally:
            if writer:
                writer.close()
            self.close()
        self.malformed = self.handshake_malformed + sum(link.reader.malformed for link in self.links.values())
        return result

    def close(self) -> None:
        """Stop serving; every client gets up to `drain_s` to take what it is owed (the end), then is cut."""
        already = self._stop.is_set()
        self._stop.set()
        self._sock.close()
        if already:
            return
        deadline = time.monotonic() + self.drain_s
        for link in self.links.values():
            with self._seating:
                outbox, conn, link.outbox, link.conn = link.outbox, link.conn, None, None
            if outbox is not None:
                if not outbox.close(max(0.0, deadline - time.monotonic())):
                    self.undelivered.append(link.seat)
                    log.warning("bridge: seat %d did not take the end of the game (%s)", link.seat,
                                outbox.failed or "not reading")
                self.frames_dropped += outbox.dropped
            if conn is not None:
                _cut(conn)
        with self._seating:
            for conn in self._pending:
                _cut(conn)
            self._pending.clear()


def _cut(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


def open_sim_server(settings, seed: int, *, host: str = "127.0.0.1", token: str | None = None,
                    **options) -> tuple[SimServer, bool]:
    """A new seeded game of `settings`, served on the bridge (`options` as for `SimServer`).

    Off localhost a token is required: without one given (or in AMONGUS_BRIDGE_TOKEN) one is made up;
    the second value says so, so the caller shows it once.
    """
    import ipaddress
    import os
    import secrets

    from ..sim.runner import new_game

    token = token or os.environ.get("AMONGUS_BRIDGE_TOKEN") or None
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    made_up = token is None and not local
    if made_up:
        token = secrets.token_urlsafe(16)
    return SimServer(new_game(settings, seed), host=host, token=token, **options), made_up
