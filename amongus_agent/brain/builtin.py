"""The built-in brain: offline, no model, the default — and the LLM brain's fallback every turn.

It answers in the same format as a model (a verified decision with a thought), choosing from the
same legal actions, so the rest of the agent cannot tell the two apart. Crewmates take the shortest
tour through their visible task steps; impostors kill when nobody else is in view.
"""

from __future__ import annotations

import itertools
import random

from ..ports import LegalAction, Observation, VerifiedDecision
from ..world.map import GameMap
from ..world.schema import Point
from ..world.tasks import TaskTable
from .actions import KILL_OFFER_REACH
from .memory import Memory

SABOTAGE_CHANCE = 0.08  # per decision, when the sabotage cooldown is over
FAR_FIX = 14.0  # lights/comms: only those this close go and fix


class BuiltinBrain:
    name = "builtin"

    def __init__(self, game_map: GameMap, rng: random.Random | None = None, tasks: TaskTable | None = None) -> None:
        self.map = game_map
        self.table = tasks  # game knowledge: where later steps of multi-step tasks are done
        self.rng = rng or random.Random(0)
        self._dist: dict[tuple[Point, Point], float] = {}
        self._vent_hops = 0

    # ------------------------------------------------------------------ task phase

    def decide(self, obs: Observation, legal: list[LegalAction], memory: Memory) -> VerifiedDecision:
        by_kind: dict[str, list[LegalAction]] = {}
        for a in legal:
            by_kind.setdefault(a.kind, []).append(a)
        if obs.phase == "meeting":
            return self.vote(obs, legal, memory)
        if obs.role == "impostor" and obs.alive:
            return self._impostor(obs, by_kind, memory)
        return self._crewmate(obs, by_kind, memory)

    def _crewmate(self, obs: Observation, k: dict[str, list[LegalAction]], memory: Memory) -> VerifiedDecision:
        if "report" in k:
            a = min(k["report"], key=lambda a: a.distance or 0.0)
            return _d(a, f"A body! I must report it right away: {a.description}.", obs)
        if "fix" in k and obs.sabotage is not None:
            near = min(k["fix"], key=lambda a: a.distance or 0.0)
            if obs.sabotage.time_left is not None or obs.tasks_hidden or (near.distance or 0) < FAR_FIX:
                choice = self._split_panels(obs, k["fix"])
                return _d(choice, f"The {obs.sabotage.kind} sabotage needs fixing before anything else.", obs)
        if "emergency" in k:
            alive = {pid for pid, _ in obs.alive_players}
            certain = [pid for pid in memory.witnessed if pid in alive]
            if certain:
                return _d(k["emergency"][0], "I saw something with my own eyes: everyone must hear it.", obs)
        tasks = [a for a in k.get("task", []) if self._ready_soon(a, obs)]
        if tasks:
            first = self._tour_start(obs.position, tasks, through_walls=not obs.alive)
            rest = [a for a in tasks if a is not first]
            return _d(first, f"Next on the shortest route through my {len(tasks)} task(s).", obs, rest[:0])
        if "follow" in k and obs.alive:
            a = min(k["follow"], key=lambda a: a.distance or 0.0)
            return _d(a, "Tasks done; staying near others is safer.", obs)
        return _d(_idle(k), "Nothing to do here; moving on.", obs)

    def _ready_soon(self, a: LegalAction, obs: Observation) -> bool:
        """Worth walking to now: ready by the time we get there (give or take a few seconds)."""
        return a.ready_in <= 0 or a.ready_in <= (a.distance or 0.0) / obs.rules.player_speed + 3.0

    def _split_panels(self, obs: Observation, fixes: list[LegalAction]) -> LegalAction:
        if len(fixes) == 1:
            return fixes[0]
        return min(fixes, key=lambda a: (a.distance or 0.0) + (0.0 if a.target == obs.me % 2 else 6.0))

    def _distance(self, a: Point, b: Point, through_walls: bool) -> float:
        key = (a, b)
        d = self._dist.get(key)
        if d is None:
            d = (((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 if through_walls
                 else self.map.path_distance(a, b))
            if len(self._dist) > 20000:
                self._dist.clear()
            self._dist[key] = d
        return d

    def _chain(self, a: LegalAction) -> list[Point]:
        """The action's spot, then the spots of the task's later steps where the game fixes them."""
        spots = [a.position]  # type: ignore[list-item]
        if self.table is None:
            return spots
        task = self.table.tasks.get(a.task or "")
        if task is None or a.step is None:
            return spots
        for later in task.steps[a.step + 1:]:
            if len({o.spot for o in later.options}) != 1:
                break  # the game picks among several places: unknown until we get there
            spots.append(later.options[0].spot)
        return spots

    def _tour_start(self, here: Point, tasks: list[LegalAction], through_walls: bool) -> LegalAction:
        """First stop of the shortest tour through all visible task steps, each task's known later
        steps included (exact for up to 6 tasks)."""
        if len(tasks) == 1:
            return tasks[0]
        if len(tasks) > 6:
            return min(tasks, key=lambda a: a.distance or 0.0)
        chains = {id(a): self._chain(a) for a in tasks}
        inner = {id(a): sum(self._distance(p, q, through_walls) for p, q in zip(c, c[1:], strict=False))
                 for a in tasks for c in [chains[id(a)]]}
        best: tuple[float, LegalAction] | None = None
        for order in itertools.permutations(tasks):
            total = (order[0].distance if order[0].distance is not None else 0.0) + inner[id(order[0])]
            for a, b in zip(order, order[1:], strict=False):
                total += self._distance(chains[id(a)][-1], chains[id(b)][0], through_walls) + inner[id(b)]
                if best is not None and total >= best[0]:
                    break
            if best is None or total < best[0]:
                best = (total, order[0])
        return best[1]  # type: ignore[index]

    def _impostor(self, obs: Observation, k: dict[str, list[LegalAction]], memory: Memory) -> VerifiedDecision:
        if obs.in_vent is not None:
            moves = [a for a in k.get("vent", []) if a.target != "exit"]
            if moves and self._vent_hops < 1:
                self._vent_hops += 1
                return _d(moves[self.rng.randrange(len(moves))], "Through the vents, away from here.", obs)
            self._vent_hops = 0
            return _d(next(a for a in k["vent"] if a.target == "exit"), "Out, before anyone looks.", obs)
        partners = set(obs.partners)
        crew_in_view = [p for p in obs.players if p.id not in partners]
        if "kill" in k and len(crew_in_view) == 1:
            a = k["kill"][0]
            if (a.distance or 99) <= obs.rules.kill_range * KILL_OFFER_REACH:
                return _d(a, f"{crew_in_view[0].name} is alone with me. Now.", obs)
        if "vent" in k and obs.kill_cooldown > obs.rules.kill_cooldown_s - 5 and obs.players:
            return _d(k["vent"][0], "I should not be seen near here; the vent is close.", obs)
        if "sabotage" in k and self.rng.random() < SABOTAGE_CHANCE:
            a = k["sabotage"][self.rng.randrange(len(k["sabotage"]))]
            return _d(a, "A sabotage will split them up.", obs)
        if obs.kill_cooldown <= 8 and len(crew_in_view) == 1 and "follow" in k:
            target = next((a for a in k["follow"] if a.target == crew_in_view[0].id), None)
            if target is not None:
                return _d(target, f"{crew_in_view[0].name} is on their own; I will stay close.", obs)
        if "fake_task" in k:
            options = k["fake_task"]
            a = options[int(obs.t // 20) % len(options)]
            return _d(a, "Look busy: pretend to do a task.", obs)
        return _d(_idle(k), "Walk somewhere else and look for a lone target.", obs)

    # ------------------------------------------------------------------ meetings

    def vote(self, obs: Observation, legal: list[LegalAction], memory: Memory) -> VerifiedDecision:
        votes = {a.target: a for a in legal if a.kind == "vote"}
        if not votes:
            return _d(legal[0], "Listening for now.", obs)
        alive = {pid for pid, _ in obs.alive_players}
        exclude = {obs.me, *obs.partners}
        pid, score = memory.most_suspected(alive, exclude)
        threshold = 0.25 if obs.role == "impostor" else 0.6
        if pid is not None and score >= threshold and pid in votes:
            why = memory.witnessed.get(pid)
            reason = f"I saw them {why}." if why else f"the evidence points at them ({score:.1f})."
            return _d(votes[pid], f"Voting {votes[pid].name[5:]}: {reason}", obs)
        return _d(votes["skip"], "Not enough evidence to eject anyone.", obs)

    def say(self, obs: Observation, memory: Memory, persona_line: str | None = None) -> list[str]:
        """What to say in this meeting, most important first (at most 3 lines of 100 characters)."""
        m = obs.meeting
        if m is None or not obs.alive:
            return []
        lines: list[str] = []
        alive = dict(obs.alive_players)
        if obs.role == "crewmate":
            if m.caller == obs.me and m.victim_name:
                where = next((e.text.rsplit(" in ", 1)[1] for e in reversed(memory.entries)
                              if e.text.startswith(f"found the body of {m.victim_name}")), None)
                lines.append(f"Body of {m.victim_name}" + (f" in {where}." if where else "."))
            for pid, what in sorted(memory.witnessed.items()):
                if pid in alive:
                    lines.append(f"I saw {alive[pid]} {what}! Vote {alive[pid]}.")
            lines.append(f"I was in {obs.room} doing my tasks" +
                         (f", done: {', '.join(obs.tasks_done[:2])}." if obs.tasks_done else "."))
        else:
            lines.append(f"I was in {obs.tasks[0].room if obs.tasks else obs.room} doing my tasks.")
            pid, score = memory.most_suspected(set(alive), {obs.me, *obs.partners})
            if pid is not None and score > 0.2:
                lines.append(f"{alive[pid]} was acting weird, I think {alive[pid]} is sus.")
        if persona_line:
            lines.append(persona_line)
        return [line[: obs.rules.chat_max_chars] for line in lines[:3]]


def _idle(k: dict[str, list[LegalAction]]) -> LegalAction:
    for kind in ("wander", "wait"):
        if k.get(kind):
            return k[kind][0]
    return next(iter(k.values()))[0]


def _d(action: LegalAction, thought: str, obs: Observation, more: list[LegalAction] | None = None) -> VerifiedDecision:
    seen = ", ".join(p.name for p in obs.players[:4]) or "nobody"
    return VerifiedDecision((action, *(more or [])), thought, f"In {obs.room}; I see {seen}.")
