"""The `neuro` sink against a Neuro API server written here from the specification (VedalAI/neuro-sdk).

The server checks every message's shape, answers a forced vote (first with bad data, then a real
choice) or stays silent; the game's own recording shows whose vote was cast.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest
from websockets.asyncio.server import serve

from amongus_agent.commentary import Feed
from amongus_agent.commentary.sinks import NeuroSink
from amongus_agent.sessions.feed import attach_feed
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import load_settings

GAME = "Among Us"
PRIORITIES = {"low", "medium", "high", "critical"}


def check_message(msg: object) -> None:
    """The game -> Neuro messages of the specification, field by field."""
    assert isinstance(msg, dict) and msg.get("game") == GAME, msg
    command, data = msg["command"], msg.get("data")
    if command == "startup":
        assert data is None
    elif command == "context":
        assert isinstance(data["message"], str) and data["message"] and isinstance(data["silent"], bool)
    elif command == "actions/register":
        for action in data["actions"]:
            assert isinstance(action["name"], str) and isinstance(action["description"], str)
            assert action["schema"]["type"] == "object"
    elif command == "actions/unregister":
        assert all(isinstance(n, str) for n in data["action_names"])
    elif command == "actions/force":
        assert isinstance(data["query"], str) and data["action_names"]
        assert data["priority"] in PRIORITIES and isinstance(data.get("state", ""), str)
        assert isinstance(data.get("ephemeral_context", False), bool)
    elif command == "action/result":
        assert isinstance(data["id"], str) and isinstance(data["success"], bool)
        assert isinstance(data.get("message", ""), str)
    else:
        raise AssertionError(f"unknown command {command!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NeuroServer:
    """A Neuro-side test server on its own loop thread. mode: "answer" picks a vote, "silent" never acts."""

    def __init__(self, mode: str, port: int) -> None:
        self.mode, self.port = mode, port
        self.messages: list[dict] = []
        self.registered: dict[str, dict] = {}
        self.choice: str | None = None
        self.ws = None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(5)

    async def _serve(self):
        return await serve(self._handler, "127.0.0.1", self.port)

    async def _handler(self, ws) -> None:
        self.ws = ws
        async for raw in ws:
            msg = json.loads(raw)
            check_message(msg)
            self.messages.append(msg)
            command, data = msg["command"], msg.get("data") or {}
            if command == "actions/register":
                self.registered.update({a["name"]: a for a in data["actions"]})
            elif command == "actions/unregister":
                for name in data["action_names"]:
                    self.registered.pop(name, None)
            elif command == "actions/force" and self.mode == "answer":
                name = data["action_names"][0]
                options = self.registered[name]["schema"]["properties"]["player"]["enum"]
                own = data["query"].rsplit(" ", 1)[-1].rstrip(".")
                self.choice = next(o for o in options if o not in (own, "Skip"))  # not what the agent wanted
                await self.act("bad-1", name, json.dumps({"player": "Nobody At All"}))
                await self.act("bad-2", name, "{not json")
                await self.act("ok-1", name, json.dumps({"player": self.choice}))

    async def act(self, action_id: str, name: str, data: str) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps({"command": "action", "data": {"id": action_id, "name": name, "data": data}}))

    def send_action(self, action_id: str, name: str, data: str) -> None:
        asyncio.run_coroutine_threadsafe(self.act(action_id, name, data), self.loop).result(5)

    def commands(self) -> list[str]:
        return [m["command"] for m in self.messages]

    def results(self) -> dict[str, dict]:
        return {m["data"]["id"]: m["data"] for m in self.messages if m["command"] == "action/result"}

    def wait(self, pred, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred():
                return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        async def stop():
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


SEED = 8  # the crewmate agent seat lives to the first meeting and votes a player there


def own_first_vote() -> int | str:
    """What the agent votes in the first meeting of the seeded game without any advice."""
    game = new_game(load_settings({}), SEED)
    seats = agent_seats(game, agents=1, role="crewmate")
    seat = next(iter(seats.values()))
    for _ in range(200):
        play(game, controllers=seats, until=game.t + 5)
        if seat.agent.stats.votes or game.over:
            break
    seat.close()
    return seat.agent.stats.votes[0]


def play_to_first_vote(server: NeuroServer, feed: Feed, timeout_s: float):
    """The seeded game with one crewmate agent seat, played until the first meeting's ejection."""
    game = new_game(load_settings({}), SEED)
    seats = agent_seats(game, agents=1, role="crewmate")
    seat = next(iter(seats.values()))
    attach_feed(feed, seat.agent, seat.world.observe(), game.map, neuro_timeout_s=timeout_s)
    events: list[dict] = []

    def on_events(g, evs) -> None:
        events.extend(evs)

    vote_wall: list[float] = []
    advisor = seat.agent.vote_advisor

    def timed(obs, votes, proposed):
        t0 = time.perf_counter()
        try:
            return advisor(obs, votes, proposed)
        finally:
            vote_wall.append(time.perf_counter() - t0)

    seat.agent.vote_advisor = timed
    for _ in range(200):  # bounded: 1000 game seconds at most
        play(game, controllers=seats, on_events=on_events, until=game.t + 5)
        if any(e["type"] == "eject" for e in events) or game.over:
            break
    seat.close()
    return game, seat, events, vote_wall


