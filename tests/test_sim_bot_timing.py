"""Bots decide at a human rate: a few decisions a second, and at once when something happens."""

from __future__ import annotations

import random

from amongus_agent.sim.bots import make_bot
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.settings import GameSettings


def _bots(g):
    return {p.id: make_bot(g, p.id, random.Random(g.rng.getrandbits(64))) for p in g.players}


def _tick(g, bots):
    events = g.step({pid: b.act() for pid, b in sorted(bots.items())})
    notable = [e for e in events if e["type"] != "pos"]
    if notable:
        for b in bots.values():
            b.witness(notable)
    return events


def test_a_few_decisions_a_second_not_one_a_tick():
    for hz in (10, 20):
        g = new_game(GameSettings(tick_hz=hz), 21)
        bots = _bots(g)
        while not g.over and g.t < 120 and g.phase == "tasks":
            _tick(g, bots)
        played = g.t
        rate = sum(b.decisions for b in bots.values()) / len(bots) / played
        assert 2.0 <= rate <= 6.0, (hz, rate)  # the tick rate does not set the decision rate


def test_a_sabotage_wakes_everyone_at_once():
    g = new_game(GameSettings(), 8)
    bots = _bots(g)
    while g.t < g.sabotage_ready_at + 1:
        _tick(g, bots)
    assert g.phase == "tasks" and g.sabotage is None
    before = {pid: b.decisions for pid, b in bots.items()}
    impostor = next(p for p in g.players if p.is_impostor)
    g._try_sabotage(impostor, "oxygen", None)  # as the sabotage button would, between two ticks
    events = g._events
    for b in bots.values():
        b.witness([e for e in events if e["type"] != "pos"])
    _tick(g, bots)
    assert all(bots[pid].decisions > before[pid] for pid in bots if g.players[pid].alive)


def test_walkers_hold_the_stick_between_waypoints():
    g = new_game(GameSettings(), 5)
    bots = _bots(g)
    last: dict[int, object] = {}
    moving = held = 0
    for _ in range(300):
        inputs = {pid: b.act() for pid, b in sorted(bots.items())}
        for pid, inp in inputs.items():
            if inp.stick != (0.0, 0.0):
                moving += 1
                held += inp is last.get(pid)  # the very input of the tick before: the thumb did not move
        last = inputs
        g.step(inputs)
    assert moving > 300 and held > 0.5 * moving, (moving, held)
