"""The device actuator against a stand-in game window under Xvfb: real X11 keys and mouse, real mss, real Tesseract.

The stand-in (this file run as a script) is a Tk window drawn by our renderers that reacts the way
the game's screens do: in `walk` it logs every key press and release (WASD held, E, Q ...) and the
use key opens a Fix Wiring panel that is solved by dragging each wire to its colour and closes
when done; in `meeting` it shows the chat, takes typed keys into the text box once the box is
clicked, posts our line on Enter, and (with `talk`) other players' lines arrive one by one; in
`voting` it shows the tablet, selects a clicked plate and records a confirmed vote. It writes what
it received to a JSON file the test reads. What is checked is what the window received.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xvfb import stand_ins, xvfb

W, H = 1280, 720
HERE = Path(__file__).resolve()
TITLE = "Among Us stand-in"
TALK = [("Nova", "red", "I was in Admin with Kai"), ("Kai", "blue", "yes we did cards together"),
        ("Zed", "green", "where was the body found"), ("Nova", "red", "Electrical near the wires")]


# ---------------------------------------------------------------- the stand-in game window
def _window(mode: str, out: Path, seed: int) -> None:  # pragma: no cover - runs in a child process
    import tkinter as tk

    import cv2
    import numpy as np

    from amongus_agent.perception.chat_ocr import find_chat_input
    from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
    from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
    from amongus_agent.perception.synthetic.wiring import draw_panel, render_wiring

    root = tk.Tk()
    root.title(f"{TITLE} ({mode})")
    root.geometry(f"{W}x{H}+0+0")
    label = tk.Label(root, borderwidth=0, highlightthickness=0)
    label.pack()
    state: dict = {"keys": [], "held": [], "clicks": [], "done": False}

    def show(img: np.ndarray) -> None:
        ok, png = cv2.imencode(".png", img)
        photo = tk.PhotoImage(data=png.tobytes())
        label.configure(image=photo)
        label.image = photo

    def save() -> None:  # atomic, so the test never reads half a file
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, out)

    def inside(p, box) -> bool:
        return box[0] <= p[0] <= box[0] + box[2] and box[1] <= p[1] <= box[1] + box[3]

    held: set[str] = set()  # keys as the game knows them (a key, not a case: Shift held makes keysym "A")

    def key_down(e) -> None:
        state["keys"].append(["press", e.keysym])
        held.add(e.keysym.lower())
        state["held"] = sorted(held)
        save()

    def key_up(e) -> None:
        state["keys"].append(["release", e.keysym])
        held.discard(e.keysym.lower())
        state["held"] = sorted(held)
        save()

    if mode == "walk":
        screen = render_wiring(W, H, seed)
        walking = render_wiring(W, H, seed, center=(-10_000, -10_000)).image  # the same scene, no panel
        panel = {"open": False, "joined": set()}
        press: list = []

        def redraw() -> None:
            img = walking.copy()
            draw_panel(img, screen.panel, tuple(e.color for e in screen.left), tuple(e.color for e in screen.right),
                       frozenset(panel["joined"]))
            show(img)

        def on_key(e) -> None:
            key_down(e)
            if e.keysym.lower() == "e" and not panel["open"] and not state["done"]:
                panel["open"] = True
                state["opened"] = state.get("opened", 0) + 1
                redraw()
                save()
            elif e.keysym == "Escape" and panel["open"]:
                panel["open"] = False
                show(walking)
                save()

        def down(e) -> None:
            press[:] = [(e.x, e.y)]

        def up(e) -> None:
            if not press or not panel["open"]:
                return
            a, b = press[0], (e.x, e.y)
            for left in screen.left:
                right = next(r for r in screen.right if r.color == left.color)
                if inside(a, left.box) and inside(b, right.box):
                    panel["joined"].add(left.color)
            state["joined"] = sorted(panel["joined"])
            if len(panel["joined"]) == 4:
                panel["open"] = False
                state["done"] = True
                show(walking)
            else:
                redraw()
            save()

        root.bind("<KeyPress>", on_key)
        root.bind("<KeyRelease>", key_up)
        label.bind("<ButtonPress-1>", down)
        label.bind("<ButtonRelease-1>", up)
        show(walking)
    elif mode in ("meeting", "talk"):
        chat: list = []
        typed: list[str] = []
        focus = {"on": False}

        drawn: dict = {}

        def draw() -> None:
            if drawn.get("n") != len(chat):  # the chat itself is drawn once per message, typing is cheap
                img = render_meeting(chat, W, H).image
                drawn.update(n=len(chat), img=img, box=find_chat_input(img))
            img = drawn["img"].copy()
            if drawn["box"] is not None and typed:
                x, y, w, h = drawn["box"]
                cv2.putText(img, "".join(typed)[-60:], (x + 10, y + int(0.7 * h)), cv2.FONT_HERSHEY_SIMPLEX,
                            0.6, (30, 30, 30), 1, cv2.LINE_AA)
            show(img)

        def click(e) -> None:
            draw()
            focus["on"] = drawn["box"] is not None and inside((e.x, e.y), drawn["box"])
            state["clicks"].append([e.x, e.y, focus["on"]])
            save()

        def key(e) -> None:
            key_down(e)
            if not focus["on"]:
                return
            if e.keysym == "Return":
                state.setdefault("received", []).append("".join(typed))
                chat.append(ChatMessage("Me", "lime", "".join(typed), is_self=True))
                typed.clear()
                save()
            elif e.keysym == "BackSpace":
                typed[-1:] = []
            elif e.char and e.char.isprintable():
                typed.append(e.char)
            draw()

        def say(i: int) -> None:
            name, color, text = TALK[i]
            chat.append(ChatMessage(name, color, text))
            state["said"] = i + 1
            draw()
            save()
            if i + 1 < len(TALK):
                root.after(1200, say, i + 1)

        label.bind("<Button-1>", click)
        root.bind("<KeyPress>", key)
        root.bind("<KeyRelease>", key_up)
        if mode == "talk":
            root.after(800, say, 0)
        draw()
    else:
        players = [VotePlayer("Nova", "red"), VotePlayer("Kai", "blue"), VotePlayer("Ren", "white", dead=True),
                   VotePlayer("Bean", "black"), VotePlayer("Zed", "green"), VotePlayer("Otto", "yellow")]
        sel: dict = {"s": None, "screen": render_voting(players, W, H)}

        def vclick(e) -> None:
            scr = sel["screen"]
            state["clicks"].append([e.x, e.y])
            if scr.confirm is not None and inside((e.x, e.y), scr.confirm):
                state["voted"] = sel["s"]
                save()
                return
            for color, box in [*scr.plates.items(), ("skip", scr.skip)]:
                if inside((e.x, e.y), box):
                    sel["s"] = color
                    sel["screen"] = render_voting(players, W, H, selected=color)
                    show(sel["screen"].image)
            save()

        label.bind("<Button-1>", vclick)
        show(sel["screen"].image)
    root.focus_force()
    root.after(100, save)
    root.mainloop()


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def xdisplay():
    assert shutil.which("xdotool"), "xdotool is installed by scripts/setup.sh"
    with xvfb(W, H) as display:
        yield display


@pytest.fixture
def window(xdisplay, tmp_path):
    with stand_ins(HERE, xdisplay, tmp_path, settle_s=0.4) as start:
        yield start


@pytest.fixture
def device(xdisplay):
    """The device actuator as `play --input device` builds it: WASD keys, the pointer, screen flows on the window."""
    from amongus_agent.act.device import DeviceActuator
    from amongus_agent.act.input.keyboard import KeyboardBackend
    from amongus_agent.act.input.mouse import MouseBackend
    from amongus_agent.act.screen_flows import ScreenFlows
    from amongus_agent.perception.capture import ScreenCapture, find_window_region

    made = []

    def make(**kw) -> DeviceActuator:
        region = find_window_region(TITLE)
        pointer = MouseBackend()
        pointer.move_mouse(region.left + region.width // 2, region.top + region.height // 3)  # focus follows it
        keys = KeyboardBackend()
        act = DeviceActuator(keys, keyboard=keys, screen=ScreenFlows(lambda: ScreenCapture(region), pointer), **kw)
        made.append(act)
        return act

    yield make
    for act in made:
        act.close()


def record(out: Path, ok, seconds: float = 10.0) -> dict:
    """The stand-in's record once `ok(record)` holds (a bounded wait: the verdict is the record)."""
    end = time.monotonic() + seconds
    state = json.loads(out.read_text())
    while not ok(state) and time.monotonic() < end:
        time.sleep(0.05)
        state = json.loads(out.read_text())
    return state


