"""The `ws` sink: a websocket server broadcasting every event as JSON text to every connected client.

A feed shows the agent's game, and any web page open in the streamer's browser can open a
websocket to localhost, so every client must show the feed's token (`?token=T` or
`Authorization: Bearer T`; a random one per feed unless one is given), and a browser — which always
sends an `Origin` header — is refused unless its origin is allowed (`origins`). Tools that are not
browsers send no `Origin` and only need the token. It listens on 127.0.0.1 unless told otherwise.
What it shows of the agent's secrets is `secrets` (commentary/privacy.py): by default neither its
role nor its thoughts. Each client has its own bounded outbox and sender task: a client that stops
reading loses its oldest events, never delays the others or the game.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ...errors import AmongUsError
from ..events import GameDecisionEvent
from ..privacy import LEVELS, Secrets, redact
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


def new_token() -> str:
    return secrets.token_urlsafe(16)


class WsServerSink:
    name = "ws"
    needs_loop = True

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
                 outbox: int = 256, origins: Iterable[str] = (), secrets: Secrets = "none") -> None:
        if secrets not in LEVELS:
            raise AmongUsError(f"--feed-secrets {secrets!r}: choose one of {', '.join(LEVELS)}")
        self.host, self.port = host, port
        self.token = token or new_token()
        self.origins = frozenset(o.rstrip("/") for o in origins)
        self.secrets: Secrets = secrets
        self.outbox_size = outbox
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: dict[Any, Outbox] = {}
        self._server: Any = None
        self.sent = 0
        self.refused = 0  # handshakes refused (no or wrong token, origin not allowed)

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

    @property
    def client_url(self) -> str:
        """The URL with the token, for clients that cannot set headers (a browser overlay)."""
        return f"{self.url}/?token={self.token}"

    def _check(self, connection: Any, request: Any) -> Any:
        origins = request.headers.get_all("Origin")  # a browser always sends one; other clients need not
        if any(o.rstrip("/") not in self.origins for o in origins) or len(origins) > 1:
            self.refused += 1
            return connection.respond(HTTPStatus.FORBIDDEN, "origin not allowed (see --feed-origin)\n")
        query = parse_qs(urlsplit(request.path).query)
        offered = (query.get("token") or [""])[0]
        auth = request.headers.get_all("Authorization")
        if len(auth) == 1 and auth[0].startswith("Bearer "):
            offered = auth[0][7:].strip()
        if offered and hmac.compare_digest(offered.encode(), self.token.encode()):
            return None
        self.refused += 1
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
        shown = redact(event, self.secrets)
        if shown is not None and self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._broadcast, shown.model_dump_json())

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
