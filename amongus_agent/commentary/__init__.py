"""Live commentary: `GameDecisionEvent`s from the agent, a priority queue, a narrator, and sinks.

See docs/commentary.md. The game thread only emits; everything else runs on background threads.
"""

from .emitter import Emitter
from .events import PRIORITIES, Background, GameDecisionEvent, make_event
from .feed import Feed
from .narrator import Narrator
from .queue import CommentaryQueue

__all__ = ["PRIORITIES", "Background", "CommentaryQueue", "Emitter", "Feed", "GameDecisionEvent", "Narrator",
           "make_event"]
