"""The bridge: one documented way for game state in and input out, over JSON Lines on TCP."""
