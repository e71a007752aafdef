"""`play`: the agent in real time against a live state source, its inputs to the bridge or to devices.

One agent tick per frame received. The world is a bridge (a game mod, or `sim-server`) or the
TimShaw mod's files; input goes over the bridge, or to the real client's devices (the
`DeviceActuator`: gamepad or keyboard for walking, keyboard for chat), or nowhere (`dry`: every
intended input is logged, nothing is sent). With feeds, the game is narrated from the agent's own
perceptions. The loop survives the bridge dropping (the world reconnects and the agent keeps its
memory) and releases every input at the end. A game that ends without the source saying so is
reported as lost, with why, and the caller exits non-zero.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..act.device import DeviceActuator
from ..agent.loop import Agent
from ..errors import AmongUsError
from ..live.client import BridgeWorld
from ..live.timshaw import TimShawWorld
from ..recording import RecordingWriter
from ..world.map import GameMap, load_map
from ..world.tasks import load_tasks
from .feed import attach_feed
from .feed_options import FeedOptions

log = logging.getLogger(__name__)
SILENCE_S = 30.0
INPUTS = ("bridge", "gamepad", "keyboard", "dry")


@dataclass(slots=True)
class PlayResult:
    frames: int
    ticks: int
    winner: str | None
    reason: str | None
    reconnects: int
    malformed: int
    inputs_sent: int
    lost: str | None = None  # why the game was lost (the source went away before its end), else None
    device_sent: dict[str, int] = field(default_factory=dict)
    device_refused: dict[str, int] = field(default_factory=dict)
    commentary: dict | None = None


@dataclass
class PlayOptions:
    bridge: str
    input: str = "bridge"
    map_name: str = "skeld"
    out: Path | None = None
    seed: int = 0
    llm: Any = None
    persona: Any = None
    clock: str = "realtime"
    seat: int | None = None  # the seat to join on a bridge (None: any free one)
    player: str | None = None  # or the seat of this player name
    token: str | None = None  # the bridge's token, when it asks for one
    retries: int = 8  # reconnects in a row without a frame before the game is given up as lost
    feed: FeedOptions = field(default_factory=FeedOptions)
    backends: dict[str, Any] = field(default_factory=dict)  # already opened input backends, by role (tests)


def device_actuator(mode: str, backends: dict[str, Any] | None = None) -> DeviceActuator:
    """The real client's actuator for `--input MODE`: what walks, and what types chat.

    gamepad: the virtual pad walks and presses, a keyboard types chat when one can be opened (else
    chat is refused with a logged reason); keyboard: WASD and keys for everything; dry: logs all.
    """
    from ..act.input import BackendUnavailableError, open_backend

    backends = dict(backends or {})
    if mode == "dry":
        movement = backends.get("movement") or open_backend("dry")

        def vote(target: int | str) -> bool:
            movement.intend("vote", target)  # a dry run logs the vote it would click
            return True

        return DeviceActuator(movement, keyboard=backends.get("keyboard", movement), voter=vote)
    if mode == "keyboard":
        movement = backends.get("movement") or open_backend("keyboard")
        return DeviceActuator(movement, keyboard=backends.get("keyboard", movement))
    if mode == "gamepad":
        movement = backends.get("movement") or open_backend("gamepad")
        keyboard = backends.get("keyboard")
        if keyboard is None:
            try:
                keyboard = open_backend("keyboard")
            except BackendUnavailableError as exc:
                log.warning("play: no keyboard for chat (%s): the agent's chat lines will be refused", exc)
        return DeviceActuator(movement, keyboard=keyboard)
    raise AmongUsError(f"--input {mode!r}: choose one of {', '.join(INPUTS)}")


def open_world(opts: PlayOptions, game_map: GameMap) -> BridgeWorld | TimShawWorld:
    actuator = None if opts.input == "bridge" else device_actuator(opts.input, opts.backends)
    if opts.bridge.startswith("timshaw:"):
        if actuator is None:
            raise AmongUsError("--input bridge: the TimShaw mod's files take no input; use gamepad, keyboard or dry")
        return TimShawWorld(opts.bridge.split(":", 1)[1], game_map, load_tasks(game_map.name, game_map), actuator)
    return BridgeWorld(opts.bridge, seat=opts.seat, name=opts.player, token=opts.token, game_map=game_map,
                       retries=opts.retries, actuator=actuator)


def play_live(opts: PlayOptions, announce=None) -> tuple[PlayResult, BridgeWorld | TimShawWorld]:
    """Assemble world, agent, feed and recording from `opts`, and play until the game ends."""
    game_map = load_map(opts.map_name)
    world = open_world(opts, game_map)
    feed = opts.feed.open(opts.persona, announce)
    try:
        result = play_bridge(world, game_map, out=opts.out, seed=opts.seed, feed=feed,
                             neuro_timeout_s=opts.feed.neuro_timeout_s, llm=opts.llm, persona=opts.persona,
                             clock=opts.clock)
    finally:
        if feed is not None:
            feed.close()
    if feed is not None:
        result.commentary = feed.stats()
    return result, world


def play_bridge(world: BridgeWorld | TimShawWorld, game_map: GameMap, *, out: Path | None = None, seed: int = 0,
                feed=None, neuro_timeout_s: float = 5.0, **agent_options) -> PlayResult:
    """Run the agent until the game ends or the source falls silent for good."""
    agent = Agent(world, game_map, rng=random.Random(seed), **agent_options)
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
            if feed is not None and ticks == 0:
                attach_feed(feed, agent, world.observe(), game_map, persona=agent.persona,
                            neuro_timeout_s=neuro_timeout_s)
            agent.tick()
            ticks += 1
            if world.flush() is not None:
                sent += 1
            if writer is not None and ticks % 5 == 0:
                obs = world.observe()
                positions = {str(obs.me): list(obs.position)} | {str(p.id): list(p.position) for p in obs.players}
                writer.write({"type": "pos", "t": obs.t, "positions": positions,
                              **({"ghosts": [obs.me]} if not obs.alive else {})})
        if writer is not None and world.end is not None:
            writer.write({"type": "end", "t": world.t, "winner": world.end.winner, "reason": world.end.reason})
    finally:
        agent.close()
        actuator = world.actuator
        if isinstance(actuator, DeviceActuator):
            actuator.close()
        if writer is not None:
            writer.close()
        world.close()
    if world.end is None:
        lost = getattr(world, "lost", None) or lost or "the state source closed before the game's end"
    device = world.actuator if isinstance(world.actuator, DeviceActuator) else None
    return PlayResult(world.frames, ticks, world.end.winner if world.end else None,
                      world.end.reason if world.end else None, world.reconnects, world.malformed, sent,
                      lost if world.end is None else None, dict(device.sent) if device else {},
                      dict(device.refused) if device else {})


def _open_recording(world: BridgeWorld | TimShawWorld, out: Path, game_map: GameMap) -> RecordingWriter:
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
