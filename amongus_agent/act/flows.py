"""Action flows: carry out one chosen action with stick and buttons, and confirm it happened.

A flow walks to the action's position the way a gamepad player does (the `Mover`), presses the
button for the action, holds still for a task's duration, then checks the next observations for
the effect (the task step advanced, the body gave a meeting, the target fell). A flow that cannot
confirm retries once and then gives up with a reason, which the agent logs and remembers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..ports import Actuator, LegalAction, Observation, Point, UnknownActionKind
from .movement import Mover

ARRIVE = 0.12
FAKE_TASK_S = 4.0  # how long an impostor stands at a console pretending
WAIT_S = 1.5
DEVICE_KILL_MARGIN = 0.75  # units: how much nearer than anyone else a device's kill target must be
CONFIRM_S = 1.5
MAX_TRIES = 2


@dataclass(slots=True)
class FlowResult:
    status: str  # running | done | failed
    reason: str = ""


RUNNING = FlowResult("running")


class Flow:
    """Base: walk to `action.position` (if any), then `act()` there until `confirmed()`."""

    def __init__(self, action: LegalAction, mover: Mover, started: float, alive: bool) -> None:
        self.action = action
        self.mover = mover
        self.started = started
        self.ghost = not alive
        self.tries = 0
        self.acted_at: float | None = None
        self.reason = ""

    def target(self, obs: Observation) -> tuple[float, float] | None:
        return self.action.position

    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        return math.dist(obs.position, target) <= ARRIVE

    def step(self, obs: Observation, act: Actuator) -> FlowResult:
        """One tick: `act` is the actuator (stick, press, ...)."""
        target = self.target(obs)
        if self.acted_at is None:
            if target is not None and not self.near_enough(obs, target):
                self.mover.go(obs.position, target, through_walls=self.ghost, slack=self.slack())
                x, y = self.mover.stick(obs.position)
                act.stick(x, y)
                if obs.t - self.started > self.timeout():
                    return FlowResult("failed", "could not get there in time")
                return RUNNING
            self.mover.stop()
            act.stick(0.0, 0.0)
            self.press(obs, act)
            self.acted_at = obs.t
            self.tries += 1
            return RUNNING
        result = self.confirmed(obs)
        if result is not None:
            return result
        if obs.t - self.acted_at > self.confirm_after():
            if self.tries >= MAX_TRIES:
                return FlowResult("failed", self.reason or f"{self.action.kind} did not take effect")
            self.acted_at = None  # try again: walk back if pushed away, press again
        return RUNNING

    # hooks
    def slack(self) -> float:
        return 0.0

    def timeout(self) -> float:
        return 60.0

    def confirm_after(self) -> float:
        return CONFIRM_S

    def press(self, obs: Observation, act: Actuator) -> None:
        act.press("use")

    def confirmed(self, obs: Observation) -> FlowResult | None:
        return FlowResult("done")


class TaskFlow(Flow):
    """Walk to the console, press use, stand still while busy, confirm the step advanced."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._was_busy = False

    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        """Within half the use range of the standing spot: the console answers from there, and keys
        (which walk at full speed or not at all) overshoot a tighter circle tick after tick, a ghost
        by 0.19 units either side, so a flow asking for `ARRIVE` never pressed use."""
        return math.dist(obs.position, target) <= max(ARRIVE, obs.rules.use_range * 0.5)

    def _step_now(self, obs: Observation) -> tuple[int, int] | None:
        for t in obs.tasks:
            if t.index == self.action.target:
                return (t.step, t.steps)
        return None

    def press(self, obs: Observation, act: Actuator) -> None:
        self._start = self._step_now(obs)
        act.press("use")

    def confirm_after(self) -> float:
        return 1.0 if not self._was_busy else 120.0

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.busy:
            self._was_busy = True
            return RUNNING
        now = self._step_now(obs)
        if now is None or (self._start is not None and now[0] > self._start[0]):
            return FlowResult("done")
        if self._was_busy:
            self._was_busy = False
            self.reason = "the task panel closed before the step finished"
        else:
            self.reason = "the console did not respond"
        return None


class FixFlow(TaskFlow):
    """A sabotage panel: hold it until the sabotage is over (reactor needs a second player)."""

    def confirm_after(self) -> float:
        return 2.0 if not self._was_busy else 45.0

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.sabotage is None:
            return FlowResult("done")
        if obs.busy:
            self._was_busy = True
            return RUNNING
        if self._was_busy:
            return FlowResult("done")  # my panel is done; the other one is someone else's
        self.reason = "the panel did not respond"
        return None


class EmergencyFlow(Flow):
    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        return math.dist(obs.position, target) <= 0.3

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.phase == "meeting":
            return FlowResult("done")
        self.reason = "the button did not start a meeting"
        return None


class ReportFlow(Flow):
    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        return math.dist(obs.position, target) <= obs.rules.report_range * 0.7

    def press(self, obs: Observation, act: Actuator) -> None:
        act.press("report")

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.phase == "meeting":
            return FlowResult("done")
        self.reason = "the report did not start a meeting"
        return None


