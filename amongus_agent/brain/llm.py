"""The LLM brain: one ReAct JSON decision from any OpenAI-compatible chat server, or an honest "no".

A live player cannot wait and cannot trust its model, so `LLMBrain.decide`:

* asks for structured output, stepping down per server through the response-format modes that
  OpenAI, vLLM, llama.cpp, llama-cpp-python, Ollama and LM Studio understand, and remembers per
  server (base URL + model) which one worked so later calls go straight to it;
* parses defensively (`jsonparse`), verifies against the legal actions (`decision.verify`), and
  asks again once, telling the model exactly what was wrong;
* never raises for model or server trouble: on a timeout, an HTTP error, a refused connection or
  two bad answers it returns `decision=None` with a reason, and the caller uses the built-in brain.

The whole decision, retries and mode step-downs included, shares one budget of `timeout_s`
seconds: the caller gets an answer (or a fallback) in about that time, whatever the server does.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import openai
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..errors import AmongUsError
from ..world.loading import validation_message
from .decision import IllegalDecision, LegalAction, VerifiedDecision, decision_schema, verify
from .jsonparse import AnswerError, extract_json_object, strip_think
from .stats import BrainStats

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Local servers ignore the key, but the client insists on having one.
PLACEHOLDER_KEY = "not-needed"

# Response-format modes, strongest first. "text" sends none and relies on extraction alone.
MODES: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object", "text")
_MODE_WORDS = ("response_format", "json_schema", "schema")
_ECHO_CHARS = 1500  # how much of a bad answer is shown back to the model on the retry
_MIN_CALL_S = 0.05  # below this much remaining budget a call cannot succeed; don't start it


class LLMConfigError(AmongUsError):
    """The LLM brain was asked for but is not configured (no model, or no key for OpenAI itself)."""


class LLMConfig(BaseModel):
    """Where the model lives and how long a live player may wait for it."""

    model_config = ConfigDict(allow_inf_nan=False)

    base_url: str = Field(DEFAULT_BASE_URL, max_length=2048)
    api_key: SecretStr | None = Field(None, max_length=4096)  # SecretStr: never in a repr, log or recording
    model: str = Field(max_length=256)
    timeout_s: float = Field(default=4.0, gt=0, le=600)  # the whole decision's budget, retries included
    max_tokens: int = Field(default=300, gt=0, le=100_000)
    temperature: float = Field(default=0.7, ge=0, le=2)

    @classmethod
    def from_env(cls, overrides: Mapping[str, Any] | None = None,
                 env: Mapping[str, str] | None = None) -> LLMConfig:
        """Read `OPENAI_BASE_URL`, `OPENAI_API_KEY`, `AMONGUS_MODEL` (else `OPENAI_MODEL`); overrides win.

        Overrides whose value is None are ignored, so the CLI can pass its options straight through.
        The environment is only read, never written.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if env.get("OPENAI_BASE_URL"):
            values["base_url"] = env["OPENAI_BASE_URL"]
        if env.get("OPENAI_API_KEY"):
            values["api_key"] = env["OPENAI_API_KEY"]
        model = env.get("AMONGUS_MODEL") or env.get("OPENAI_MODEL")
        if model:
            values["model"] = model
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        if not values.get("model"):
            raise LLMConfigError("no model given for the LLM brain: pass --model or set AMONGUS_MODEL "
                                 "(or OPENAI_MODEL), e.g. AMONGUS_MODEL=qwen2.5:7b")
        try:
            config = cls(**values)
        except ValidationError as exc:
            where, message = validation_message(exc)
            raise LLMConfigError(f"model settings: {where}: {message}") from None
        if config.api_key is None and "api.openai.com" in config.base_url:
            raise LLMConfigError("OPENAI_API_KEY is not set; it is needed for api.openai.com "
                                 "(for a local server pass --base-url or set OPENAI_BASE_URL)")
        return config

    @property
    def server_key(self) -> tuple[str, str]:
        """What the mode memory is keyed on: the same model behind the same URL behaves the same."""
        return (self.base_url.rstrip("/"), self.model)


