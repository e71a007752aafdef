"""Read a JSON data file into a pydantic model, turning every failure into one `DataError`.

Shared by the map and task loaders (and later recordings and configs) so that a bad file always
gets the same kind of answer: the file, the field or line, and what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import DataError

M = TypeVar("M", bound=BaseModel)


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


def load_json_model(path: Path, model: type[M]) -> M:
    return parse_json_model(str(path), read_data_file(path), model)


def read_data_file(path: Path) -> bytes:
    """The file's bytes (callers that key a cache on them parse exactly what they hashed)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(str(path), "", "file not found") from None
    except OSError as exc:
        raise DataError(str(path), "", f"cannot read: {exc}") from exc


def parse_json_model(source: str, data: bytes, model: type[M]) -> M:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(source, "", f"cannot read: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(source, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        where, message = validation_message(exc)
        raise DataError(source, where, message) from None
