"""The compiled simulator (mypyc, `amongus_agent/native.py`): built by setup, in use, the same games.

Compiled and interpreted runs of the same sources must write byte for byte the same recordings: bot
games at three lobby sizes, games with agent seats (the agent's side calls into the compiled engine,
movement and map from interpreted code), and games in which seats press random buttons
(`native_probe.py`: every kind of input a port can send, not only what bots send). A build that no
longer matches its sources must not run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amongus_agent import native

ROOT = Path(__file__).resolve().parent.parent
BUILDABLE = importlib.util.find_spec("mypyc") is not None and os.environ.get(native.PURE_ENV, "") in ("", "0")


def _env(pure: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    return env


@pytest.mark.skipif(not BUILDABLE, reason="mypyc is not installed here (the native extra), or AMONGUS_PURE is set")
def test_setup_built_the_simulator_from_these_sources_and_it_is_in_use() -> None:
    assert native.state() == "compiled", "run `make setup` (scripts/build_native.py) after changing the simulator"
    assert native.in_use()
    import amongus_agent.sim.bots.crew as crew
    import amongus_agent.world.map as game_map

    assert not str(crew.__file__).endswith(".py") and not str(game_map.__file__).endswith(".py")


@pytest.mark.skipif(not BUILDABLE, reason="mypyc is not installed here (the native extra), or AMONGUS_PURE is set")
def test_compiled_and_interpreted_bot_games_write_the_same_recordings(tmp_path: Path) -> None:
    runs = {}
    for pure in (False, True):
        out = tmp_path / f"digests-{pure}.json"
        subprocess.run([sys.executable, "scripts/recording_digests.py", "--seeds", "3", "--out", str(out)],
                       cwd=ROOT, env=_env(pure), check=True, capture_output=True, timeout=240)
        runs[pure] = out.read_text()
    assert runs[False] == runs[True]
    assert len(runs[False]) > 9 * 64  # nine games' digests, not an empty object


@pytest.mark.skipif(not BUILDABLE, reason="mypyc is not installed here (the native extra), or AMONGUS_PURE is set")
@pytest.mark.parametrize("seed,role", [(3, "crewmate"), (5, "impostor")])
def test_compiled_and_interpreted_agent_games_write_the_same_recordings(tmp_path: Path, seed: int, role: str) -> None:
    digests = {}
    for pure in (False, True):
        out = tmp_path / f"game-{pure}.jsonl"
        subprocess.run([sys.executable, "-m", "amongus_agent", "simulate", "--seed", str(seed), "--agents", "2",
                        "--role", role, "--out", str(out), "--json"],
                       cwd=ROOT, env=_env(pure), check=True, capture_output=True, timeout=240)
        digests[pure] = hashlib.sha256(out.read_bytes()).hexdigest()
        assert out.stat().st_size > 10_000
    assert digests[False] == digests[True]


@pytest.mark.skipif(not BUILDABLE, reason="mypyc is not installed here (the native extra), or AMONGUS_PURE is set")
def test_compiled_and_interpreted_answer_random_buttons_alike() -> None:
    """Every kind of input, not only what bots send (this caught a pad's kill=True read as player 1)."""
    seeds = ["1", "2", "3", "4", "5", "6"]
    outs = [subprocess.run([sys.executable, "tests/native_probe.py", *seeds], cwd=ROOT, env=_env(pure), check=True,
                           capture_output=True, text=True, timeout=240).stdout for pure in (False, True)]
    assert outs[0] == outs[1]
    games = json.loads(outs[0])
    seen = set().union(*(g["events"] for g in games.values()))
    assert {"kill", "vent", "sabotage", "sabotage_fixed", "meeting_start", "vote", "eject", "chat", "task"} <= seen


def test_pure_runs_the_sources() -> None:
    probe = "import amongus_agent.native as n, amongus_agent.sim.runner as r; print(n.state(), n.in_use(), r.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], env=_env(True), capture_output=True, text=True, check=True)
    state, used, path = out.stdout.split()
    assert (state, used) == ("pure", "False") and path.endswith("runner.py")


def test_a_build_that_does_not_match_the_sources_is_not_run(tmp_path: Path) -> None:
    """A stale stamp (as after editing a compiled module's source) sends every compiled module to its source."""
    stale = tmp_path / "stamp"
    stale.write_text("0" * 64 + "\n")
    probe = (
        "import amongus_agent.native as n\n"
        f"n.STAMP = type(n.STAMP)({str(stale)!r})\n"
        "print(n.use_sources())\n"
        "import amongus_agent.sim.runner, amongus_agent.recording.encode, amongus_agent.act.movement as m\n"
        "import sys\n"
        "print(all(str(sys.modules[name].__file__).endswith('.py') for name in n.MODULES), n.in_use(), m.__file__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=_env(False), capture_output=True, text=True, check=True)
    lines = out.stdout.split("\n")
    assert lines[0] in ("stale", "not built")  # `not built` where no build exists at all
    assert lines[1].startswith("True False") and lines[1].endswith("movement.py")


def test_the_state_follows_the_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    monkeypatch.setattr(native, "built_files", lambda: [tmp_path / "engine.so"])
    stamp = tmp_path / "stamp"
    monkeypatch.setattr(native, "STAMP", stamp)
    assert native.state() == "not built"
    stamp.write_text(native.sources_digest() + "\n")
    assert native.state() == "compiled"
    stamp.write_text("f" * 64)
    assert native.state() == "stale"
    stamp.write_bytes(b"\xff\xfe")
    assert native.state() == "stale"
    monkeypatch.setenv(native.PURE_ENV, "1")
    assert native.state() == "pure" and native.state(env=False) == "stale"
