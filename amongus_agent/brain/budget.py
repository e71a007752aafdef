"""How long a decision may take and how long its answer may be, from the speeds the server showed.

A streamer's model may be a 135M model on two CPU cores or a 70B one on a GPU: no fixed timeout
fits both. `SpeedMeter` learns two numbers from the streamed calls themselves — prompt reading
speed (new prompt tokens over the time to the first token) and generation speed (tokens over the
time from the first to the last token) — and `plan_call` turns them into a per-call plan:

* lockstep (the game waits for the model): the timeout is a generous cap; the model is never cut
  short for being slow, only for hanging.
* realtime (the game runs on while the model thinks): the timeout is the expected time of the call
  with a safety factor, clamped between a floor and the realtime cap; when even the shortest
  answer would not fit, the free-text fields (`Thought`, `Observation`) shrink first.

`max_tokens` always follows from the answer's schema: the longest legal name plus the bounded
free-text fields plus JSON punctuation, so a model cannot ramble past what the plan allows.
An explicit timeout from the user (`--timeout`) replaces the derived one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Characters per token for English game text: a conservative (low) figure, so max_tokens is never too small.
CHARS_PER_TOKEN = 2.5
JSON_OVERHEAD_TOKENS = 40  # braces, keys, quotes of {"Action": {"name", "position"}, "Thought", "Observation"}
MIN_TEXT_CHARS = 24
_EMA = 0.3  # weight of the newest measurement


@dataclass
class SpeedMeter:
    """Measured server speeds (exponential moving averages); None until a call showed them."""

    prompt_tps: float | None = None  # new (uncached) prompt tokens read per second, incl. request overhead
    gen_tps: float | None = None  # answer tokens per second once generation started
    overhead_s: float | None = None  # time to first token with (almost) nothing new to read
    samples: int = 0

    def observe(self, new_prompt_tokens: int, ttft_s: float, gen_tokens: int, gen_s: float) -> None:
        """Fold in one streamed call: `ttft_s` to the first token, then `gen_tokens` more in `gen_s`."""
        self.samples += 1
        if gen_tokens >= 4 and gen_s > 0:
            self.gen_tps = _ema(self.gen_tps, gen_tokens / gen_s)
        if new_prompt_tokens >= 64 and ttft_s > 0:
            self.prompt_tps = _ema(self.prompt_tps, new_prompt_tokens / ttft_s)
        elif ttft_s > 0:
            self.overhead_s = _ema(self.overhead_s, ttft_s)

    def expected_s(self, new_prompt_tokens: int, answer_tokens: int) -> float | None:
        """The expected duration of a call, or None while a speed is still unknown."""
        if self.gen_tps is None:
            return None
        read = new_prompt_tokens / self.prompt_tps if self.prompt_tps else (self.overhead_s or 0.0)
        return read + answer_tokens / self.gen_tps

    def as_dict(self) -> dict:
        return {"prompt_tokens_per_s": _round(self.prompt_tps), "gen_tokens_per_s": _round(self.gen_tps),
                "samples": self.samples}


@dataclass(frozen=True)
class BudgetPolicy:
    """The knobs; defaults suit a live game."""

    clock: str = "lockstep"  # lockstep | realtime
    fixed_timeout_s: float | None = None  # the user's own per-decision timeout, if given
    lockstep_cap_s: float = 120.0  # lockstep: wait this long at most (a hung server, not a slow one)
    realtime_cap_s: float = 60.0  # realtime: the body follows its old plan this long at most
    realtime_floor_s: float = 2.0
    safety: float = 2.0  # realtime timeout = expected time x safety (+ 1 s)
    text_chars: int = 120  # Thought/Observation maxLength before any shrinking
    max_tokens_cap: int = 300


@dataclass(frozen=True)
class CallPlan:
    """What one call may use: its timeout, its token limit, and the free-text length in the schema."""

    timeout_s: float
    max_tokens: int
    text_chars: int
    expected_s: float | None

    def as_dict(self) -> dict:
        return {"timeout_s": round(self.timeout_s, 2), "max_tokens": self.max_tokens, "text_chars": self.text_chars,
                "expected_s": _round(self.expected_s)}


def decision_tokens(longest_name: int, text_chars: int) -> int:
    """Upper bound of a decision answer's tokens: the name, two bounded text fields and the JSON around them."""
    return JSON_OVERHEAD_TOKENS + math.ceil((longest_name + 2 * text_chars) / CHARS_PER_TOKEN)


def line_tokens(max_chars: int) -> int:
    """Token limit for one plain chat or commentary line of `max_chars` characters (a little slack for quotes)."""
    return 8 + math.ceil(max_chars / CHARS_PER_TOKEN)


def plan_call(policy: BudgetPolicy, speeds: SpeedMeter, new_prompt_tokens: int, *, longest_name: int | None,
              line_chars: int | None = None) -> CallPlan:
    """The plan for one call: a decision (`longest_name` given) or a plain line (`line_chars` given)."""
    text = policy.text_chars

    def answer_tokens(chars: int) -> int:
        return decision_tokens(longest_name or 0, chars) if line_chars is None else line_tokens(line_chars)

    expected = speeds.expected_s(new_prompt_tokens, answer_tokens(text))
    if policy.fixed_timeout_s is not None:
        timeout = policy.fixed_timeout_s
    elif policy.clock == "lockstep":
        timeout = policy.lockstep_cap_s
    elif expected is None:  # nothing measured yet: give the first call the whole realtime cap
        timeout = policy.realtime_cap_s
    else:
        timeout = min(policy.realtime_cap_s, max(policy.realtime_floor_s, expected * policy.safety + 1.0))
    if line_chars is None and expected is not None:
        # shrink the free text until the expected time fits the timeout with the safety margin
        while text > MIN_TEXT_CHARS and (speeds.expected_s(new_prompt_tokens, answer_tokens(text)) or 0.0) \
                * policy.safety > timeout:
            text = max(MIN_TEXT_CHARS, int(text * 0.75))
        expected = speeds.expected_s(new_prompt_tokens, answer_tokens(text))
    max_tokens = min(policy.max_tokens_cap, answer_tokens(text))
    return CallPlan(timeout, max_tokens, text, expected)


def _ema(old: float | None, new: float) -> float:
    return new if old is None else (1 - _EMA) * old + _EMA * new


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
