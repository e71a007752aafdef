"""One root exception for the harness, so callers (the CLI above all) can catch what is ours.

Every error carries enough to tell a user *what* and *where* in one line: the CLI prints
`str(exc)` and exits with status 2 instead of showing a traceback.
"""

from __future__ import annotations


class AmongUsError(Exception):
    """Root of every error the harness raises on purpose."""


class DataError(AmongUsError):
    """A data file (map, task table, recording, config) is missing, malformed or inconsistent.

    `source` names the file, `where` the field or line inside it, so the message points at the fix.
    """

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        self.message = message
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {message}")


class PlaceError(AmongUsError):
    """A place named by a user (room, task, `x,y`) is unknown or not on the walkable area."""


class NotWalkableError(AmongUsError):
    """A point the caller needs to route from or to lies outside the walkable area."""
