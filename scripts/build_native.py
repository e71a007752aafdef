#!/usr/bin/env python3
"""Compile the simulator's hot modules with mypyc, in place, from the sources as they are.

`make setup` runs this after installing the package (the `native` extra brings mypyc; gcc and the
Python headers come with the system packages). It does nothing when the last build matches the
sources. What gets compiled, and how a build that no longer matches is kept from running, is in
`amongus_agent/native.py`.

Exit status: 0 built or already up to date; 1 the build failed (the simulator then runs its
sources, slower; the compiler's output says why); 2 mypyc is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from amongus_agent import native

ROOT = native.PACKAGE_DIR.parent
GROUP = "amongus_agent_native"  # the shared library all compiled modules live in (`<GROUP>__mypyc.*`)

# Run in a child process: setuptools and mypyc want their own argv and working directory.
_BUILD = """
import sys
from setuptools import setup
from mypyc.build import mypycify
files, temp, jobs, group = sys.argv[1].split(","), sys.argv[2], sys.argv[3], sys.argv[4]
setup(
    name="amongus-agent-native", packages=[], py_modules=[],
    ext_modules=mypycify(["--ignore-missing-imports", "--follow-imports=silent", *files],
                         opt_level="3", multi_file=True, group_name=group, target_dir=temp + "/c"),
    script_args=["build_ext", "--inplace", "--build-temp", temp + "/obj", "--parallel", jobs],
)
"""


def leftovers() -> list[Path]:
    """Everything a build leaves in the tree: the modules' extension files, the shared library, the stamp."""
    group = [p for p in ROOT.glob(GROUP + "__mypyc.*") if p.is_file()]
    return native.built_files() + group + ([native.STAMP] if native.STAMP.exists() else [])


def clean() -> int:
    gone = leftovers()
    for p in gone:
        p.unlink()
    return len(gone)


def build(jobs: int, quiet: bool) -> tuple[bool, str]:
    files = [str(native.source_of(m).relative_to(ROOT)) for m in native.MODULES]
    digest = native.sources_digest()
    clean()  # a failed build must not leave older compiled modules behind
    with tempfile.TemporaryDirectory(prefix="amongus-native-") as temp:
        proc = subprocess.run([sys.executable, "-c", _BUILD, ",".join(files), temp, str(jobs), GROUP],
                              cwd=ROOT, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        clean()
        return False, output
    native.STAMP.write_text(digest + "\n", encoding="ascii")
    return True, "" if quiet else output


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="build even when the last build matches the sources")
    ap.add_argument("--clean", action="store_true", help="remove what a build left, and build nothing")
    ap.add_argument("--status", action="store_true", help="print whether the compiled modules match the sources")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="C files compiled at once")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the compiler's output")
    args = ap.parse_args()

    def report(**out: object) -> None:
        if args.json:
            print(json.dumps(out))
        else:
            print("build_native: " + ", ".join(f"{k} {v}" for k, v in out.items()))

    if args.clean:
        report(removed=clean())
        return 0
    now = native.state(env=False)
    if args.status:
        report(state=now, modules=len(native.MODULES))
        return 0
    if now == "compiled" and not args.force:
        report(state=now, built="already")
        return 0
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        print("build_native: no C compiler (cc or gcc); the simulator runs its sources", file=sys.stderr)
        return 1
    try:
        import mypyc  # noqa: F401
    except ImportError:
        print("build_native: mypyc is not installed (pip install -e '.[native]'); the simulator runs its sources",
              file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    ok, output = build(args.jobs, quiet=not args.verbose)
    if not ok:
        tail = "\n".join(output.strip().splitlines()[-25:])
        print(f"build_native: the build failed; the simulator runs its sources. The compiler said:\n{tail}",
              file=sys.stderr)
        return 1
    if output:
        print(output, file=sys.stderr)
    report(state=native.state(env=False), built=f"{len(native.MODULES)} modules in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
