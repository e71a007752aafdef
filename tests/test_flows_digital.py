"""Keys walk at full speed or not at all: the agent's flows must still reach every console.

The seat's stick goes through the keyboard backend's own choice of keys (`stick_keys`), so the
player moves as `play --input device --movement keyboard` moves it. A ghost (1.5x speed) then
overshoots a standing spot by 0.19 units either side on every tick; a flow that waits to be within
0.12 units never presses use (this test finished no task at all before tasks were accepted from
within half the use range).
"""

from __future__ import annotations

import pytest

from amongus_agent.act.input.keyboard import stick_keys
from amongus_agent.sessions.seats import agent_seats
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings


def _keyed(seat) -> None:
    act = seat.world.actuator
    stick = act.stick

    def by_keys(x: float, y: float) -> None:
        keys = stick_keys(x, y)
        stick(float(("d" in keys) - ("a" in keys)), float(("w" in keys) - ("s" in keys)))

    act.stick = by_keys


@pytest.mark.parametrize("ghost", [False, True], ids=["crewmate", "ghost"])
@pytest.mark.parametrize("seed", [1, 3])
def test_a_player_walking_by_keys_does_its_tasks(seed, ghost):
    game = new_game(GameSettings(freeplay=True), seed)  # freeplay: nobody kills, only the walking is tried
    seats = agent_seats(game, agents=1, role="crewmate")
    (sid, seat), = seats.items()
    _keyed(seat)
    if ghost:
        game.players[sid].alive = False
    try:
        play(game, controllers=seats, until=240)
    finally:
        seat.close()
    tasks = game.players[sid].tasks
    done = sum(t.done for t in tasks)
    assert done >= len(tasks) - 1, f"{done} of {len(tasks)} tasks done in 240 s walking by keys"


def test_keys_follow_the_stick_direction_and_ignore_its_length():
    assert stick_keys(0.05, 0.05) == set()
    assert stick_keys(0.3, 0.0) == stick_keys(1.0, 0.0) == {"d"}
    assert stick_keys(-0.7, 0.7) == {"a", "w"}
    assert stick_keys(0.1, -1.0) == {"s"}  # 6 degrees off the axis: one key
