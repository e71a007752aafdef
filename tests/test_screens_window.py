"""The screens window's parts without a display: the game hook, the task pool, panels, pictures and readers.

Each picture the window would show is drawn from a real simulated game and read back with the
project's real-screen readers (real Tesseract); each panel is worked through the same plan the agent's
flow would send (`act/tasks/plans.py`), as mouse events, until the game finishes the step. The window
under a real X server, with real X11 input, is tested in test_screens_xvfb.py.
"""

from __future__ import annotations

import json
import random

import pytest

from amongus_agent.act.steps import Click, Drag, Hold, WaitUntil
from amongus_agent.act.tasks.plans import plan
from amongus_agent.perception.panels import identify_panel, read_panel
from amongus_agent.sim.runner import new_game
from amongus_agent.sim.screens.controls import Controls, InputLog
from amongus_agent.sim.screens.pad import parse_report
from amongus_agent.sim.screens.pool import POOL, PoolTooSmallError, deal_drawable
from amongus_agent.sim.screens.scene import Snapshot
from amongus_agent.sim.screens.window import Screen
from amongus_agent.sim.seat_view import SeatView
from amongus_agent.sim.settings import GameSettings
from amongus_agent.sim.state import IDLE, PlayerInput

W, H = 1280, 720


class Rig:
    """A game, one seat dealt drawable tasks, its controls and window state: what the server wires up."""

    def __init__(self, seed: int = 3, log=None, **settings) -> None:
        settings.setdefault("freeplay", True)
        self.game = new_game(GameSettings(**settings), seed)
        self.seat = next(p.id for p in self.game.players if not p.is_impostor)
        self.tasks = deal_drawable(self.game, self.seat)
        self.game.players[self.seat].by_panel = True
        self.view = SeatView(self.game, self.seat)
        self.controls = Controls(self.seat, InputLog(log), lambda: self.game.t)
        self.screen = Screen(self.game, self.seat, W, H, self.controls, chat_max=self.game.settings.chat_max_chars)
        self.me = self.game.players[self.seat]
        self.events: list[dict] = []
        self.snap()

    def snap(self) -> Snapshot:
        s = Snapshot.take(self.game, self.seat, self.view.observe())
        self.screen.update(s)
        return s

    def tick(self, inp: PlayerInput | None = None) -> list[dict]:
        """One game tick: the seat's input from its controls (or `inp`), as the server's loop does."""
        mine = inp if inp is not None else self.controls.take(self.game)
        events = self.game.step({self.seat: mine})
        self.view.see_events(events)
        self.events += events
        self.snap()
        return events

    def open(self, task: str) -> None:
        """Stand at the task's console and press use; the window opens its panel."""
        t = next(t for t in self.me.tasks if t.name == task)
        self.me.x, self.me.y = t.current.spot
        self.tick(PlayerInput(use=True))
        assert self.me.using is not None, f"use at {task} opened nothing"


def _work(screen: Screen, steps, tick) -> None:
    """Send a plan's steps to the window as the mouse would (presses, moves, releases); `tick` lets game
    time pass (a wait, a held button)."""
    for step in steps:
        if isinstance(step, Click):
            screen.press(*step.at)
            screen.release(*step.at)
        elif isinstance(step, Drag):
            (x0, y0), (x1, y1) = step.path[0], step.path[-1]
            screen.press(x0, y0)
            for k in range(1, 9):
                screen.move(round(x0 + (x1 - x0) * k / 8), round(y0 + (y1 - y0) * k / 8))
            screen.release(x1, y1)
        elif isinstance(step, Hold):
            screen.press(*step.at)
            for _ in range(10):
                tick()
                screen.frame()
            screen.release(*step.at)
        elif isinstance(step, WaitUntil):
            for _ in range(20):
                tick()
            return


def test_panel_seat_steps_finish_only_when_solved_and_ordinary_seats_are_untouched():
    game = new_game(GameSettings(freeplay=True), 5)
    p = next(q for q in game.players if not q.is_impostor)
    p.by_panel = True
    task = p.tasks[0]
    p.x, p.y = task.current.spot
    game.step({p.id: PlayerInput(use=True)})
    assert p.using is not None
    for _ in range(int(3 * task.durations[0] / game.dt)):  # long past the step's duration
        assert not any(e["type"] == "task" for e in game.step({}))
    game.panel_done(p.id)
    events = game.step({})
    assert [e["task"] for e in events if e["type"] == "task"] == [task.name] and p.using is None
    game.step({p.id: PlayerInput(use=True)}) if not task.done else None
    game.close_panel(p.id)
    assert p.using is None


