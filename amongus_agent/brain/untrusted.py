"""Other players' words, kept visibly apart from instructions wherever they reach a prompt."""

from __future__ import annotations

OPEN, CLOSE = "<<<", ">>>"


def defuse(text: str) -> str:
    """Fence marks a player typed become look-alikes, so they cannot close a fence early."""
    return text.replace(OPEN, "‹‹‹").replace(CLOSE, "›››")


def fence(text: str) -> str:
    return OPEN + defuse(text) + CLOSE
