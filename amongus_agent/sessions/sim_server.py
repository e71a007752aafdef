"""The simulator as a bridge server: a game in (scaled) real time, one TCP connection per agent seat.

A dry-run this way crosses a process boundary exactly as live play does: the agent sees frames
and sends inputs, nothing else. Bots play every other seat. Seats are handed out in connection
order; a seat whose client drops stands idle until a client connects again and takes it back.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..live.protocol import End, Event, Frame, Hello, Input, dump
from ..live.reader import LineReader
from ..recording import RecordingWriter
from ..sim.engine import Game
from ..sim.runner import GameResult, play
from ..sim.seat_view import SeatView
from ..sim.state import PlayerInput
from .seats import pick_seats

log = logging.getLogger(__name__)


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
    server: SimServer | None = None

    # the runner's Controller interface: the seat's input for this tick, and the tick's events
    def act(self) -> PlayerInput:
        return self.take()

    def witness(self, events: list[dict]) -> None:
        self.world.see_events(events)
        if self.server is not None:
            for e in self.world.perceived():  # the bridge seat is told what the player perceived
                self.server._send(self, Event(event=e))

    def take(self) -> PlayerInput:
        with self.lock:
            messages, self.pending = self.pending, []
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
                 host: str = "127.0.0.1", port: int = 7777, out: Path | None = None, wait_s: float = 30.0) -> None:
        self.game = game
        self.speed = speed
        self.wait_s = wait_s
        self.out = out
        seats = pick_seats(game, agents, role, random.Random(f"seats:{game.seed}"))
        self.links = {s: SeatLink(s, SeatView(game, s)) for s in seats}
        for link in self.links.values():
            link.server = self
        self._sock = socket.create_server((host, port))
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self.malformed = 0

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
            free = next((link for link in self.links.values() if link.conn is None), None)
            if free is None:
                conn.close()
                continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            free.conn = conn
            p = self.game.players[free.seat]
            self._send(free, Hello(seat=free.seat, name=p.name, map=self.game.map.name, tick_s=self.game.dt,
                                   player_speed=self.game.settings.player_speed))
            threading.Thread(target=self._read_loop, args=(free, conn), daemon=True).start()

    def _read_loop(self, link: SeatLink, conn: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                data = conn.recv(65536)
                if not data:
                    break
                for message in link.reader.feed(data):
                    if isinstance(message, Input):
                        with link.lock:
                            link.pending.append(message)
        except OSError:
            pass
        finally:
            if link.conn is conn:
                link.conn = None
                link.stick = (0.0, 0.0)

    def _send(self, link: SeatLink, message) -> None:
        conn = link.conn
        if conn is None:
            return
        try:
            conn.sendall(dump(message))
        except OSError:
            link.conn = None

    # ------------------------------------------------------------------ the game

    def serve(self, on_events=None) -> GameResult:
        """Wait for the agents' clients (up to `wait_s`), then play the game on the runner's one loop."""
        threading.Thread(target=self._accept_loop, daemon=True).start()
        deadline = time.monotonic() + self.wait_s
        while any(link.conn is None for link in self.links.values()) and time.monotonic() < deadline:
            time.sleep(0.02)
        game = self.game
        writer = RecordingWriter(self.out, game.header()) if self.out else None
        connected = False

        def send_frames(game, events) -> None:
            for link in self.links.values():
                self._send(link, Frame(**link.world.observe().model_dump()))

        def last_client_gone(game) -> bool:
            nonlocal connected
            live = any(link.conn is not None for link in self.links.values())
            connected = connected or live
            return game.settings.freeplay and connected and not live  # practice: over when the last client left

        try:
            send_frames(game, [])
            result = play(game, dict(self.links), sinks=[writer] if writer else [], on_events=on_events,
                          speed=self.speed, on_tick=send_frames, stop=last_client_gone)
            for link in self.links.values():
                self._send(link, End(winner=game.winner, reason=game.reason))
        finally:
            if writer:
                writer.close()
            self.close()
        self.malformed = sum(link.reader.malformed for link in self.links.values())
        return result

    def close(self) -> None:
        self._stop.set()
        for link in self.links.values():
            conn, link.conn = link.conn, None  # the reader thread may clear it at the same moment
            if conn is not None:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
        self._sock.close()


def open_sim_server(settings, seed: int, **options) -> SimServer:
    """A new seeded game of `settings`, served on the bridge (`options` as for `SimServer`)."""
    from ..sim.runner import new_game

    return SimServer(new_game(settings, seed), **options)
