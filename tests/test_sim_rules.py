"""Rules of the simulator, one at a time, driven through seat inputs as a player would."""

from __future__ import annotations

import math

import pytest

from amongus_agent.sim.runner import new_game
from amongus_agent.sim.settings import GameSettings
from amongus_agent.sim.state import PlayerInput


def game(**overrides):
    return new_game(GameSettings(**overrides), seed=3)


def crew(g, n=0):
    return [p for p in g.players if not p.is_impostor][n]


def impostor(g, n=0):
    return [p for p in g.players if p.is_impostor][n]


def place(p, point):
    p.x, p.y = point


def run(g, inputs, ticks=1):
    events = []
    for _ in range(ticks):
        events += g.step(inputs)
    return events


def test_stick_moves_at_player_speed_and_never_leaves_the_walkable_area():
    g = game()
    p = crew(g)
    place(p, (-12.0, 0.66))  # upper hallway, running west-east
    run(g, {p.id: PlayerInput(stick=(1.0, 0.0))}, ticks=10)
    assert p.x == pytest.approx(-12.0 + 2.5, abs=1e-6)
    # push into the wall for two seconds: the player slides or stops, but stays walkable
    for _ in range(20):
        run(g, {p.id: PlayerInput(stick=(0.3, 1.0))})
        assert g.map.is_walkable(p.pos)
    assert p.y < 0.66 + 0.6


def test_stick_is_clamped_to_unit_length():
    g = game()
    p = crew(g)
    place(p, (-12.0, 0.66))
    run(g, {p.id: PlayerInput(stick=(5.0, 0.0))}, ticks=4)
    assert p.x == pytest.approx(-12.0 + 1.0, abs=1e-6)


def test_task_step_takes_its_duration_standing_still_and_moving_cancels_it():
    g = game()
    p = crew(g)
    task = p.tasks[0]
    spot = task.current.spot
    place(p, spot)
    run(g, {p.id: PlayerInput(use=True)})
    assert p.using is not None
    duration = task.durations[0]
    events = run(g, {}, ticks=int(duration * g.settings.tick_hz) - 2)
    assert task.step == 0 and not [e for e in events if e["type"] == "task"]
    events = run(g, {}, ticks=3)
    done = [e for e in events if e["type"] == "task"]
    assert done and done[0]["player"] == p.id and task.step == 1
    # a second try that walks away halfway does not count
    if not task.done:
        place(p, task.current.spot)
        run(g, {p.id: PlayerInput(use=True)}, ticks=2)
        run(g, {p.id: PlayerInput(stick=(1.0, 0.0))})
        assert p.using is None


def test_impostor_tasks_never_progress():
    g = game()
    imp = impostor(g)
    place(imp, imp.tasks[0].places[0].spot)
    run(g, {imp.id: PlayerInput(use=True)}, ticks=200)
    assert all(t.step == 0 for t in imp.tasks)


def test_kill_needs_range_cooldown_and_an_impostor():
    g = game()
    imp, victim, other = impostor(g), crew(g, 0), crew(g, 1)
    place(imp, (-12.0, 0.66))
    place(victim, (-11.0, 0.66))
    place(other, (-11.5, 0.66))
    run(g, {imp.id: PlayerInput(kill=victim.id)})
    assert victim.alive, "initial kill cooldown"
    imp.kill_cooldown = 0.0
    run(g, {other.id: PlayerInput(kill=victim.id)})
    assert victim.alive, "a crewmate cannot kill"
    place(victim, (-9.0, 0.66))
    run(g, {imp.id: PlayerInput(kill=victim.id)})
    assert victim.alive, "out of range"
    place(victim, (-11.0, 0.66))
    events = run(g, {imp.id: PlayerInput(kill=victim.id)})
    assert not victim.alive and [e for e in events if e["type"] == "kill"]
    assert imp.kill_cooldown == pytest.approx(g.settings.kill_cooldown_s)
    assert len(g.bodies) == 1
    run(g, {imp.id: PlayerInput(kill=True)})
    assert other.alive, "cooldown after a kill"


