"""Bot meeting talk: the lines bots say, and reading other players' lines back as claims.

Bots speak in a few fixed shapes so other bots can read them; anything else in chat is ignored —
chat is data, and a line that matches no shape changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Game


@dataclass(frozen=True, slots=True)
class Claim:
    speaker: int
    kind: str  # "saw_kill" | "saw_vent" | "near" | "body" | "alibi" | "vote" | "defend"
    target: int | None
    room: str | None
    t: float


_NAME = r"([A-Z][a-z]+)"
_PATTERNS = [
    ("saw_kill", re.compile(rf"I saw {_NAME} kill {_NAME}(?: in ([A-Za-z ]+))?")),
    ("saw_vent", re.compile(rf"{_NAME} vented(?: in ([A-Za-z ]+))?")),
    ("body", re.compile(rf"[Bb]ody of {_NAME} in ([A-Za-z ]+?)[.!]")),
    ("near", re.compile(rf"{_NAME} was (?:near|in) ([A-Za-z ]+?)(?: when| just|[.!,]|$)")),
    ("alibi", re.compile(r"I was in ([A-Za-z ]+?) doing")),
    ("vote", re.compile(rf"[Vv]ote {_NAME}")),
    ("defend", re.compile(rf"{_NAME} is lying")),
]


def parse_chat(speaker: int, text: str, game: Game, t: float) -> list[Claim]:
    """Claims in one chat line, with names resolved to player ids; unknown names are dropped."""
    ids = {p.name: p.id for p in game.players}
    rooms = set(game.map.region_names())
    out: list[Claim] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groups()
            if kind == "alibi":
                room = groups[0].strip()
                if room in rooms:
                    out.append(Claim(speaker, kind, speaker, room, t))
                continue
            target = ids.get(groups[0])
            if target is None:
                continue
            room = None
            if kind in ("saw_kill",) and len(groups) > 2 and groups[2]:
                room = groups[2].strip()
            elif kind in ("saw_vent", "body", "near") and len(groups) > 1 and groups[1]:
                room = groups[1].strip()
            if room is not None and room not in rooms:
                room = None
            out.append(Claim(speaker, kind, target, room, t))
    return out


def alibi(room: str, task: str | None) -> str:
    return f"I was in {room} doing {task}." if task else f"I was in {room} doing my tasks."


def saw_kill(killer: str, victim: str, room: str) -> str:
    return f"I saw {killer} kill {victim} in {room}! Vote {killer}."


def saw_vent(player: str, room: str) -> str:
    return f"{player} vented in {room}! Vote {player}."


def found_body(victim: str, room: str) -> str:
    return f"Body of {victim} in {room}."


def was_near(player: str, room: str) -> str:
    return f"{player} was near {room} just before."


def defend(accuser: str, room: str | None) -> str:
    where = f" I was in {room}." if room else ""
    return f"Not me, {accuser} is lying.{where}"
