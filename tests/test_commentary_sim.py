"""A dry-run game narrated to a JSONL file through the command line, and the Open-LLM-VTuber sink."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

from typer.testing import CliRunner
from websockets.asyncio.server import serve

from amongus_agent.cli import app
from amongus_agent.commentary import Background, Feed, GameDecisionEvent, make_event
from amongus_agent.commentary.events import RANK
from amongus_agent.commentary.narrator import Narrator
from amongus_agent.commentary.sinks import JsonlSink, OpenLLMVTuberSink
from amongus_agent.recording import RecordingWriter, read_recording
from amongus_agent.sessions.feed import attach_feed
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings


def run_game(tmp_path: Path, seed: int, *extra: str) -> tuple[dict, list[GameDecisionEvent], Path]:
    feed_file, rec = tmp_path / f"feed-{seed}.jsonl", tmp_path / f"game-{seed}.jsonl"
    r = CliRunner().invoke(app, ["simulate", "--seed", str(seed), "--json", "--out", str(rec),
                                 "--feed", f"jsonl:{feed_file}", *extra])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.splitlines()[-1])
    events = [GameDecisionEvent.model_validate_json(line) for line in feed_file.read_text().splitlines()]
    return summary, events, rec


def check_order(events: list[GameDecisionEvent]) -> None:
    """Same priority in emission order; nothing low emitted before an urgent event is said after it."""
    last: dict[str, int] = {}
    for e in events:
        assert e.seq > last.get(e.priority, 0), f"{e.priority} out of order at seq {e.seq}"
        last[e.priority] = e.seq
        assert e.text and "{" not in e.text
    for i, urgent in enumerate(events):
        if RANK[urgent.priority] <= RANK["high"]:
            late = [e.seq for e in events[i + 1:] if e.priority == "low" and e.seq < urgent.seq]
            assert not late, f"low events {late} said after {urgent.kind} #{urgent.seq}"


def narrated_game(tmp_path: Path, seed: int, gap_s: float = 0.0) -> tuple[dict, list[GameDecisionEvent], Path, int]:
    """One game narrated to a JSONL file, wired as `simulate --feed jsonl:FILE` wires it: unpaced, so
    the game waits (event-driven) until the feed has said the urgent lines of each batch; however slow
    this machine, nothing urgent can go stale, so every such line must be said."""
    feed_file, rec = tmp_path / f"feed-{seed}.jsonl", tmp_path / f"game-{seed}.jsonl"
    g = new_game(GameSettings(), seed)
    seats = agent_seats(g, agents=1)
    (sid, seat), = seats.items()
    feed = Feed([JsonlSink(feed_file)], Narrator(), gap_s=gap_s)
    try:
        attach_feed(feed, seat.agent, seat.world.observe(), g.map, unpaced=True)
        with RecordingWriter(rec, g.header()) as writer:
            play(g, controllers=seats, sinks=[writer])
    finally:
        seat.close()
        feed.close()
    events = [GameDecisionEvent.model_validate_json(line) for line in feed_file.read_text().splitlines()]
    return feed.stats(), events, rec, sid


def test_dry_run_game_writes_ordered_commentary(tmp_path):
    stats, events, rec, seat = narrated_game(tmp_path, 3)
    assert stats["waits_cut"] == 0  # every wait ended because the feed was done, not at its time limit
    check_order(events)
    recording = read_recording(rec)
    meetings = sum(1 for e in recording.events if e.type == "meeting_start")
    ejects = sum(1 for e in recording.events if e.type == "eject")
    my_votes = sum(1 for e in recording.events if e.type == "vote" and e.voter == seat)
    kinds = [e.kind for e in events]
    assert kinds[0] == "game_start" and kinds.count("game_end") == 1
    assert [e.kind for e in events if e.priority == "critical"][-1] == "game_end"
    # every meeting, ejection and own vote is said, exactly once: none may expire unspoken
    assert meetings > 0 and kinds.count("meeting") == meetings and kinds.count("eject") == ejects
    assert my_votes > 0 and kinds.count("vote") == my_votes
    assert {e.priority for e in events if e.kind in ("meeting", "eject", "game_end")} == {"critical"}
    assert {e.priority for e in events if e.kind == "decision"} == {"low"}
    assert all(e.background.player == events[0].background.player for e in events)
    assert stats["sent"] == len(events)


def test_simulate_with_a_jsonl_feed_narrates_one_agent_seat(tmp_path):
    summary, events, _ = run_game(tmp_path, 3)
    assert len(summary["agents"]) == 1  # --feed without --agents narrates one agent seat
    check_order(events)
    assert events[0].kind == "game_start" and [e.kind for e in events].count("game_end") == 1
    assert all(e.background.player == summary["agents"][0]["name"] for e in events)
    assert summary["commentary"]["sent"] == len(events)


def test_paced_commentary_drops_stale_chatter_but_never_urgent_events(tmp_path):
    # a gap longer than the game: after the first line only critical and high events may pass, so the
    # low chatter piles up and must be dropped (cleared by urgent events or gone stale), never said late
    stats, events, rec, seat = narrated_game(tmp_path, 5, gap_s=3600.0)
    assert stats["waits_cut"] == 0
    check_order(events)
    assert stats["dropped_preempted"] > 0  # urgent events cleared the queued chatter
    assert stats["sent"] == len(events) < stats["put"]
    assert stats["dropped_full"] == 0
    recording = read_recording(rec)
    kinds = [e.kind for e in events]
    meetings = sum(1 for e in recording.events if e.type == "meeting_start")
    ejects = sum(1 for e in recording.events if e.type == "eject")
    assert meetings > 0 and kinds.count("meeting") == meetings and kinds.count("eject") == ejects
    assert kinds.count("game_end") == 1


def test_simulate_feed_gap_flag_paces_the_commentary(tmp_path):
    summary, events, _ = run_game(tmp_path, 5, "--feed-gap", "3600")
    stats = summary["commentary"]
    check_order(events)
    assert stats["dropped_preempted"] + stats["dropped_expired"] > 0 and stats["sent"] == len(events) < stats["put"]
    assert "game_end" in [e.kind for e in events]


def test_openllmvtuber_gets_text_input_and_an_interrupt_before_critical_lines():
    got: list[dict] = []
    loop = asyncio.new_event_loop()
    th = threading.Thread(target=loop.run_forever, daemon=True)
    th.start()

    async def handler(ws):
        await ws.send(json.dumps({"type": "full-text", "text": "Connection established"}))  # chatter to ignore
        async for raw in ws:
            got.append(json.loads(raw))

    async def start():
        return await serve(handler, "127.0.0.1", 0)

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(5)
    port = server.sockets[0].getsockname()[1]
    sink = OpenLLMVTuberSink(f"ws://127.0.0.1:{port}/client-ws")
    feed = Feed([sink])
    try:
        deadline = time.monotonic() + 5
        while not sink.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        bg = Background(player="Red", role="crewmate")
        feed.emit(make_event("task_done", background=bg, game_t=1.0, task="Swipe Card"))
        feed.flush(1.0)
        feed.emit(make_event("death", background=bg, game_t=2.0, detail={"killer": "Blue"}))
        while len(got) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        feed.close(timeout=0.5)

        async def stop():
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        th.join(5)
    assert [m["type"] for m in got] == ["text-input", "interrupt-signal", "text-input"]
    assert "Swipe Card" in got[0]["text"] and "Blue" in got[2]["text"]