def test_neuro_server_chooses_the_vote():
    server = NeuroServer("answer", free_port())
    sink = NeuroSink(f"ws://127.0.0.1:{server.port}")
    feed = Feed([sink])
    try:
        assert server.wait(lambda: "startup" in server.commands())
        game, seat, events, waited = play_to_first_vote(server, feed, timeout_s=5.0)
        assert server.choice is not None
        votes = [e for e in events if e["type"] == "vote" and e["voter"] == seat.seat]
        cast = votes[0]["target"]
        assert cast != "skip" and game.players[cast].name == server.choice  # the VTuber's vote was cast
        assert cast != own_first_vote()
        eject = next(e for e in events if e["type"] == "eject")
        assert votes[0]["t"] <= eject["t"]
        assert server.wait(lambda: {"bad-1", "bad-2", "ok-1"} <= set(server.results()))
        results = server.results()
        assert results["ok-1"]["success"] is True
        assert results["bad-1"]["success"] is False and "one of" in results["bad-1"]["message"]
        assert results["bad-2"]["success"] is False and "JSON" in results["bad-2"]["message"]
        assert server.wait(lambda: "actions/unregister" in server.commands())
        feed.flush(2.0)
        cmds = server.commands()
        assert cmds[0] == "startup"
        assert cmds.index("actions/register") < cmds.index("actions/force") < cmds.index("action/result")
        force = next(m for m in server.messages if m["command"] == "actions/force")
        assert force["data"]["priority"] == "high" and force["data"]["action_names"] == ["vote_for_player"]
        reg = next(m for m in server.messages if m["command"] == "actions/register")["data"]["actions"][0]
        names = {p.name for p in game.players if p.alive or p.id == cast} - {game.players[seat.seat].name}
        assert set(reg["schema"]["properties"]["player"]["enum"]) <= names | {"Skip"}
        contexts = [m["data"] for m in server.messages if m["command"] == "context"]
        assert any(not c["silent"] for c in contexts) and any(c["silent"] for c in contexts)
        assert waited[0] < 5.0
    finally:
        feed.close(timeout=0.5)
        server.close()


def test_silent_server_agent_votes_alone_in_time_and_late_actions_are_refused():
    port = free_port()
    sink = NeuroSink(f"ws://127.0.0.1:{port}")
    feed = Feed([sink])  # the server is not up yet: the client retries with backoff
    time.sleep(0.4)
    server = NeuroServer("silent", port)
    try:
        assert server.wait(lambda: "startup" in server.commands(), timeout=10)
        game, seat, events, waited = play_to_first_vote(server, feed, timeout_s=0.5)
        votes = [e for e in events if e["type"] == "vote" and e["voter"] == seat.seat]
        eject = next(e for e in events if e["type"] == "eject")
        assert votes and votes[0]["t"] <= eject["t"]  # voted on its own, before the voting closed
        assert votes[0]["target"] == own_first_vote()
        assert 0.45 <= waited[0] < 4.5  # waited the configured 0.5 s, not the default 5 s
        assert "actions/force" in server.commands()
        assert server.wait(lambda: "actions/unregister" in server.commands())
        server.send_action("late-1", "vote_for_player", json.dumps({"player": "Skip"}))
        server.send_action("odd-1", "dance", "{}")
        assert server.wait(lambda: {"late-1", "odd-1"} <= set(server.results()))
        assert server.results()["late-1"] == {"id": "late-1", "success": False, "message": "the vote is closed"}
        assert server.results()["odd-1"]["success"] is False
    finally:
        feed.close(timeout=0.5)
        server.close()


@pytest.mark.parametrize("connected", [False])
def test_no_connection_means_no_wait(connected):
    sink = NeuroSink(f"ws://127.0.0.1:{free_port()}")
    feed = Feed([sink])
    try:
        t0 = time.perf_counter()
        assert sink.ask_vote(["Red", "Skip"], "Vote now.", "", 60.0) is None
        assert time.perf_counter() - t0 < 30  # answered at once, not after the minute it may wait
    finally:
        feed.close(timeout=0.2)


DEEP = "[" * 100_000 + "]" * 100_000  # within a websocket message's size limit, far past json's recursion limit


def test_a_hostile_neuro_server_gets_an_answer_not_a_traceback():
    """Deep nesting in a message or in an action's data string: refused like any bad JSON, the sink goes on."""
    sink = NeuroSink(f"ws://127.0.0.1:{free_port()}")

    class Socket:
        def __init__(self) -> None:
            self.sent: list[dict] = []

        async def send(self, message: str) -> None:
            self.sent.append(json.loads(message))

    ws = Socket()
    try:
        asyncio.run(sink.on_message(ws, DEEP))
        asyncio.run(sink.on_message(ws, '{"command": "action", "data": ' + DEEP + "}"))
        action = {"command": "action", "data": {"id": "deep-1", "name": "vote_for_player", "data": DEEP}}
        asyncio.run(sink.on_message(ws, json.dumps(action)))
        assert [m["data"]["id"] for m in ws.sent] == ["deep-1"]
        assert ws.sent[0]["data"]["success"] is False
    finally:
        sink.close(timeout=0.2)
