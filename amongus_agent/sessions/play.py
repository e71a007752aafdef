"""`play`: the agent in real time against a live state source, its inputs to the bridge or to devices.

One agent tick per frame received. The world is a bridge (a game mod, or `sim-server`) or the
TimShaw mod's files; input goes over the bridge, or to the real client's devices (the
`DeviceActuator`: gamepad or keyboard for walking, keyboard for chat), or nowhere (`dry`: every
intended input is logged, nothing is sent). `device` is the real client's whole way: positions
over the bridge as a mod gives them, everything else through the game window: movement by WASD
(or a virtual pad), the action keys, chat typed into the chat box and votes clicked on the tablet
(screen flows), task panels solved by their flows, and the meeting chat read from the window's
pixels on a worker thread; the abort key stops all of it at once. With feeds, the game is narrated from the agent's own
perceptions. The loop survives the bridge dropping (the world reconnects and the agent keeps its
memory) and releases every input at the end. A game that ends without the source saying so is
reported as lost, with why, and the caller exits non-zero.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..act.device import DeviceActuator
from ..agent.loop import Agent
from ..errors import AmongUsError
from ..live.client import BridgeWorld
from ..live.timshaw import COLOR_IDS, TimShawWorld
from ..recording import RecordingWriter
from ..world.map import GameMap, load_map
from ..world.tasks import load_tasks
from .feed import attach_feed
from .feed_options import FeedOptions

log = logging.getLogger(__name__)
SILENCE_S = 30.0
INPUTS = ("bridge", "device", "gamepad", "keyboard", "dry")
MOVEMENTS = ("keyboard", "gamepad")
ABORT_KEY = "ctrl+shift+f12"


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
    screen: dict | None = None  # --input device: perception timing, screen flows and their retries


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
    movement: str = "keyboard"  # --input device: WASD, or a virtual gamepad
    window: str = "Among Us"  # --input device: the game window's title (a part of it)
    abort_key: str = ABORT_KEY
    input_log: Path | None = None  # --input device: each input decided, as JSON lines {wall, kind, what}


def device_actuator(mode: str, backends: dict[str, Any] | None = None, *, movement: str = "keyboard",
                    region: Any = None, journal: Any = None) -> DeviceActuator:
    """The real client's actuator for `--input MODE`: what walks, and what types chat.

    gamepad: the virtual pad walks and presses, a keyboard types chat when one can be opened (else
    chat is refused with a logged reason); keyboard: WASD and keys for everything; dry: logs all;
    device: `movement` (keyboard or gamepad) walks and presses, and the screen flows (capturing
    `region`, the game window) type chat, click votes and solve task panels with the pointer.
    """
    from ..act.input import BackendUnavailableError, open_backend

    backends = dict(backends or {})
    if mode == "device":
        return _screen_device(backends, movement, region, journal)
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


def _screen_device(backends: dict[str, Any], movement: str, region: Any, journal: Any) -> DeviceActuator:
    from ..act.input import open_backend
    from ..act.screen_flows import ScreenFlows
    from ..perception.capture import ScreenCapture

    if movement not in MOVEMENTS:
        raise AmongUsError(f"--movement {movement!r}: choose one of {', '.join(MOVEMENTS)}")
    move = backends.get("movement") or open_backend(movement)
    keyboard = backends.get("keyboard") or (move if movement == "keyboard" else open_backend("keyboard"))
    pointer = backends.get("pointer") or open_backend("mouse")
    screen = ScreenFlows(lambda: ScreenCapture(region), pointer)
    return DeviceActuator(move, keyboard=keyboard, screen=screen, journal=journal)


class InputJournal:
    """`play --input-log`: each input the agent decided, as a JSON line {wall, kind, what}, flushed per line
    (the server's `--input-log` says when the game saw it: the latency benchmark joins the two)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._f = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def __call__(self, kind: str, what: object) -> None:
        line = json.dumps({"wall": time.time(), "kind": kind, "what": what})
        with self._lock:
            if not self._f.closed:
                self._f.write(line + "\n")
                self._f.flush()

    def close(self) -> None:
        with self._lock:
            self._f.close()


def mod_color(pid: int) -> str | None:
    """A player's colour in the TimShaw mod's files, whose player ids are the game's colour ids."""
    return COLOR_IDS[pid] if 0 <= pid < len(COLOR_IDS) else None


def _player_colors(world: BridgeWorld):
    """A player id's colour as the game gives it (a meeting frame lists every living player), for votes."""

    def color(pid: int) -> str | None:
        frame = world._frame
        if frame is None:
            return None
        return next((p.color.lower() for p in frame.players if p.id == pid), None)

    return color


def open_world(opts: PlayOptions, game_map: GameMap) -> BridgeWorld | TimShawWorld:
    if opts.input == "device":
        return _open_device_world(opts, game_map)
    actuator = None if opts.input == "bridge" else device_actuator(opts.input, opts.backends)
    if opts.bridge.startswith("timshaw:"):
        if actuator is None:
            raise AmongUsError("--input bridge: the TimShaw mod's files take no input; use gamepad, keyboard or dry")
        return TimShawWorld(opts.bridge.split(":", 1)[1], game_map, load_tasks(game_map.name, game_map), actuator)
    return BridgeWorld(opts.bridge, seat=opts.seat, name=opts.player, token=opts.token, game_map=game_map,
                       retries=opts.retries, actuator=actuator)


def _open_device_world(opts: PlayOptions, game_map: GameMap) -> BridgeWorld | TimShawWorld:
    """The bridge (or the TimShaw mod's files) for positions, the game window for everything else (see
    the module's docstring). The mod reads the chat itself, so over its files chat is not read from pixels."""
    from ..live.limits import Limits
    from ..live.pixel_chat import PixelChat
    from ..perception.capture import ScreenCapture, find_window_region
    from ..perception.watch import ChatWatcher

    region = find_window_region(opts.window)  # no such window: one clear error before anything starts
    journal = InputJournal(opts.input_log) if opts.input_log is not None else None
    actuator = device_actuator("device", opts.backends, movement=opts.movement, region=region, journal=journal)
    try:
        if opts.bridge.startswith("timshaw:"):
            mod = TimShawWorld(opts.bridge.split(":", 1)[1], game_map, load_tasks(game_map.name, game_map), actuator)
            actuator.colors = mod_color  # the mod numbers players by their colour
            return mod
        world = BridgeWorld(opts.bridge, seat=opts.seat, name=opts.player, token=opts.token, game_map=game_map,
                            retries=opts.retries, actuator=actuator)
    except BaseException:
        actuator.close()
        raise
    actuator.colors = _player_colors(world)
    watcher = ChatWatcher(lambda: ScreenCapture(region))
    world.amend = PixelChat(watcher, Limits.for_map(game_map))
    if actuator.screen is not None:  # the chat flow confirms our line from what the watcher reads anyway
        actuator.screen.said = lambda: [s.line.text for s in watcher.lines() if s.line.is_self]
    return world


def play_live(opts: PlayOptions, announce=None) -> tuple[PlayResult, BridgeWorld | TimShawWorld]:
    """Assemble world, agent, feed and recording from `opts`, and play until the game ends."""
    from ..act.input import install_abort_hotkey

    game_map = load_map(opts.map_name)
    world = open_world(opts, game_map)
    remove_abort = install_abort_hotkey(world.actuator, opts.abort_key) if opts.input == "device" else None
    feed = opts.feed.open(opts.persona, announce)
    try:
        result = play_bridge(world, game_map, out=opts.out, seed=opts.seed, feed=feed,
                             neuro_timeout_s=opts.feed.neuro_timeout_s, llm=opts.llm, persona=opts.persona,
                             clock=opts.clock)
    finally:
        if feed is not None:
            feed.close()
        if remove_abort is not None:
            remove_abort()
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
        screen = _screen_stats(world)
        if isinstance(actuator, DeviceActuator):
            actuator.close()
            if isinstance(actuator.journal, InputJournal):
                actuator.journal.close()
        watcher = getattr(getattr(world, "amend", None), "watcher", None)
        if watcher is not None:
            watcher.close()
        if writer is not None:
            writer.close()
        world.close()
    if world.end is None:
        lost = getattr(world, "lost", None) or lost or "the state source closed before the game's end"
    device = world.actuator if isinstance(world.actuator, DeviceActuator) else None
    return PlayResult(world.frames, ticks, world.end.winner if world.end else None,
                      world.end.reason if world.end else None, world.reconnects, world.malformed, sent,
                      lost if world.end is None else None, dict(device.sent) if device else {},
                      dict(device.refused) if device else {}, screen=screen)


def _screen_stats(world: BridgeWorld | TimShawWorld) -> dict | None:
    """What the screen side did: the chat watcher's time per frame, the screen flows and their retries."""
    out: dict = {}
    amend = getattr(world, "amend", None)
    if getattr(amend, "watcher", None) is not None:
        out["perception"] = amend.watcher.stats()
        out["chat_unattributed"] = amend.unattributed
        out["chat_read"] = [{"meeting": m, "player": pid, "text": text}
                            for (m, _), (pid, text) in sorted(amend.read.items())][-100:]
    actuator = world.actuator
    if isinstance(actuator, DeviceActuator) and actuator.screen is not None:
        out["flows"] = actuator.screen.stats()
        out["aborted"] = actuator.aborted
    return out or None


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