def test_kill_true_takes_the_nearest_crewmate_in_range():
    """A pad's kill button names nobody: the game takes the nearest crewmate in range (player 1 is in
    range too, farther away: the compiled engine once read True as the id 1)."""
    g = game()
    imp = impostor(g)
    one = g.players[1]
    assert not one.is_impostor and imp.id != 1
    near = next(p for p in g.players if not p.is_impostor and p.id not in (1, imp.id))
    for p in g.players:
        if p not in (imp, one, near):
            place(p, (-2.0, 0.66))  # far away
    place(imp, (-12.0, 0.66))
    place(one, (-11.2, 0.66))
    place(near, (-11.6, 0.66))
    imp.kill_cooldown = 0.0
    events = run(g, {imp.id: PlayerInput(kill=True)})
    assert [e["victim"] for e in events if e["type"] == "kill"] == [near.id]
    assert one.alive and not near.alive


def test_vents_are_for_impostors_and_follow_links():
    g = game()
    imp, mate = impostor(g), crew(g)
    vent = g.map.data.vents[0]
    place(imp, vent.position)
    place(mate, vent.position)
    run(g, {mate.id: PlayerInput(vent="enter")})
    assert mate.vent is None
    run(g, {imp.id: PlayerInput(vent="enter")})
    assert imp.vent == vent.id
    unlinked = next(v.id for v in g.map.data.vents if v.id not in vent.links and v.id != vent.id)
    run(g, {imp.id: PlayerInput(vent_to=unlinked)})
    assert imp.vent == vent.id
    run(g, {imp.id: PlayerInput(vent_to=vent.links[0])})
    assert imp.vent == vent.links[0]
    there = (imp.x, imp.y)  # the vent's position on the recording's millimetre grid
    assert there == pytest.approx(g.map.data.vents[vent.links[0]].position, abs=5e-4)
    run(g, {imp.id: PlayerInput(stick=(1.0, 0.0))})
    assert (imp.x, imp.y) == there, "no walking inside a vent"
    run(g, {imp.id: PlayerInput(vent="exit")})
    assert imp.vent is None


def _meeting(g):
    caller = crew(g)
    place(caller, g.map.data.emergency_button.spot)
    g.tick = int(g.settings.button_cooldown_s * g.settings.tick_hz) + 1
    run(g, {caller.id: PlayerInput(use=True)})
    assert g.phase == "meeting"
    return caller


def _vote_all(g, votes):
    m = g.meeting
    g.tick = int(m.voting_at * g.settings.tick_hz)
    return run(g, {pid: PlayerInput(vote=target) for pid, target in votes.items()})


def test_tie_ejects_nobody_and_skip_counts():
    g = game(players=6, impostors=1)
    _meeting(g)
    ids = [p.id for p in g.players]
    events = _vote_all(g, {ids[0]: ids[1], ids[1]: ids[0], ids[2]: ids[1], ids[3]: ids[0], ids[4]: "skip", ids[5]: "skip"})
    eject = next(e for e in events if e["type"] == "eject")
    assert eject["player"] is None and eject["tally"] == {str(ids[1]): 2, str(ids[0]): 2, "skip": 2}
    assert g.phase == "tasks"


def test_plurality_ejects_and_confirms_the_role():
    g = game(players=6, impostors=1)
    _meeting(g)
    imp = impostor(g)
    crewmates = [p.id for p in g.players if p.id != imp.id]
    votes = {pid: imp.id for pid in crewmates[:3]} | {pid: "skip" for pid in crewmates[3:]}
    votes[imp.id] = crewmates[0]
    events = _vote_all(g, votes)
    eject = next(e for e in events if e["type"] == "eject")
    assert eject["player"] == imp.id and eject["role"] == "impostor"
    assert g.over and g.winner == "crew" and g.reason == "votes"


def test_ghosts_cannot_chat_or_vote_and_emergencies_are_limited():
    g = game(players=6, impostors=1)
    ghost = crew(g, 1)
    ghost.alive = False
    caller = _meeting(g)
    events = run(g, {ghost.id: PlayerInput(chat="I am a ghost")})
    assert not [e for e in events if e["type"] == "chat"]
    events = _vote_all(g, {ghost.id: "skip"})
    assert not [e for e in events if e["type"] == "vote"]
    m = g.meeting
    g.tick = int(m.ends_at * g.settings.tick_hz)
    run(g, {})
    assert g.phase == "tasks" and caller.emergencies_left == 0
    place(caller, g.map.data.emergency_button.spot)
    g.tick += int(g.settings.button_cooldown_s * g.settings.tick_hz) + 1
    run(g, {caller.id: PlayerInput(use=True)})
    assert g.phase == "tasks", "one emergency meeting per player"


