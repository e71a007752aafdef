"""The simulator's hot modules, compiled by mypyc from these very sources, or the sources themselves.

A bot game is a few million small Python operations (a bot's senses and steering, the engine's
movement, the recording's pos lines); compiled by mypyc they run about twice as fast. There is one
code path: `scripts/build_native.py` (run by `make setup`) compiles the same `.py` files in place,
and the interpreter prefers an extension module to a source file of the same name. Compiled or not,
a seed gives byte for byte the same recording (`tests/test_native.py` plays both).

A compiled module that no longer matches its source would run old code behind a developer's back,
so the build writes a digest of the sources it compiled (`_native.stamp`). When the stamp does not
match the sources on disk, or `AMONGUS_PURE=1` is set, `use_sources` (called on importing the
package) routes these modules to their `.py` files: all of them, since compiled classes can only be
subclassed by compiled classes. Where nothing was built (Windows without a C compiler, a wheel
install) the sources run as they always did.

Compiled code holds the sources to their annotations: a call into these modules with a list where a
tuple is declared raises TypeError, and a value typed `int | bool` is an `int` (True becomes 1; the
engine's kill target is therefore `object`). `tests/native_probe.py` plays seats pressing random
buttons both ways, so a difference of this kind shows up as a test failure, not as a different game.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import sys
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent
STAMP = PACKAGE_DIR / "_native.stamp"
PURE_ENV = "AMONGUS_PURE"

# The modules a bot game spends its time in, compiled together (they call each other natively).
MODULES: tuple[str, ...] = (
    "amongus_agent.sim.engine",
    "amongus_agent.sim.state",
    "amongus_agent.sim.grid",
    "amongus_agent.sim.runner",
    "amongus_agent.sim.bots.base",
    "amongus_agent.sim.bots.crew",
    "amongus_agent.sim.bots.impostor",
    "amongus_agent.sim.bots.talk",
    "amongus_agent.world.map",
    "amongus_agent.act.movement",
    "amongus_agent.recording.encode",
)


def source_of(module: str) -> Path:
    return PACKAGE_DIR.joinpath(*module.split(".")[1:]).with_suffix(".py")


def sources_digest() -> str:
    """SHA-256 over the compiled modules' names and sources: what a build's stamp must equal."""
    h = hashlib.sha256()
    for module in MODULES:
        h.update(module.encode() + b"\0" + source_of(module).read_bytes() + b"\0")
    return h.hexdigest()


def built_files() -> list[Path]:
    """Extension modules next to the sources (what a build left)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    out = []
    for module in MODULES:
        src = source_of(module)
        out += [p for p in src.parent.glob(src.stem + ".*") if p.name.endswith(suffixes)]
    return out


def state(env: bool = True) -> str:
    """`compiled`, `pure` (AMONGUS_PURE=1, unless `env` is False), `not built`, or `stale` (the sources
    changed since the build)."""
    if env and os.environ.get(PURE_ENV, "") not in ("", "0"):
        return "pure"
    if not STAMP.is_file() or not built_files():
        return "not built"
    try:
        if STAMP.read_text(encoding="ascii").strip() != sources_digest():
            return "stale"
    except (OSError, UnicodeDecodeError):
        return "stale"
    return "compiled"


def in_use() -> bool:
    """True when the simulator's modules imported in this process are the compiled ones."""
    engine: ModuleType | None = sys.modules.get("amongus_agent.sim.engine")
    if engine is None:
        import amongus_agent.sim.engine as engine
    return not str(engine.__file__).endswith(".py")


class _Sources:
    """A meta path finder for the compiled modules' `.py` files, ahead of the extension modules beside
    them (not an `importlib.abc.MetaPathFinder`: importing that costs 20 ms at every start)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in MODULES:
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(name, source_of(name))


def use_sources() -> str:
    """Route the compiled modules to their sources unless a build matching them is in place.

    Returns `state()`. Costs a stat and a look for extension files where nothing was built, one hash of
    ~150 kB of source otherwise.
    """
    now = state()
    if now == "compiled" or (now == "not built" and not built_files()):
        return now  # nothing compiled stands in the sources' way
    if not any(isinstance(f, _Sources) for f in sys.meta_path):
        sys.meta_path.insert(0, _Sources())
    return now
