"""The emitter only narrates what the agent's player perceives, decides and does."""

from __future__ import annotations

from types import SimpleNamespace

from amongus_agent.commentary import Background, Emitter
from amongus_agent.ports import LegalAction, VerifiedDecision


def make(seen: bool = False) -> tuple[Emitter, list]:
    out: list = []
    names = {0: "Red", 1: "Blue", 2: "Green", 3: "Me"}
    em = Emitter(out.append, me=3, names=names, background=Background(player="Me", role="crewmate"),
                 sees=lambda e: seen, rooms=lambda pos: "Admin")
    return em, out


def test_world_events_become_commentary_only_when_perceived():
    em, out = make(seen=False)
    em.on_events([
        {"type": "kill", "killer": 0, "victim": 1, "pos": [1, 2], "t": 5.0},  # unseen: nothing
        {"type": "task", "player": 2, "task": "Swipe Card", "step": 1, "done": True, "t": 6.0},  # not mine
        {"type": "task", "player": 3, "task": "Fix Wiring", "step": 1, "done": False, "t": 6.5},  # not finished
        {"type": "task", "player": 3, "task": "Fix Wiring", "step": 3, "done": True, "t": 7.0},
        {"type": "vote", "voter": 2, "target": 3, "t": 8.0},  # someone else's vote
        {"type": "chat", "player": 0, "text": "where", "t": 8.5},  # others' chat is not narrated
        {"type": "report", "reporter": 3, "victim": 1, "t": 9.0},
        {"type": "meeting_start", "caller": 3, "reason": "report", "victim": 1, "t": 9.0},
        {"type": "vote", "voter": 3, "target": "skip", "t": 20.0},
        {"type": "eject", "player": 0, "tally": {"0": 3}, "role": "impostor", "t": 30.0},
        {"type": "kill", "killer": 2, "victim": 3, "pos": [0, 0], "t": 40.0},
        {"type": "end", "winner": "impostors", "reason": "kills", "t": 41.0},
    ])
    assert [e.kind for e in out] == ["task_done", "body_found", "meeting", "vote", "eject", "death", "game_end"]
    body, meeting = out[1], out[2]
    assert body.detail == {"victim": "Blue", "room": "Admin"}
    assert meeting.detail["variant"] == "report.mine" and meeting.detail["victim"] == "Blue"
    assert out[3].detail["variant"] == "skip" and out[4].detail["variant"] == "impostor"
    assert out[5].detail["killer"] == "Green" and out[5].priority == "critical"
    assert [e.game_t for e in out] == sorted(e.game_t for e in out)

    em, out = make(seen=True)
    em.on_events([{"type": "kill", "killer": 0, "victim": 1, "pos": [1, 2], "t": 5.0}])
    assert out[0].kind == "kill_seen" and out[0].detail["killer"] == "Red"


def test_decisions_and_action_starts():
    em, out = make()
    obs = SimpleNamespace(t=12.0)
    task = LegalAction("Swipe Card in Admin", "task")
    fix = LegalAction("Fix lights in Electrical", "fix")
    em.on_decision(None, obs, VerifiedDecision((task, fix), "Closest task first.", "Nobody around."))
    em.on_action(None, obs, task)  # the decision already said it
    em.on_action(None, obs, fix)  # the second step of the plan starts later
    em.on_decision(None, obs, VerifiedDecision((LegalAction("Vote Red", "vote", target=0),), "sus", ""))
    assert [e.kind for e in out] == ["decision", "action_started"]
    assert out[0].thought == "Closest task first." and out[0].task == "Swipe Card in Admin"
    assert out[0].priority == "low" and out[1].action == "Fix lights in Electrical"
