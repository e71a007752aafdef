#!/usr/bin/env python3
"""Fingerprints of seeded recordings: to show a speed-up changed no byte of what the simulator writes.

Plays each seed with the recording writer (as `simulate` does) and prints one JSON object mapping
"players/impostors/seed" to the SHA-256 of the recording file. Run it before a change with
`--out before.json`, after it with `--check before.json`: exit status 1 and the differing games
named when any recording differs. The same run twice must agree too (run-to-run determinism).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from amongus_agent.recording import RecordingWriter
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings

# Player counts with their impostors: the default lobby, a small one, and the largest.
LOBBIES = ((10, 2), (5, 1), (15, 3))


def digests(seeds: list[int], tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for players, impostors in LOBBIES:
        settings = GameSettings(players=players, impostors=impostors)
        for seed in seeds:
            game = new_game(settings, seed)
            path = tmp / f"{players}-{seed}.jsonl"
            with RecordingWriter(path, game.header()) as writer:
                play(game, sinks=[writer])
            out[f"{players}/{impostors}/{seed}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=12, help="seeds 0..N-1 for each lobby size")
    ap.add_argument("--out", type=Path, help="write the fingerprints here")
    ap.add_argument("--check", type=Path, help="compare with fingerprints written earlier; exit 1 on any difference")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        now = digests(list(range(args.seeds)), Path(tmp))
    if args.out:
        args.out.write_text(json.dumps(now, indent=1) + "\n")
    if args.check:
        before = json.loads(args.check.read_text())
        differ = sorted(k for k in now if k in before and before[k] != now[k])
        missing = sorted(k for k in now if k not in before)
        print(json.dumps({"games": len(now), "compared": len(now) - len(missing), "differ": differ,
                          "not_in_reference": missing, "identical": not differ}))
        return 1 if differ else 0
    if not args.out:
        print(json.dumps(now))
    return 0


if __name__ == "__main__":
    sys.exit(main())
