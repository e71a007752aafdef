"""The commentary feed: emitter -> queue -> dispatcher thread -> narrator -> sinks.

The game thread only ever calls `emit` (O(1), never blocks, never awaits). A dispatcher thread
takes the most urgent live event, narrates it and hands it to every sink; websocket sinks run on
an asyncio loop in one more background thread. `gap_s` paces lines for a speaking consumer: after
a line, only critical and high events go out until the gap has passed (the rest wait and may
expire), which is what keeps a VTuber's commentary level with the game.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from .events import PRIORITIES, RANK, GameDecisionEvent
from .narrator import Narrator
from .queue import URGENT, CommentaryQueue
from .sinks import Sink

log = logging.getLogger("amongus_agent.commentary")


class LoopThread:
    """An asyncio event loop running forever in a daemon thread, for the websocket sinks."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="commentary-loop", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def stop(self, timeout: float = 2.0) -> None:
        if self.loop.is_closed():
            return

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(_cancel_all(), self.loop).result(timeout)
        except Exception as exc:
            log.debug("loop stop: %s", exc)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.loop.close()


class Feed:
    def __init__(self, sinks: Iterable[Sink], narrator: Narrator | None = None, *, maxsize: int = 1024,
                 gap_s: float = 0.0) -> None:
        self.sinks = list(sinks)
        self.narrator = narrator or Narrator()
        self.queue = CommentaryQueue(maxsize)
        self.gap_s = gap_s
        self.sent = 0
        self.dropped_late = 0  # expired while being narrated
        self._flushing = False
        self._done = 0  # events taken from the queue and fully handled
        self.waits_cut = 0  # waits in `wait_said` that reached their time limit
        self._in_hand = len(PRIORITIES)  # the rank of the event the dispatcher is handling (none: past the last)
        self._loop: LoopThread | None = LoopThread() if any(s.needs_loop for s in self.sinks) else None
        started: list[Sink] = []
        try:
            for sink in self.sinks:
                sink.start(self._loop.loop if self._loop else None)
                started.append(sink)
        except BaseException:
            for sink in started:
                sink.close(0.2)
            if self._loop:
                self._loop.stop()
            raise
        self._thread = threading.Thread(target=self._dispatch_loop, name="commentary", daemon=True)
        self._thread.start()

    def sink(self, name: str) -> Any:
        return next((s for s in self.sinks if s.name == name), None)

    # ------------------------------------------------------------------ game thread

    def emit(self, event: GameDecisionEvent) -> bool:
        """Queue an event; returns at once (False if the queue refused it)."""
        self.queue.advance(event.game_t)
        return self.queue.put(event)

    def wait_said(self, timeout: float = 5.0) -> bool:
        """Block until every queued event but the low chatter has been said (True), or `timeout` passed
        (False); with a pacing gap, only critical and high ones (the rest wait for the gap by design).

        Called from the game thread only by a game that runs unpaced: there game time races ahead of
        any narrator, so without this wait a meeting or a vote would go stale before it is said, and
        what the feed says would depend on how busy the machine is."""
        max_rank = URGENT if self.gap_s > 0 else RANK["medium"]
        deadline = time.monotonic() + timeout
        q = self.queue
        while not q.closed:
            counts = q.counts()
            if not any(counts[p] for p in PRIORITIES[:max_rank + 1]) and self._in_hand > max_rank:
                return True
            if time.monotonic() >= deadline:
                self.waits_cut += 1
                return False
            time.sleep(0.001)
        return True

    # ------------------------------------------------------------------ dispatcher thread

    def _dispatch_loop(self) -> None:
        q = self.queue
        while True:
            event = q.get(timeout=0.25)
            if event is None:
                if q.closed:
                    return
                continue
            self._dispatch(event)
            deadline = time.monotonic() + self.gap_s
            while not self._flushing and not q.closed and (left := deadline - time.monotonic()) > 0:
                urgent = q.get(timeout=min(left, 0.25), max_rank=URGENT)  # critical and high never wait for the gap
                if urgent is not None:
                    self._dispatch(urgent)

    def _dispatch(self, event: GameDecisionEvent) -> None:
        self._in_hand = RANK[event.priority]
        try:
            self._handle(event)
        finally:
            self._done += 1
            self._in_hand = len(PRIORITIES)

    def _handle(self, event: GameDecisionEvent) -> None:
        try:
            event.text = self.narrator.narrate(event)
        except Exception as exc:  # a broken template or model must not stop the commentary
            log.debug("narrate: %s", exc)
            event.text = event.kind.replace("_", " ")
        if RANK[event.priority] > URGENT and event.expired(time.time(), None):
            self.dropped_late += 1  # narrating took too long: now it would be said late
            return
        for sink in self.sinks:
            try:
                sink.send(event)
            except Exception as exc:
                log.debug("sink %s: %s", sink.name, exc)
        self.sent += 1

    # ------------------------------------------------------------------ end

    def flush(self, timeout: float = 2.0) -> None:
        """Let queued (still live) events go out, without the pacing gap, for at most `timeout`."""
        self._flushing = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (len(self.queue) > 0 or self._done < self.queue.stats.got):
            time.sleep(0.005)

    def close(self, timeout: float = 2.0) -> None:
        self.flush(timeout)
        self.queue.close()
        self._thread.join(timeout)
        for sink in self.sinks:
            sink.close(timeout)
        if self._loop is not None:
            self._loop.stop(timeout)

    def stats(self) -> dict:
        return {**self.queue.stats.as_dict(), "sent": self.sent, "dropped_late": self.dropped_late,
                "waits_cut": self.waits_cut}

    def __enter__(self) -> Feed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
