"""Deciding what to do: the decision format, legal actions, prompts, and the brains that choose."""
