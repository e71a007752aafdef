"""Writing and reading recordings (round trip, crash-cut last line, corrupt lines) and their summaries."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from test_recording_game import END_T, clean_game, header, record, skeld_map, write

import amongus_agent.recording as recording_pkg
from amongus_agent.errors import DataError
from amongus_agent.recording import RecordingWriter, read_recording, summarize
from amongus_agent.recording.format import EjectEvent, GenericEvent, KillEvent, PosEvent, VoteEvent


@pytest.fixture
def game_file(tmp_path: Path) -> Path:
    return write(tmp_path / "game.jsonl", clean_game(skeld_map()))


def test_public_names_are_pinned() -> None:
    assert sorted(recording_pkg.__all__) == sorted([
        "RECORDING_VERSION", "EventBase", "Header", "PlayerInfo", "Recording", "RecordingWriter", "Summary",
        "check_invariants", "read_recording", "summarize",
    ])


def test_round_trip_keeps_every_event_and_its_line(game_file: Path) -> None:
    events = clean_game(skeld_map())
    rec = read_recording(game_file)
    assert rec.header.seed == 7 and [p.name for p in rec.header.players][:2] == ["Red", "Blue"]
    assert len(rec.events) == len(events)
    assert rec.lines == list(range(2, len(events) + 2))
    assert not rec.truncated and rec.problems == []
    kill = next(e for e in rec.events if isinstance(e, KillEvent))
    assert (kill.killer, kill.victim) == (0, 1)
    pos = next(e for e in rec.events if isinstance(e, PosEvent))
    assert set(pos.positions) == {0, 1, 2, 3, 4}  # JSON string keys come back as player ids
    vote = [e for e in rec.events if isinstance(e, VoteEvent)]
    assert [v.target for v in vote] == [0, 0, "skip", 2]
    # one compact line per event, so the file can be followed with `tail -f`
    lines = game_file.read_text().splitlines()
    assert len(lines) == len(events) + 1 and all(", " not in line.split('"text"')[0] for line in lines)


def test_models_can_be_written_too(tmp_path: Path) -> None:
    rec = read_recording(write(tmp_path / "a.jsonl", clean_game(skeld_map())))
    with RecordingWriter(tmp_path / "b.jsonl", rec.header) as writer:
        for event in rec.events:
            writer.write(event)
    again = read_recording(tmp_path / "b.jsonl")
    assert again.header == rec.header
    assert again.events == rec.events


def test_unknown_types_and_extra_fields_are_kept(tmp_path: Path) -> None:
    events = [
        {"t": 0.0, "type": "pos", "positions": {"0": [0, 0]}, "speed": 1.5},
        {"t": 0.2, "type": "body_found", "player": 3, "note": "from a newer simulator"},
    ]
    rec = record(tmp_path, events)
    assert rec.events[0].model_extra == {"speed": 1.5}
    generic = rec.events[1]
    assert isinstance(generic, GenericEvent) and generic.type == "body_found"
    assert generic.model_extra == {"player": 3, "note": "from a newer simulator"}


def test_a_line_cut_by_a_crash_is_reported_and_the_rest_kept(game_file: Path) -> None:
    full = game_file.read_bytes()
    n_events = full.count(b"\n") - 1
    game_file.write_bytes(full[: -len(b'"winner":"crew","reason":"votes"}\n') - 1])
    rec = read_recording(game_file)
    assert rec.truncated
    assert len(rec.events) == n_events - 1
    assert f"line {n_events + 1}" in rec.problems[0] and "cut mid-write" in rec.problems[0]
    assert summarize(rec).winner is None
    with pytest.raises(DataError, match=f"line {n_events + 1}"):
        read_recording(game_file, strict=True)


def test_a_complete_last_line_without_newline_is_fine(game_file: Path) -> None:
    game_file.write_bytes(game_file.read_bytes().rstrip(b"\n"))
    rec = read_recording(game_file)
    assert not rec.truncated and rec.events[-1].type == "end"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (b'{"t": 1.0, "type": "kill", "killer": 0', "not valid JSON"),
        (b"", "empty line"),
        (b'{"t": 1.0, "type": "kill", "killer": 0, "victim": "Blue", "pos": [0, 0]}', "kill.victim"),
        (b'{"t": 1.0, "type": "vote", "voter": 9, "target": "skip"}', "player 9 is not in the header"),
        (b'{"t": -1.0, "type": "meeting_end"}', "meeting_end.t"),
        (b'{"t": 1.0, "type": "eject", "player": null, "tally": {"Red": 2}}', "tally keys"),
        (b'[1, 2]', "JSON object"),
    ],
)
def test_a_corrupt_middle_line_names_file_and_line(game_file: Path, bad_line: bytes, message: str) -> None:
    lines = game_file.read_bytes().split(b"\n")
    lines[5] = bad_line  # file line 6
    game_file.write_bytes(b"\n".join(lines))
    with pytest.raises(DataError, match=message) as info:
        read_recording(game_file)
    assert str(info.value).startswith(f"{game_file}: line 6")


def test_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({**header(), "version": 2}) + "\n")
    with pytest.raises(DataError, match="line 1: recording version 2 is not supported"):
        read_recording(path)
    path.write_text('{"t": 0, "type": "pos", "positions": {}}\n')
    with pytest.raises(DataError, match="first line must be the header"):
        read_recording(path)
    path.write_text("")
    with pytest.raises(DataError, match="empty file"):
        read_recording(path)
    with pytest.raises(DataError, match="file not found"):
        read_recording(tmp_path / "missing.jsonl")
    bad = header()
    bad["players"][1]["id"] = 3
    with pytest.raises(Exception, match="player ids must be 0..4"):
        RecordingWriter(path, bad)


def test_writer_flushes_each_line_and_closes_once(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    writer = RecordingWriter(path, header())
    writer.write({"t": 0.0, "type": "pos", "positions": {0: [1.0, 2.0]}})
    # readable while the game still runs, as after a crash
    assert read_recording(path).events[0].positions == {0: (1.0, 2.0)}
    with pytest.raises(ValueError):
        writer.write({"t": 0.5, "type": "pos", "positions": {0: [math.nan, 2.0]}})
    writer.close()
    writer.close()
    assert writer.closed and writer.lines == 2
    with pytest.raises(ValueError, match="closed"):
        writer.write({"t": 1.0, "type": "meeting_end"})


def test_summary_figures(game_file: Path) -> None:
    summary = summarize(read_recording(game_file))
    assert (summary.winner, summary.reason, summary.duration_s, summary.seed, summary.map) == (
        "crew", "votes", END_T, 7, "skeld")
    fates = [(p.name, p.role, p.survived, p.death) for p in summary.players]
    assert fates == [("Red", "impostor", False, "ejected"), ("Blue", "crewmate", False, "killed"),
                     ("Green", "crewmate", True, None), ("Pink", "crewmate", True, None),
                     ("Orange", "crewmate", True, None)]
    assert summary.kills_count == 1 and summary.kills[0].victim == 1 and summary.kills[0].t == 12.0
    assert summary.meetings_count == 1
    meeting = summary.meetings[0]
    assert (meeting.reason, meeting.caller, meeting.body, meeting.ejected, meeting.ejected_role, meeting.votes) == (
        "report", 2, 1, 0, "impostor", 4)
    assert [(e.player, e.role) for e in summary.ejections] == [(0, "impostor")]
    assert (summary.tasks_completed, summary.tasks_total, summary.task_steps_completed) == (1, 8, 2)
    assert summary.sabotages_count == 1 and summary.sabotages[0].fixed_by == 2
    assert (summary.chat_messages, summary.votes, summary.skip_votes) == (2, 4, 1)
    assert json.loads(summary.model_dump_json())["players"][0]["death"] == "ejected"


def test_summary_counts_an_emergency_with_a_tie(tmp_path: Path) -> None:
    head = header()
    head["settings"] = {}
    head["tasks"] = {"1": ["Swipe Card"], "2": ["Swipe Card", "Fix Wiring"], "3": ["Swipe Card"], "4": ["Swipe Card"]}
    events = [
        {"t": 1.0, "type": "emergency", "caller": 3},
        {"t": 1.0, "type": "meeting_start", "caller": 3, "reason": "emergency"},
        {"t": 2.0, "type": "vote", "voter": 3, "target": 0},
        {"t": 2.0, "type": "vote", "voter": 0, "target": 3},
        {"t": 3.0, "type": "eject", "player": None, "tally": {"0": 1, "3": 1}},
        {"t": 4.0, "type": "meeting_start"},
        {"t": 5.0, "type": "eject", "player": None, "tally": {}},
    ]
    rec = record(tmp_path, events, head)
    summary = summarize(rec)
    assert summary.meetings_count == 2
    assert (summary.meetings[0].reason, summary.meetings[0].caller, summary.meetings[0].ejected) == ("emergency", 3,
                                                                                                      None)
    assert summary.meetings[1].caller is None and summary.ejections == []
    assert summary.tasks_total == 5 and summary.winner is None
    head["tasks_total"] = 6  # the simulator's own count wins
    assert summarize(record(tmp_path, events, head)).tasks_total == 6
    assert all(p.survived for p in summary.players)
    assert isinstance(next(e for e in rec.events if e.type == "eject"), EjectEvent)


def test_the_example_in_the_docs_reads_and_only_skips_pos_lines(tmp_path: Path) -> None:
    from amongus_agent.recording import check_invariants

    docs = Path(__file__).resolve().parent.parent / "docs" / "recording.md"
    example = docs.read_text().split("```json\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.jsonl"
    path.write_text(example)
    rec = read_recording(path)
    assert [e.type for e in rec.events] == ["pos", "kill", "pos", "end"]
    found = check_invariants(rec, skeld_map())
    assert len(found) == 1 and "since the previous pos line" in found[0]  # the doc says it leaves them out


def test_summary_matches_door_fixes_by_room(tmp_path: Path) -> None:
    events = [
        {"t": 1.0, "type": "sabotage", "kind": "doors", "by": 0, "room": "MedBay"},
        {"t": 2.0, "type": "sabotage", "kind": "doors", "by": 0, "room": "Admin"},
        {"t": 3.0, "type": "sabotage_fixed", "kind": "doors", "by": None, "room": "MedBay"},
        {"t": 4.0, "type": "sabotage", "kind": "lights", "by": 0},
    ]
    sabotages = summarize(record(tmp_path, events)).sabotages
    assert [(s.room, s.fixed_at_s) for s in sabotages] == [("MedBay", 3.0), ("Admin", None), (None, None)]