def test_pool_deals_drawable_tasks_and_leaves_the_game_stream_alone():
    plain = new_game(GameSettings(), 8)
    game = new_game(GameSettings(), 8)
    seat = next(p.id for p in game.players if not p.is_impostor)
    state = game.rng.getstate()
    names = deal_drawable(game, seat)
    assert game.rng.getstate() == state
    assert set(names) <= set(POOL) and len(names) == len(plain.players[seat].tasks) == len(set(names))
    assert game.header()["tasks"][str(seat)] == names
    for a, b in zip(plain.players, game.players, strict=True):
        if a.id != seat:
            assert [t.name for t in a.tasks] == [t.name for t in b.tasks]
    with pytest.raises(PoolTooSmallError, match="draws 5 tasks"):
        deal_drawable(new_game(GameSettings(short_tasks=5), 8), seat)


def test_walking_frame_reads_back_as_the_seats_hud():
    from amongus_agent.perception.hud import read_hud

    rig = Rig(seed=3, long_tasks=3, short_tasks=1)
    fuel = next(t for t in rig.me.tasks if t.name == "Fuel Engines")
    fuel.step = 1  # the can is filled: "(0/2)" in yellow, the engine's room
    reading = read_hud(rig.screen.frame() if rig.snap() else None).to_json()
    want = [(t.places[t.step].room, t.name, t.step * 2 // 4 if t.name == "Fuel Engines" else (0 if len(t.places) > 1
             or t.name == "Clear Asteroids" else None), "in_progress" if t.step else "todo") for t in rig.me.tasks]
    got = [(t["room"], t["task"], t["step"], t["state"]) for t in reading["tasks"]]
    assert got == want, reading
    assert reading["room"] == rig.view.observe().room and reading["panel"] is None


@pytest.mark.parametrize("task", list(POOL))
def test_each_pool_panel_is_named_read_planned_and_solved_by_the_mouse(task):
    rig = Rig(seed=3, long_tasks=3, short_tasks=1)  # all five
    t = next(t for t in rig.me.tasks if t.name == task)
    faces = []
    for _ in range(2 if task == "Fuel Engines" else 1):  # Fuel Engines: the can in Storage, then an engine
        before = t.step
        rig.open(task)
        for _ in range(400):
            img = rig.screen.frame()
            if rig.screen.panel is None:
                break
            assert identify_panel(img) == task
            state = read_panel(img)
            assert state is not None and state.name == task
            faces.append(state.info.get("step"))
            _work(rig.screen, plan(state), rig.tick)
            for _ in range(3):
                rig.tick()
        assert rig.screen.panel is None, "the panel never closed"
        for _ in range(3):
            rig.tick()
        done = [e for e in rig.events if e["type"] == "task" and e["player"] == rig.seat]
        assert done and done[-1]["task"] == task and t.step == before + 1 and rig.me.using is None
    if task == "Fuel Engines":
        assert faces[0] == "can" and faces[-1] == "engine"


def test_wrong_moves_reset_as_in_the_game():
    rig = Rig(seed=4)
    rig.open("Fix Wiring")
    rig.screen.frame()
    panel = rig.screen.panel
    a = panel.left[0]
    wrong = next(e for e in panel.right if e.color != a.color)
    rig.screen.press(*a.point)
    rig.screen.release(*wrong.point)
    assert not panel.joined and not panel.solved  # dropped on the wrong terminal: it springs back
    rig.screen.press(*a.point)
    rig.screen.release(*next(e for e in panel.right if e.color == a.color).point)
    assert panel.joined == {a.color}
    rig.screen.key("Escape", "")
    rig.tick()
    assert rig.screen.panel is None and rig.me.using is None  # closed unfinished
    rig.open("Fix Wiring")
    rig.screen.frame()
    assert rig.screen.panel is not None and not rig.screen.panel.joined  # opened again: from the start
    rig.screen.key("Escape", "")
    rig.tick()

    rig.open("Clean O2 Filter")
    rig.screen.frame()
    o2 = rig.screen.panel
    (cx, cy), _, _ = o2.leaves[0]
    rig.screen.press(cx, cy)
    rig.screen.move(cx + 30, cy + 20)
    rig.screen.release(cx + 30, cy + 20)
    assert len(o2.leaves) == o2.LEAVES and tuple(o2.leaves[0][0]) == (cx + 30, cy + 20)  # stays where it fell


def test_walking_away_closes_the_panel_unfinished():
    rig = Rig(seed=3)
    rig.open("Submit Scan")
    rig.screen.frame()
    assert rig.screen.panel is not None
    rig.controls.key_down("d")
    rig.tick()
    rig.controls.key_up("d")
    rig.screen.frame()
    assert rig.me.using is None and rig.screen.panel is None
    assert not any(e["type"] == "task" for e in rig.events)


