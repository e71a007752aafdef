"""The commentary queue's rules, the narrator's templates and `--feed` parsing (no network)."""

from __future__ import annotations

import threading
import time

import pytest

from amongus_agent.agent.persona import Persona
from amongus_agent.commentary import Background, CommentaryQueue, Feed, GameDecisionEvent, Narrator, make_event
from amongus_agent.commentary.spec import parse_feed
from amongus_agent.errors import AmongUsError

BG = Background(map="skeld", role="crewmate", player="Yellow", persona="Nova")


def ev(kind: str, t: float = 0.0, **kw) -> GameDecisionEvent:
    return make_event(kind, background=BG, game_t=t, **kw)


def drain(q: CommentaryQueue) -> list[GameDecisionEvent]:
    out = []
    while (e := q.get(timeout=0)) is not None:
        out.append(e)
    return out


def test_urgent_events_jump_the_queue_and_clear_low_chatter():
    q = CommentaryQueue()
    lows = [ev("decision", action=f"a{i}") for i in range(5)]
    for e in lows:
        q.put(e)
    q.put(ev("task_done", task="Swipe Card"))  # medium: jumped, not dropped
    q.put(ev("meeting", detail={"caller": "Red"}))
    out = drain(q)
    assert [e.kind for e in out] == ["meeting", "task_done"]
    assert q.stats.dropped_preempted == 5
    q.put(ev("decision"))
    q.put(ev("sabotage"))  # high also clears low
    assert [e.kind for e in drain(q)] == ["sabotage"]


def test_same_priority_keeps_order_and_critical_before_high():
    q = CommentaryQueue()
    for i in range(3):
        q.put(ev("vote", detail={"target": str(i)}))
        q.put(ev("task_done", task=str(i)))
    q.put(ev("death"))
    out = drain(q)
    assert out[0].kind == "death"
    assert [e.detail["target"] for e in out if e.kind == "vote"] == ["0", "1", "2"]
    assert [e.task for e in out if e.kind == "task_done"] == ["0", "1", "2"]
    assert [e.priority for e in out] == ["critical", "high", "high", "high", "medium", "medium", "medium"]
    assert [e.seq for e in out[1:4]] == sorted(e.seq for e in out[1:4])


def test_stale_events_expire_by_wall_time_and_by_game_time():
    now = [1000.0]
    q = CommentaryQueue(clock=lambda: now[0])
    q.put(ev("task_done", t=10.0, wall_t=1000.0))  # lives 10 s wall, 8 s game
    q.put(ev("sabotage_fixed", t=10.0, wall_t=1000.0))
    now[0] = 1011.0
    assert q.get(timeout=0) is None and q.stats.dropped_expired == 2
    q.put(ev("task_done", t=10.0, wall_t=1011.0))
    q.advance(19.0)  # the game ran on 9 s while nobody spoke: too late
    assert q.get(timeout=0) is None and q.stats.dropped_expired == 3
    q.put(ev("game_end", t=19.0, wall_t=1011.0))
    q.advance(5000.0)
    assert q.get(timeout=0).kind == "game_end"  # the end of the game is never too late in game time


def test_queue_is_bounded_and_never_drops_urgent_for_chatter():
    q = CommentaryQueue(maxsize=100)
    for _ in range(20_000):
        q.put(ev("decision"))
    assert len(q) == 100 and q.stats.dropped_full == 19_900
    for _ in range(100):
        q.put(ev("meeting"))
    assert q.counts()["critical"] == 100 and len(q) == 100
    assert q.put(ev("task_done")) is False  # full of critical ones: the medium one is refused
    assert q.put(ev("death")) is True and len(q) == 100  # the oldest critical made room
    assert len(drain(q)) == 100


def test_get_wakes_when_an_event_arrives():
    """A waiting consumer is woken by the event, not by its timeout (60 s: only a safety net)."""
    q = CommentaryQueue()
    got: list[GameDecisionEvent | None] = []
    waiting = threading.Event()

    def consumer():
        waiting.set()
        got.append(q.get(timeout=60))

    th = threading.Thread(target=consumer)
    th.start()
    waiting.wait(10)
    q.put(ev("death"))
    th.join(60)
    assert not th.is_alive(), "the consumer slept through the event"
    assert got and got[0] is not None and got[0].kind == "death"  # woken with the event, not empty-handed


