"""The legal actions of a moment, computed from the observation alone.

Every brain chooses from this list and nothing else, and every action carries its own position,
so a model's answer is reduced to picking a name (the seed's action list, with PettingZoo's habit
of shipping the action mask with the observation).
"""

from __future__ import annotations

from ..errors import NotWalkableError
from ..ports import LegalAction, Observation, Point
from ..world.map import GameMap

SABOTAGES = ("lights", "reactor", "oxygen", "comms")
KILL_OFFER_REACH = 2.5  # offer a kill on players within this many kill ranges (the flow closes in)
VENT_OFFER_DISTANCE = 3.0  # world units: vents close enough to be worth offering


def legal_actions(obs: Observation, game_map: GameMap) -> list[LegalAction]:
    if obs.phase == "meeting":
        return meeting_actions(obs)
    if obs.phase == "ended":
        return []
    out: list[LegalAction] = []
    me = obs.position
    walks = obs.alive

    def dist(p: Point) -> float:
        """Walking distance (ghosts fly straight); a position off the known map, as a live source
        may report, is measured straight rather than failing the whole decision."""
        nonlocal walks
        if walks:
            try:
                return round(game_map.path_distance(me, p), 2)
            except NotWalkableError:
                walks = False
        return round(((p[0] - me[0]) ** 2 + (p[1] - me[1]) ** 2) ** 0.5, 2)
    if obs.in_vent is not None:
        for v in obs.vents:
            if v.id == obs.in_vent:
                for link in v.links:
                    out.append(LegalAction(f"Vent to {link}", "vent", v.position, "move through the vent", link))
        out.append(LegalAction("Exit vent", "vent", obs.position, "climb out here", "exit"))
        return out
    if obs.alive:
        for body in obs.bodies:
            out.append(LegalAction(f"Report body of {body.name}", "report", body.position,
                                   f"body in {body.room}", body.victim, body.distance))
        if obs.sabotage is not None:
            for k, (where, spot) in enumerate(obs.sabotage.panels):
                left = obs.sabotage.time_left
                urgent = f", {left:.0f} s left" if left is not None else ""
                out.append(LegalAction(f"Fix {obs.sabotage.kind} in {where}", "fix", spot,
                                       f"emergency task{urgent}", k, dist(spot), time_left=left))
        if obs.button_ready:
            spot = game_map.data.emergency_button.spot
            out.append(LegalAction("Call emergency meeting", "emergency", spot,
                                   f"{obs.emergencies_left} left", None, dist(spot)))
    if obs.role == "crewmate":
        for t in obs.tasks:
            label = t.task if t.label == t.task else f"{t.task}: {t.label}"
            wait = f", ready in {t.ready_in:.0f} s" if t.ready_in > 0 else ""
            out.append(LegalAction(f"{label} in {t.room}", "task", t.position,
                                   f"{t.kind} task, step {t.step + 1}/{t.steps}{wait}", t.index, dist(t.position),
                                   task=t.task, step=t.step, steps=t.steps, ready_in=t.ready_in))
    elif obs.alive:
        partners = set(obs.partners)
        if obs.kill_cooldown <= 0:
            for p in obs.players:
                if p.id not in partners and p.distance <= obs.rules.kill_range * KILL_OFFER_REACH:
                    witnesses = sum(1 for o in obs.players if o.id != p.id and o.id not in partners)
                    out.append(LegalAction(f"Kill {p.name}", "kill", p.position,
                                           f"{p.distance:.1f} away, {witnesses} other(s) in view", p.id, p.distance,
                                           witnesses=witnesses))
        for v in obs.vents:
            if v.distance <= VENT_OFFER_DISTANCE:
                out.append(LegalAction(f"Vent at {v.name}", "vent", v.position, f"vent in {v.room}", "enter", v.distance))
        if obs.sabotage_ready:
            for kind in SABOTAGES:
                out.append(LegalAction(f"Sabotage {kind}", "sabotage", None, "", kind))
        for t in obs.tasks:
            out.append(LegalAction(f"Fake {t.task} in {t.room}", "fake_task", t.position, "pretend to work", t.index,
                                   dist(t.position)))
    if obs.alive:
        for p in obs.players:
            if p.id not in obs.partners:
                out.append(LegalAction(f"Follow {p.name}", "follow", p.position, f"in {p.room}", p.id, p.distance))
    out.append(LegalAction("Wander", "wander", None, "walk to another room"))
    out.append(LegalAction("Wait", "wait", None, "stand still a moment"))
    return out


def meeting_actions(obs: Observation) -> list[LegalAction]:
    m = obs.meeting
    if m is None or not obs.alive or m.phase != "voting" or m.my_vote is not None:
        return [LegalAction("Wait", "wait", None, "listen to the discussion")]
    out = [LegalAction(f"Vote {name}", "vote", None, "", pid) for pid, name in obs.alive_players if pid != obs.me]
    out.append(LegalAction("Skip vote", "vote", None, "not enough evidence", "skip"))
    return out