class ModeMemory:
    """Which response-format mode each server accepts, shared by every brain in the process.

    A server starts at the strongest mode. When it rejects a mode, the next one is stored, so no
    later call pays for the rejection again. A mode is `confirmed` once the server answered a call
    in it; a plain HTTP 400 in an unconfirmed mode is read as "this mode is not supported".
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mode: dict[tuple[str, str], str] = {}
        self._confirmed: set[tuple[str, str]] = set()

    def mode(self, key: tuple[str, str]) -> str:
        with self._lock:
            return self._mode.get(key, MODES[0])

    def confirmed(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._confirmed

    def confirm(self, key: tuple[str, str], mode: str) -> None:
        with self._lock:
            if self._mode.get(key, MODES[0]) == mode:
                self._mode[key] = mode
                self._confirmed.add(key)

    def step_down(self, key: tuple[str, str], failed: str) -> str | None:
        """Record that `failed` is rejected; return the next mode to try, or None if none is left."""
        index = MODES.index(failed) + 1
        if index >= len(MODES):
            return None
        with self._lock:
            current = MODES.index(self._mode.get(key, MODES[0]))
            if current < index:  # another thread may already have stepped further down
                self._mode[key] = MODES[index]
                self._confirmed.discard(key)
            return self._mode[key]

    def clear(self) -> None:
        with self._lock:
            self._mode.clear()
            self._confirmed.clear()


MODE_MEMORY = ModeMemory()


@dataclass(frozen=True)
class LLMOutcome:
    """What one `decide` did. `decision is None` means: use the built-in brain's decision this turn."""

    decision: VerifiedDecision | None
    fallback_reason: str | None  # timeout | connection | http_<status> | invalid_twice | bad_response | ...
    calls: int
    latencies_s: list[float]
    prompt_tokens: int
    completion_tokens: int
    mode: str
    illegal_rejected: int
    detail: str = ""  # the last error in words (parse error, server message), for logs


def response_format(mode: str, names: list[str]) -> dict[str, Any] | None:
    """The `response_format` request field for a mode (None: send no field)."""
    if mode == "json_schema":
        return {"type": "json_schema",
                "json_schema": {"name": "decision", "schema": decision_schema(names), "strict": True}}
    if mode == "json_object_schema":  # llama-cpp-python's server (and llama-server) constrain to this schema
        return {"type": "json_object", "schema": decision_schema(names)}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def parse_decision(text: str, legal: list[LegalAction]) -> VerifiedDecision:
    """Text → verified decision; raises `AnswerError`, `IllegalDecision` or `ValidationError`.

    Top-level keys are matched case-insensitively ("action" → "Action"): small models get the case
    wrong often, and nothing else about such an answer is doubtful.
    """
    obj = extract_json_object(text)
    canonical = {"action": "Action", "actions": "Actions", "thought": "Thought", "observation": "Observation"}
    obj = {canonical.get(k.lower(), k) if isinstance(k, str) else k: v for k, v in obj.items()}
    return verify(obj, legal)


