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
from amongus_agent.commentary.sinks import OpenLLMVTuberSink
from amongus_agent.recording import read_recording


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


def test_dry_run_game_writes_ordered_commentary(tmp_path):
    summary, events, rec = run_game(tmp_path, 3)
    assert len(summary["agents"]) == 1  # --feed without --agents narrates one agent seat
    seat = summary["agents"][0]["seat"]
    check_order(events)
    recording = read_recording(rec)
    meetings = sum(1 for e in recording.events if e.type == "meeting_start")
    ejects = sum(1 for e in recording.events if e.type == "eject")
    my_votes = sum(1 for e in recording.events if e.type == "vote" and e.voter == seat)
    kinds = [e.kind for e in events]
    assert kinds[0] == "game_start" and kinds.count("game_end") == 1
    assert [e.kind for e in events if e.priority == "critical"][-1] == "game_end"
    # every meeting and ejection is spoken, unless (on a starved machine at full simulation speed) it
    # went stale first, which is counted: the rules say stale lines expire instead of being said late
    expired = summary["commentary"]["dropped_expired"]
    assert meetings > 0 and kinds.count("meeting") <= meetings and kinds.count("eject") <= ejects
    assert (meetings - kinds.count("meeting")) + (ejects - kinds.count("eject")) <= expired
    assert kinds.count("vote") == my_votes
    assert {e.priority for e in events if e.kind in ("meeting", "eject", "game_end")} == {"critical"}
    assert {e.priority for e in events if e.kind == "decision"} == {"low"}
    assert all(e.background.player == summary["agents"][0]["name"] for e in events)
    assert summary["commentary"]["sent"] == len(events)


def test_paced_commentary_drops_stale_chatter_but_never_urgent_events(tmp_path):
    # a 50 ms gap between lines at full simulation speed: chatter piles up and must go
    summary, events, rec = run_game(tmp_path, 5, "--feed-gap", "0.05")
    stats = summary["commentary"]
    check_order(events)
    assert stats["dropped_preempted"] + stats["dropped_expired"] > 0
    assert stats["sent"] == len(events) < stats["put"]
    recording = read_recording(rec)
    kinds = [e.kind for e in events]
    meetings = sum(1 for e in recording.events if e.type == "meeting_start")
    # at full simulation speed a 50 ms gap is ~50 game seconds: even a meeting can go stale before it
    # is spoken, and stale lines expire (counted) rather than being said late; none is lost otherwise
    spoken = kinds.count("meeting")
    assert 1 <= spoken <= meetings
    assert spoken == meetings or stats["dropped_expired"] >= meetings - spoken
    assert stats["dropped_full"] == 0
    assert "game_end" in kinds


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
