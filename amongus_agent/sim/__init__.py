"""The mock game: a deterministic, fixed-step simulator of Among Us on a real map, with bots."""
