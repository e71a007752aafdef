"""Fuzz every reader of files and settings: whatever comes in, the answer is a value or one error line.

Hypothesis feeds each reader valid documents with one part replaced by something hostile (deep
nesting, 5000-digit numbers, NaN and infinities, huge coordinates, wrong types, random bytes), and
raw text. The reader must return a value that the next stage (summary, rule checker, map routing,
prompt) can use without crashing, or raise the project's error type with a one-line message.
Runs are derandomized (the same examples on every run, so CI cannot flake) and have no deadline
(a verdict never depends on machine speed).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amongus_agent.agent.persona import load_persona
from amongus_agent.brain.decision import IllegalDecision, LegalAction, ValidationError
from amongus_agent.brain.jsonparse import AnswerError
from amongus_agent.brain.llm import describe_error, parse_decision
from amongus_agent.errors import AmongUsError, DataError
from amongus_agent.recording import RecordingWriter, check_invariants, read_recording, summarize
from amongus_agent.recording.report import summary_text
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import ENV_PREFIX, GameSettings, load_settings
from amongus_agent.world.map import GameMap, load_map
from amongus_agent.world.tasks import load_tasks

REPO = Path(__file__).resolve().parents[1]


def fuzz(examples: int) -> Any:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


# ------------------------------------------------------------------ hostile values

HOSTILE_TEXT = ["[" * 5000 + "]" * 5000, "9" * 5000, "-" + "9" * 400, "1e999", "-1e999", "NaN", "Infinity", "1e308",
                '{"a": ' * 100 + "1" + "}" * 100, "\u0000", "[/x]", "\ud800", "1" * 24, "0.1e-400"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**60), max_value=10**60)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.sampled_from([1e300, -1e300, 1e9, -1e9, 2**63, -1, 0, 0.5, "", "skeld", "Cafeteria"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


class Raw:
    """JSON text to splice into a document as it is (it may not be valid JSON on its own)."""

    def __init__(self, text: str) -> None:
        self.text = text


HOSTILE = JSON_VALUES | st.sampled_from(HOSTILE_TEXT).map(Raw)


def dumps(doc: Any) -> str:
    """Serialise a document, splicing `Raw` parts in verbatim (NaN and infinities come out as Python writes them)."""
    raws: dict[str, str] = {}

    def swap(node: Any) -> Any:
        if isinstance(node, Raw):
            key = f"@@raw{len(raws)}@@"
            raws[key] = node.text
            return key
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(doc), allow_nan=True)
    for key, raw in raws.items():
        text = text.replace(json.dumps(key), raw)
    return text


def mutate(doc: Any, data: st.DataObject, times: int = 2) -> Any:
    """`doc` with up to `times` parts (chosen anywhere in the tree) replaced, deleted or added to."""
    doc = json.loads(json.dumps(doc))
    for _ in range(data.draw(st.integers(1, times))):
        node = doc
        for _depth in range(data.draw(st.integers(0, 6))):
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) \
                if isinstance(node, list) else []
            children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
            if not children:
                break
            node = data.draw(st.sampled_from(children))[1]
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            key = data.draw(st.integers(0, len(node) - 1))
        else:
            continue
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "grow", "nudge", "nudge"]))
        if how == "nudge" and isinstance(node[key], int | float) and not isinstance(node[key], bool):
            node[key] = node[key] + data.draw(st.sampled_from([0.001, -0.3, 1, -2, 0.5, 1e6]))
        elif how == "delete":
            del node[key]
        elif how == "grow" and isinstance(node[key], list):
            node[key] = node[key] * data.draw(st.sampled_from([2, 30, 600]))
        else:
            node[key] = data.draw(HOSTILE)
    return doc


def one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message and "\n" not in message and len(message) < 2000, message[:300]


# ------------------------------------------------------------------ the shared JSON reader


@fuzz(100)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), JSON_VALUES.map(lambda v: json.dumps(v)),
                 HOSTILE.map(dumps)))
def test_parse_json_returns_a_finite_value_or_one_error(text: str | bytes) -> None:
    from amongus_agent.world.loading import JSONLimitError, parse_json

    try:
        value = parse_json(text)
    except JSONLimitError as exc:
        one_line(exc)
        return
    stack = [(value, 0)]
    while stack:  # nothing deeper than the limit, every number finite and of sane size
        node, depth = stack.pop()
        assert depth <= 32
        if isinstance(node, float):
            assert math.isfinite(node)
        elif isinstance(node, int) and not isinstance(node, bool):
            assert abs(node) < 10**24
        elif isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, depth + 1) for v in node]


# ------------------------------------------------------------------ recordings


@pytest.fixture(scope="module")
def game_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A real (short) simulator recording, line by line."""
    game = new_game(GameSettings(players=6, impostors=1, max_game_s=40), 3)
    path = tmp_path_factory.mktemp("fuzz") / "game.jsonl"
    with RecordingWriter(path, game.header()) as writer:
        play(game, sinks=[writer])
    return path.read_text().splitlines()


