"""Live flows against a real X server (Xvfb), real mss capture and real pyautogui input.

A small Tk window plays the game's part: it shows a rendered Fix Wiring panel and joins a wire
when a drag goes from a left end to the terminal of the same colour, closing the panel when all
four are joined; or it shows the meeting chat, takes typed text into its box and posts it as our
bubble on Enter; or it shows the voting screen and records a confirmed vote. The window writes
what it received to a JSON file the test reads. Run as a script, this file is that window.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from xvfb import record_once, stand_ins, xvfb

W, H = 1280, 720
HERE = Path(__file__).resolve()


# ---------------------------------------------------------------- the stand-in game window
def _window(mode: str, out: Path, seed: int) -> None:  # pragma: no cover - runs in a child process
    import tkinter as tk

    import cv2
    import numpy as np

    from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
    from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting
    from amongus_agent.perception.synthetic.wiring import draw_panel, render_wiring

    root = tk.Tk()
    root.title(f"Among Us stand-in ({mode})")
    root.geometry(f"{W}x{H}+0+0")
    label = tk.Label(root, borderwidth=0, highlightthickness=0)
    label.pack()
    state: dict = {"events": [], "done": False}

    def show(img: np.ndarray) -> None:
        ok, png = cv2.imencode(".png", img)
        photo = tk.PhotoImage(data=png.tobytes())
        label.configure(image=photo)
        label.image = photo

    def save() -> None:  # atomic, so the test never reads half a file
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, out)

    def inside(p: tuple[int, int], box) -> bool:
        return box[0] <= p[0] <= box[0] + box[2] and box[1] <= p[1] <= box[1] + box[3]

    if mode in ("wiring", "wiring-drop-first"):
        screen = render_wiring(W, H, seed)
        background = render_wiring(W, H, seed, center=(-10_000, -10_000)).image  # same scene, no panel
        joined: set[str] = set()
        press: list[tuple[int, int]] = []

        def down(e) -> None:
            press[:] = [(e.x, e.y)]

        def up(e) -> None:
            if not press:
                return
            a, b = press[0], (e.x, e.y)
            state["events"].append([a, b])
            if mode == "wiring-drop-first" and len(state["events"]) == 1:
                save()
                return  # the game missed this drag (a dropped frame): the flow must notice and retry
            for left in screen.left:
                right = next(r for r in screen.right if r.color == left.color)
                if inside(a, left.box) and inside(b, right.box):
                    joined.add(left.color)
            state["joined"] = sorted(joined)
            if len(joined) == 4:
                state["done"] = True
                show(background)
            else:
                img = background.copy()
                draw_panel(img, screen.panel, tuple(e.color for e in screen.left),
                           tuple(e.color for e in screen.right), frozenset(joined))
                show(img)
            save()

        label.bind("<ButtonPress-1>", down)
        label.bind("<ButtonRelease-1>", up)
        show(screen.image)
    elif mode == "chat":
        chat = [ChatMessage("Nova", "red", "who called?"), ChatMessage("Kai", "blue", "body in Electrical")]
        typed: list[str] = []
        focus = {"on": False}

        def click(e) -> None:
            focus["on"] = e.y > H * 0.8
            state["events"].append(["click", e.x, e.y])
            save()

        def key(e) -> None:
            if not focus["on"]:
                return
            if e.keysym == "Return":
                text = "".join(typed)
                state["received"] = text
                chat.append(ChatMessage("Me", "lime", text, is_self=True))
                typed.clear()
                show(render_meeting(chat, W, H).image)
                save()
            elif e.keysym == "BackSpace":
                typed[-1:] = []
            elif e.char and e.char.isprintable():
                typed.append(e.char)

        label.bind("<Button-1>", click)
        root.bind("<Key>", key)
        root.focus_force()
        show(render_meeting(chat, W, H).image)
    else:
        players = [VotePlayer("Nova", "red"), VotePlayer("Kai", "blue"), VotePlayer("Ren", "white", dead=True),
                   VotePlayer("Bean", "black"), VotePlayer("Zed", "green"), VotePlayer("Otto", "yellow")]
        sel: dict = {"s": None, "screen": render_voting(players, W, H)}

        def click(e) -> None:
            scr = sel["screen"]
            if scr.confirm is not None and inside((e.x, e.y), scr.confirm):
                state["voted"] = sel["s"]
                save()
                return
            for color, box in [*scr.plates.items(), ("skip", scr.skip)]:
                if inside((e.x, e.y), box):
                    sel["s"] = color
                    sel["screen"] = render_voting(players, W, H, selected=color)
                    show(sel["screen"].image)

        label.bind("<Button-1>", click)
        show(sel["screen"].image)
    root.after(100, save)
    root.mainloop()


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def xdisplay():
    with xvfb(W, H) as display:
        yield display


@pytest.fixture
def window(xdisplay, tmp_path):
    with stand_ins(HERE, xdisplay, tmp_path, settle_s=0.3) as start:
        yield start


@pytest.fixture
def live(xdisplay):
    from amongus_agent.act.input.mouse import MouseBackend
    from amongus_agent.perception.capture import ScreenCapture

    with ScreenCapture() as cap, MouseBackend() as mouse:
        yield cap, mouse


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("seed", [3, 11])
def test_fix_wiring_flow_connects_all_four_wires(window, live, seed):
    from amongus_agent.act.flows_live import fix_wiring

    out = window("wiring", seed)
    cap, mouse = live
    result = fix_wiring(cap.grab, mouse, settle=0.4)
    state = record_once(out, "done")
    assert state["joined"] == ["blue", "magenta", "red", "yellow"], state
    assert state["done"] and len(state["events"]) == 4
    assert result.ok, result


def test_fix_wiring_flow_retries_when_a_drag_is_lost(window, live):
    from amongus_agent.act.flows_live import fix_wiring

    out = window("wiring-drop-first", 5)
    cap, mouse = live
    result = fix_wiring(cap.grab, mouse, settle=0.4)
    state = record_once(out, "done")
    assert result.ok and result.attempts == 2, result
    assert state["done"] and len(state["joined"]) == 4


def test_fix_wiring_flow_reports_no_panel(window, live):
    from amongus_agent.act.flows_live import fix_wiring

    window("chat")
    cap, mouse = live
    result = fix_wiring(cap.grab, mouse)
    assert not result.ok and "no Fix Wiring panel" in result.reason


def test_chat_flow_types_into_the_window(window, live):
    from amongus_agent.act.flows_live import send_chat
    from amongus_agent.perception.synthetic.meeting import chat_panel_box

    out = window("chat")
    cap, mouse = live
    text = "I was in Admin doing wires"
    result = send_chat(cap.grab, mouse, text, settle=0.6)
    state = record_once(out, "received")
    assert state.get("received") == text, state
    assert result.ok, result
    # the click landed in the text box, found from the screen (bottom strip of the chat panel)
    px, py, pw, ph = chat_panel_box(W, H)
    _, x, y = state["events"][0]
    assert px < x < px + pw and py + ph - 0.12 * ph < y < py + ph


@pytest.mark.parametrize("via", ["auto", "pyautogui"])
def test_keyboard_backend_types_through_x11(window, live, via):
    from amongus_agent.act.input.keyboard import KeyboardBackend

    out = window("chat")
    _, mouse = live
    mouse.click(W // 2, int(H * 0.88))  # into the chat box
    with KeyboardBackend(via=via) as kb:
        assert kb.via == ("xdotool" if via == "auto" else via) and kb.via_reason
        kb.type_text("red sus, vote red")
        kb.key("enter")
    assert record_once(out, "received").get("received") == "red sus, vote red"


def test_vote_flow_finds_the_plate_and_confirms(window, live):
    from amongus_agent.act.flows_live import vote

    out = window("vote")
    cap, mouse = live
    result = vote(cap.grab, mouse, "black")
    assert result.ok, result
    assert record_once(out, "voted").get("voted") == "black"
    refused = vote(cap.grab, mouse, "white")  # dead: no plate to vote for
    assert not refused.ok and "white" in refused.reason


def test_capture_follows_a_window_found_by_title(window):
    from amongus_agent.perception.capture import CaptureUnavailableError, ScreenCapture, find_window_region
    from amongus_agent.perception.wires import solve_wiring

    window("wiring", 8)
    region = find_window_region("Among Us stand-in")
    assert (region.width, region.height) == (W, H)
    with ScreenCapture(region) as cap:
        assert solve_wiring(cap.grab().image) is not None
    with pytest.raises(CaptureUnavailableError, match="no visible window"):
        find_window_region("no such game window")


def test_capture_maps_region_pixels_to_screen(xdisplay):
    from amongus_agent.perception.capture import Region, ScreenCapture

    with ScreenCapture(Region(100, 50, 400, 300)) as cap:
        frame = cap.grab()
    assert frame.image.shape == (300, 400, 3)
    assert frame.to_screen(0, 0) == (100, 50)
    assert frame.to_screen(399, 299) == (499, 349)


if __name__ == "__main__":
    _window(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
