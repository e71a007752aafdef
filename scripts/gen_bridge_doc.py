#!/usr/bin/env python3
"""Rewrite the JSON Schema block at the end of docs/bridge.md from the protocol's pydantic models."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from amongus_agent.live.protocol import json_schema  # noqa: E402

MARK = "```json\n"


def main() -> None:
    doc = ROOT / "docs" / "bridge.md"
    text = doc.read_text()
    head = text[: text.rindex(MARK)]
    doc.write_text(head + MARK + json.dumps(json_schema(), indent=1) + "\n```\n")


if __name__ == "__main__":
    main()
