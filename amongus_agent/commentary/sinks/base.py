"""What a sink is, and the reconnecting websocket client the Neuro and Open-LLM-VTuber sinks share.

`send()` is called on the feed's dispatcher thread and must return at once: network sinks only
hand the message to their asyncio task (on the feed's loop thread) through a bounded buffer, so a
slow or dead peer costs the game nothing. Clients reconnect with exponential backoff.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from typing import Any, Protocol

from ..events import GameDecisionEvent

log = logging.getLogger("amongus_agent.commentary")


class Sink(Protocol):
    name: str
    needs_loop: bool

    def start(self, loop: asyncio.AbstractEventLoop | None) -> None: ...

    def send(self, event: GameDecisionEvent) -> None: ...

    def close(self, timeout: float = 2.0) -> None: ...


class Outbox:
    """A bounded FIFO of text messages for one peer on the loop thread; full means the oldest goes."""

    def __init__(self, maxsize: int) -> None:
        self.items: deque[str] = deque(maxlen=maxsize)
        self.ready = asyncio.Event()
        self.dropped = 0

    def put(self, message: str) -> None:
        if len(self.items) == self.items.maxlen:
            self.dropped += 1
        self.items.append(message)
        self.ready.set()

    async def get(self) -> str:
        while not self.items:
            self.ready.clear()
            await self.ready.wait()
        return self.items.popleft()


class ReconnectingClient:
    """A websocket client that keeps reconnecting (backoff 0.25 s doubling to `max_backoff_s`)."""

    name = "client"
    needs_loop = True

    def __init__(self, url: str, *, outbox: int = 256, max_backoff_s: float = 10.0, open_timeout_s: float = 5.0) -> None:
        self.url = url
        self.max_backoff_s = max_backoff_s
        self.open_timeout_s = open_timeout_s
        self.outbox_size = outbox
        self.loop: asyncio.AbstractEventLoop | None = None
        self.outbox: Outbox | None = None
        self.connected = False
        self.connections = 0
        self._task: asyncio.Future | None = None
        self._ws: Any = None
        self._closing = False

    # ------------------------------------------------------------------ thread side

    def start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        assert loop is not None
        self.loop = loop
        asyncio.run_coroutine_threadsafe(self._init(), loop).result(5)
        self._task = asyncio.run_coroutine_threadsafe(self._run(), loop)

    async def _init(self) -> None:
        self.outbox = Outbox(self.outbox_size)

    def post(self, payload: dict) -> None:
        """Queue one JSON message for the peer, from any thread; never blocks."""
        message = json.dumps(payload)
        if self.loop is not None and self.outbox is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.outbox.put, message)

    def close(self, timeout: float = 2.0) -> None:
        if self.loop is None or self.loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._aclose(timeout), self.loop).result(timeout + 1)
        except Exception as exc:  # closing is best effort: the game is over either way
            log.debug("%s: close: %s", self.name, exc)

    # ------------------------------------------------------------------ loop side

    async def _aclose(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while self.connected and self.outbox is not None and self.outbox.items \
                and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)  # let what is queued go out first
        self._closing = True
        if self._task is not None:
            self._task.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def on_open(self, ws: Any) -> None:
        """Called after each (re)connection, before queued messages are sent."""

    async def on_message(self, ws: Any, message: str) -> None:
        """Called for every text message from the peer."""

    async def _run(self) -> None:
        from websockets.asyncio.client import connect

        backoff = 0.25
        while not self._closing:
            try:
                async with connect(self.url, open_timeout=self.open_timeout_s, max_size=2**22) as ws:
                    self._ws = ws
                    self.connected = True
                    self.connections += 1
                    backoff = 0.25
                    await self.on_open(ws)
                    await self._pump(ws)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("%s: %s: %s", self.name, self.url, exc)
            finally:
                self.connected = False
                self._ws = None
            if self._closing:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff_s)

    async def _pump(self, ws: Any) -> None:
        async def reader() -> None:
            async for message in ws:
                if isinstance(message, str):
                    await self.on_message(ws, message)

        async def writer() -> None:
            assert self.outbox is not None
            while True:
                message = await self.outbox.get()
                try:
                    await ws.send(message)
                except Exception:
                    self.outbox.items.appendleft(message)  # say it after reconnecting
                    raise

        tasks = [asyncio.ensure_future(reader()), asyncio.ensure_future(writer())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            for task in tasks:
                task.cancel()
