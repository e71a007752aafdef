"""The `ws` sink: a websocket server broadcasting every event as JSON text to every connected client.

Localhost only by default. Bound to any other address it asks for a token (`?token=...` or
`Authorization: Bearer ...`), so an overlay on the LAN can listen but a stranger cannot. Each
client has its own bounded outbox and sender task: a client that stops reading loses its oldest
events, never delays the others or the game.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ...errors import AmongUsError
from ..events import GameDecisionEvent
from .base import Outbox

log = logging.getLogger("amongus_agent.commentary")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WsServerSink:
    name = "ws"
    needs_loop = True

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
                 outbox: int = 256) -> None:
        self.host, self.port = host, port
        self.token = token if token else (None if is_loopback(host) else secrets.token_urlsafe(16))
        self.outbox_size = outbox
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: dict[Any, Outbox] = {}
        self._server: Any = None
        self.sent = 0

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        assert loop is not None
        self.loop = loop
        try:
            asyncio.run_coroutine_threadsafe(self._start(), loop).result(5)
        except OSError as exc:
            raise AmongUsError(f"--feed ws: cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None

    async def _start(self) -> None:
        from websockets.asyncio.server import serve

        self._server = await serve(self._handler, self.host, self.port, process_request=self._check,
                                   max_size=2**16, ping_interval=20)
        self.port = self._server.sockets[0].getsockname()[1]  # port 0 picks a free one

    def _check(self, connection: Any, request: Any) -> Any:
        if self.token is None:
            return None
        query = parse_qs(urlsplit(request.path).query)
        offered = (query.get("token") or [""])[0]
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            offered = auth[7:]
        if offered and hmac.compare_digest(offered, self.token):
            return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "token required\n")

    async def _handler(self, ws: Any) -> None:
        box = Outbox(self.outbox_size)
        self.clients[ws] = box

        async def drain_incoming() -> None:  # clients only listen; whatever they send is ignored
            async for _ in ws:
                pass

        reader = asyncio.ensure_future(drain_incoming())
        try:
            while not reader.done():
                getter = asyncio.ensure_future(box.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                await ws.send(getter.result())
        except Exception as exc:  # a client going away is normal
            log.debug("ws client: %s", exc)
        finally:
            reader.cancel()
            self.clients.pop(ws, None)

    def send(self, event: GameDecisionEvent) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._broadcast, event.model_dump_json())

    def _broadcast(self, message: str) -> None:
        self.sent += 1
        for box in self.clients.values():
            box.put(message)

    def close(self, timeout: float = 2.0) -> None:
        if self.loop is None or self.loop.is_closed() or self._server is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._aclose(timeout), self.loop).result(timeout + 2)
        except Exception as exc:
            log.debug("ws close: %s", exc)

    async def _aclose(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while any(box.items for box in self.clients.values()) and loop.time() < deadline:
            await asyncio.sleep(0.01)  # flush what clients are still reading
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), max(0.1, deadline - loop.time() + 1))