def describe_error(exc: Exception) -> str:
    """A one-line, model-readable account of why an answer was refused."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors()[:4]:
            where = ".".join(str(p) for p in err["loc"]) or "answer"
            parts.append(f"{where}: {err['msg']}")
        return "wrong fields or types: " + "; ".join(parts)
    return str(exc)


def retry_message(error: str, names: list[str]) -> str:
    """The user turn after a bad answer: what was wrong, the legal names, and the expected shape."""
    listed = ", ".join(json.dumps(n) for n in names)
    return (f"Your previous answer was rejected: {error}.\n"
            f"Answer again with exactly one JSON object and nothing else, in the form "
            f'{{"Action": {{"name": <one legal name>, "position": null}}, "Thought": "...", "Observation": "..."}}.\n'
            f"Legal action names (copy one exactly): {listed}")


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


def _mentions_mode(exc: openai.APIStatusError) -> bool:
    text = f"{exc.message} {json.dumps(exc.body, default=str)}".lower()
    return any(word in text for word in _MODE_WORDS)


class LLMBrain:
    """Decides through a chat-completions model; see the module docstring for the guarantees."""

    def __init__(self, config: LLMConfig, *, memory: ModeMemory | None = None,
                 client: openai.OpenAI | None = None) -> None:
        self.config = config
        self.memory = MODE_MEMORY if memory is None else memory
        key = config.api_key.get_secret_value() if config.api_key else PLACEHOLDER_KEY
        # max_retries=0: a retry is a decision for us to make against the time budget, not the client's.
        self.client = client or openai.OpenAI(base_url=config.base_url, api_key=key,
                                              timeout=config.timeout_s, max_retries=0)

    @property
    def mode(self) -> str:
        """The response-format mode the next call will start in."""
        return self.memory.mode(self.config.server_key)

    def decide(self, system: str, user: str, legal: list[LegalAction]) -> LLMOutcome:
        """One decision among `legal`, or `decision=None` with the reason the caller must fall back."""
        key = self.config.server_key
        names = list(dict.fromkeys(a.name for a in legal))
        mode = self.memory.mode(key)
        calls, illegal, bad = 0, 0, 0
        latencies: list[float] = []
        tokens = [0, 0]

        def outcome(decision: VerifiedDecision | None, reason: str | None, detail: str = "") -> LLMOutcome:
            return LLMOutcome(decision, reason, calls, latencies, tokens[0], tokens[1], mode, illegal, detail)

        if not names:
            return outcome(None, "no_legal_actions")
        messages: list[dict[str, str]] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        deadline = time.monotonic() + self.config.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining < _MIN_CALL_S:
                return outcome(None, "timeout", "no time left for another call")
            calls += 1
            started = time.monotonic()
            try:
                response = self._create(messages, mode, names, remaining)
            except openai.APITimeoutError:
                latencies.append(time.monotonic() - started)
                return outcome(None, "timeout", f"no answer within {self.config.timeout_s:g} s")
            except openai.APIConnectionError as exc:
                latencies.append(time.monotonic() - started)
                return outcome(None, "connection", str(exc))
            except openai.APIStatusError as exc:
                latencies.append(time.monotonic() - started)
                rejects_mode = (exc.status_code in (400, 422, 500) and _mentions_mode(exc)) or (
                    exc.status_code == 400 and not self.memory.confirmed(key))
                next_mode = self.memory.step_down(key, mode) if rejects_mode else None
                if next_mode is not None:
                    mode = next_mode
                    continue
                return outcome(None, f"http_{exc.status_code}", exc.message)
            except Exception as exc:  # a malformed body or anything else the client chokes on
                latencies.append(time.monotonic() - started)
                return outcome(None, "bad_response", f"{type(exc).__name__}: {exc}")
            latencies.append(time.monotonic() - started)
            self.memory.confirm(key, mode)
            content, finish = self._content(response)
            self._count_tokens(response, messages, content, tokens)
            try:
                return outcome(parse_decision(content, legal), None)
            except (AnswerError, IllegalDecision, ValidationError) as exc:
                illegal += isinstance(exc, IllegalDecision)
                error = describe_error(exc)
                if finish == "length":
                    error += " (the answer hit the token limit: keep Thought and Observation short)"
            bad += 1
            if bad >= 2:
                return outcome(None, "invalid_twice", error)
            echo = strip_think(content) or content
            messages += [{"role": "assistant", "content": echo[:_ECHO_CHARS]},
                         {"role": "user", "content": retry_message(error, names)}]

    def say(self, system: str, user: str, max_chars: int = 100) -> str | None:
        """A short plain-text line (meeting chat, commentary): one line, no reasoning, or None on any failure."""
        try:
            response = self.client.chat.completions.create(
                model=self.config.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                max_tokens=self.config.max_tokens, temperature=self.config.temperature,
                timeout=self.config.timeout_s)
            content, _ = self._content(response)
        except Exception:  # say() is decoration: silence beats a crash or a stall
            return None
        lines = [line.strip() for line in strip_think(content).splitlines() if line.strip()]
        if not lines:
            return None
        line = lines[0].strip('"').strip()
        if len(line) > max_chars:
            cut = line[:max_chars]
            line = cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2:] else cut
        return line or None

    def _create(self, messages: list[dict[str, str]], mode: str, names: list[str], timeout: float) -> Any:
        extra: dict[str, Any] = {}
        fmt = response_format(mode, names)
        if fmt is not None:
            extra["response_format"] = fmt
        return self.client.chat.completions.create(
            model=self.config.model, messages=messages, max_tokens=self.config.max_tokens,
            temperature=self.config.temperature, timeout=timeout, **extra)

    @staticmethod
    def _content(response: Any) -> tuple[str, str | None]:
        """The answer text and finish reason; a reply without choices counts as an empty answer."""
        choices = getattr(response, "choices", None) or []
        if not choices:
            return "", None
        message = choices[0].message
        return (getattr(message, "content", None) or ""), choices[0].finish_reason

    @staticmethod
    def _count_tokens(response: Any, messages: list[dict[str, str]], content: str, tokens: list[int]) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None and usage.prompt_tokens is not None:
            tokens[0] += usage.prompt_tokens
            tokens[1] += usage.completion_tokens or 0
        else:  # servers without usage: chars/4 is the usual rough estimate
            tokens[0] += sum(_estimate_tokens(m["content"]) for m in messages)
            tokens[1] += _estimate_tokens(content)


__all__ = [
    "MODES", "MODE_MEMORY", "BrainStats", "LLMBrain", "LLMConfig", "LLMConfigError", "LLMOutcome", "ModeMemory",
    "parse_decision", "response_format", "retry_message",
]
