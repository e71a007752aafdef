"""Prompt token counts from the server's own tokenizer when it has one, else a documented estimate.

llama-cpp-python's server offers `POST /extras/tokenize {"input": text}` and llama.cpp's
`llama-server` offers `POST /tokenize {"content": text}`; both answer `{"tokens": [ids...]}`. The
first that answers is remembered; a server with neither (OpenAI, most proxies) gets the estimate
`ESTIMATE_CHARS_PER_TOKEN` characters per token, which is marked as an estimate wherever it is
reported. Chat templates add a few tokens per message around the contents (`TEMPLATE_TOKENS`), so
a count is within a handful of tokens of the server's `usage.prompt_tokens`.

The token ids also let the brain follow a single-slot prefix cache (what llama.cpp servers keep
between requests): the tokens a prompt shares at its start with the previous prompt are the ones
the server need not read again.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import OrderedDict

from ..world.loading import parse_json

# English prompt text with names, numbers and JSON: about 3.5 characters per token for Llama-style
# BPE vocabularies (SmolLM2's tokenizer on this project's prompts: 3.56 on seeds 1-3). An estimate only;
# the old chars/4 was 10-20% low.
ESTIMATE_CHARS_PER_TOKEN = 3.5
TEMPLATE_TOKENS = 5  # e.g. "<|im_start|>system\n" ... "<|im_end|>\n" around each message
_ROUTES = (("/extras/tokenize", "input"), ("/tokenize", "content"))
_MAX_TEXT = 200_000
_CACHE = 64
_ROLE_MARKS = {"system": -2, "user": -3, "assistant": -4}


def estimate_tokens(text: str) -> int:
    """The documented estimate: characters / ESTIMATE_CHARS_PER_TOKEN (rounded up)."""
    return -(-len(text) * 10 // int(ESTIMATE_CHARS_PER_TOKEN * 10)) if text else 0


def server_root(base_url: str) -> str:
    """`http://host:port/v1` -> `http://host:port` (tokenize routes live beside /v1, not under it)."""
    root = base_url.rstrip("/")
    return root[:-3] if root.endswith("/v1") else root


class Tokenizer:
    """Token ids for texts, from the server (remembered route) or None when it has no tokenizer route."""

    def __init__(self, base_url: str, timeout_s: float = 3.0) -> None:
        self.root = server_root(base_url)
        self.timeout_s = timeout_s
        self._route: tuple[str, str] | None = None
        self._unavailable = False
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[int, ...]] = OrderedDict()

    @property
    def source(self) -> str:
        """`server` once the server's tokenizer answered, else `estimate`."""
        return "server" if self._route is not None else "estimate"

    def ids(self, text: str) -> tuple[int, ...] | None:
        """The server's token ids for `text` (cached), or None if the server offers no tokenizer."""
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
            if self._unavailable:
                return None
        tokens = self._ask(text[:_MAX_TEXT])
        if tokens is not None:
            with self._lock:
                self._cache[text] = tokens
                while len(self._cache) > _CACHE:
                    self._cache.popitem(last=False)
        return tokens

    def count(self, text: str) -> int:
        tokens = self.ids(text)
        return len(tokens) if tokens is not None else estimate_tokens(text)

    def _ask(self, text: str) -> tuple[int, ...] | None:
        routes = [self._route] if self._route is not None else list(_ROUTES)
        for path, field in routes:
            request = urllib.request.Request(self.root + path, data=json.dumps({field: text}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    # bounded: the model server is a peer, its nesting cannot raise past here
                    tokens = parse_json(response.read(8_000_000), max_bytes=8_000_000).get("tokens")
            except (OSError, ValueError, AttributeError):  # URLError/HTTPError are OSErrors
                continue
            if isinstance(tokens, list) and all(isinstance(t, int) for t in tokens):
                self._route = (path, field)
                return tuple(tokens)
        if self._route is None:
            with self._lock:
                self._unavailable = True  # asked once per route; no server tokenizer here
        return None


def message_ids(tokenizer: Tokenizer | None, messages: list[dict[str, str]]) -> tuple[int, ...] | None:
    """The prompt as one id sequence (messages in order, a role marker between them), or None without ids."""
    if tokenizer is None:
        return None
    out: list[int] = []
    for m in messages:
        ids = tokenizer.ids(m["content"])
        if ids is None:
            return None
        out += [-1, _ROLE_MARKS.get(m["role"], -9), *ids]  # negative markers never equal a real id
    return tuple(out)


def prompt_tokens(tokenizer: Tokenizer | None, messages: list[dict[str, str]]) -> int:
    """Prompt size in tokens: the server's count where possible, else the estimate, plus template tokens."""
    count = (lambda t: tokenizer.count(t)) if tokenizer is not None else estimate_tokens
    return sum(count(m["content"]) + TEMPLATE_TOKENS for m in messages)


def common_prefix(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> int:
    """Shared leading tokens of two id sequences (markers excluded from the count)."""
    if a is None or b is None:
        return 0
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return sum(1 for t in a[:n] if t >= 0) + sum(TEMPLATE_TOKENS for t in a[:n] if t == -1)
