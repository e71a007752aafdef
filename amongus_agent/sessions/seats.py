"""Seats played by the agent in a simulated game: the agent behind the simulator's ports.

The simulator's runner calls `act()` once per tick and `witness()` with each tick's events; the
seat hands the agent only its `SeatView` (observations, proprioception, the events its player
perceives, actuator).
"""

from __future__ import annotations

import random
from typing import Any

from ..agent.loop import Agent
from ..sim.engine import Game
from ..sim.seat_view import SeatView
from ..sim.state import PlayerInput


class AgentSeat:
    def __init__(self, game: Game, seat: int, rng: random.Random, **agent_options: Any) -> None:
        self.game = game
        self.seat = seat
        self.world = SeatView(game, seat)
        self.agent = Agent(self.world, game.map, rng=rng, tasks=game.table, **agent_options)
        self.kills = 0

    def act(self) -> PlayerInput:
        self.agent.tick()
        return self.world.actuator.take()

    def witness(self, events: list[dict]) -> None:
        self.world.see_events(events)
        self.kills += sum(1 for e in events if e["type"] == "kill" and e["killer"] == self.seat)
        if any(e["type"] == "end" for e in events):
            self.agent.tick()  # the runner stops here: the agent still sees the end (and lets go of input)

    def close(self) -> None:
        self.agent.close()


def pick_seats(game: Game, count: int, role: str, rng: random.Random) -> list[int]:
    """Seats for the agent: `count` players of the wanted role (crewmate, impostor or random)."""
    if role == "random":
        pool = [p.id for p in game.players]
    else:
        pool = [p.id for p in game.players if p.role == role]
    if count > len(pool):
        from ..errors import AmongUsError

        raise AmongUsError(f"asked for {count} {role} seat(s) but the game has only {len(pool)}")
    return sorted(rng.sample(pool, count))


def agent_seats(
    game: Game,
    *,
    agents: int,
    role: str = "random",
    llm: Any = None,
    clock: str = "lockstep",
    persona: Any = None,
    listeners: list | None = None,
) -> dict[int, AgentSeat]:
    """Controllers for the agent's seats, seeded from the game seed (not the game's own RNG)."""
    if agents <= 0:
        return {}
    rng = random.Random(f"seats:{game.seed}")
    seats = pick_seats(game, agents, role, rng)
    return {
        s: AgentSeat(game, s, random.Random(f"agent:{game.seed}:{s}"), llm=llm, clock=clock, persona=persona,
                     listeners=list(listeners or []))
        for s in seats
    }


def seat_report(game: Game, seat: AgentSeat) -> dict:
    """Per-agent figures for the game summary."""
    p = game.players[seat.seat]
    stats = seat.agent.stats.as_dict()
    roles = {q.id: q.role for q in game.players}
    votes = stats.pop("votes")
    return {
        "seat": p.id, "name": p.name, "role": p.role, "survived": p.alive,
        **stats,
        "tasks_done": sum(1 for t in p.tasks if t.done) if p.role == "crewmate" else 0,
        "tasks_total": len(p.tasks) if p.role == "crewmate" else 0,
        "kills": seat.kills,
        "votes": [{"target": v, "hit_impostor": isinstance(v, int) and roles.get(v) == "impostor"} for v in votes],
    }


def prompt_at(settings, seed: int, at: float, *, seat: int | None = None, role: str = "random"):
    """The exact prompt the agent would send at game second `at` of a seeded game: (obs, legal, prompt, phase)."""
    from ..brain.actions import legal_actions
    from ..brain.prompt import render
    from ..sim.runner import new_game, play

    game = new_game(settings, seed)
    if seat is not None:
        seats = {seat: AgentSeat(game, seat, random.Random(f"agent:{game.seed}:{seat}"))}
    else:
        seats = agent_seats(game, agents=1, role=role)
    play(game, controllers=seats, until=at)
    agent_seat = next(iter(seats.values()))
    obs = agent_seat.world.observe()
    legal = legal_actions(obs, game.map)
    return obs, legal, render(obs, legal, agent_seat.agent.memory), game.phase
