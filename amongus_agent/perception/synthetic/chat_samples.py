"""Seeded Among Us-style chat for test sets: names, colours and the things players type.

Built from templates so a test set is large and varied yet reproducible; nothing here is read by
the recognisers.
"""

from __future__ import annotations

import numpy as np

from ..palette import PLAYER_COLORS
from .meeting import ChatMessage

NAMES = ("Nova", "Pixel", "Jumbo", "Kai", "Ren", "Mochi", "Toast", "Zed", "Luna", "Otto", "Vex", "Bean",
         "Captain", "Blu3", "Ace", "Wren", "Fig", "Hex", "Sparky", "Dot", "Moss", "Juno", "Pip", "Rook")
ROOMS = ("Cafeteria", "Admin", "Electrical", "Medbay", "Security", "Reactor", "Navigation", "Shields",
         "Storage", "Weapons", "O2", "Communications", "Upper Engine", "Lower Engine")
TASKS = ("wires", "card swipe", "download", "fuel", "the scan", "asteroids", "trash", "the manifolds")
TEMPLATES = (
    "where", "who called?", "skip", "I was in {room} doing {task}", "{color} sus", "vote {name}",
    "{name} vented in {room}!", "body in {room}", "I saw {name} near {room} a minute ago",
    "trust me, I did {task} in {room}", "it wasn't me, I was with {name}", "I have {n} tasks left",
    "{color} was following me the whole round", "can {name} confirm?", "why would I kill in {room}?",
    "no proof, skip this one", "{name} and {name2} were together in {room}", "lol", "ok",
    "{color} is lying, {task} is in {room}", "I watched cams for {n}0 seconds, nothing", "self report?",
    "{name} you are weird today", "hmm", "I'll vote {color} if nobody else has an idea",
)


def random_chat(rng: np.random.Generator, n: int, players: int = 8, self_share: float = 0.2,
                ghost_share: float = 0.15) -> list[ChatMessage]:
    names = list(rng.choice(NAMES, size=players, replace=False))
    colors = list(rng.choice(list(PLAYER_COLORS), size=players, replace=False))
    dead = set(rng.choice(players, size=max(1, players // 4), replace=False).tolist())
    me = 0
    out = []
    for _ in range(n):
        i = me if rng.random() < self_share else int(rng.integers(1, players))
        t = str(rng.choice(TEMPLATES))
        a, b = rng.choice(players, 2, replace=False)
        text = t.format(room=rng.choice(ROOMS), task=rng.choice(TASKS), color=colors[a], name=names[a],
                        name2=names[b], n=int(rng.integers(1, 9)))
        ghost = i in dead and rng.random() < ghost_share * 4
        out.append(ChatMessage(names[i], colors[i], text, is_self=i == me, is_ghost=bool(ghost)))
    return out
