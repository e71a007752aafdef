"""amongus-agent: a harness that lets a language model play an Among Us-style game.

The public surface is small on purpose; submodules hold the parts (`world`, and later `sim`,
`brain`, `act`, `perception`, `commentary`).
"""

from .errors import AmongUsError, DataError
from .native import use_sources

use_sources()  # a compiled simulator only where it was built from these very sources (`native.py`)

__version__ = "0.1.0"
__all__ = ["AmongUsError", "DataError", "__version__"]
