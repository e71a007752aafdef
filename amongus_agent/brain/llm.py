"""The LLM brain: one ReAct JSON decision from any OpenAI-compatible chat server, or an honest "no".

A live player cannot wait forever and cannot trust its model, so `LLMBrain.decide`:

* asks for structured output, stepping down per server through the response-format modes that
  OpenAI, vLLM, llama.cpp, llama-cpp-python, Ollama and LM Studio understand, and remembers per
  server (base URL + model) which one worked so later calls go straight to it; the schema bounds
  the free-text fields, so a grammar-constrained server can only produce a short, valid answer;
* parses defensively (`jsonparse`), verifies against the legal actions (`decision.verify`), and
  asks again once, telling the model exactly what was wrong;
* never raises for model or server trouble: on a timeout, an HTTP error, a refused connection or
  two bad answers it returns `decision=None` with a reason, and the caller uses the built-in brain.

One request in flight per brain: every call streams, and a call still running at its deadline is
closed (llama.cpp's servers stop generating when the client goes away; `abandon="wait"` keeps
reading an abandoned answer to its end instead, for servers that would not). No new request is
sent while one is open: a caller that finds the brain busy waits within its own budget, else
falls back with reason `busy`.

The time budget comes from the server's measured speeds (`budget.py`): in lockstep the model gets
as long as it needs up to a generous cap; in realtime the budget is the expected call time with a
margin. `--timeout` (config `timeout_s`) replaces the derived budget with a fixed one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import openai
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..errors import AmongUsError
from ..ports import LegalAction, VerifiedDecision
from ..world.loading import validation_message
from .budget import BudgetPolicy, CallPlan, SpeedMeter, plan_call
from .decision import IllegalDecision, decision_schema, verify
from .jsonparse import AnswerError, extract_json_object, strip_think
from .stats import BrainStats
from .tokenizer import Tokenizer, common_prefix, estimate_tokens, message_ids, prompt_tokens

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Local servers ignore the key, but the client insists on having one.
PLACEHOLDER_KEY = "not-needed"

# Response-format modes, strongest first. "text" sends none and relies on extraction alone.
MODES: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object", "text")
_MODE_WORDS = ("response_format", "json_schema", "schema")
_ECHO_CHARS = 1500  # how much of a bad answer is shown back to the model on the retry
_MIN_CALL_S = 0.05  # below this much remaining budget a call cannot succeed; don't start it
_MAX_ANSWER_CHARS = 20_000  # a server ignoring max_tokens is cut off here


class LLMConfigError(AmongUsError):
    """The LLM brain was asked for but is not configured (no model, or no key for OpenAI itself)."""


class LLMConfig(BaseModel):
    """Where the model lives and how long a live player may wait for it."""

    model_config = ConfigDict(allow_inf_nan=False)

    base_url: str = Field(DEFAULT_BASE_URL, max_length=2048)
    api_key: SecretStr | None = Field(None, max_length=4096)  # SecretStr: never in a repr, log or recording
    model: str = Field(max_length=256)
    # A fixed budget for the whole decision, retries included; None: derived from measured speeds (budget.py).
    timeout_s: float | None = Field(default=None, gt=0, le=600)
    max_tokens: int = Field(default=300, gt=0, le=100_000)  # the cap; each call asks for what its schema needs
    temperature: float = Field(default=0.7, ge=0, le=2)
    clock: Literal["lockstep", "realtime"] = "lockstep"
    lockstep_cap_s: float = Field(default=120.0, gt=0, le=3600)  # lockstep: a hung server, not a slow one, is cut
    realtime_cap_s: float = Field(default=60.0, gt=0, le=3600)  # realtime: longest the body follows an old plan
    text_chars: int = Field(default=120, ge=16, le=2000)  # Thought/Observation maxLength before shrinking
    # What to do with an answer still streaming at its deadline: close it (llama.cpp servers then stop),
    # or keep reading it to its end before the next request (servers that go on generating regardless).
    abandon: Literal["close", "wait"] = "close"
    count_tokens: bool = True  # ask the server's /tokenize for prompt sizes (falls back to an estimate)

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
    """What one `decide` (or `speak`) did. `decision is None` means: use the built-in brain's answer this turn."""

    decision: VerifiedDecision | None
    fallback_reason: str | None  # timeout | busy | connection | http_<status> | invalid_twice | bad_response | ...
    calls: int
    latencies_s: list[float]
    prompt_tokens: int
    completion_tokens: int
    mode: str
    illegal_rejected: int
    detail: str = ""  # the last error in words (parse error, server message), for logs
    kind: str = "task"  # task | vote | chat | commentary
    cached_tokens: int = 0  # prompt tokens the server did not have to read again
    cache_source: str = "none"  # server (reported by it) | prefix (its single-slot prefix, followed here) | none
    text: str | None = None  # speak(): the line the model said
    plan: CallPlan | None = None
    waited_s: float = 0.0  # time spent waiting for this brain's previous request to end

    @property
    def by_model(self) -> bool:
        """The model's own valid answer (not a fallback)."""
        return self.decision is not None or bool(self.text)