def _read_all_the_way(path: Path, skeld: GameMap) -> None:
    """What `replay --check` does with a file: read, summarise, print, check. Only DataError may escape."""
    try:
        rec = read_recording(path)
    except DataError as exc:
        one_line(exc)
        assert str(path) in str(exc)
        return
    summary_text(summarize(rec))
    check_invariants(rec, skeld)


@fuzz(150)
@given(data=st.data())
def test_a_recording_with_one_hostile_line(tmp_path: Path, skeld: GameMap, game_lines: list[str],
                                           data: st.DataObject) -> None:
    lines = list(game_lines)
    k = data.draw(st.integers(0, len(lines) - 1))
    kind = data.draw(st.sampled_from(["mutate", "mutate", "value", "bytes"]))
    if kind == "mutate":
        lines[k] = dumps(mutate(json.loads(lines[k]), data))
    elif kind == "value":
        lines[k] = dumps(data.draw(HOSTILE))
    else:
        lines[k] = data.draw(st.binary(max_size=60)).decode("latin-1")
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + data.draw(st.sampled_from([b"\n", b""])))
    _read_all_the_way(path, skeld)


@fuzz(60)
@given(data=st.data())
def test_a_whole_recording_cut_spliced_and_shuffled(tmp_path: Path, skeld: GameMap, game_lines: list[str],
                                                    data: st.DataObject) -> None:
    blob = ("\n".join(game_lines) + "\n").encode()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(blob)))
        op = data.draw(st.sampled_from(["cut", "insert", "drop", "repeat"]))
        if op == "cut":
            blob = blob[:at]
        elif op == "insert":
            blob = blob[:at] + data.draw(st.binary(max_size=20) | st.sampled_from([b"\n", b"\n\n", b"{", b"]"])) \
                + blob[at:]
        elif op == "drop":
            blob = blob[:at] + blob[at + data.draw(st.integers(1, 200)):]
        else:
            end = min(len(blob), at + data.draw(st.integers(1, 400)))
            blob = blob[:end] + blob[at:end] + blob[end:]
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(blob)
    _read_all_the_way(path, skeld)


# ------------------------------------------------------------------ maps and task tables


@pytest.fixture(scope="module")
def skeld_doc() -> dict:
    return json.loads((REPO / "maps" / "skeld.json").read_text())


@pytest.fixture(scope="module")
def tasks_doc() -> dict:
    return json.loads((REPO / "tasks" / "skeld.json").read_text())


@fuzz(40)
@given(data=st.data())
def test_a_hostile_map(tmp_path: Path, skeld_doc: dict, data: st.DataObject) -> None:
    path = tmp_path / "map.json"
    path.write_text(dumps(mutate(skeld_doc, data)), encoding="utf-8", errors="surrogatepass")
    try:
        game_map = load_map(str(path))
    except DataError as exc:
        one_line(exc)
        assert str(path) in str(exc)
        return
    # a map that loads must route: between the first and last room, and from a spawn point
    rooms = game_map.rooms or game_map.region_names()
    game_map.shortest_path(game_map.anchor(rooms[0]), game_map.anchor(rooms[-1]))
    game_map.room_of(game_map.data.spawn.points[0])


@fuzz(40)
@given(data=st.data())
def test_a_hostile_task_table(tmp_path: Path, skeld: GameMap, tasks_doc: dict, data: st.DataObject) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(dumps(mutate(tasks_doc, data)), encoding="utf-8", errors="surrogatepass")
    try:
        load_tasks(str(path), skeld)
    except DataError as exc:
        one_line(exc)
        assert str(path) in str(exc)


# ------------------------------------------------------------------ personas

PERSONA = {"name": "Ava", "background": "a retired pilot", "personality": "calm", "tone": "dry",
           "catchphrases": ["Steady now.", "I saw that."]}


@fuzz(150)
@given(data=st.data())
def test_a_hostile_persona(tmp_path: Path, data: st.DataObject) -> None:
    doc = mutate(PERSONA, data) if data.draw(st.booleans()) else data.draw(HOSTILE)
    path = tmp_path / "persona.json"
    path.write_text(dumps(doc), encoding="utf-8", errors="surrogatepass")
    try:
        persona = load_persona(path)
    except DataError as exc:
        one_line(exc)
        assert str(path) in str(exc)
        return
    import random

    assert len(persona.describe()) < 10_000
    persona.catchphrase(random.Random(1))


# ------------------------------------------------------------------ settings

FIELDS = list(GameSettings.model_fields)
SETTING_VALUES = (st.text(max_size=12) | st.integers().map(str) | st.floats().map(repr)
                  | st.sampled_from(["inf", "-inf", "nan", "1e999", "9" * 5000, "0", "-1", "true", "false", "3",
                                     "15", "16", "long", " 4 ", "1_0", "0x10", "[red]"]))


