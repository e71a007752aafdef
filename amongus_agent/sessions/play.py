"""`play`: the agent in real time against a live state source, its inputs to the chosen device.

One agent tick per frame received. Inputs go to the bridge (for mods and the simulator that accept
them), to a device backend (a virtual gamepad for the real client), or nowhere (`dry`: every
intended input is logged, nothing is sent). The loop survives the bridge dropping — the world
reconnects and the agent keeps its memory — and releases every input at the end. A game that
ends without its `end` (the bridge gone for good) is reported as lost, with why.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from ..agent.loop import Agent
from ..live.client import BridgeWorld
from ..live.protocol import Input
from ..live.timshaw import TimShawWorld
from ..recording import RecordingWriter
from ..world.map import GameMap

log = logging.getLogger(__name__)
SILENCE_S = 30.0


@dataclass(slots=True)
class PlayResult:
    frames: int
    ticks: int
    winner: str | None
    reason: str | None
    reconnects: int
    malformed: int
    inputs_sent: int
    inputs_logged: int
    lost: str | None = None  # why the game was lost (no end received), else None


class DeviceInput:
    """Forward a tick's input to an input backend (gamepad, dry...): stick held, buttons tapped."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.count = 0

    def send(self, message: Input) -> None:
        self.backend.stick(*message.stick)
        for button in message.buttons:
            self.backend.tap(button, hold=0.0)
        if message.vent is not None or message.vent_to is not None:
            self.backend.tap("vent", hold=0.0)
        if message.sabotage is not None:
            self.backend.tap("sabotage", hold=0.0)
        if message.chat:
            self.backend.type_text(message.chat)
        self.count += 1

    def close(self) -> None:
        self.backend.release_all()
        self.backend.close()


def play_bridge(world: BridgeWorld | TimShawWorld, game_map: GameMap, *, device: DeviceInput | None = None,
                out: Path | None = None, seed: int = 0, **agent_options) -> PlayResult:
    """Run the agent until the game ends or the source falls silent for good."""
    hello = world.hello
    tick_s = hello.tick_s if hello else 0.1
    speed = hello.player_speed if hello else 2.5
    agent = Agent(world, game_map, rng=random.Random(seed), speed=speed, tick_s=tick_s, **agent_options)
    writer = None
    seen = ticks = sent = 0
    lost = None
    try:
        while world.end is None:
            if not world.wait_frame(seen, timeout=SILENCE_S):
                lost = f"no frame for {SILENCE_S:.0f} s"
                log.warning("play: %s, stopping", lost)
                break
            if world.closed and world.frames == seen:
                break
            seen = world.frames
            if writer is None and out is not None:
                writer = _open_recording(world, out, game_map)
            agent.tick()
            ticks += 1
            if device is None:
                world.flush()
                sent += 1
            else:
                device.send(_take(world))
            if writer is not None and ticks % 5 == 0:
                obs = world.observe()
                positions = {str(obs.me): list(obs.position)} | {str(p.id): list(p.position) for p in obs.players}
                writer.write({"type": "pos", "t": obs.t, "positions": positions,
                              **({"ghosts": [obs.me]} if not obs.alive else {})})
        if writer is not None and world.end is not None:
            writer.write({"type": "end", "t": world.t, "winner": world.end.winner, "reason": world.end.reason})
    finally:
        agent.close()
        if device is not None:
            device.close()
        if writer is not None:
            writer.close()
        world.close()
    if world.end is None:
        lost = getattr(world, "lost", None) or lost or "the state source closed before the game's end"
    return PlayResult(world.frames, ticks, world.end.winner if world.end else None,
                      world.end.reason if world.end else None, world.reconnects, world.malformed, sent,
                      device.count if device else 0, lost if world.end is None else None)


def _take(world: BridgeWorld) -> Input:
    from ..live.client import to_input

    return to_input(world.actuator.take())


def _open_recording(world: BridgeWorld, out: Path, game_map: GameMap) -> RecordingWriter:
    """The agent's own recording: its view of the game (its position and the players it saw)."""
    obs = world.observe()
    names = dict(obs.alive_players)
    count = max([obs.me, *names]) + 1
    # other players' roles are unknown to the agent: written as crewmate, flagged as not known
    players = [{"id": pid, "color": names.get(pid, f"Player {pid}"), "name": names.get(pid, f"Player {pid}"),
                "role": obs.role if pid == obs.me else "crewmate", "role_known": pid == obs.me}
               for pid in range(count)]
    header = {"type": "header", "version": 1, "seed": None, "map": game_map.name, "settings": {},
              "players": players, "source": "bridge", "seat": obs.me}
    out.parent.mkdir(parents=True, exist_ok=True)
    return RecordingWriter(out, header)