@dataclass
class _Streamed:
    """One streamed answer as it arrived."""

    content: str
    finish: str | None
    chunks: int
    ttft_s: float | None
    gen_s: float
    usage: Any = None


class _StreamTimeout(Exception):
    """The stream was still running at the deadline: closed, or (`handed_off`) left to a drain thread."""

    def __init__(self, handed_off: bool = False) -> None:
        super().__init__("the answer was not done by the deadline")
        self.handed_off = handed_off  # the drain thread now holds the gate and releases it


class _StreamBroken(Exception):
    """The connection failed in the middle of an answer."""


def response_format(mode: str, names: list[str], text_chars: int | None = None) -> dict[str, Any] | None:
    """The `response_format` request field for a mode (None: send no field)."""
    if mode == "json_schema":
        return {"type": "json_schema",
                "json_schema": {"name": "decision", "schema": decision_schema(names, text_chars), "strict": True}}
    if mode == "json_object_schema":  # llama-cpp-python's server (and llama-server) constrain to this schema
        return {"type": "json_object", "schema": decision_schema(names, text_chars)}
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


def _mentions_mode(exc: openai.APIStatusError) -> bool:
    text = f"{exc.message} {json.dumps(exc.body, default=str)}".lower()
    return any(word in text for word in _MODE_WORDS)


def first_line(text: str, max_chars: int) -> str | None:
    """The first non-empty line outside any think block, unquoted, cut at a word within `max_chars`."""
    lines = [line.strip() for line in strip_think(text).splitlines() if line.strip()]
    if not lines:
        return None
    line = lines[0].strip('"').strip()
    if len(line) > max_chars:
        cut = line[:max_chars]
        line = cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2:] else cut
    return line or None


def _line_complete(text: str) -> bool:
    """A plain answer has a whole first line (outside think blocks): the rest need not be generated."""
    lowered = text.lower()
    if lowered.count("<think>") > lowered.count("</think>"):
        return False
    visible = strip_think(text).lstrip()
    return bool(visible) and "\n" in visible


def _guarded(iterator: Any) -> Any:
    """Stream chunks, with transport trouble mid-stream turned into the brain's own terms."""
    try:
        yield from iterator
    except openai.OpenAIError:
        raise
    except Exception as exc:  # the HTTP library's own read timeout or broken connection, whichever it is
        if "timeout" in type(exc).__name__.lower():
            raise _StreamTimeout from None
        raise _StreamBroken(f"the stream broke off: {type(exc).__name__}: {exc}") from None


