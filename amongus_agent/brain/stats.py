"""Running totals of a brain's decisions: model calls, fallbacks, latency, tokens.

Kept apart from the LLM client so the agent can count decisions without importing `openai`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .llm import LLMOutcome


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class BrainStats:
    """Running totals over many outcomes, for the game summary and benchmarks."""

    decisions: int = 0
    model_calls: int = 0
    fallbacks: Counter = field(default_factory=Counter)
    illegal_rejected: int = 0
    latencies_s: list[float] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    modes: Counter = field(default_factory=Counter)

    def add(self, outcome: LLMOutcome | None) -> None:
        """Count one decision; `None` is a decision made without the model (the built-in brain)."""
        self.decisions += 1
        if outcome is None:
            return
        self.model_calls += outcome.calls
        if outcome.fallback_reason:
            self.fallbacks[outcome.fallback_reason] += 1
        self.illegal_rejected += outcome.illegal_rejected
        self.latencies_s.extend(outcome.latencies_s)
        self.prompt_tokens += outcome.prompt_tokens
        self.completion_tokens += outcome.completion_tokens
        self.modes[outcome.mode] += 1

    def as_dict(self) -> dict[str, Any]:
        p50, p95 = _percentile(self.latencies_s, 0.5), _percentile(self.latencies_s, 0.95)
        return {
            "decisions": self.decisions,
            "model_calls": self.model_calls,
            "fallbacks": dict(self.fallbacks),
            "fallback_total": sum(self.fallbacks.values()),
            "illegal_rejected": self.illegal_rejected,
            "latency_p50_s": None if p50 is None else round(p50, 3),
            "latency_p95_s": None if p95 is None else round(p95, 3),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "modes": dict(self.modes),
        }
