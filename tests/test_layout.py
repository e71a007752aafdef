"""The layout shows the architecture: import directions between the parts are checked, not hoped for.

One agent, two worlds: `sim/` (the simulator) imports nothing of the agent, `live/` (the real
client's state sources) nothing of the simulator, and only `sessions/` puts an agent and a world
together. `cli.py` parses arguments and calls sessions. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "amongus_agent"
AGENT = ("agent", "brain", "act")
WORLDS = ("sim", "live")


def module_of(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of the package's modules that `path` imports, anywhere in the file."""
    mod = module_of(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("amongus_agent"):
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("amongus_agent"))
    return out


def part(name: str) -> str | None:
    bits = name.split(".")
    return bits[1] if len(bits) > 1 else None


MODULES = {module_of(p): imports_of(p) for p in PKG.rglob("*.py")}


def touches(imports: set[str], parts: tuple[str, ...], allow: tuple[str, ...] = ()) -> set[str]:
    return {i for i in imports if part(i) in parts and not any(i == a or i.startswith(a + ".") for a in allow)}


def test_the_scan_sees_the_package():
    assert "amongus_agent.sim.engine" in MODULES and "amongus_agent.sessions.play" in MODULES
    assert any(part(i) == "sim" for i in MODULES["amongus_agent.sessions.sim_server"])


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if part(m) == "sim"))
def test_the_simulator_imports_nothing_of_the_agent(mod):
    # the bots walk with the same path-to-stick mover as the agent: that one module is shared
    bad = touches(MODULES[mod], AGENT + ("live", "sessions", "commentary"), allow=("amongus_agent.act.movement",))
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if part(m) == "live"))
def test_the_live_sources_import_nothing_of_the_simulator(mod):
    bad = touches(MODULES[mod], ("sim", "sessions", "agent"))
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if part(m) not in ("sessions", "cli")))
def test_only_sessions_join_an_agent_and_a_world(mod):
    agent, world = touches(MODULES[mod], ("agent",)), touches(MODULES[mod], WORLDS)
    assert not (agent and world), f"{mod} imports an agent {sorted(agent)} and a world {sorted(world)}"


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if part(m) in ("brain", "act", "perception")))
def test_deciding_acting_and_seeing_do_not_reach_a_world(mod):
    bad = touches(MODULES[mod], WORLDS + ("sessions", "agent"))
    assert not bad, f"{mod} imports {sorted(bad)}"


def test_the_cli_assembles_no_session():
    imports = MODULES["amongus_agent.cli"]
    # reading a persona file named by a flag is argument parsing; building an agent is not
    assert not touches(imports, ("agent",), allow=("amongus_agent.agent.persona",)), "cli.py builds agents itself"
    assert "amongus_agent.sim.runner.play" not in imports and "amongus_agent.recording.RecordingWriter" not in imports
    source = (PKG / "cli.py").read_text(encoding="utf-8")
    for call in ("Agent(", "agent_seats(", "attach_feed(", "RecordingWriter(", "BridgeWorld("):
        assert call not in source, f"cli.py calls {call}: session assembly belongs in sessions/"


def test_a_broken_direction_is_caught(tmp_path):
    """The checker itself: a sim module importing the agent is flagged."""
    fake = PKG / "sim" / "_layout_probe.py"
    try:
        fake.write_text("from ..agent.loop import Agent\n", encoding="utf-8")
        assert touches(imports_of(fake), AGENT) == {"amongus_agent.agent.loop", "amongus_agent.agent.loop.Agent"}
    finally:
        fake.unlink()
