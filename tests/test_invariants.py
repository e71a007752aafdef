"""The rule checker catches each kind of violation in an otherwise clean game, and names it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_recording_game import WALL, clean_game, header, record, skeld_map

from amongus_agent.recording import check_invariants

Events = list[dict[str, Any]]


def _find(events: Events, kind: str, **fields: Any) -> dict[str, Any]:
    return next(e for e in events if e["type"] == kind and all(e.get(k) == v for k, v in fields.items()))


def _insert(events: Events, event: dict[str, Any]) -> None:
    """Put an event at its time, after the actions already there and before that time's pos line."""
    at = next(k for k, e in enumerate(events) if e["t"] > event["t"] or (e["t"] == event["t"] and e["type"] == "pos"))
    events.insert(at, event)


def kill_by_crewmate(ev: Events) -> None:
    _find(ev, "kill")["killer"] = 2


def kill_within_cooldown(ev: Events) -> None:
    _insert(ev, {"t": 15.0, "type": "kill", "killer": 0, "victim": 4, "pos": list(_find(ev, "pos", t=15.0)
                                                                                      ["positions"]["4"])})


def kill_within_initial_cooldown(ev: Events) -> None:
    _find(ev, "kill")["t"] = 12.0 - 5.0  # 7 s into the 8 s initial cooldown; moves it out of time order too
    ev.sort(key=lambda e: (e["t"], e["type"] == "pos"))


def kill_of_dead_player(ev: Events) -> None:
    _insert(ev, {"t": 19.0, "type": "kill", "killer": 0, "victim": 1, "pos": [9.9, 2.4]})


def dead_player_votes(ev: Events) -> None:
    _insert(ev, {"t": 26.5, "type": "vote", "voter": 1, "target": 0})


def dead_player_chats(ev: Events) -> None:
    _insert(ev, {"t": 24.0, "type": "chat", "player": 1, "text": "it was Red"})


def vote_twice(ev: Events) -> None:
    _insert(ev, {"t": 26.5, "type": "vote", "voter": 3, "target": "skip"})


def wrong_tally(ev: Events) -> None:
    _find(ev, "eject")["tally"] = {"0": 3, "skip": 1}


def wrong_ejection(ev: Events) -> None:
    _find(ev, "eject")["player"] = None  # 2 votes for Red beat 1 and 1: Red must go


def off_map_position(ev: Events) -> None:
    _find(ev, "pos", t=6.0)["positions"]["2"] = list(WALL)


def crew_vents(ev: Events) -> None:
    for e in ev:
        if e["type"] == "vent":
            e["player"] = 3


def vent_to_unlinked_vent(ev: Events) -> None:
    _find(ev, "vent", action="move")["vent"] = 3
    _find(ev, "vent", action="exit")["vent"] = 3


def wrong_winner(ev: Events) -> None:
    _find(ev, "end")["winner"] = "impostors"


def missing_pos_lines(ev: Events) -> None:
    ev[:] = [e for e in ev if not (e["type"] == "pos" and 5.0 < e["t"] < 7.0)]


def report_of_living(ev: Events) -> None:
    _find(ev, "report")["victim"] = 4


def no_end(ev: Events) -> None:
    ev[:] = [e for e in ev if e["type"] != "end"]


def play_on_after_the_win(ev: Events) -> None:
    _insert(ev, {"t": 30.5, "type": "task", "player": 2, "task": "Fix Wiring", "step": 1, "done": False})


def ghost_not_listed(ev: Events) -> None:
    _find(ev, "pos", t=16.0)["ghosts"] = []


def event_after_end(ev: Events) -> None:
    ev.append({"t": 31.0, "type": "chat", "player": 2, "text": "gg"})


def crew_sabotages(ev: Events) -> None:
    _find(ev, "sabotage")["by"] = 3


def two_sabotages_at_once(ev: Events) -> None:
    _insert(ev, {"t": 16.0, "type": "sabotage", "kind": "reactor", "by": 0})


def kill_during_meeting(ev: Events) -> None:
    _insert(ev, {"t": 24.0, "type": "kill", "killer": 0, "victim": 4, "pos": list(skeld_map().data.spawn.points[4])})


def time_goes_backwards(ev: Events) -> None:
    _find(ev, "chat", player=0)["t"] = 21.0


def vent_kept_through_meeting(ev: Events) -> None:
    ev.remove(_find(ev, "vent", action="exit"))


