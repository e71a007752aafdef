"""`record-map`: build a map file from positions walked over a bridge.

A person walks the real game while this records; in the simulator a scripted explorer walks for
them (a covering walk of the known map, steered by the same path-to-stick mover as the agent).
With `--tasks`, a spot is marked wherever a task step advances — where the player stood to do it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..act.movement import Mover
from ..live.client import BridgeWorld
from ..live.limits import MAX_BACKLOG
from ..ports import DEFAULT_RULES
from ..world.map import GameMap, load_map
from .explore import covering_walk
from .recorder import GraphRecorder, to_map_file

ARRIVE = 0.15


@dataclass(slots=True)
class RecordResult:
    frames: int
    nodes: int
    edges: int
    spots: int
    components: int
    path: str


class Explorer:
    """Walk a covering route of a known map, then (for --tasks) go and do each visible task."""

    def __init__(self, known: GameMap, step: float) -> None:
        data = known.data
        route = covering_walk(list(data.nodes), [tuple(e) for e in data.edges], known.nearest_node(data.spawn.points[0]))
        self.waypoints = [tuple(data.nodes[i]) for i in route]
        self.mover = Mover(known, step)
        self.i = 0
        self.task_spot: tuple[float, float] | None = None

    @property
    def exploring(self) -> bool:
        return self.i < len(self.waypoints)

    def steer(self, frame, act) -> bool:
        """Stick for this frame; False when there is nothing left to do."""
        pos = frame.position
        if self.exploring:
            while self.exploring and math.dist(pos, self.waypoints[self.i]) <= ARRIVE:
                self.i += 1
            if self.exploring:
                target = self.waypoints[self.i]
                dx, dy = target[0] - pos[0], target[1] - pos[1]
                d = math.hypot(dx, dy)
                if d > 1.0:  # moved away (a meeting's respawn, a shove): route back to the walk
                    self.mover.go(pos, target)
                    act.stick(*self.mover.stick(pos))
                    return True
                mag = min(1.0, d / self.mover.step)
                act.stick(dx / d * mag, dy / d * mag)
                return True
        if frame.busy:
            act.stick(0.0, 0.0)
            return True
        if not frame.tasks:
            return False
        spot = frame.tasks[0].position
        if math.dist(pos, spot) <= ARRIVE:
            act.stick(0.0, 0.0)
            act.press("use")
            return True
        self.mover.go(pos, spot)
        act.stick(*self.mover.stick(pos))
        return True


def record_map(world: BridgeWorld, out: Path, *, name: str, explore: GameMap | None = None, tasks: bool = False,
               max_frames: int | None = None, progress: Callable[[GraphRecorder, int], None] | None = None) -> RecordResult:
    rec = GraphRecorder()
    hello = world.hello
    step = (hello.player_speed * hello.tick_s) if hello else DEFAULT_RULES.player_speed * DEFAULT_RULES.tick_s
    explorer = Explorer(explore, step) if explore is not None else None
    tick_s = hello.tick_s if hello else DEFAULT_RULES.tick_s
    seen = 0
    last_t: float | None = None
    last_steps: dict[tuple[str, str], int] = {}
    try:
        while world.end is None and (max_frames is None or seen < max_frames):
            if not world.wait_frame(seen, timeout=10.0) or world.frames == seen:
                break
            seen = world.frames
            frame = world.observe()
            # every position since the last look, also those of frames this loop was too slow to look at; a
            # frame the game itself dropped leaves a gap in time, and a gap is not walked
            for t, alive, phase, position in world.take_trail() or [(frame.t, frame.alive, frame.phase,
                                                                     frame.position)]:
                continuous = last_t is None or t - last_t <= 1.5 * tick_s
                last_t = t
                if alive and phase == "tasks":
                    rec.add_position(position, continuous)
            if frame.alive and frame.phase == "tasks":
                if tasks:
                    steps = {(t.task, t.room): t.step for t in frame.tasks}
                    for key, before in last_steps.items():
                        if steps.get(key, before + 1) > before:  # advanced, or finished and gone
                            rec.mark(key[0], key[1])
                    last_steps = steps
            if explorer is not None:
                if not explorer.steer(frame, world.actuator):
                    break
                world.flush()
            if progress is not None and seen % 50 == 0:
                progress(rec, seen)
    finally:
        world.close()
    data = to_map_file(rec, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n")
    spots = [{"label": s.label, "room": s.room, "position": list(s.position)} for s in rec.spots]
    out.with_suffix(".spots.json").write_text(json.dumps(spots, indent=1) + "\n")
    load_map(out)  # the saved file must load like any other map
    return RecordResult(seen, len(data["nodes"]), len(data["edges"]), len(spots), rec.components(), str(out))


def record_map_from(bridge: str, out: Path, **options) -> RecordResult:
    """Connect to the bridge at `bridge` (tcp://HOST:PORT) and record a map (`options` as for `record_map`)."""
    # every position counts: a dropped frame is a gap in the walk, so ask the game for a backlog
    return record_map(BridgeWorld(bridge, backlog=MAX_BACKLOG), out, **options)
