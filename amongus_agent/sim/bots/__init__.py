"""Heuristic policies that need no model, for every seat the agent does not play."""

from __future__ import annotations

import random

from ..engine import Game
from .base import Bot
from .crew import CrewBot
from .impostor import ImpostorBot


def make_bot(game: Game, pid: int, rng: random.Random) -> Bot:
    cls = ImpostorBot if game.players[pid].is_impostor else CrewBot
    return cls(game, pid, rng)


__all__ = ["Bot", "CrewBot", "ImpostorBot", "make_bot"]