class SlowSink:
    """A consumer that cannot keep up: each send waits for the test to open its gate (a stuck model, a
    stuck socket). So the test shows emit does not wait for it, whatever the machine's speed."""

    name = "slow"
    needs_loop = False

    def __init__(self) -> None:
        self.events: list[GameDecisionEvent] = []
        self.gate = threading.Event()
        self.entered = threading.Event()

    def start(self, loop) -> None:
        pass

    def send(self, event) -> None:
        self.entered.set()
        self.gate.wait(60)
        self.events.append(event)

    def close(self, timeout: float = 2.0) -> None:
        self.gate.set()


def test_a_slow_consumer_never_slows_emitting():
    sink = SlowSink()
    feed = Feed([sink], maxsize=256)
    feed.emit(ev("decision", action="first"))
    assert sink.entered.wait(30), "the sink never got the first event"  # now it is stuck in send
    emitted = threading.Event()

    def emitter():
        for i in range(5000):
            feed.emit(ev("decision", action=str(i)))
        feed.emit(ev("death", detail={"killer": "Red"}))
        emitted.set()

    th = threading.Thread(target=emitter)
    th.start()
    th.join(60)  # a safety net: emit never waits for the stuck sink, so this returns as soon as emitting is done
    assert emitted.is_set() and not sink.gate.is_set(), "emit waited for a sink that was stuck"
    assert len(feed.queue) <= 256  # bounded while nobody reads
    before = len(sink.events)  # 0: the first event is still inside send
    sink.gate.set()  # the sink recovers: the urgent event is the next one it gets
    deadline = time.monotonic() + 30
    while len(sink.events) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    feed.close(timeout=0.2)
    kinds = [e.kind for e in sink.events[before:]]
    assert kinds[:2] == ["decision", "death"], kinds[:4]  # the stuck one finishes, then the urgent one


def test_narrator_templates_fill_fields_and_fall_back():
    nova = Persona(name="Nova", catchphrases=["Houston, we have a sus."])
    n = Narrator(nova)
    e = ev("meeting", detail={"caller": "Red", "victim": "Blue", "variant": "report"})
    line = n.narrate(e)
    assert "Red" in line and "Blue" in line
    assert "{" not in n.narrate(ev("eject", detail={"variant": "nobody"}))
    assert n.narrate(ev("task_done", task="Swipe Card")).count("Swipe Card") == 1
    long = n.narrate(ev("decision", thought="x " * 500, action="Wait"))
    assert len(long) <= n.max_chars

    class FailingLLM:
        def say(self, system, user, max_chars=100):
            assert "Nova" in system and "<<<" in user
            return None

    assert Narrator(nova, llm=FailingLLM()).narrate(e) == line  # the template stands in

    class LLM:
        def say(self, system, user, max_chars=100):
            return "Red found Blue! Houston, we have a sus."

    assert Narrator(nova, llm=LLM()).narrate(e) == "Red found Blue! Houston, we have a sus."


def test_feed_specs():
    assert parse_feed("ws").port == 8765 and parse_feed("ws").host == "127.0.0.1"
    s = parse_feed("ws:0.0.0.0:9000")
    assert (s.host, s.port) == ("0.0.0.0", 9000)
    assert parse_feed("ws:9001").port == 9001
    assert parse_feed("neuro").url is None
    assert parse_feed("neuro:ws://localhost:8000").url == "ws://localhost:8000"
    assert parse_feed("jsonl:-").path == "-"
    assert parse_feed("openllmvtuber:ws://h:12393/client-ws").kind == "openllmvtuber"
    for bad in ("tcp:1", "jsonl", "ws:host:notaport", "neuro:http://x"):
        with pytest.raises(AmongUsError):
            parse_feed(bad)