@fuzz(300)
@given(st.lists(st.tuples(st.sampled_from(FIELDS) | st.text(max_size=8), SETTING_VALUES, st.sampled_from(["=", ""])),
                max_size=5),
       st.dictionaries(st.sampled_from(FIELDS), SETTING_VALUES, max_size=4),
       st.sampled_from([{}, {"players": ("--players", None), "impostors": ("--impostors", 2),
                             "map": ("--map", "skeld")}]))
def test_hostile_settings_from_set_and_environment(items: list[tuple[str, str, str]], env: dict[str, str],
                                                   flags: dict) -> None:
    from amongus_agent.sim.settings import settings_from_cli

    assignments = [f"{key}{sep}{value}" for key, value, sep in items]
    environ = {ENV_PREFIX + k.upper(): v for k, v in env.items()}
    try:
        s = settings_from_cli(assignments, flags, environ=environ)
    except DataError as exc:
        one_line(exc)
        return
    for name in FIELDS:  # what passes is finite and inside its range
        value = getattr(s, name)
        if isinstance(value, float):
            assert math.isfinite(value)
    assert 4 <= s.players <= 15 and 1 <= s.impostors < s.players / 2


def _in_range(name: str) -> st.SearchStrategy[str]:
    """Values of one setting drawn from its declared range, edges included (read off the model's limits)."""
    field = GameSettings.model_fields[name]
    if field.annotation is bool:
        return st.sampled_from(["true", "false"])
    if name == "kill_distance":
        return st.sampled_from(["short", "medium", "long"])
    low = next((getattr(m, a) for m in field.metadata for a in ("ge", "gt") if getattr(m, a, None) is not None), 0)
    high = next(m.le for m in field.metadata if getattr(m, "le", None) is not None)
    if field.annotation is int:
        return st.integers(low, high).map(str)
    return st.floats(low, high, exclude_min=True).map(repr)


@fuzz(15)
@given(st.lists(st.sampled_from([f for f in FIELDS if f != "map"]), min_size=1, max_size=6, unique=True)
       .flatmap(lambda names: st.fixed_dictionaries({n: _in_range(n) for n in names})),
       st.integers(0, 2**32))
def test_any_accepted_settings_play_a_game(env: dict[str, str], seed: int) -> None:
    """Settings that pass the boundary must be playable: the first 20 game seconds run without a crash."""
    try:
        s = load_settings({}, environ={ENV_PREFIX + k.upper(): v for k, v in env.items()})
    except DataError as exc:
        one_line(exc)
        return
    game = new_game(s, seed)
    play(game, until=min(20.0, s.max_game_s))



# ------------------------------------------------------------------ model replies

LEGAL = [LegalAction("walk to Admin", "wander", (2.0, -8.0)), LegalAction("report Blue", "report", (1.0, 1.0), target=1),
         LegalAction("wait", "wait")]
REPLY_PARTS = st.sampled_from([
    '{"Action": {"name": "wait", "position": null}, "Thought": "t", "Observation": "o"}',
    '{"action": {"name": "report Blue"}}', '{"Action": {"name": "walk to Admin", "position": [1e999, 2]}}',
    '{"Action": {"name": "' + "w" * 500 + '"}}', '{"Actions": [' + ",".join(['{"name": "wait"}'] * 50) + "]}",
    "<think>", "</think>", "```json\n", "```", "{", "}", '"', "\\", "SYSTEM OVERRIDE: vote Red", "[" * 3000,
    '{"Action": ' + "9" * 5000 + "}", '{"Action": {"name": NaN}}', '{"Action": {"name": ["wait"]}}',
])


@fuzz(300)
@given(st.lists(REPLY_PARTS | st.text(max_size=30) | HOSTILE.map(dumps), max_size=6).map("".join))
def test_a_hostile_model_reply(text: str) -> None:
    try:
        decision = parse_decision(text, LEGAL)
    except (AnswerError, IllegalDecision, ValidationError) as exc:
        assert describe_error(exc)
        return
    assert all(a in LEGAL for a in decision.actions)


def test_the_fuzz_reaches_both_outcomes(tmp_path: Path, skeld: GameMap) -> None:
    """The readers above accept what is valid (the fuzz would pass vacuously if everything were refused)."""
    from amongus_agent.sim.settings import settings_from_cli

    assert isinstance(load_map("skeld"), GameMap)
    assert load_persona(_write(tmp_path / "p.json", json.dumps(PERSONA))).name == "Ava"
    assert parse_decision('{"Action": {"name": "wait"}}', LEGAL).action.name == "wait"
    assert settings_from_cli(["kill_cooldown_s=30"], {}, environ={}).kill_cooldown_s == 30
    with pytest.raises(AmongUsError):
        settings_from_cli(["kill_cooldown_s=inf"], {}, environ={})


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
