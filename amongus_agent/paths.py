"""Where the data files live, so that a checkout and an installed wheel find them the same way.

A checkout keeps `maps/`, `tasks/` and `prompts/` at the top level, where people edit them; a wheel
carries copies inside the package under `_data/`. A name (`skeld`) is looked up in both; anything
that looks like a path is taken as a path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def data_dirs(kind: str) -> list[Path]:
    """Folders searched for files of one kind (`maps`, `tasks`, `prompts`), first match wins."""
    return [PACKAGE_DIR / "_data" / kind, REPO_DIR / kind]


def resolve_data_file(kind: str, name: str, suffix: str = ".json") -> Path:
    """Turn a name or a path into a file path; a missing file is reported by the loader, not here."""
    if "/" in name or "\\" in name or name.endswith(suffix):
        return Path(name)
    for folder in data_dirs(kind):
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return data_dirs(kind)[-1] / f"{name}{suffix}"


def available(kind: str, suffix: str = ".json") -> list[str]:
    """Names of the bundled files of one kind, for `--help` texts and error messages."""
    names: set[str] = set()
    for folder in data_dirs(kind):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob(f"*{suffix}"))
    return sorted(names)
