"""Getting one JSON object out of what a language model actually writes.

Models wrap their answer in reasoning (`<think>…</think>`, sometimes with the opening tag eaten by
the server's chat template, sometimes never closed because `max_tokens` ran out), in Markdown code
fences, or in prose. Every helper here is pure and never trusts the text: it either returns a dict
or raises `AnswerError` with a short message that is shown to the model when it is asked again.
"""

from __future__ import annotations

import re

from ..world.loading import JSONLimitError, parse_json

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
MAX_REPLY_CHARS = 100_000  # far over any decision (a few hundred characters) or max_tokens allows
_FENCE = re.compile(r"```[a-zA-Z0-9_-]*[ \t]*\n?|```")


class AnswerError(ValueError):
    """The model's text holds no usable JSON object; the message says what was wrong, for the retry."""


def strip_think(text: str) -> str:
    """Remove reasoning: closed `<think>` blocks, anything before an orphan `</think>`, and an unclosed `<think>…`.

    An orphan closing tag happens when the chat template already put `<think>` in the prompt; an
    unclosed opening tag means the model was still thinking when it was cut off, so nothing after it
    is an answer.
    """
    text = _THINK_BLOCK.sub("", text)
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end():]
    opened = _THINK_OPEN.search(text)
    if opened:
        text = text[: opened.start()]
    return text.strip()


def strip_fences(text: str) -> str:
    """Drop Markdown code-fence markers (with or without a language tag), keeping what they enclose."""
    return _FENCE.sub("", text).strip()


def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the `}` closing the object opened at `start`, honouring strings; None if never closed."""
    depth = 0
    in_string = False
    escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def extract_json_object(text: str) -> dict:
    """The first balanced `{…}` in `text` (after think/fence stripping) that parses as a JSON object.

    Prose may contain stray braces ("{maybe}"), so each top-level `{…}` is tried in turn; the error reported is
    the one of the first candidate, which is what the model most likely meant as its answer.
    """
    if len(text) > MAX_REPLY_CHARS:
        return _fail(f"the answer is {len(text)} characters long, over the limit of {MAX_REPLY_CHARS}")
    cleaned = strip_fences(strip_think(text))
    if not cleaned:
        return _fail("the answer was empty (only reasoning, or nothing at all)")
    first_error: str | None = None
    start = cleaned.find("{")
    while start != -1:
        end = _balanced_end(cleaned, start)
        if end is None:
            first_error = first_error or "the JSON object is not closed (truncated answer?)"
            break  # every later '{' lies inside this unclosed object
        try:
            value = parse_json(cleaned[start:end], max_bytes=MAX_REPLY_CHARS)
        except JSONLimitError as exc:
            first_error = first_error or f"invalid JSON: {exc.message}{f' ({exc.where})' if exc.where else ''}"
            value = None
        if isinstance(value, dict):
            return value
        start = cleaned.find("{", end)  # skip the failed object whole: its inner objects are not the answer
    return _fail(first_error or "no JSON object found in the answer")


def _fail(message: str) -> dict:
    raise AnswerError(message)


__all__ = ["AnswerError", "extract_json_object", "strip_fences", "strip_think"]
