"""Settings at the edges of their ranges play a game that keeps every rule of the recording format."""

from __future__ import annotations

from pathlib import Path

import pytest

from amongus_agent.errors import DataError
from amongus_agent.recording import RecordingWriter, check_invariants, read_recording
from amongus_agent.recording.format import PosEvent
from amongus_agent.sim.runner import new_game, play
from amongus_agent.sim.settings import GameSettings, load_settings


def _record(tmp_path: Path, settings: GameSettings, seed: int):
    game = new_game(settings, seed)
    path = tmp_path / f"g{seed}.jsonl"
    with RecordingWriter(path, game.header()) as writer:
        result = play(game, sinks=[writer])
    return game, result, read_recording(path)


@pytest.mark.parametrize("tick_hz", [3, 7, 11])
def test_an_odd_tick_rate_still_writes_two_pos_lines_per_second(tmp_path: Path, tick_hz: int) -> None:
    game, _, rec = _record(tmp_path, GameSettings(tick_hz=tick_hz, max_game_s=120), seed=4)
    times = [e.t for e in rec.events if isinstance(e, PosEvent)]
    assert times[0] <= 0.5
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) <= 0.5 + 1e-9
    assert check_invariants(rec, game.map) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_zero_tasks_play_to_an_end_by_votes_kills_or_time(tmp_path: Path, seed: int) -> None:
    settings = GameSettings(common_tasks=0, long_tasks=0, short_tasks=0, max_game_s=600)
    game, result, rec = _record(tmp_path, settings, seed)
    assert game.tasks_total == 0 and result.reason != "tasks"
    assert check_invariants(rec, game.map) == []


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999", "Infinity"])
def test_no_setting_takes_a_non_finite_number(value: str) -> None:
    for name, field in GameSettings.model_fields.items():
        if field.annotation is float:
            with pytest.raises(DataError, match=name):
                load_settings({name: value}, environ={})


def test_every_number_has_an_upper_limit() -> None:
    for name, field in GameSettings.model_fields.items():
        if field.annotation in (int, float):
            with pytest.raises(DataError, match=name):
                load_settings({name: "1" + "0" * 12}, environ={})


def test_real_game_ranges_of_players_and_impostors() -> None:
    assert load_settings({"players": 4, "impostors": 1}, environ={}).players == 4
    assert load_settings({"players": 15, "impostors": 3}, environ={}).impostors == 3
    for players, impostors in ((3, 1), (16, 2), (10, 0), (10, 4), (6, 3), (4, 2)):
        with pytest.raises(DataError):
            load_settings({"players": players, "impostors": impostors}, environ={})


def test_set_refuses_what_a_flag_chooses_and_names_the_flag() -> None:
    from amongus_agent.sim.settings import settings_from_cli

    flags = {"players": ("--players", None), "impostors": ("--impostors", None), "map": ("--map", "skeld")}
    for item, flag in (("players=3", "--players"), ("impostors=5", "--impostors"), ("map=polus", "--map")):
        with pytest.raises(DataError, match=f"with {flag}"):
            settings_from_cli([item], flags, environ={})
    s = settings_from_cli(["kill_cooldown_s=30"], {"players": ("--players", 6), "impostors": ("--impostors", None)},
                          environ={"AMONGUS_IMPOSTORS": "1"})
    assert (s.players, s.impostors, s.kill_cooldown_s) == (6, 1, 30)
    with pytest.raises(DataError, match=r"AMONGUS_KILL_COOLDOWN_S"):
        settings_from_cli([], {}, environ={"AMONGUS_KILL_COOLDOWN_S": "inf"})
    with pytest.raises(DataError, match=r"--set kill_cooldown_s=-1"):
        settings_from_cli(["kill_cooldown_s=-1"], {}, environ={})