# ---------------------------------------------------------------- tests
def test_wasd_holds_reach_the_window_as_press_and_release(window, device):
    out = window("walk")
    act = device()
    act.stick(0.0, 1.0)  # up: W held
    state = record(out, lambda s: "w" in s["held"])
    assert state["held"] == ["w"], state
    act.stick(1.0, 0.0)  # right: W let go, D held
    state = record(out, lambda s: s["held"] == ["d"])
    assert state["held"] == ["d"] and ["release", "w"] in state["keys"], state
    act.stick(0.7, -0.7)  # down-right: S joins D
    assert record(out, lambda s: s["held"] == ["d", "s"])["held"] == ["d", "s"]
    act.stick(0.0, 0.0)  # stop: nothing held
    assert record(out, lambda s: not s["held"])["held"] == []
    act.press("kill")
    state = record(out, lambda s: ["release", "q"] in s["keys"])
    assert ["press", "q"] in state["keys"] and ["release", "q"] in state["keys"], state  # a tap: pressed, let go


def test_use_key_opens_a_panel_and_the_device_solves_it(window, device):
    out = window("walk", seed=11)
    act = device()
    act.press("use")
    assert act.screen.wait_idle(60), "the panel flow did not finish"
    state = json.loads(out.read_text())
    assert state.get("opened") == 1 and state["done"], state
    assert state["joined"] == ["blue", "magenta", "red", "yellow"]
    assert act.sent["panel"] == 1 and not act.refused, (act.flows, act.refused)
    assert act.flows[-1].what == "Fix Wiring" and act.flows[-1].ok


