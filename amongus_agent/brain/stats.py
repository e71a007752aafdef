"""Running totals of a brain's decisions: model calls, model-made decisions, fallbacks, latency, tokens, cache.

Kept apart from the LLM client so the agent can count decisions without importing `openai`.
Kinds: `task` (what to do next in the round), `vote`, `chat` (a meeting line) and `commentary`.
`decisions` counts the action decisions (task and vote); chat and commentary lines are counted per
kind only, since a missing line is silence rather than a decision made by someone else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .llm import LLMOutcome

ACTION_KINDS = ("task", "vote")


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass
class KindStats:
    """One decision kind's totals. `latencies_s` is per decision (wait for the gate excluded, retries included)."""

    decisions: int = 0
    by_model: int = 0
    calls: int = 0
    fallbacks: Counter = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions, "by_model": self.by_model,
            "model_share": _r(self.by_model / self.decisions) if self.decisions else None,
            "calls": self.calls, "fallbacks": dict(self.fallbacks),
            "latency_p50_s": _r(_percentile(self.latencies_s, 0.5)),
            "latency_p95_s": _r(_percentile(self.latencies_s, 0.95)),
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "prompt_tokens_per_call": round(self.prompt_tokens / self.calls, 1) if self.calls else None,
            "cached_tokens": self.cached_tokens,
        }


@dataclass
class BrainStats:
    """Running totals over many outcomes, for the game summary and benchmarks."""

    decisions: int = 0
    model_decisions: int = 0
    model_calls: int = 0
    fallbacks: Counter = field(default_factory=Counter)
    illegal_rejected: int = 0
    latencies_s: list[float] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cache_sources: Counter = field(default_factory=Counter)
    modes: Counter = field(default_factory=Counter)
    kinds: dict[str, KindStats] = field(default_factory=dict)
    budget: dict | None = None  # the LLM brain's budget in force at the end (LLMBrain.budget())
    peak_in_flight: int | None = None  # most requests the brain had open at once

    def add(self, outcome: LLMOutcome | None, kind: str | None = None, reason: str | None = None) -> None:
        """Count one decision or line; `None` is one made without the model (the built-in brain).

        `reason` names why the model's answer was not used when there is no outcome to say so
        (e.g. `late`: a realtime vote that had to be cast before the model answered).
        """
        kind = kind or (outcome.kind if outcome is not None else "task")
        per = self.kinds.setdefault(kind, KindStats())
        per.decisions += 1
        if kind in ACTION_KINDS:
            self.decisions += 1
        if outcome is None:
            if reason:
                self.fallbacks[reason] += 1
                per.fallbacks[reason] += 1
            return
        per.calls += outcome.calls
        per.latencies_s.append(sum(outcome.latencies_s))
        per.prompt_tokens += outcome.prompt_tokens
        per.completion_tokens += outcome.completion_tokens
        per.cached_tokens += outcome.cached_tokens
        if outcome.by_model:
            per.by_model += 1
            self.model_decisions += kind in ACTION_KINDS
        self.model_calls += outcome.calls
        if outcome.fallback_reason:
            self.fallbacks[outcome.fallback_reason] += 1
            per.fallbacks[outcome.fallback_reason] += 1
        self.illegal_rejected += outcome.illegal_rejected
        self.latencies_s.extend(outcome.latencies_s)
        self.prompt_tokens += outcome.prompt_tokens
        self.completion_tokens += outcome.completion_tokens
        self.cached_tokens += outcome.cached_tokens
        if outcome.calls:
            self.cache_sources[outcome.cache_source] += 1
        self.modes[outcome.mode] += 1

    def as_dict(self) -> dict[str, Any]:
        p50, p95 = _percentile(self.latencies_s, 0.5), _percentile(self.latencies_s, 0.95)
        return {
            "decisions": self.decisions,
            "model_decisions": self.model_decisions,
            "model_share": _r(self.model_decisions / self.decisions) if self.decisions else None,
            "model_calls": self.model_calls,
            "fallbacks": dict(self.fallbacks),
            "fallback_total": sum(self.fallbacks.values()),
            "illegal_rejected": self.illegal_rejected,
            "latency_p50_s": _r(p50),
            "latency_p95_s": _r(p95),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cached_tokens": self.cached_tokens,
            "cache_share": _r(self.cached_tokens / self.prompt_tokens) if self.prompt_tokens else None,
            "cache_source": (self.cache_sources.most_common(1)[0][0] if self.cache_sources else None),
            "modes": dict(self.modes),
            "by_kind": {k: v.as_dict() for k, v in sorted(self.kinds.items())},
            "budget": self.budget,
            "peak_in_flight": self.peak_in_flight,
        }
