#!/usr/bin/env python3
"""Draw docs/chat_voting_real_vs_rendered.png: the real meeting chat, lobby chat and voting tablet
(../shared/real-screens) next to the project's renders of the same kind of screen."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from amongus_agent.perception.synthetic.fonts import FontSpec
from amongus_agent.perception.synthetic.meeting import ChatMessage, render_meeting
from amongus_agent.perception.synthetic.voting import VotePlayer, render_voting

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-screens"
W, H = 640, 360


def _label(img: np.ndarray, text: str) -> np.ndarray:
    out = img.copy()
    cv2.rectangle(out, (0, 0), (len(text) * 9 + 12, 22), (0, 0, 0), -1)
    cv2.putText(out, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def _real(name: str) -> np.ndarray:
    image = cv2.imread(str(REAL / name))
    if image is None:
        sys.exit(f"{REAL / name}: not found (the shared real screenshots are needed)")
    return cv2.resize(image, (W, H), interpolation=cv2.INTER_AREA)


def main() -> None:
    meeting = [ChatMessage("hobabcak", "brown", "i only saw pink there"), ChatMessage("Alice", "pink", "Me"),
               ChatMessage("hobabcak", "brown", "in o2"), ChatMessage("", "white", "no has voted. 2 remaining.",
                                                                     kind="vote"),
               ChatMessage("jayy", "orange", "its not me lol but you guys can vote me out since im sus")]
    lobby = [ChatMessage("yan", "black", "lower vision to .5x"), ChatMessage("PESO", "yellow", "no"),
             ChatMessage("yan", "black", "yes"), ChatMessage("shofu", "red", "no", is_self=True)]
    players = [VotePlayer("PESO", "yellow", reporter=True), VotePlayer("yan", "black"), VotePlayer("Scoot", "brown"),
               VotePlayer("Squirtball", "purple"), VotePlayer("Chris", "green"), VotePlayer("Sr Page", "orange"),
               VotePlayer("zampur", "white"), VotePlayer("Houston", "blue"), VotePlayer("TitoInCams", "pink"),
               VotePlayer("shofu", "red", dead=True)]
    font = FontSpec("sans", 34)
    rows = [
        (_label(_real("chat/atw_meeting_843162028-832.jpg"), "real: meeting chat"),
         _label(render_meeting(meeting, W * 3, H * 3, font=font).image, "rendered")),
        (_label(_real("chat/atw_lobby_829611887-638.jpg"), "real: lobby chat"),
         _label(render_meeting(lobby, W * 3, H * 3, font=font, lobby=True, seed=3).image, "rendered")),
        (_label(_real("voting/atw_meeting_829611887-68.jpg"), "real: voting tablet"),
         _label(render_voting(players, W * 3, H * 3, cracks=True, hats=True, seed=2).image, "rendered")),
    ]
    tiles = []
    for real, rendered in rows:
        rendered = cv2.resize(rendered, (W, H), interpolation=cv2.INTER_AREA) if rendered.shape[0] != H else rendered
        rendered = _label(rendered, "rendered")
        tiles.append(np.hstack([real, np.full((H, 8, 3), 255, np.uint8), rendered]))
    sheet = np.vstack([t for tile in tiles for t in (tile, np.full((8, tile.shape[1], 3), 255, np.uint8))][:-1])
    out = ROOT / "docs" / "chat_voting_real_vs_rendered.png"
    cv2.imwrite(str(out), sheet)
    print(out)


if __name__ == "__main__":
    main()