class KillFlow(Flow):
    """Close in on the target as it moves, then press kill; confirmed when the target is down."""

    aims = True  # set from the actuator on each step

    def slack(self) -> float:
        return 0.6

    def timeout(self) -> float:
        return 8.0

    def target(self, obs: Observation) -> tuple[float, float] | None:
        for p in obs.players:
            if p.id == self.action.target:
                return p.position
        return None if self.acted_at is None else self.action.position

    def step(self, obs: Observation, act: Actuator) -> FlowResult:
        if self.acted_at is None and self.target(obs) is None:
            return FlowResult("failed", "the target is out of sight")
        self.aims = act.aims_kills
        return super().step(obs, act)

    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        """In range, and (when the actuator cannot name the victim, as a device's kill button cannot:
        the game kills the nearest player) the player the game will kill."""
        if math.dist(obs.position, target) > obs.rules.kill_range * 0.85:
            return False
        if self.aims:
            return True
        partners = set(obs.partners)
        others = [p.distance for p in obs.players if p.id != self.action.target and p.id not in partners]
        # clearly the nearest: the others may move closer between this look and the game's
        return not others or min(others) > math.dist(obs.position, target) + DEVICE_KILL_MARGIN

    def press(self, obs: Observation, act: Actuator) -> None:
        act.press("kill", self.action.target)

    def confirm_after(self) -> float:
        return 0.3

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if any(b.victim == self.action.target for b in obs.bodies) or obs.kill_cooldown > 1:
            return FlowResult("done")
        self.reason = "the kill did not land"
        return None


class VentFlow(Flow):
    """Enter, or move to a linked vent, or exit: one press, confirmed by where the player is."""

    def near_enough(self, obs: Observation, target: tuple[float, float]) -> bool:
        return self.action.target != "enter" or math.dist(obs.position, target) <= obs.rules.use_range

    def target(self, obs: Observation) -> tuple[float, float] | None:
        return self.action.position if self.action.target == "enter" else None

    def press(self, obs: Observation, act: Actuator) -> None:
        self._was_in = obs.in_vent
        act.press("vent", self.action.target)

    def confirm_after(self) -> float:
        return 0.5

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.in_vent != self._was_in:
            return FlowResult("done")
        self.reason = "the vent did not open"
        return None


class SabotageFlow(Flow):
    def press(self, obs: Observation, act: Actuator) -> None:
        act.press("sabotage", self.action.target)

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if obs.sabotage is not None:
            return FlowResult("done")
        self.reason = "the sabotage did not start"
        return None


class StandFlow(Flow):
    """Fake a task or wait: stand at the place (if any) for a while."""

    def __init__(self, *args, duration: float = 2.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duration = duration

    def press(self, obs: Observation, act: Actuator) -> None:
        pass

    def confirm_after(self) -> float:
        return self.duration + 1.0

    def confirmed(self, obs: Observation) -> FlowResult | None:
        if self.acted_at is not None and obs.t - self.acted_at >= self.duration:
            return FlowResult("done")
        return RUNNING


class FollowFlow(Flow):
    """Walk after a player for a few seconds (impostors stalking, crew staying in company)."""

    def slack(self) -> float:
        return 0.8

    def target(self, obs: Observation) -> tuple[float, float] | None:
        for p in obs.players:
            if p.id == self.action.target:
                return p.position
        return None

    def step(self, obs: Observation, act: Actuator) -> FlowResult:
        target = self.target(obs)
        if target is None or obs.t - self.started > 4.0:
            act.stick(0.0, 0.0)
            return FlowResult("done")
        if math.dist(obs.position, target) > 1.0:
            self.mover.go(obs.position, target, through_walls=self.ghost, slack=self.slack())
            x, y = self.mover.stick(obs.position)
            act.stick(x, y)
        return RUNNING


def make_flow(action: LegalAction, mover: Mover, obs: Observation, wander_to: Point | None) -> Flow:
    """The flow that carries out `action`; an action kind with no flow is an error, never a stand-still."""
    args = (action, mover, obs.t, obs.alive)
    kind = action.kind
    if kind == "fake_task":
        return StandFlow(*args, duration=FAKE_TASK_S)
    if kind == "wait":
        return StandFlow(*args, duration=WAIT_S)
    if kind == "wander":
        if wander_to is None:
            return StandFlow(*args, duration=WAIT_S)
        return StandFlow(LegalAction(action.name, "wander", wander_to), mover, obs.t, obs.alive, duration=0.5)
    flow = _FLOWS.get(kind)
    if flow is None:
        raise UnknownActionKind(f"no action flow for {kind!r} actions ({action.name!r})")
    return flow(*args)


_FLOWS: dict[str, type[Flow]] = {
    "task": TaskFlow, "fix": FixFlow, "emergency": EmergencyFlow, "report": ReportFlow, "kill": KillFlow,
    "vent": VentFlow, "sabotage": SabotageFlow, "follow": FollowFlow,
}
