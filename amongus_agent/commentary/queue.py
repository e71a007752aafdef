"""The commentary queue: bounded, by priority, urgent events first, stale ones never said.

A VTuber needs seconds to say a line while the game makes many events a second, so chatter piles
up. The rules (the seed design's): critical and high events go out before anything queued and
drop the queued low events (what was low is stale once something urgent happens); events of one
priority keep their order; an event past its expiry (wall time, or game time as the emitter
advances it) is discarded instead of spoken late; the queue holds at most `maxsize` events, making
room by dropping the oldest of the least urgent. `put` is O(1) apart from that clearing, never
blocks on a consumer, and is safe from any thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from .events import PRIORITIES, RANK, GameDecisionEvent

URGENT = RANK["high"]  # critical and high preempt


@dataclass(slots=True)
class QueueStats:
    put: int = 0
    got: int = 0
    dropped_preempted: int = 0  # low events cleared by a critical or high one
    dropped_expired: int = 0
    dropped_full: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"put": self.put, "got": self.got, "dropped_preempted": self.dropped_preempted,
                "dropped_expired": self.dropped_expired, "dropped_full": self.dropped_full}


class CommentaryQueue:
    def __init__(self, maxsize: int = 1024, clock=time.time) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._clock = clock
        self._lanes: list[deque[GameDecisionEvent]] = [deque() for _ in PRIORITIES]
        self._size = 0
        self._seq = 0
        self._game_t: float | None = None
        self._closed = False
        self._cond = threading.Condition()
        self.stats = QueueStats()

    def __len__(self) -> int:
        return self._size

    def counts(self) -> dict[str, int]:
        with self._cond:
            return {p: len(lane) for p, lane in zip(PRIORITIES, self._lanes, strict=True)}

    def advance(self, game_t: float) -> None:
        """The game's clock as the emitter last saw it: events past `expires_game` are stale."""
        self._game_t = game_t

    def put(self, event: GameDecisionEvent) -> bool:
        """Queue `event` (its `seq` is set here). False when it was refused because the queue is full of more urgent ones."""
        rank = RANK[event.priority]
        with self._cond:
            if self._closed:
                return False
            self._seq += 1
            event.seq = self._seq
            self.stats.put += 1
            if rank <= URGENT:
                low = self._lanes[RANK["low"]]
                self.stats.dropped_preempted += len(low)
                self._size -= len(low)
                low.clear()
            if self._size >= self.maxsize and not self._make_room(rank):
                self.stats.dropped_full += 1
                return False
            self._lanes[rank].append(event)
            self._size += 1
            self._cond.notify()
            return True

    def _make_room(self, rank: int) -> bool:
        for lane in reversed(self._lanes[rank:]):  # the least urgent lane first, never a more urgent one
            if lane:
                lane.popleft()
                self._size -= 1
                self.stats.dropped_full += 1
                return True
        return False

    def get(self, timeout: float | None = None, max_rank: int = RANK["low"]) -> GameDecisionEvent | None:
        """The most urgent live event (only ranks <= max_rank), waiting up to `timeout`; None on timeout or once closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._closed:  # what is left after close is not said (close flushes first)
                    return None
                event = self._pop(max_rank)
                if event is not None:
                    return event
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)

    def _pop(self, max_rank: int) -> GameDecisionEvent | None:
        now = self._clock()
        for lane in self._lanes[:max_rank + 1]:
            while lane:
                event = lane.popleft()
                self._size -= 1
                if event.expired(now, self._game_t):
                    self.stats.dropped_expired += 1
                    continue
                self.stats.got += 1
                return event
        return None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