def test_use_key_with_no_panel_ends_quietly(window, device):
    window("voting")  # the use key opens nothing here
    act = device()
    act.screen.panel_wait_s = 0.5
    act.press("use")
    assert act.screen.wait_idle(30)
    assert act.flows[-1].reason == "no panel" and "panel" not in act.sent and not act.refused


def test_chat_is_typed_into_the_chat_box_and_confirmed_by_the_reader(window, device):
    out = window("meeting")
    act = device()
    text = "I was in Admin doing wires"
    assert act.chat(text) is True  # queued: the agent's tick does not wait for the flow
    assert act.screen.wait_idle(60)
    state = json.loads(out.read_text())
    assert state.get("received") == [text], state
    assert act.sent["chat"] == 1 and act.flows[-1].reason == "message seen in the chat", act.flows


def test_vote_clicks_the_plate_of_the_players_colour_and_confirms(window, device):
    out = window("voting")
    colors = {3: "black", 5: "white"}
    act = device(colors=colors.get)
    assert act.vote(3) is True
    assert act.screen.wait_idle(60)
    assert record(out, lambda s: "voted" in s).get("voted") == "black"
    assert act.sent["vote"] == 1
    assert act.vote(9) is False and act.refused["vote"] == 1  # no colour known: refused, with why
    assert act.vote(5) is True and act.screen.wait_idle(60)  # white is dead: no plate, the flow says so
    assert act.refused["vote"] == 2 and "white" in act.flows[-1].reason


