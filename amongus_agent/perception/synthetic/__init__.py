"""Renderers for the game screens perception must read: meeting chat, Fix Wiring panel, voting.

They take plain inputs (no simulator import) and return BGR images plus the ground truth that
was drawn, so the same pictures serve the simulator, the tests and the benchmarks.
"""

from ..palette import PLAYER_COLORS, WIRE_COLORS, nearest_player_color

__all__ = ["PLAYER_COLORS", "WIRE_COLORS", "nearest_player_color"]
