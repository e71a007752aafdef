"""The bridge: protocol, a fuzzed reader, the simulator as a server, and `play` across processes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from amongus_agent.live.client import BridgeWorld
from amongus_agent.live.protocol import Input, dump, json_schema, parse_line
from amongus_agent.live.reader import LineReader
from amongus_agent.recording import check_invariants, read_recording
from amongus_agent.sessions.play import device_actuator, play_bridge
from amongus_agent.sessions.sim_server import SimServer
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.settings import GameSettings

REPO = Path(__file__).resolve().parents[1]
VALID = dump(Input(stick=(0.5, -0.5), buttons=["use"], chat="hi"))


def test_messages_round_trip_and_unknown_fields_are_ignored():
    message = parse_line(VALID)
    assert isinstance(message, Input) and message.buttons == ["use"]
    raw = json.loads(VALID)
    raw["from_the_future"] = {"x": 1}
    assert parse_line(json.dumps(raw)) == message


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=200), st.just(VALID), st.sampled_from([VALID[:k] for k in range(len(VALID))]),
                          st.text(max_size=80).map(str.encode)), max_size=20))
def test_fuzzed_lines_never_crash_the_reader(chunks):
    reader = LineReader()
    good = 0
    for chunk in chunks:
        for message in reader.feed(chunk + b"\n"):
            good += 1
            assert message.type in ("hello", "frame", "end", "input")
    assert good + reader.malformed <= reader.read
    assert reader.read == good + reader.malformed


def test_truncated_and_junk_lines_are_counted():
    reader = LineReader()
    data = VALID + VALID[:20] + b"\n" + b"[1,2]\n" + b'{"type":"input","stick":["a",1]}\n' + VALID
    assert len(list(reader.feed(data))) == 2
    assert reader.malformed == 3


def test_docs_carry_the_generated_schema():
    text = (REPO / "docs" / "bridge.md").read_text()
    block = text[text.rindex("```json\n") + 8 : text.rindex("```")]
    assert json.loads(block) == json_schema()


def _serve(tmp_path, seed=4, speed=20.0, **kw):
    game = new_game(GameSettings(), seed)
    server = SimServer(game, agents=1, role="crewmate", speed=speed, port=0, out=tmp_path / "server.jsonl", **kw)
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", server.serve()), daemon=True)
    thread.start()
    return game, server, thread, box


def test_play_survives_the_bridge_dropping(tmp_path):
    game, server, thread, box = _serve(tmp_path, speed=20.0)
    world = BridgeWorld(f"tcp://127.0.0.1:{server.port}")
    def drop_later():
        while world.frames < 100:
            time.sleep(0.01)
        world._sock.shutdown(2)  # the connection dies mid-game
    threading.Thread(target=drop_later, daemon=True).start()
    result = play_bridge(world, game.map)
    thread.join(timeout=60)
    assert result.reconnects >= 1 and result.winner in ("crew", "impostors")
    assert box["result"].winner == result.winner
    assert check_invariants(read_recording(tmp_path / "server.jsonl"), game.map) == []


def test_dry_input_sends_nothing_and_logs_everything(tmp_path):
    from amongus_agent.act.input import open_backend

    game, server, thread, box = _serve(tmp_path, speed=40.0, wait_s=10)
    (seat,) = server.links
    start = game.players[seat].pos
    backend = open_backend("dry")
    world = BridgeWorld(f"tcp://127.0.0.1:{server.port}", actuator=device_actuator("dry", {"movement": backend}))
    done = threading.Event()
    positions = []

    def watch():  # each sample with whether the seat was alive then (it may die later in the game)
        while not done.is_set():
            p = game.players[seat]
            positions.append((p.pos, p.alive))
            time.sleep(0.01)
    threading.Thread(target=watch, daemon=True).start()
    result = play_bridge(world, game.map)
    done.set()
    thread.join(timeout=60)
    assert result.inputs_sent == 0 and result.ticks > 0
    assert any(e.kind == "stick" and e.args != (0.0, 0.0) for e in backend.events)
    # the seat never moved on its own while alive: nothing reached the game (meetings respawn it, walking
    # does not); a ghost cannot move without input either, so its samples must stay put too
    spawn = set(map(tuple, game.map.data.spawn.points))
    alive = [pos for pos, was_alive in positions if was_alive]
    assert len(alive) > 10, "the seat was watched while alive"
    moved = [pos for pos in alive if pos != start and tuple(pos) not in spawn]
    assert not moved, moved[:5]
    ghost = [pos for pos, was_alive in positions if not was_alive]
    assert len({tuple(pos) for pos in ghost if tuple(pos) not in spawn}) <= 1


def test_sim_server_and_play_in_separate_processes(tmp_path):
    server_rec, play_rec = tmp_path / "server.jsonl", tmp_path / "play.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-m", "amongus_agent", "sim-server", "--port", "0", "--speed", "10", "--seed", "15",
         "--role", "crewmate", "--out", str(server_rec), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        play = subprocess.run(
            [sys.executable, "-m", "amongus_agent", "play", "--bridge", f"tcp://127.0.0.1:{port}", "--input", "bridge",
             "--out", str(play_rec), "--json"], capture_output=True, text=True, timeout=240)
        out, _ = server.communicate(timeout=60)
    finally:
        server.kill()
    assert play.returncode == 0, play.stderr
    result = json.loads(play.stdout.strip().splitlines()[-1])
    served = json.loads(out.strip().splitlines()[-1])
    assert result["winner"] == served["winner"] in ("crew", "impostors") and result["malformed_lines"] == 0
    rec = read_recording(server_rec)
    assert check_invariants(rec, new_game(GameSettings(), 15).map) == []
    seat = result["seat"]
    mine = [e for e in rec.events if getattr(e, "player", None) == seat or getattr(e, "voter", None) == seat]
    assert any(e.type == "task" for e in mine), "the agent walked to and completed tasks"
    died = min([e.t for e in rec.events if (e.type == "kill" and e.victim == seat)
                or (e.type == "eject" and e.player == seat)], default=float("inf"))
    meetings = [e for e in rec.events if e.type == "meeting_start" and e.t < died]
    votes = [e for e in mine if e.type == "vote"]
    # a seat killed before the first meeting has nothing to vote in (the game, not the bridge, decides)
    assert votes or not meetings, (f"the agent sat through {len(meetings)} meeting(s) alive and never voted "
                                   f"({served.get('frames_dropped')} frames dropped)")
    assert read_recording(play_rec).events  # the agent's own recording is valid too
