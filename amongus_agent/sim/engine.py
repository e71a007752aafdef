"""The rules engine: one fixed step of game time at a time, from the seats' inputs.

Everything random draws from the game's own generator seeded at construction, and time is the
tick counter times `dt`, so a seed and settings replay event for event. Each step returns the
events it produced (dicts in the recording format, see docs/recording.md); the caller decides
whether to write them. Movement comes only from stick vectors and is confined to the walkable area
(sliding along walls), so the same path-to-stick code that drives a gamepad is exercised here.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

from ..world.map import GameMap
from ..world.tasks import TaskTable
from .grid import snap, snap_pair
from .settings import GameSettings
from .state import (
    COLOR_NAMES,
    CREWMATE,
    IDLE,
    IMPOSTOR,
    Body,
    Meeting,
    Player,
    PlayerInput,
    Sabotage,
    TaskProgress,
    Using,
)

CRITICAL = ("reactor", "oxygen")
SABOTAGE_KINDS = ("lights", "reactor", "oxygen", "comms", "doors")
DOOR_BLOCK_RADIUS = 0.55
POS_EVERY_S = 0.5
_floor = math.floor


class Game:
    def __init__(self, settings: GameSettings, seed: int, game_map: GameMap, tasks: TaskTable) -> None:
        self.settings = settings
        self.seed = seed
        self.map = game_map
        self.table = tasks
        self.rng = random.Random(seed)
        self.dt = settings.dt
        self.tick = 0
        self.t = 0.0
        self.phase = "tasks"  # tasks | meeting | ended
        self.winner: str | None = None
        self.reason: str | None = None
        self.bodies: list[Body] = []
        self.sabotage: Sabotage | None = None
        self.doors_closed: dict[str, float] = {}  # room -> reopens at
        self.sabotage_ready_at = settings.sabotage_cooldown_s / 3
        self.button_ready_at = settings.button_cooldown_s
        self.meeting: Meeting | None = None
        self.meetings_held = 0
        # floor, not round: at 3, 7 or 11 Hz rounding up would space pos lines further apart than the format allows
        self._pos_every = max(1, int(POS_EVERY_S * settings.tick_hz + 1e-9))
        self._events: list[dict] = []
        self._door_points = [(d.room, d.position) for d in game_map.data.doors]
        self._vents = {v.id: v for v in game_map.data.vents}
        self.players = self._deal()
        self._impostors = [p for p in self.players if p.is_impostor]
        self._keyed = [(str(p.id), p) for p in self.players]
        self._walkable_at = game_map.walkable_at
        self._cells = game_map.cells()
        self._bounds = tuple(game_map.data.bounds)
        self._step = settings.player_speed * self.dt  # distance per tick at full stick
        self._ghost_step = self._step * settings.ghost_speed_factor
        # per seat: the last stick moved with, clamped to unit length, and its length. A seat holds one
        # stick for several ticks (the same tuple), so its length (a hypot) is worked out once, not a tick
        self._units: list[tuple] = [(None, 0.0, 0.0, 0.0)] * len(self.players)
        # per seat: the coordinates (the float objects) the engine last put the player at, both on the
        # grid. While the player is still there, a pos line writes them as they are: `snap` of a grid
        # value is that value, and `is` cannot be fooled (the list keeps the objects alive).
        self._placed: list = [(p.x, p.y) for p in self.players]  # (x, y) tuples or [x, y] lists
        self.tasks_total = sum(len(p.tasks) for p in self.players if p.role == CREWMATE)
        # settings read every tick, as plain floats (a pydantic attribute costs several times a slot's)
        self._max_game_s = settings.max_game_s
        self._use_reach2 = settings.use_distance ** 2
        self._vision_impostor = settings.vision_radius * settings.impostor_vision
        self._vision_crew = settings.vision_radius * settings.crew_vision
        self._vision_lights = self._vision_crew * settings.lights_vision_factor
        self.tasks_done = 0

    # ------------------------------------------------------------------ set-up

    def _deal(self) -> list[Player]:
        s = self.settings
        ids = list(range(s.players))
        impostors = set(self.rng.sample(ids, s.impostors))
        spawn = self.map.data.spawn.points
        commons = self.rng.sample(self.table.by_kind("common"), s.common_tasks)
        players = []
        for i in ids:
            x, y = _grid(spawn[i % len(spawn)])
            role = IMPOSTOR if i in impostors else CREWMATE
            p = Player(i, COLOR_NAMES[i], COLOR_NAMES[i], role, x, y, emergencies_left=s.emergency_meetings)
            chosen = list(commons)
            chosen += self.rng.sample(self.table.by_kind("long"), s.long_tasks)
            chosen += self.rng.sample(self.table.by_kind("short"), s.short_tasks)
            p.tasks = [self._assign(task) for task in chosen]  # impostors get a fake list to pretend with
            p.kill_cooldown = s.initial_kill_cooldown_s if role == IMPOSTOR else 0.0
            players.append(p)
        return players

    def _assign(self, task) -> TaskProgress:
        used: set[str] = set()
        places = []
        for step in task.steps:
            options = [o for o in step.options if not (task.distinct_rooms and o.room in used)]
            place = options[self.rng.randrange(len(options))]
            used.add(place.room)
            places.append(place)
        return TaskProgress(
            task.name, task.kind, task.visual, [s.label for s in task.steps], places,
            [s.duration_s for s in task.steps], [s.wait_before_s for s in task.steps],
        )

    def header(self) -> dict:
        return {
            "type": "header", "version": 1, "seed": self.seed, "map": self.map.name,
            "settings": self.settings.model_dump(),
            "players": [{"id": p.id, "color": p.color, "name": p.name, "role": p.role} for p in self.players],
            "tasks": {str(p.id): [t.name for t in p.tasks] for p in self.players if p.role == CREWMATE},
            "tasks_total": self.tasks_total,
        }

    # ------------------------------------------------------------------ queries (rules, not views)

    @property
    def over(self) -> bool:
        return self.phase == "ended"

    def alive(self) -> list[Player]:
        return [p for p in self.players if p.alive]

    def vision_radius(self, p: Player) -> float:
        if p.role == IMPOSTOR:
            return self._vision_impostor
        return self._vision_lights if self.sabotage is not None and self.sabotage.kind == "lights" else self._vision_crew

    def sees_point(self, observer: Player, x: float, y: float) -> bool:
        """Within the observer's vision radius and not behind a wall. Ghosts see everything."""
        if not observer.alive:
            return True
        if observer.vent is not None:
            return False
        r = self.vision_radius(observer)
        dx, dy = x - observer.x, y - observer.y
        if dx * dx + dy * dy > r * r:
            return False
        return self.map.sight(observer.x, observer.y, x, y)

    def sees(self, observer: Player, target: Player) -> bool:
        if target.vent is not None or not target.alive:
            return False
        return self.sees_point(observer, target.x, target.y)

    def critical_active(self) -> bool:
        return self.sabotage is not None and self.sabotage.kind in CRITICAL

    def task_bar(self) -> float:
        return self.tasks_done / self.tasks_total if self.tasks_total else 1.0

    def _emit(self, event: dict) -> None:
        event["t"] = snap(self.t)
        self._events.append(event)

    # ------------------------------------------------------------------ the step

    def step(self, inputs: Mapping[int, PlayerInput]) -> list[dict]:
        """Advance one tick. Inputs for seats not in the mapping count as idle."""
        self._events = []
        if self.phase == "ended":
            return self._events
        self.tick += 1
        self.t = self.tick * self.dt
        if self.phase == "meeting":
            self._meeting_step(inputs)
        else:
            self._tasks_step(inputs)
        if self.phase != "ended" and self.t >= self._max_game_s:
            self._end("crew" if self.task_bar() >= 1.0 else "impostors", "time_limit")
        if self.tick % self._pos_every == 0 or self.phase == "ended":
            self._emit_positions()
        return self._events

    def _emit_positions(self) -> None:
        placed = self._placed
        positions = {}
        for key, p in self._keyed:
            x, y = p.x, p.y
            at = placed[p.id]
            positions[key] = [x, y] if at[0] is x and at[1] is y else snap_pair(x, y)  # moved by someone else
        ghosts = [p.id for p in self.players if not p.alive]
        event: dict = {"type": "pos", "positions": positions}
        if ghosts:
            event["ghosts"] = ghosts
        vented = [p.id for p in self.players if p.vent is not None]
        if vented:
            event["in_vent"] = vented
        self._emit(event)
        if len(self._events) > 1 and self._events[-2]["type"] == "end":  # the end stays the last line
            self._events[-2], self._events[-1] = self._events[-1], self._events[-2]

    def _tasks_step(self, inputs: Mapping[int, PlayerInput]) -> None:
        dt = self.dt
        for p in self._impostors:
            if p.kill_cooldown > 0:
                p.kill_cooldown = p.kill_cooldown - dt if p.kill_cooldown > dt else 0.0
        get, move = inputs.get, self._move  # bound once a tick, not once a player
        for p in self.players:
            inp = get(p.id, IDLE)
            if inp is IDLE:
                continue
            stick = inp.stick
            if stick[0] != 0.0 or stick[1] != 0.0:
                move(p, stick)
            if self.phase != "tasks":
                continue
            kill: object = inp.kill  # not `int | None`: compiled, True (a pad's "nearest") would turn into 1
            if kill is not None and kill is not False:
                self._try_kill(p, kill)
            if inp.report:
                self._try_report(p)
            if inp.vent is not None or inp.vent_to is not None:
                self._try_vent(p, inp)
            if inp.sabotage:
                self._try_sabotage(p, inp.sabotage, inp.sabotage_room)
            if inp.use:
                self._try_use(p)
            if self.phase != "tasks":
                break
        if self.phase == "tasks":
            self._progress_use()
            self._tick_sabotage()

    # ------------------------------------------------------------------ movement

    def _move(self, p: Player, stick: tuple[float, float]) -> None:
        """Walk one tick, sliding along walls. Positions stay on the millimetre grid the recording
        writes, so a recording holds exactly the positions the walkable check was made on.

        The caller (`_tasks_step`) passes only sticks that are not (0, 0).
        """
        if p.vent is not None:
            return
        unit = self._units[p.id]
        if unit[0] is stick:  # the stick held since an earlier tick: its length and unit form are known
            _, sx, sy, mag = unit
        else:
            sx, sy = stick
            mag = math.hypot(sx, sy)
            if mag > 1.0:
                sx, sy = sx / mag, sy / mag
            self._units[p.id] = (stick if type(stick) is tuple else None, sx, sy, mag)  # a list could change
        if p.using is not None and mag > 0.2:
            p.using = None  # walking away closes the task panel
        if not p.alive:  # ghosts cross walls but stay on the ship
            step = self._ghost_step
            x0, y0, x1, y1 = self._bounds
            vx, vy = self._placed[p.id] = snap_pair(p.x + sx * step, p.y + sy * step)
            vx = x0 if x0 > vx else vx  # min(max(v, lo), hi), without two builtin calls
            vy = y0 if y0 > vy else vy
            p.x = x1 if x1 < vx else vx
            p.y = y1 if y1 < vy else vy
            return
        step = self._step
        vx, vy = p.x + sx * step, p.y + sy * step
        if not self.doors_closed:
            # the usual case, a free step: `snap` of both coordinates and `GameMap.walkable_at`, inlined
            # (the engine's innermost loop). `snap`'s range check is left out: a cell on the raster is
            # within MAX_COORD (1000 units) of the origin, far inside the range where its shortcut is exact,
            # and every other case (off the raster, a near-tie, zero, NaN) falls through to `snap` below.
            tx, ty = vx * 1000.0, vy * 1000.0
            mx, my = (tx + 0.5) // 1.0, (ty + 0.5) // 1.0
            dx, dy = tx - mx, ty - my
            if mx and my and -0.4999 < dx < 0.4999 and -0.4999 < dy < 0.4999:
                nx, ny = mx / 1000.0, my / 1000.0
                x0, y0, res, w, h, mask = self._cells
                col = _floor((nx - x0) / res)
                row = h - 1 - _floor((ny - y0) / res)
                if 0 <= col < w and 0 <= row < h and mask[row * w + col] == 1:
                    p.x, p.y = self._placed[p.id] = nx, ny
                    p.slid = False
                    return
            can_stand = self._walkable_at
        else:
            can_stand = self._can_stand
        nx, ny = snap(vx), snap(vy)
        if can_stand(nx, ny):
            p.x, p.y = nx, ny
            p.slid = False
            return
        p.slid = True
        if can_stand(nx, p.y):  # slide along the wall
            p.x = nx
        elif can_stand(p.x, ny):
            p.y = ny

    def _can_stand(self, x: float, y: float) -> bool:
        if not self.map.walkable_at(x, y):
            return False
        if self.doors_closed:
            for room, (dx, dy) in self._door_points:
                if room in self.doors_closed and (x - dx) ** 2 + (y - dy) ** 2 < DOOR_BLOCK_RADIUS**2:
                    return False
        return True

    # ------------------------------------------------------------------ impostor actions

    def _try_kill(self, p: Player, target: object) -> None:
        """`target` is a player id, or True for whoever is nearest (a pad's kill button). Typed `object`:
        to mypy, and so to mypyc, `int | bool` is `int`, and compiled code would take True for player 1."""
        if self.settings.freeplay or not (p.alive and p.is_impostor and p.vent is None and p.kill_cooldown <= 0):
            return
        reach = self.settings.kill_range
        candidates = [
            v for v in self.players
            if v.alive and not v.is_impostor and v.vent is None and (target is True or v.id == target)
            and (v.x - p.x) ** 2 + (v.y - p.y) ** 2 <= reach * reach
        ]
        if not candidates:
            return
        victim = min(candidates, key=lambda v: (v.x - p.x) ** 2 + (v.y - p.y) ** 2)
        victim.alive = False
        victim.died_at = self.t
        victim.using = None
        p.kill_cooldown = self.settings.kill_cooldown_s
        self.bodies.append(Body(victim.id, victim.x, victim.y, self.t))
        self._emit({"type": "kill", "killer": p.id, "victim": victim.id, "pos": [snap(victim.x), snap(victim.y)],
                    "room": self.map.room_of(victim.pos)})
        self._check_win()

    def _try_vent(self, p: Player, inp: PlayerInput) -> None:
        if not (p.alive and p.is_impostor):
            return
        if inp.vent == "enter" and p.vent is None:
            vent = self._vent_in_reach(p)
            if vent is not None:
                p.vent = vent.id
                p.using = None
                p.x, p.y = self._placed[p.id] = _grid(vent.position)
                self._emit({"type": "vent", "player": p.id, "action": "enter", "vent": vent.id})
        elif p.vent is not None and inp.vent_to is not None and inp.vent_to in self._vents[p.vent].links:
            p.vent = inp.vent_to
            p.x, p.y = self._placed[p.id] = _grid(self._vents[p.vent].position)
            self._emit({"type": "vent", "player": p.id, "action": "move", "vent": p.vent})
        elif inp.vent == "exit" and p.vent is not None:
            self._emit({"type": "vent", "player": p.id, "action": "exit", "vent": p.vent})
            p.vent = None

    def _vent_in_reach(self, p: Player):
        reach = self.settings.use_distance * 1.25
        best = None
        for vent in self.map.data.vents:
            d = math.dist(p.pos, vent.position)
            if d <= reach and (best is None or d < best[0]):
                best = (d, vent)
        return None if best is None else best[1]

    def _try_sabotage(self, p: Player, kind: str, room: str | None) -> None:
        if self.settings.freeplay or not p.is_impostor or kind not in SABOTAGE_KINDS or self.t < self.sabotage_ready_at:
            return
        if kind == "doors":
            rooms = sorted({d.room for d in self.map.data.doors})
            if room not in rooms or room in self.doors_closed:
                return
            self.doors_closed[room] = self.t + self.settings.door_close_s
            self.sabotage_ready_at = self.t + self.settings.sabotage_cooldown_s
            self._emit({"type": "sabotage", "kind": "doors", "by": p.id, "room": room})
            return
        if self.sabotage is not None:
            return
        deadline = None
        if kind == "reactor":
            deadline = self.t + self.settings.reactor_countdown_s
        elif kind == "oxygen":
            deadline = self.t + self.settings.oxygen_countdown_s
        self.sabotage = Sabotage(kind, p.id, self.t, deadline)
        self._emit({"type": "sabotage", "kind": kind, "by": p.id, **({"deadline": snap(deadline)} if deadline else {})})

    # ------------------------------------------------------------------ crew actions

    def _try_report(self, p: Player) -> None:
        if not p.alive or p.vent is not None:
            return
        reach = self.settings.report_distance
        for body in self.bodies:
            if (body.x - p.x) ** 2 + (body.y - p.y) ** 2 <= reach * reach and self.map._clear(p.x, p.y, body.x, body.y):
                self._clear_vents()  # everyone leaves the vents before the call, as the recording reads
                self._emit({"type": "report", "reporter": p.id, "victim": body.victim})
                self._start_meeting("report", p.id, body.victim)
                return

    def _try_use(self, p: Player) -> None:
        """The use button: a sabotage panel, the emergency button, or the player's next task step."""
        if p.vent is not None or p.using is not None:
            return
        reach2 = self._use_reach2
        sab = self.sabotage
        if sab is not None and p.alive:
            fix = self.table.sabotage_fixes.get(sab.kind)
            if fix is not None:
                for k, panel in enumerate(fix.panels):
                    if k not in sab.panels_done and _d2(p, panel.spot) <= reach2:
                        p.using = Using("fix", k)
                        return
        button = self.map.data.emergency_button.spot
        if p.alive and _d2(p, button) <= reach2 * 1.6:
            if p.emergencies_left > 0 and self.t >= self.button_ready_at and not self.critical_active():
                p.emergencies_left -= 1
                self._clear_vents()
                self._emit({"type": "emergency", "caller": p.id})
                self._start_meeting("emergency", p.id, None)
            return
        if p.is_impostor:
            return  # impostors can stand at a console, but their tasks never progress
        if self.sabotage is not None and self.sabotage.kind == "comms" and p.alive:
            return  # comms down: the living lose their task list; ghosts are not tied to the comms array
        for k, task in enumerate(p.tasks):
            place = task.current
            if place is not None and self.t >= task.ready_at and _d2(p, place.spot) <= reach2:
                p.using = Using("task", k)
                return

    def _progress_use(self) -> None:
        dt = self.dt
        held: list[tuple[Player, int]] = []
        for p in self.players:
            u = p.using
            if u is None:
                continue
            u.progress += dt
            if u.kind == "task":
                task = p.tasks[u.index]
                if u.solved if p.by_panel else u.progress + 1e-9 >= task.durations[task.step]:
                    self._finish_step(p, task)
                    p.using = None
            else:
                held.append((p, u.index))
        if held:
            self._progress_fix(held)

    def panel_done(self, pid: int) -> None:
        """A panel seat (`Player.by_panel`) solved its open task panel: the step finishes next tick."""
        u = self.players[pid].using
        if u is not None and u.kind == "task":
            u.solved = True

    def close_panel(self, pid: int) -> None:
        """The player closed the open panel (Escape, the close button): the step stays unfinished."""
        self.players[pid].using = None

    def _finish_step(self, p: Player, task: TaskProgress) -> None:
        place = task.places[task.step]
        step = task.step
        task.step += 1
        if not task.done:
            task.ready_at = self.t + task.waits[task.step]
        event = {"type": "task", "player": p.id, "task": task.name, "step": step, "room": place.room,
                 "done": task.done}
        if task.visual and task.done:
            event["visual"] = True
        self._emit(event)
        if task.done:
            self.tasks_done += 1
            self._check_win()

    def _progress_fix(self, held: list[tuple[Player, int]]) -> None:
        sab = self.sabotage
        if sab is None:
            for p, _ in held:
                p.using = None
            return
        if sab.kind == "reactor":
            # both hand scanners must be held at the same time
            if len({k for _, k in held}) >= 2:
                self._fixed(sab, held[0][0].id)
            return
        for p, k in held:
            if p.using is not None and p.using.progress + 1e-9 >= self.settings.fix_duration_s:
                sab.panels_done.add(k)
                p.using = None
                fix = self.table.sabotage_fixes[sab.kind]
                if len(sab.panels_done) >= len(fix.panels):
                    self._fixed(sab, p.id)
                    return

    def _fixed(self, sab: Sabotage, by: int | None) -> None:
        self.sabotage = None
        for p in self.players:
            if p.using is not None and p.using.kind == "fix":
                p.using = None
        self._emit({"type": "sabotage_fixed", "kind": sab.kind, "by": by})

    def _tick_sabotage(self) -> None:
        if self.doors_closed:
            for room, until in list(self.doors_closed.items()):
                if self.t >= until:
                    del self.doors_closed[room]
                    self._emit({"type": "sabotage_fixed", "kind": "doors", "by": None, "room": room})
        sab = self.sabotage
        if sab is not None and sab.deadline is not None and self.t >= sab.deadline:
            self._end("impostors", "sabotage")

    # ------------------------------------------------------------------ meetings

    def _start_meeting(self, reason: str, caller: int, victim: int | None) -> None:
        s = self.settings
        self.phase = "meeting"
        self.meetings_held += 1
        voting_at = self.t + s.discussion_s
        self.meeting = Meeting(reason, caller, victim, self.t, voting_at, voting_at + s.voting_s)
        for p in self.players:
            p.using = None
        if self.sabotage is not None and self.sabotage.kind in CRITICAL:
            self._fixed(self.sabotage, None)  # a meeting resets a meltdown, as in the game
        for room in sorted(self.doors_closed):
            self._emit({"type": "sabotage_fixed", "kind": "doors", "by": None, "room": room})
        self.doors_closed.clear()
        self._emit({"type": "meeting_start", "caller": caller, "reason": reason,
                    **({"victim": victim} if victim is not None else {})})

    def _clear_vents(self) -> None:
        for p in self.players:
            if p.vent is not None:
                self._emit({"type": "vent", "player": p.id, "action": "exit", "vent": p.vent})
                p.vent = None

    def _meeting_step(self, inputs: Mapping[int, PlayerInput]) -> None:
        m = self.meeting
        assert m is not None
        s = self.settings
        living = 0
        for p in self.players:
            if not p.alive:
                continue  # ghosts cannot chat or vote
            living += 1
            inp = inputs.get(p.id)
            if inp is None:
                continue
            if inp.chat:
                text = " ".join(inp.chat.split())[: s.chat_max_chars]
                if text:
                    self._emit({"type": "chat", "player": p.id, "text": text})
            if inp.vote is not None and self.t >= m.voting_at and p.id not in m.votes:
                target = inp.vote
                valid = target == "skip" or (
                    isinstance(target, int) and 0 <= target < len(self.players) and self.players[target].alive
                )
                if valid:
                    m.votes[p.id] = target
                    self._emit({"type": "vote", "voter": p.id, "target": target})
        if self.t >= m.ends_at or (self.t >= m.voting_at and len(m.votes) >= living):
            self._end_meeting()

    def _end_meeting(self) -> None:
        m = self.meeting
        assert m is not None
        tally: dict[str, int] = {}
        for target in m.votes.values():
            key = str(target)
            tally[key] = tally.get(key, 0) + 1
        ejected: Player | None = None
        if tally:
            top = max(tally.values())
            leaders = [k for k, v in tally.items() if v == top]
            if len(leaders) == 1 and leaders[0] != "skip":
                ejected = self.players[int(leaders[0])]
        event: dict = {"type": "eject", "player": ejected.id if ejected else None, "tally": tally}
        if ejected is not None:
            ejected.alive = False
            ejected.ejected = True
            ejected.died_at = self.t
            if self.settings.confirm_ejects:
                event["role"] = ejected.role
        self._emit(event)
        self._emit({"type": "meeting_end"})
        self.meeting = None
        self.bodies.clear()
        spawn = self.map.data.spawn.points
        for k, p in enumerate(self.players):
            p.using = None
            if p.alive:
                p.x, p.y = self._placed[p.id] = _grid(spawn[k % len(spawn)])
            if p.is_impostor:
                p.kill_cooldown = self.settings.kill_cooldown_s
        self.button_ready_at = self.t + self.settings.button_cooldown_s
        self.sabotage_ready_at = max(self.sabotage_ready_at, self.t + self.settings.sabotage_cooldown_s / 3)
        self.phase = "tasks"
        self._check_win()

    # ------------------------------------------------------------------ winning

    def _check_win(self) -> None:
        if self.phase == "ended" or self.settings.freeplay:
            return
        impostors = sum(1 for p in self.players if p.alive and p.is_impostor)
        crew = sum(1 for p in self.players if p.alive and not p.is_impostor)
        if impostors == 0:
            self._end("crew", "votes")
        elif impostors >= crew:
            self._end("impostors", "kills")
        elif self.tasks_total and self.tasks_done >= self.tasks_total:
            self._end("crew", "tasks")

    def _end(self, winner: str, reason: str) -> None:
        self.phase = "ended"
        self.winner = winner
        self.reason = reason
        self.meeting = None
        self._emit({"type": "end", "winner": winner, "reason": reason,
                    "alive": [p.id for p in self.players if p.alive],
                    "tasks_done": self.tasks_done, "tasks_total": self.tasks_total})


def _grid(point) -> tuple[float, float]:
    """A point on the millimetre grid the recording writes positions on (see `_move`)."""
    return snap(point[0]), snap(point[1])


def _d2(p: Player, spot) -> float:
    return (p.x - spot[0]) ** 2 + (p.y - spot[1]) ** 2