def test_meeting_chat_and_tablet_read_back(tmp_path):
    from amongus_agent.perception.chat_ocr import find_chat_input, read_chat
    from amongus_agent.perception.voting import find_vote_targets

    rig = Rig(seed=3, log=tmp_path / "in.jsonl", freeplay=False)
    g = rig.game
    rig.me.x, rig.me.y = g.map.data.emergency_button.spot
    g.t = g.button_ready_at  # the button's cooldown is over
    g.tick = round(g.t / g.dt)
    rig.tick(PlayerInput(use=True))
    assert g.phase == "meeting"
    others = [p for p in g.players if p.id != rig.seat][:2]
    lines = {others[0].id: "who called this", others[1].id: "I was in admin doing wires"}
    rig.tick()
    g.step({pid: PlayerInput(chat=text) for pid, text in lines.items()})
    rig.view.see_events(g._events)
    rig.snap()
    img = rig.screen.frame()
    read = read_chat(img)
    assert [(m.text, m.color) for m in read] == [(lines[p.id], p.color.lower()) for p in others]
    box = find_chat_input(img)
    x0, y0 = box[0] + box[2] // 2, box[1] + box[3] // 2
    rig.screen.press(x0, y0)
    rig.screen.release(x0, y0)
    for ch in "red sus":
        rig.screen.key(ch if ch != " " else "space", ch)
    rig.screen.key("Return", "\r")
    events = rig.tick()
    assert [(e["player"], e["text"]) for e in events if e["type"] == "chat"] == [(rig.seat, "red sus")]
    rig.snap()
    assert any(m.is_self and m.text == "red sus" for m in read_chat(rig.screen.frame()))

    while g.t < g.meeting.voting_at:
        rig.tick(IDLE)
    img = rig.screen.frame()
    targets = find_vote_targets(img)
    living = {p.color.lower() for p in g.players if p.alive}
    assert set(targets) - {"skip"} == living, targets
    x, y, w, h = targets[others[0].color.lower()]
    rig.screen.press(x + w // 2, y + h // 2)
    rig.screen.release(x + w // 2, y + h // 2)
    from amongus_agent.perception.voting import find_confirm_button

    img = rig.screen.frame()
    cx, cy = find_confirm_button(img, (x, y, w, h))
    rig.screen.press(cx, cy)
    rig.screen.release(cx, cy)
    events = rig.tick()
    assert [(e["voter"], e["target"]) for e in events if e["type"] == "vote"] == [(rig.seat, others[0].id)]
    logged = [json.loads(line) for line in (tmp_path / "in.jsonl").read_text().splitlines()]
    assert {"text", "click"} <= {e["kind"] for e in logged}
    assert all(set(e) == {"wall", "t", "kind", "what"} for e in logged)


@pytest.mark.parametrize("kind,want", [("reactor", ("Reactor Meltdown", "critical")),
                                       ("lights", ("Fix Lights", "in_progress")),
                                       ("comms", ("Comms Sabotaged", "critical"))])
def test_a_sabotage_shows_in_the_task_list(kind, want):
    from amongus_agent.perception.hud import read_hud

    rig = Rig(seed=3, freeplay=False)
    impostor = next(p for p in rig.game.players if p.is_impostor)
    rig.game.t = rig.game.sabotage_ready_at
    rig.game.tick = round(rig.game.t / rig.game.dt)
    rig.game.step({impostor.id: PlayerInput(sabotage=kind)})
    assert rig.game.sabotage is not None and rig.game.sabotage.kind == kind
    rig.snap()
    lines = read_hud(rig.screen.frame()).to_json()["tasks"]
    assert [(t["task"], t["state"]) for t in lines if t["kind"] == "sabotage"] == [want], lines
    if kind == "reactor":
        assert lines[-1]["countdown"] == int(rig.game.sabotage.deadline - rig.game.t) and lines[-1]["steps"] == 2
    if kind == "comms":
        assert len(lines) == 1  # the list itself is gone


def test_tab_switches_between_tablet_and_chat_while_voting():
    rig = Rig(seed=3, freeplay=False)
    g = rig.game
    rig.me.x, rig.me.y = g.map.data.emergency_button.spot
    g.t = g.button_ready_at
    g.tick = round(g.t / g.dt)
    rig.tick(PlayerInput(use=True))
    rig.screen.key("Tab", "\t")  # discussion: no tablet to switch to
    rig.screen.frame()
    assert rig.screen.tablet is None
    while g.t < g.meeting.voting_at:
        rig.tick(IDLE)
    rig.screen.frame()
    assert rig.screen.tablet is not None
    rig.screen.key("Tab", "\t")
    rig.screen.frame()
    assert rig.screen.tablet is None  # the chat, to read or say more
    rig.screen.key("Tab", "\t")
    rig.screen.frame()
    assert rig.screen.tablet is not None


def test_keys_and_pad_make_the_stick_and_buttons():
    rig = Rig(seed=3)
    c = rig.controls
    c.key_down("d")
    c.key_down("w")
    c.key_down("d")  # auto-repeat: still one key
    assert c.stick() == (1.0, 1.0)
    c.key_up("w")
    assert c.stick() == (1.0, 0.0)
    c.key_down("e")
    assert rig.controls.take(rig.game).use
    c.key_down("q")
    c.key_down("v")
    c.key_down("r")
    inp = c.take(rig.game)
    assert inp.kill is True and inp.vent == "enter" and inp.report and not inp.use  # presses act once
    c.key_up("d")
    c.pad(0.5, -0.25, frozenset({"report"}))
    inp = c.take(rig.game)
    assert inp.stick == (0.5, -0.25) and inp.report
    c.pad(0.5, -0.25, frozenset({"report"}))  # still held: no second press
    assert not c.take(rig.game).report
    assert parse_report(b'{"lx": 1, "ly": 0, "buttons": ["use"]}') == (1.0, 0.0, frozenset({"use"}))
    for bad in (b"[1]", b'{"lx": 2}', b'{"lx": "x"}', b'{"buttons": ["fly"]}', b"x" * 600, b'{"ly": NaN}'):
        with pytest.raises(ValueError):
            parse_report(bad)


def test_bridge_frames_of_the_screens_seat_carry_no_chat_and_ignore_its_inputs():
    from amongus_agent.live.protocol import Input
    from amongus_agent.sessions.screens import ScreensOptions, prepare_screens
    from amongus_agent.sessions.sim_server import SimServer

    server = SimServer(new_game(GameSettings(), 3), port=0, wait_s=0)
    try:
        screen, run, pad = prepare_screens(server, ScreensOptions())
        link = server.links[run.seat]
        game = server.game
        assert pad is None and run.title == f"amongus-agent screens: seat {run.seat} ({game.players[run.seat].color})"
        assert game.header()["tasks"][str(run.seat)] == run.tasks and game.players[run.seat].by_panel
        link.pending.append(Input(stick=(1.0, 0.0), chat="hello"))
        inp = link.take()
        assert inp.stick == (0.0, 0.0) and inp.chat is None and not link.pending
        me = game.players[run.seat]
        me.x, me.y = game.map.data.emergency_button.spot
        game.t = game.button_ready_at
        game.tick = round(game.t / game.dt)
        game.step({run.seat: PlayerInput(use=True)})
        other = next(p.id for p in game.players if p.id != run.seat)
        link.world.see_events(game.step({other: PlayerInput(chat="who is it")}))
        obs = link.world.observe()
        assert [c.text for c in obs.meeting.chat] == ["who is it"]
        sent = link.screen(obs)
        assert sent.meeting is not None and sent.meeting.chat == [] and sent.position == obs.position
        assert [c[3] for c in screen.latest().chat] == ["who is it"]  # the window still draws it
    finally:
        server.close()


def test_seeded_panels_are_the_same_every_time():
    from amongus_agent.sim.screens.panels import open_panel

    a = open_panel("wiring", W, H, "7", t=0.0, seconds=3.0)
    b = open_panel("wiring", W, H, "7", t=0.0, seconds=3.0)
    assert (a.left_order, a.right_order) == (b.left_order, b.right_order)
    with pytest.raises(ValueError, match="no panel of kind"):
        open_panel("nope", W, H, "7", t=0.0, seconds=1.0)
    assert random.Random("7").random() == random.Random("7").random()


@pytest.mark.parametrize("args,env,says", [
    (["--screens", "--screen-size", "12"], {"DISPLAY": ":999"}, "--screen-size '12'"),
    (["--screens", "--screen-size", "100x100"], {"DISPLAY": ":999"}, "from 640x360"),
    (["--seat", "3"], {}, "go with --screens"),
    (["--screens", "--seat", "5"], {"DISPLAY": ":999"}, "--seat 5 is not served here"),
    (["--screens", "--set", "short_tasks=5"], {"DISPLAY": ":999"}, "draws 5 tasks"),
    (["--screens"], {"DISPLAY": ""}, "needs an X display"),
])
def test_unusable_screens_options_get_one_line_and_exit_2(args, env, says):
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "amongus_agent", "sim-server", "--port", "0", "--wait", "0", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **env})
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert says in lines[0], lines