class LLMBrain:
    """Decides through a chat-completions model; see the module docstring for the guarantees."""

    def __init__(self, config: LLMConfig, *, memory: ModeMemory | None = None,
                 client: openai.OpenAI | None = None, tokenizer: Tokenizer | None = None) -> None:
        self.config = config
        self.memory = MODE_MEMORY if memory is None else memory
        key = config.api_key.get_secret_value() if config.api_key else PLACEHOLDER_KEY
        # max_retries=0: a retry is a decision for us to make against the time budget, not the client's.
        self.client = client or openai.OpenAI(base_url=config.base_url, api_key=key,
                                              timeout=config.timeout_s or config.lockstep_cap_s, max_retries=0)
        self.tokenizer = tokenizer if tokenizer is not None else (
            Tokenizer(config.base_url) if config.count_tokens else None)
        self.policy = BudgetPolicy(clock=config.clock, fixed_timeout_s=config.timeout_s,
                                   lockstep_cap_s=config.lockstep_cap_s, realtime_cap_s=config.realtime_cap_s,
                                   text_chars=config.text_chars, max_tokens_cap=config.max_tokens)
        self.speeds = SpeedMeter()
        self.last_plan: CallPlan | None = None
        self._gate = threading.Lock()  # held while a request is open (or an abandoned one is being read out)
        self._count_lock = threading.Lock()
        self._open = 0
        self.peak_in_flight = 0  # most requests this brain ever had open at once (the contract: 1)
        self._last_ids: tuple[int, ...] | None = None  # the previous prompt, for following the prefix cache

    @property
    def mode(self) -> str:
        """The response-format mode the next call will start in."""
        return self.memory.mode(self.config.server_key)

    def budget(self) -> dict:
        """The budget in force: the policy, the measured speeds and the last call's plan (for stats and the CLI)."""
        policy = self.policy
        return {
            "clock": policy.clock,
            "fixed_timeout_s": policy.fixed_timeout_s,
            "cap_s": policy.lockstep_cap_s if policy.clock == "lockstep" else policy.realtime_cap_s,
            "speeds": self.speeds.as_dict(),
            "last_plan": self.last_plan.as_dict() if self.last_plan else None,
            "tokens": self.tokenizer.source if self.tokenizer is not None else "estimate",
        }

    # ------------------------------------------------------------------ decisions

    def decide(self, system: str, user: str, legal: list[LegalAction], kind: str = "task") -> LLMOutcome:
        """One decision among `legal`, or `decision=None` with the reason the caller must fall back."""
        key = self.config.server_key
        names = list(dict.fromkeys(a.name for a in legal))
        mode = self.memory.mode(key)
        calls, illegal, bad = 0, 0, 0
        latencies: list[float] = []
        tokens = [0, 0, 0]  # prompt, completion, cached
        info: dict[str, Any] = {"plan": None, "waited": 0.0, "source": "none"}

        def outcome(decision: VerifiedDecision | None, reason: str | None, detail: str = "") -> LLMOutcome:
            return LLMOutcome(decision, reason, calls, latencies, tokens[0], tokens[1], mode, illegal, detail,
                              kind=kind, cached_tokens=tokens[2], cache_source=info["source"], plan=info["plan"],
                              waited_s=info["waited"])

        if not names:
            return outcome(None, "no_legal_actions")
        messages: list[dict[str, str]] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        longest = max(len(n) for n in names)
        started_all = time.monotonic()
        # the wait for the gate uses an estimate: asking the server's tokenizer now would queue behind
        # (and on llama-cpp-python interrupt) the request that is still open
        rough = self._plan(messages, longest_name=longest, count=False)
        info["plan"] = rough
        if not self._acquire(started_all + rough.timeout_s):
            info["waited"] = time.monotonic() - started_all
            return outcome(None, "busy", "the previous request was still being answered")
        info["waited"] = time.monotonic() - started_all
        release = True
        try:
            plan = self._plan(messages, longest_name=longest)
            info["plan"] = plan
            deadline = started_all + plan.timeout_s
            while True:
                remaining = deadline - time.monotonic()
                if remaining < _MIN_CALL_S:
                    return outcome(None, "timeout", "no time left for another call")
                calls += 1
                started = time.monotonic()
                fmt = response_format(mode, names, plan.text_chars)
                try:
                    got = self._stream(messages, fmt, plan.max_tokens, deadline, tokens, info)
                except _StreamTimeout as exc:
                    latencies.append(time.monotonic() - started)
                    release = not exc.handed_off
                    return outcome(None, "timeout", f"no answer within {plan.timeout_s:g} s")
                except openai.APITimeoutError:
                    latencies.append(time.monotonic() - started)
                    return outcome(None, "timeout", f"no answer within {plan.timeout_s:g} s")
                except (openai.APIConnectionError, _StreamBroken) as exc:
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
                try:
                    return outcome(parse_decision(got.content, legal), None)
                except (AnswerError, IllegalDecision, ValidationError) as exc:
                    illegal += isinstance(exc, IllegalDecision)
                    error = describe_error(exc)
                    if got.finish == "length":
                        error += " (the answer hit the token limit: keep Thought and Observation short)"
                bad += 1
                if bad >= 2:
                    return outcome(None, "invalid_twice", error)
                echo = strip_think(got.content) or got.content
                messages += [{"role": "assistant", "content": echo[:_ECHO_CHARS]},
                             {"role": "user", "content": retry_message(error, names)}]
        finally:
            if release:
                self._gate.release()

    def warm_up(self, system: str) -> LLMOutcome:
        """Have the server read the game's static system message once, before the first decision.

        A one-token call: the server keeps the system message in its prefix cache (so the first real
        decision reads only its own part), and the call measures the prompt speed the budget needs.
        """
        outcome = self.speak(system, "Reply with the word: ready", max_chars=8, kind="warmup", max_tokens=1)
        return outcome

    # ------------------------------------------------------------------ plain lines

    def speak(self, system: str, user: str, max_chars: int = 100, kind: str = "chat",
              max_tokens: int | None = None) -> LLMOutcome:
        """A short plain-text line (meeting chat, commentary) as `outcome.text`, or None on any failure.

        The stream is closed as soon as the first line is complete: the rest would be thrown away.
        """
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        tokens = [0, 0, 0]
        info: dict[str, Any] = {"plan": None, "waited": 0.0, "source": "none"}
        latencies: list[float] = []
        started_all = time.monotonic()
        plan = self._plan(messages, longest_name=None, line_chars=max_chars, count=False)  # see decide()
        info["plan"] = plan
        reason: str | None = None
        detail = ""
        line: str | None = None
        calls = 0
        if not self._acquire(started_all + plan.timeout_s):
            reason, detail = "busy", "the previous request was still being answered"
        else:
            info["waited"] = time.monotonic() - started_all
            release = True
            calls = 1
            try:
                plan = self._plan(messages, longest_name=None, line_chars=max_chars)
                info["plan"] = plan
                deadline = started_all + plan.timeout_s
                got = self._stream(messages, None, max_tokens or plan.max_tokens, deadline, tokens, info,
                                   stop=_line_complete)
                line = first_line(got.content, max_chars)
                reason = None if line else "empty"
            except _StreamTimeout as exc:
                release = not exc.handed_off
                reason = "timeout"
            except openai.APITimeoutError:
                reason = "timeout"
            except (openai.APIConnectionError, _StreamBroken) as exc:
                reason, detail = "connection", str(exc)
            except openai.APIStatusError as exc:
                reason, detail = f"http_{exc.status_code}", exc.message
            except Exception as exc:  # say() is decoration: silence beats a crash or a stall
                reason, detail = "bad_response", f"{type(exc).__name__}: {exc}"
            finally:
                latencies.append(time.monotonic() - started_all - info["waited"])
                if release:
                    self._gate.release()
        return LLMOutcome(None, reason, calls, latencies, tokens[0], tokens[1], "text", 0, detail, kind=kind,
                          cached_tokens=tokens[2], cache_source=info["source"], text=line, plan=plan,
                          waited_s=info["waited"])

    def say(self, system: str, user: str, max_chars: int = 100, kind: str = "chat") -> str | None:
        """`speak` for callers that only want the line."""
        return self.speak(system, user, max_chars, kind).text

    # ------------------------------------------------------------------ the wire

    def _plan(self, messages: list[dict[str, str]], *, longest_name: int | None,
              line_chars: int | None = None, count: bool = True) -> CallPlan:
        """The call's plan; `count=False` sizes the prompt by the estimate alone (no server call, no prefix)."""
        tokenizer = self.tokenizer if count else None
        ids = message_ids(tokenizer, messages)
        total = prompt_tokens(tokenizer, messages)
        new = total - common_prefix(ids, self._last_ids)
        plan = plan_call(self.policy, self.speeds, new, longest_name=longest_name, line_chars=line_chars)
        if count:
            self.last_plan = plan
        return plan

    def _acquire(self, deadline: float) -> bool:
        """Wait (within the caller's budget) until no request of this brain is open."""
        return self._gate.acquire(timeout=max(0.0, deadline - time.monotonic()))

    @property
    def _abandoned(self) -> bool:
        return self.config.abandon == "wait"

    def _stream(self, messages: list[dict[str, str]], fmt: dict[str, Any] | None, max_tokens: int,
                deadline: float, tokens: list[int], info: dict[str, Any], stop: Any = None) -> _Streamed:
        """One streamed call (the gate is held by the caller). Raises `_StreamTimeout` at the deadline.

        Counts prompt tokens (server usage, else its tokenizer, else the estimate), answer tokens
        (usage, else one per streamed chunk as llama.cpp servers send them), and the prompt tokens
        served from the server's cache (reported, else the prefix shared with the previous prompt).
        """
        extra: dict[str, Any] = {} if fmt is None else {"response_format": fmt}
        ids = message_ids(self.tokenizer, messages)
        counted = prompt_tokens(self.tokenizer, messages)
        reused = common_prefix(ids, self._last_ids)
        started = time.monotonic()
        stream = self.client.chat.completions.create(
            model=self.config.model, messages=messages, max_tokens=max_tokens,
            temperature=self.config.temperature, stream=True, stream_options={"include_usage": True},
            timeout=max(_MIN_CALL_S, deadline - started), **extra)
        self._opened()
        parts: list[str] = []
        finish: str | None = None
        usage: Any = None
        first: float | None = None
        last = started
        chunks = 0
        size = 0
        handed_off = False
        try:
            iterator = _guarded(iter(stream))
            for chunk in iterator:
                now = time.monotonic()
                usage = getattr(chunk, "usage", None) or usage
                for choice in getattr(chunk, "choices", None) or []:
                    piece = getattr(choice.delta, "content", None) if choice.delta is not None else None
                    if piece:
                        parts.append(piece)
                        size += len(piece)
                        chunks += 1
                        first = first if first is not None else now
                        last = now
                    if choice.finish_reason:
                        finish = choice.finish_reason
                if finish is not None and usage is not None:
                    break
                if now > deadline:
                    if self._abandoned:
                        self._drain(stream, iterator)
                        handed_off = True
                    raise _StreamTimeout(handed_off)
                if size > _MAX_ANSWER_CHARS or (stop is not None and stop("".join(parts))):
                    break
        finally:
            if not handed_off:
                stream.close()  # closes the connection: llama.cpp's servers stop generating
                self._closed()
            self._last_ids = ids
        content = "".join(parts)
        prompt_n = getattr(usage, "prompt_tokens", None) if usage is not None else None
        completion_n = getattr(usage, "completion_tokens", None) if usage is not None else None
        details = getattr(usage, "prompt_tokens_details", None) if usage is not None else None
        server_cached = getattr(details, "cached_tokens", None) if details is not None else None
        tokens[0] += prompt_n if isinstance(prompt_n, int) else counted
        tokens[1] += completion_n if isinstance(completion_n, int) else (chunks or estimate_tokens(content))
        if isinstance(server_cached, int):
            tokens[2] += server_cached
            info["source"] = "server"
        elif ids is not None:
            tokens[2] += reused
            info["source"] = "prefix"
        if first is not None:
            self.speeds.observe(max(0, counted - reused), first - started, max(0, chunks - 1), last - first)
        return _Streamed(content, finish, chunks, None if first is None else first - started,
                         0.0 if first is None else last - first, usage)

    def _drain(self, stream: Any, iterator: Any) -> None:
        """Read an abandoned answer to its end on a thread, holding the gate until it is done."""

        def run() -> None:
            try:
                cap = time.monotonic() + self.policy.lockstep_cap_s
                for _ in iterator:
                    if time.monotonic() > cap:
                        break
            except Exception:  # the answer is thrown away anyway
                pass
            finally:
                stream.close()
                self._closed()
                self._gate.release()

        threading.Thread(target=run, name="llm-drain", daemon=True).start()

    def _opened(self) -> None:
        with self._count_lock:
            self._open += 1
            self.peak_in_flight = max(self.peak_in_flight, self._open)

    def _closed(self) -> None:
        with self._count_lock:
            self._open -= 1


__all__ = [
    "MODES", "MODE_MEMORY", "BrainStats", "LLMBrain", "LLMConfig", "LLMConfigError", "LLMOutcome", "ModeMemory",
    "first_line", "parse_decision", "response_format", "retry_message",
]
