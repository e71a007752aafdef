"""Read JSON with limits, and JSON data files into pydantic models, turning every failure into one `DataError`.

Every reader of the project's files (maps, task tables, personas, recordings) and of model replies
goes through `parse_json`, so untrusted text meets the same limits everywhere: a size limit, a
nesting limit (deep nesting would exhaust Python's recursion), no integers longer than a few dozen
digits (Python refuses over 4300 and a big one turns into an overflow later), and only finite
numbers (JSON has no NaN or infinity; Python's decoder would accept them, and `1e999`).
A bad file always gets the same kind of answer: the file, the field or line, and what is wrong.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import DataError

M = TypeVar("M", bound=BaseModel)

MAX_DEPTH = 32  # the deepest file format (a task table) nests 7 levels
MAX_INT_DIGITS = 24  # ids, counts and seeds; a 64-bit seed has 20 digits
MAX_FILE_BYTES = 16 * 1024 * 1024  # a map, task table or persona; recordings set their own limits

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONLimitError(ValueError):
    """Text that is not JSON within limits. `where` is `line L column C` when the decoder knows it;
    `syntax` tells a malformed text (perhaps a line cut short) from one that breaks a limit."""

    def __init__(self, message: str, where: str = "", syntax: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.syntax = syntax


def _depth(text: str) -> int:
    """The deepest bracket nesting outside strings (an upper bound for malformed text)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0)


class _Refused:
    """Stands in for a number outside the limits while `_locate` looks for where it is."""

    def __init__(self, message: str) -> None:
        self.message = message


def _check_int(digits: str) -> int | _Refused:
    count = len(digits.lstrip("-"))
    if count > MAX_INT_DIGITS:
        return _Refused(f"a number with {count} digits (at most {MAX_INT_DIGITS})")
    return int(digits)


def _check_float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(f"a number out of range ({text[:24]})")


def _check_constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a number JSON allows")


def _strict(check: Any) -> Any:
    def hook(text: str) -> Any:
        value = check(text)
        if isinstance(value, _Refused):
            raise JSONLimitError(value.message)
        return value
    return hook


_CHECKED = json.JSONDecoder(parse_int=_strict(_check_int), parse_float=_strict(_check_float),
                            parse_constant=_strict(_check_constant))
# Numbers are checked by Python-level hooks only when the text could hold one outside the limits: a
# run of more digits than an integer may have, or a 3-digit exponent. Without either, every integer
# is short and every float finite (at most 24 digits times 10^99), and the C decoder runs alone.
_RISKY_NUMBER = re.compile(rf"\d{{{MAX_INT_DIGITS + 1},}}|[eE][+-]?\d{{3}}")
_FAST = json.JSONDecoder(parse_constant=_strict(_check_constant))


def _locate(text: str, error: JSONLimitError) -> JSONLimitError:
    """The same error, naming the field that holds the refused number (`bounds[0]`).

    Only called on failure: decodes again with the refused numbers kept as markers, then walks the
    (depth-limited) tree to the first one.
    """
    try:
        tree = json.loads(text, parse_int=_check_int, parse_float=_check_float, parse_constant=_check_constant)
    except (ValueError, RecursionError):  # malformed after the refused number: name the number, not the field
        return error
    stack: list[tuple[Any, tuple[object, ...]]] = [(tree, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, _Refused):
            return JSONLimitError(node.message, field_path(loc))
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((child, (*loc, key)) for key, child in reversed(list(children)))
    return error


def parse_json(data: str | bytes, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Decode one JSON text within the limits above; raise `JSONLimitError` with a one-line message."""
    if len(data) > max_bytes:
        raise JSONLimitError(f"{len(data)} bytes, over the size limit of {max_bytes} bytes")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONLimitError(f"not UTF-8 text (byte {exc.start})", syntax=True) from None
    if data.count("[") + data.count("{") > max_depth and _depth(data) > max_depth:
        raise JSONLimitError(f"nested deeper than {max_depth} levels")
    try:
        return (_CHECKED if _RISKY_NUMBER.search(data) else _FAST).decode(data)
    except JSONLimitError as exc:
        raise _locate(data, exc) from None
    except json.JSONDecodeError as exc:
        raise JSONLimitError(f"not valid JSON: {exc.msg}", f"line {exc.lineno} column {exc.colno}", syntax=True) from None
    except (ValueError, RecursionError) as exc:  # a safety net: the checks above should have caught it
        raise JSONLimitError(f"not valid JSON: {str(exc)[:80]}", syntax=True) from None


def read_bytes_limited(path: Path, max_bytes: int, source: str | None = None) -> bytes:
    """A whole file, refused unread when it is bigger than `max_bytes`."""
    source = source or str(path)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise DataError(source, "", "file not found") from None
    except IsADirectoryError:
        raise DataError(source, "", "is a directory, not a file") from None
    except OSError as exc:
        raise DataError(source, "", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise DataError(source, "", f"over the size limit of {max_bytes} bytes")
    return data


def field_path(loc: tuple[object, ...]) -> str:
    """`('edges', 12, 1)` -> `edges[12][1]`: how a person would point at the field."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_message(exc: ValidationError) -> tuple[str, str]:
    """The first error of a pydantic failure as (where, message), with a count of the others."""
    errors = exc.errors()
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return field_path(tuple(first["loc"])), f"{first['msg']}{more}"


def load_json_model(path: Path, model: type[M], max_bytes: int = MAX_FILE_BYTES) -> M:
    return parse_json_model(str(path), read_data_file(path, max_bytes), model, max_bytes)


def read_data_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, at most `max_bytes` (callers that key a cache on them parse exactly what they hashed)."""
    return read_bytes_limited(path, max_bytes, str(path))


def parse_json_model(source: str, data: bytes, model: type[M], max_bytes: int = MAX_FILE_BYTES) -> M:
    """Bounded JSON (size, depth, numbers) validated into `model`; one `DataError` naming source and field."""
    try:
        raw = parse_json(data, max_bytes=max_bytes)
    except JSONLimitError as exc:
        raise DataError(source, exc.where, exc.message) from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        where, message = validation_message(exc)
        raise DataError(source, where, message) from None
