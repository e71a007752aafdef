"""Over 200 seeded bot games: nothing stalls, both sides win a fair share, both kinds of ejection happen.

Deterministic (fixed seeds), so this pins the bots' balance: a change that tips it fails here.
"""

from __future__ import annotations

from amongus_agent.sim.batch import bench
from amongus_agent.sim.settings import GameSettings


def test_two_hundred_games_look_like_games():
    out = bench(GameSettings(), games=200, first_seed=1, workers=2)
    assert "crew:time_limit" not in out["wins_by_reason"] and "impostors:time_limit" not in out["wins_by_reason"]
    assert out["longest_game_s"] < GameSettings().max_game_s
    assert out["win_rate"]["crew"] >= 0.2 and out["win_rate"]["impostors"] >= 0.2, out
    assert out["impostors_ejected"] >= 1 and out["crewmates_ejected"] >= 1, out
    assert out["kills_per_game"] > 1 and out["meetings_per_game"] > 1, out
