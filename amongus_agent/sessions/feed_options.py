"""What the commentary feed of a session is to be: the same for `simulate` and `play`.

Plain data, cheap to import (a game without `--feed` never loads the commentary code).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..commentary.feed import Feed
    from ..commentary.spec import FeedSpec


@dataclass
class FeedOptions:
    specs: list[FeedSpec] = field(default_factory=list)
    narrator_llm: Any = None
    gap_s: float | None = None
    token: str | None = None
    origins: list[str] = field(default_factory=list)
    secrets: str = "none"  # what a feed shows of the agent's secrets: none, role or all
    neuro_timeout_s: float = 5.0

    def open(self, persona: Any = None, announce: Callable[[str], None] | None = None) -> Feed | None:
        """The started feed, or None when no `--feed` was given."""
        if not self.specs:
            return None
        from .feed import open_feed

        return open_feed(self.specs, persona=persona, narrator_llm=self.narrator_llm, gap_s=self.gap_s,
                         token=self.token, origins=self.origins, secrets=self.secrets, announce=announce)
