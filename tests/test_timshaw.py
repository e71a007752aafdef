"""The TimShaw1/Among-Us-AI mod's sendData.txt as a state source."""

from __future__ import annotations

import pytest

from amongus_agent.live.timshaw import TimShawWorld, parse_send_data

SAMPLE = "-18.9193 -13.4284\ncrewmate\n[Align Engine Output, Swipe Card]\n[Lower Engine, Admin]\n[1/2, 0/1]\nShip\n0\n"


def test_reads_position_role_and_tasks(skeld, skeld_tasks):
    frame = parse_send_data(SAMPLE, skeld, skeld_tasks, 1.0)
    assert frame.position == (-18.9193, -13.4284) and frame.role == "crewmate" and frame.alive
    assert frame.room == "Lower Engine"
    names = [(t.task, t.room) for t in frame.tasks]
    assert names == [("Align Engine Output", "Lower Engine"), ("Swipe Card", "Admin")]
    swipe = frame.tasks[1]
    assert swipe.position == skeld_tasks.task_locations("Swipe Card")[0].spot


def test_dead_and_done(skeld, skeld_tasks):
    text = SAMPLE.replace("[1/2, 0/1]", "[2/2, 0/1]").replace("\n0\n", "\n1\n")
    frame = parse_send_data(text, skeld, skeld_tasks, 1.0)
    assert not frame.alive and [t.task for t in frame.tasks] == ["Swipe Card"]
    assert frame.tasks_done == ["Align Engine Output"]


@pytest.mark.parametrize("text", ["", "nope\n", "1.0\n", "abc def\ncrewmate\n"])
def test_malformed_files_are_refused_with_the_line(skeld, skeld_tasks, text):
    with pytest.raises(ValueError, match="line 1"):
        parse_send_data(text, skeld, skeld_tasks, 0.0)


def test_world_polls_and_counts_bad_reads(tmp_path, skeld, skeld_tasks):
    world = TimShawWorld(tmp_path, skeld, skeld_tasks, poll_s=0.01)
    (tmp_path / "sendData.txt").write_text("garbage")
    assert not world.poll() and world.malformed == 1
    (tmp_path / "sendData.txt").write_text(SAMPLE)
    assert world.wait_frame(0, timeout=1.0)
    assert world.observe().tasks and world.position() == (-18.9193, -13.4284)
