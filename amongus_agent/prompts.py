"""The one loader of `prompts/`: every text the agent, the meeting agent, the narrator and the persona
send to a model is a file there, found by name, so a user can edit what the agent is told without
touching code. Files come from the checkout or the installed package (`paths.resolve_data_file`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import DataError
from .paths import resolve_data_file


@lru_cache(maxsize=64)
def load_prompt(name: str) -> str:
    """A text template by name (`turn` -> prompts/turn.txt)."""
    path = resolve_data_file("prompts", name, ".txt")
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DataError(str(path), "", f"prompt template missing: {exc}") from None


def load_prompt_json(name: str) -> object:
    """A JSON prompt file by name (`commentary_templates` -> prompts/commentary_templates.json), or a path;
    read with the same limits as every other data file."""
    from .world.loading import JSONLimitError, parse_json, read_data_file

    path = Path(resolve_data_file("prompts", name, ".json"))
    try:
        return parse_json(read_data_file(path))
    except JSONLimitError as exc:
        raise DataError(str(path), exc.where, exc.message) from None