CASES: list[tuple[Callable[[Events], None], str]] = [
    (kill_by_crewmate, "kill by crewmate Green (2)"),
    (kill_within_cooldown, "kill by Red (0) 3.00 s into a 10 s kill cooldown"),
    (kill_within_initial_cooldown, "kill by Red (0) 7.00 s into a 8 s kill cooldown"),
    (kill_of_dead_player, "kill of dead player Blue (1)"),
    (dead_player_votes, "dead player Blue (1) votes"),
    (dead_player_chats, "dead player Blue (1) chats"),
    (vote_twice, "Pink (3) votes twice in one meeting"),
    (wrong_tally, "eject tally {'0': 3, 'skip': 1} != counted votes {'0': 2, '2': 1, 'skip': 1}"),
    (wrong_ejection, "ejects nobody but the votes eject Red (0)"),
    (off_map_position, "Green (2) at (-8.00, -2.00) is off the walkable area"),
    (crew_vents, "vent enter by crewmate Pink (3)"),
    (vent_to_unlinked_vent, "moves from vent 7 to vent 3, which is not linked to it"),
    (wrong_winner, "winner impostors but no impostor is alive"),
    (missing_pos_lines, "2.00 s since the previous pos line"),
    (report_of_living, "reports Orange (4), who is alive"),
    (no_end, "the recording has no end event"),
    (play_on_after_the_win, "task after the game was decided (no impostor alive)"),
    (ghost_not_listed, "ghosts list disagrees: Blue (1) is dead"),
    (event_after_end, "chat event after the end event"),
    (vent_kept_through_meeting, "Red (0) is still in vent 12 when the meeting ends (no vent exit line)"),
    (crew_sabotages, "lights sabotage by crewmate Pink (3)"),
    (two_sabotages_at_once, "reactor sabotage while lights is still active"),
    (kill_during_meeting, "kill by Red (0) during a meeting"),
    (time_goes_backwards, "time goes backwards (22.500 -> 21.000)"),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_violation_is_caught(tmp_path: Path, mutate: Callable[[Events], None], expected: str) -> None:
    events = copy.deepcopy(clean_game(skeld_map()))
    mutate(events)
    found = check_invariants(record(tmp_path, events), skeld_map())
    assert any(expected in v for v in found), found
    assert all(v.startswith("line ") for v in found)


def _at_table(t_end: float, dead: tuple[int, ...] = ()) -> Events:
    """pos lines with everyone around the table: a game reduced to its meeting and kill logic."""
    spawn = skeld_map().data.spawn.points
    return [{"t": k * 0.5, "type": "pos", "positions": {str(p): list(spawn[p]) for p in range(5)}}
            for k in range(int(t_end * 2) + 1)]


def _game(actions: Events, t_end: float) -> Events:
    events = _at_table(t_end) + actions
    events.sort(key=lambda e: (e["t"], e["type"] == "pos"))
    return events


def test_the_cooldown_restarts_after_a_meeting(tmp_path: Path) -> None:
    spot = list(skeld_map().data.spawn.points[1])
    meeting = [
        {"t": 9.0, "type": "emergency", "caller": 2},
        {"t": 9.0, "type": "meeting_start", "caller": 2, "reason": "emergency"},
        {"t": 10.0, "type": "eject", "player": None, "tally": {}},
        {"t": 11.0, "type": "meeting_end"},
    ]
    early = _game([*meeting, {"t": 20.0, "type": "kill", "killer": 0, "victim": 1, "pos": spot}], 20.0)
    found = check_invariants(record(tmp_path, early), skeld_map())
    assert any("9.00 s into a 10 s kill cooldown" in v for v in found), found
    on_time = _game([*meeting, {"t": 21.0, "type": "kill", "killer": 0, "victim": 1, "pos": spot}], 21.0)
    assert not [v for v in check_invariants(record(tmp_path, on_time), skeld_map()) if "cooldown" in v]


def test_a_tie_ejects_nobody_and_skip_can_win(tmp_path: Path) -> None:
    def meeting(votes: list[tuple[int, int | str]], ejected: int | None) -> list[str]:
        tally: dict[str, int] = {}
        for _, target in votes:
            tally[str(target)] = tally.get(str(target), 0) + 1
        actions: Events = [{"t": 1.0, "type": "emergency", "caller": 1}]
        actions += [{"t": 2.0, "type": "vote", "voter": v, "target": target} for v, target in votes]
        actions += [{"t": 3.0, "type": "eject", "player": ejected, "tally": tally}]
        return check_invariants(record(tmp_path, _game(actions, 3.0)), skeld_map())

    tie = [(1, 0), (2, 0), (3, 4), (4, 3), (0, 4)]  # 2 for Red, 2 for Orange
    assert not [v for v in meeting(tie, None) if "eject" in v]
    assert any("ejects Red (0) but the votes eject nobody" in v for v in meeting(tie, 0))
    skip = [(1, "skip"), (2, "skip"), (3, 0)]
    assert any("ejects Red (0) but the votes eject nobody" in v for v in meeting(skip, 0))
    assert not [v for v in meeting(skip, None) if "eject" in v]


def test_a_ghost_in_a_wall_is_no_violation_but_a_living_player_is(tmp_path: Path) -> None:
    events = _game([{"t": 1.0, "type": "kill", "killer": 0, "victim": 1,
                     "pos": list(skeld_map().data.spawn.points[1])}], 2.0)
    head = header()
    head["settings"]["initial_kill_cooldown_s"] = 0
    for e in events:
        if e["type"] == "pos" and e["t"] >= 1.5:
            e["positions"]["1"] = list(WALL)
    assert not [v for v in check_invariants(record(tmp_path, events, head), skeld_map()) if "walkable" in v]
    events[0]["positions"]["1"] = list(WALL)
    found = check_invariants(record(tmp_path, events, head), skeld_map())
    assert [v for v in found if "walkable" in v] == ["line 2 t=0.00: Blue (1) at (-8.00, -2.00) is off the walkable "
                                                     "area"]


def test_a_player_stuck_in_a_wall_is_one_violation_per_run(tmp_path: Path) -> None:
    events = _game([], 3.0)
    for e in events:
        if e["t"] in (0.5, 1.0, 1.5, 2.5):
            e["positions"]["3"] = list(WALL)
    found = [v for v in check_invariants(record(tmp_path, events), skeld_map()) if "walkable" in v]
    assert [v.split(":")[0] for v in found] == ["line 3 t=0.50", "line 7 t=2.50"]


def test_a_meeting_pulls_players_out_of_vents(tmp_path: Path) -> None:
    events = copy.deepcopy(clean_game(skeld_map()))
    exit_line = _find(events, "vent", action="exit")
    events.remove(exit_line)
    _insert(events, {**exit_line, "t": 20.0})  # after the report, as the meeting starts
    assert check_invariants(record(tmp_path, events), skeld_map()) == []
    _insert(events, {"t": 21.0, "type": "vent", "player": 0, "action": "enter", "vent": 12})  # but not back in
    found = check_invariants(record(tmp_path, events), skeld_map())
    assert any("vent enter by Red (0) during a meeting" in v for v in found), found


def _edge_point(game_map) -> tuple[float, float]:
    """A walkable point whose position rounded to 3 decimals (as recordings write it) lies off the raster.

    Found by walking the raster's walkable edges, not by coordinates known in advance.
    """
    mask = game_map.walkable_mask
    x0, y0, res = game_map.raster_origin
    h = mask.shape[0]
    rows, cols = (mask[:, :-1] & ~mask[:, 1:]).nonzero()  # walkable cell with a wall to its right
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        edge = x0 + (col + 1) * res
        y = y0 + (h - 1 - row + 0.5) * res
        for back in (1e-4, 2e-4, 3e-4, 4e-4):
            x = edge - back
            if game_map.is_walkable((x, y)) and not game_map.is_walkable((round(x, 3), round(y, 3))):
                return x, y
    raise AssertionError("no walkable point whose rounding leaves the raster")


def test_a_position_rounded_to_3_decimals_at_a_wall_is_on_the_map(tmp_path: Path) -> None:
    game_map = skeld_map()
    x, y = _edge_point(game_map)
    events = _game([], 2.0)
    for e in events:
        e["positions"]["2"] = [round(x, 3), round(y, 3)]
    assert not [v for v in check_invariants(record(tmp_path, events), game_map) if "walkable" in v]
    for e in events:  # a hundredth of a unit into the wall is still off the map
        e["positions"]["2"] = [round(x + 0.01, 3), round(y, 3)]
    assert [v for v in check_invariants(record(tmp_path, events), game_map) if "walkable" in v]


def _freeplay_header() -> dict[str, Any]:
    head = header()
    head["settings"]["freeplay"] = True
    return head


def test_freeplay_has_no_win_but_no_kills_or_sabotages_either(tmp_path: Path) -> None:
    # the impostor is voted out and the practice goes on: tasks after it, and the time limit ends it
    actions: Events = [
        {"t": 1.0, "type": "emergency", "caller": 1},
        *[{"t": 2.0, "type": "vote", "voter": v, "target": 0} for v in (1, 2, 3)],
        {"t": 3.0, "type": "eject", "player": 0, "tally": {"0": 3}, "role": "impostor"},
        {"t": 3.5, "type": "meeting_end"},
        {"t": 4.0, "type": "task", "player": 2, "task": "Swipe Card", "step": 0, "done": True},
        {"t": 5.0, "type": "end", "winner": "impostors", "reason": "time_limit"},
    ]
    events = _game(actions, 4.5)
    assert check_invariants(record(tmp_path, events, _freeplay_header()), skeld_map()) == []
    assert check_invariants(record(tmp_path, events), skeld_map())  # the same game outside freeplay is wrong
    spot = list(skeld_map().data.spawn.points[1])
    cheat = _game([{"t": 1.0, "type": "kill", "killer": 0, "victim": 1, "pos": spot},
                   {"t": 1.5, "type": "sabotage", "kind": "lights", "by": 0},
                   {"t": 5.0, "type": "end", "winner": "impostors", "reason": "kills"}], 4.5)
    head = _freeplay_header()
    head["settings"]["initial_kill_cooldown_s"] = 0
    found = check_invariants(record(tmp_path, cheat, head), skeld_map())
    for expected in ("kill in freeplay", "sabotage in freeplay", "freeplay ends only at the time limit"):
        assert any(expected in v for v in found), (expected, found)