def test_chat_is_cut_to_the_limit():
    g = game()
    p = _meeting(g)
    events = run(g, {p.id: PlayerInput(chat="x" * 300)})
    chat = next(e for e in events if e["type"] == "chat")
    assert len(chat["text"]) == 100


def test_reactor_needs_both_panels_at_once_and_kills_the_crew_if_left():
    g = game()
    imp = impostor(g)
    g.sabotage_ready_at = 0.0
    run(g, {imp.id: PlayerInput(sabotage="reactor")})
    assert g.sabotage is not None and g.sabotage.kind == "reactor"
    a, b = crew(g, 0), crew(g, 1)
    panels = g.table.sabotage_fixes["reactor"].panels
    place(a, panels[0].spot)
    run(g, {a.id: PlayerInput(use=True)}, ticks=20)
    assert g.sabotage is not None, "one hand on the scanner is not enough"
    place(b, panels[1].spot)
    events = run(g, {b.id: PlayerInput(use=True)}, ticks=2)
    assert g.sabotage is None and [e for e in events if e["type"] == "sabotage_fixed"]

    g2 = game()
    g2.sabotage_ready_at = 0.0
    run(g2, {impostor(g2).id: PlayerInput(sabotage="oxygen")})
    run(g2, {}, ticks=int(g2.settings.oxygen_countdown_s * g2.settings.tick_hz) + 1)
    assert g2.over and g2.winner == "impostors" and g2.reason == "sabotage"


def test_no_emergency_meeting_during_a_critical_sabotage():
    g = game()
    g.sabotage_ready_at = 0.0
    run(g, {impostor(g).id: PlayerInput(sabotage="reactor")})
    caller = crew(g)
    place(caller, g.map.data.emergency_button.spot)
    g.tick = int(g.settings.button_cooldown_s * g.settings.tick_hz) + 1
    run(g, {caller.id: PlayerInput(use=True)})
    assert g.phase == "tasks"


def test_comms_hides_tasks_and_lights_cut_crew_vision():
    g = game()
    imp = impostor(g)
    p = crew(g)
    g.sabotage_ready_at = 0.0
    normal = g.vision_radius(p)
    run(g, {imp.id: PlayerInput(sabotage="lights")})
    assert g.vision_radius(p) == pytest.approx(normal * g.settings.lights_vision_factor)
    assert g.vision_radius(imp) == pytest.approx(g.settings.vision_radius * g.settings.impostor_vision)
    g.sabotage = None
    run(g, {imp.id: PlayerInput(sabotage="comms")})
    place(p, p.tasks[0].current.spot)
    run(g, {p.id: PlayerInput(use=True)})
    assert p.using is None


def test_closed_doors_block_the_way():
    g = game()
    imp = impostor(g)
    p = crew(g)
    door = next(d for d in g.map.data.doors if d.room == "MedBay")
    g.sabotage_ready_at = 0.0
    run(g, {imp.id: PlayerInput(sabotage="doors", sabotage_room="MedBay")})
    assert "MedBay" in g.doors_closed
    place(p, (door.position[0], door.position[1] + 1.0))
    run(g, {p.id: PlayerInput(stick=(0.0, -1.0))}, ticks=20)
    assert math.dist(p.pos, door.position) >= 0.5
    run(g, {}, ticks=int(g.settings.door_close_s * g.settings.tick_hz))
    assert not g.doors_closed


def test_vision_is_cut_by_walls():
    g = game()
    a, b = crew(g, 0), crew(g, 1)
    place(a, (-6.9, -4.9))  # MedBay, by the sample table
    place(b, (-5.5, -2.5))  # Cafeteria, on the other side of the wall
    assert math.dist(a.pos, b.pos) < g.vision_radius(a)
    assert not g.sees(a, b)
    place(b, (a.x + 0.5, a.y))
    assert g.sees(a, b)


def test_ghost_tasks_count_towards_the_task_bar():
    g = game()
    p = crew(g)
    p.alive = False
    task = p.tasks[0]
    place(p, task.current.spot)
    run(g, {p.id: PlayerInput(use=True)}, ticks=int(task.durations[0] * g.settings.tick_hz) + 2)
    assert task.step == 1
