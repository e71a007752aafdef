#!/usr/bin/env python3
"""What a frame of the screens window costs to draw (no display needed). Prints one JSON object.

The window redraws about ten times a wall second in the server's process, beside the game loop;
a frame must stay well under 100 ms (target: p95 < 30 ms at 1280x720) so the game keeps its speed
on a busy two-core machine. Measured for the walking view (ship, players, HUD), an open panel of
each pool kind, the meeting chat and the voting tablet, on a real simulated game.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from amongus_agent.sim.runner import new_game
from amongus_agent.sim.screens.controls import Controls, InputLog
from amongus_agent.sim.screens.pool import deal_drawable
from amongus_agent.sim.screens.scene import Snapshot
from amongus_agent.sim.screens.window import Screen
from amongus_agent.sim.seat_view import SeatView
from amongus_agent.sim.settings import GameSettings
from amongus_agent.sim.state import PlayerInput


def _times(screen: Screen, n: int) -> dict:
    """A first frame after a change (the meeting pictures and a panel's backdrop are drawn again only
    then), and the frames after it."""
    t = time.perf_counter()
    screen.frame()
    first = (time.perf_counter() - t) * 1000
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        screen.frame()
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return {"first_ms": round(first, 2), "median_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=50)
    ap.add_argument("--size", default="1280x720")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    game = new_game(GameSettings(freeplay=False, long_tasks=3, short_tasks=1, button_cooldown_s=0), 3)
    seat = next(p.id for p in game.players if not p.is_impostor)
    deal_drawable(game, seat)
    me = game.players[seat]
    me.by_panel = True
    view = SeatView(game, seat)
    screen = Screen(game, seat, w, h, Controls(seat, InputLog(None), lambda: game.t), 100)

    def tick(inp: PlayerInput | None = None) -> None:
        view.see_events(game.step({seat: inp} if inp else {}))
        screen.update(Snapshot.take(game, seat, view.observe()))

    tick()
    out: dict = {"size": args.size, "frames": args.frames, "walking": _times(screen, args.frames)}
    for task in me.tasks:
        me.using = None
        me.x, me.y = task.current.spot
        tick(PlayerInput(use=True))
        out[task.name] = _times(screen, args.frames)
    me.using = None
    me.x, me.y = game.map.data.emergency_button.spot
    tick(PlayerInput(use=True))
    for k, p in enumerate(game.players[:6]):
        game.step({p.id: PlayerInput(chat=f"line {k}: I was in electrical doing wires")})
    tick()
    out["meeting_chat"] = _times(screen, args.frames)
    while game.meeting is not None and game.t < game.meeting.voting_at:
        tick()
    out["voting_tablet"] = _times(screen, args.frames)
    out["worst_p95_ms"] = max(v["p95_ms"] for v in out.values() if isinstance(v, dict))
    out["worst_first_ms"] = max(v["first_ms"] for v in out.values() if isinstance(v, dict))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