def test_meeting_chat_from_pixels_reaches_the_observation_once(window, xdisplay):
    from amongus_agent.brain.untrusted import observation
    from amongus_agent.live.limits import Limits
    from amongus_agent.live.pixel_chat import PixelChat
    from amongus_agent.live.protocol import Frame
    from amongus_agent.perception.capture import ScreenCapture, find_window_region
    from amongus_agent.perception.watch import ChatWatcher
    from amongus_agent.ports import MeetingView, SeenPlayer

    out = window("talk")
    region = find_window_region(TITLE)
    players = [SeenPlayer(id=i, name=n, color=c.capitalize(), position=(0.0, 0.0), distance=1.0, room="Cafeteria")
               for i, (n, c) in enumerate([("Nova", "red"), ("Kai", "blue"), ("Zed", "green")])]
    meeting = MeetingView(reason="report", caller=0, caller_name="Nova", phase="discussion", time_left=30.0)
    base = Frame(t=10.0, phase="meeting", me=7, name="Me", color="Lime", role="crewmate", position=(0.0, 0.0),
                 room="Cafeteria", alive=True, players=players, meeting=meeting)
    hook = PixelChat(ChatWatcher(lambda: ScreenCapture(region), interval_s=0.2), Limits())
    try:
        frame = hook(base)
        assert hook.watcher.active
        end = time.monotonic() + 60
        t = 10.0
        while time.monotonic() < end:  # the agent's side: a look every tick, never waiting for a read
            t += 0.1
            frame = hook(base.model_copy(update={"t": round(t, 1)}))
            if len(frame.meeting.chat) >= len(TALK) and json.loads(out.read_text()).get("said") == len(TALK):
                time.sleep(1.0)  # a few more reads of the same screen must add nothing
                frame = hook(base.model_copy(update={"t": round(t + 1, 1)}))
                break
            time.sleep(0.1)
        chat = frame.meeting.chat
        assert [(c.player, c.name, c.text) for c in chat] == [
            ({"Nova": 0, "Kai": 1, "Zed": 2}[n], n, text) for n, _, text in TALK], chat
        assert [c.t for c in chat] == sorted(c.t for c in chat)  # each keeps the time it was first seen
        assert observation(frame).meeting.chat == chat  # plain text: the untrusted-text pass leaves it be
        stats = hook.watcher.stats()
        assert stats["frames"] > len(TALK) and stats["ms_mean"] > 0 and stats["error"] is None
        # the meeting ends: the watcher stops looking, and the next meeting starts from an empty chat
        hook(base.model_copy(update={"phase": "tasks", "meeting": None}))
        assert not hook.watcher.active
        again = hook(base)
        assert again.meeting.chat == [] or len(again.meeting.chat) <= len(TALK)
    finally:
        hook.watcher.close()


def test_abort_key_releases_everything_and_stops_all_input(window, device):
    from amongus_agent.act.input import install_abort_hotkey

    out = window("walk")
    act = device()
    remove = install_abort_hotkey(act, "ctrl+shift+f12")
    assert remove is not None, "the X11 abort key could not be grabbed"
    try:
        act.stick(-1.0, 0.0)  # A held, as when walking left
        assert record(out, lambda s: s["held"] == ["a"])["held"] == ["a"]
        subprocess.run(["xdotool", "key", "ctrl+shift+F12"], check=True, timeout=10)  # the human's stop
        end = time.monotonic() + 10
        while not act.aborted and time.monotonic() < end:
            time.sleep(0.05)
        assert act.aborted
        state = record(out, lambda s: not s["held"])
        assert state["held"] == [], state
        # nothing goes out any more: walking, keys, chat and votes are refused with a reason
        time.sleep(0.5)  # the abort chord's own Ctrl and Shift releases reach the window too
        keys_before = len(json.loads(out.read_text())["keys"])
        act.stick(0.0, 1.0)
        act.press("use")
        assert act.chat("hello") is False and act.vote("skip") is False
        assert act.refused["stick"] == 1 and act.refused["use"] == 1
        time.sleep(0.5)
        assert len(json.loads(out.read_text())["keys"]) == keys_before
    finally:
        remove()


def test_play_without_the_game_window_says_so_and_exits_2(xdisplay):
    run = subprocess.run([sys.executable, "-m", "amongus_agent", "play", "--bridge", "tcp://127.0.0.1:9", "--input",
                          "device", "--window", "No Such Game"], env={**os.environ, "DISPLAY": xdisplay},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "no visible window titled like 'No Such Game'" in run.stderr


if __name__ == "__main__":
    _window(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))


def test_device_input_over_the_mod_files_votes_by_the_mods_colour_ids(window, xdisplay, tmp_path):
    """`play --bridge timshaw:DIR --input device` (the real client's way on Windows): positions from the
    mod's files, votes clicked on the window; the mod numbers players by colour, so seat 6 is black."""
    from amongus_agent.live.timshaw import TimShawWorld
    from amongus_agent.sessions.play import PlayOptions, open_world
    from amongus_agent.world.map import load_map

    (tmp_path / "inGameData.txt").write_text("0")
    out = window("vote")
    opts = PlayOptions(bridge=f"timshaw:{tmp_path}", input="device", window=TITLE)
    world = open_world(opts, load_map("skeld"))
    try:
        assert isinstance(world, TimShawWorld) and world.amend is None  # the mod reads chat itself
        act = world.actuator
        assert act.vote(6) is True and act.screen.wait_idle(60)
        assert record(out, lambda s: "voted" in s).get("voted") == "black"
    finally:
        world.close()
        world.actuator.close()
