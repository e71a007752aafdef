"""The TimShaw1/Among-Us-AI mod's sendData.txt as a state source."""

from __future__ import annotations

import pytest

from amongus_agent.live.timshaw import TimShawWorld, parse_send_data
from amongus_agent.sessions.play import device_actuator

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
    world = TimShawWorld(tmp_path, skeld, skeld_tasks, device_actuator("dry"), poll_s=0.01)
    (tmp_path / "sendData.txt").write_text("garbage")
    assert not world.poll() and world.malformed == 1
    (tmp_path / "sendData.txt").write_text(SAMPLE)
    assert world.wait_frame(0, timeout=1.0)
    assert world.observe().tasks and world.position() == (-18.9193, -13.4284)


# ---------------------------------------------------------------- the mod's other files, over time

FULL = ("{x} {y}\nimpostor\n[Submit Scan, Swipe Card]\n[Hallway, Admin]\n[0/1, 0/1]\nShip\n{dead}\n{meeting}\n1\n"
        "0\nCafeteria\n0\n[1/-1.2/0.5, 2/3.0/-4.0, 5/-0.5/1.0]\n[1/0, 2/0, 5/1]\n[1/0, 2/0, 3/1, 5/0]\n")


class ModFiles:
    """The mod's data folder as a game would update it."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def write(self, name: str, text: str) -> None:
        tmp = self.folder / (name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.folder / name)

    def state(self, *, meeting: bool = False, dead: bool = False, x: float = -18.9193, y: float = -13.4284) -> None:
        self.write("sendData.txt", FULL.format(x=x, y=y, dead=int(dead), meeting=int(meeting)))


def test_every_file_of_the_mod_becomes_frames_and_events(tmp_path, skeld, skeld_tasks):
    mod = ModFiles(tmp_path)
    mod.write("chatData.txt", "RED: old lobby line\n")
    mod.write("inGameData.txt", "1")
    mod.write("imposterData.txt", "[0/0, 4/1]\n12.5\n")
    mod.state()
    world = TimShawWorld(tmp_path, skeld, skeld_tasks, device_actuator("dry"), poll_s=0.01)
    assert world.poll()
    frame = world.observe()
    assert frame.me == 0 and frame.color == "red" and frame.role == "impostor" and frame.phase == "tasks"
    assert frame.partners == [4] and frame.kill_cooldown == 12.5
    assert {p.id for p in frame.players} == {1, 2}  # 5 is in a vent
    assert (3, "green") not in frame.alive_players and (1, "blue") in frame.alive_players
    assert [t.task for t in frame.tasks] == ["Swipe Card"]  # the mod's placeholder scan is not a task
    assert world.perceived() == []
    # a kill by me, then a meeting with chat
    mod.write("killData.txt", "0, 1\n")
    mod.write("meetingData.txt", "2\n[1, 3, ]\n")
    mod.write("timerData.txt", "30")
    mod.state(meeting=True)
    assert world.poll()
    mod.write("chatData.txt", "RED: old lobby line\nBLUE: where\nGREEN: red sus\n")
    assert world.poll()
    frame = world.observe()
    assert frame.phase == "meeting" and frame.meeting is not None
    assert frame.meeting.caller == 2 and frame.meeting.caller_name == "green" and frame.meeting.phase == "voting"
    assert 0 < frame.meeting.time_left <= 30
    assert [(c.player, c.text) for c in frame.meeting.chat] == [(1, "where"), (2, "red sus")]
    kinds = [e["type"] for e in world.perceived()]
    assert kinds == ["meeting_start", "kill", "chat", "chat"]
    # the meeting ends; the game ends
    mod.state()
    assert world.poll() and world.perceived()[0]["type"] == "meeting_end"
    mod.write("inGameData.txt", "0")
    assert world.poll() and world.end is not None and world.perceived()[-1]["type"] == "end"


@pytest.mark.parametrize("bad", ["nan 1\n", "1e9 0\n", "1 2\ncrewmate\n[a]\n[b]\n[1/2]\nShip\n0\n0\n1\n99\n",
                                 "1 2\ncrewmate\n[a]\n[b]\n[x]\n"])
def test_bad_values_are_refused_at_the_boundary(skeld, skeld_tasks, bad):
    with pytest.raises(ValueError, match="line"):
        parse_send_data(bad, skeld, skeld_tasks, 0.0)


def test_play_through_the_mod_files_goes_through_a_meeting_and_votes(tmp_path):
    import threading
    import time

    from amongus_agent.sessions.play import PlayOptions, open_world, play_bridge
    from amongus_agent.world.map import load_map

    mod = ModFiles(tmp_path)
    mod.write("inGameData.txt", "1")
    mod.state()
    stop = threading.Event()
    voted = threading.Event()

    def game() -> None:
        time.sleep(0.3)
        mod.write("meetingData.txt", "2\n[]\n")
        mod.write("timerData.txt", "6")
        mod.state(meeting=True)
        mod.write("chatData.txt", "BLUE: who called\n")
        # the meeting lasts until the agent voted (a safety net bounds it)
        voted.wait(60)
        mod.state()
        time.sleep(0.3)
        mod.write("inGameData.txt", "0")

    opts = PlayOptions(bridge=f"timshaw:{tmp_path}", input="dry")
    game_map = load_map("skeld")
    world = open_world(opts, game_map)
    backend = world.actuator.movement
    original = backend.intend

    def intend(kind, *args):
        original(kind, *args)
        if kind == "vote":
            voted.set()

    backend.intend = intend
    writer = threading.Thread(target=game, daemon=True)
    writer.start()
    result = play_bridge(world, game_map)
    stop.set()
    writer.join(timeout=60)
    assert not result.lost and result.reason.startswith("game over")
    votes = [e.args for e in backend.events if e.kind == "vote"]
    assert len(votes) == 1 and (votes[0][0] == "skip" or votes[0][0] in range(18))
