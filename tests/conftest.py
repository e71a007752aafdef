from __future__ import annotations

import json
from pathlib import Path

import pytest

from amongus_agent.world.map import GameMap, load_map
from amongus_agent.world.tasks import TaskTable, load_tasks

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def skeld() -> GameMap:
    return load_map("skeld")


@pytest.fixture(scope="session")
def skeld_tasks(skeld: GameMap) -> TaskTable:
    return load_tasks("skeld", skeld)


@pytest.fixture(scope="session")
def reference_walk() -> dict:
    """The walked graph as published (TimShaw1/Among-Us-AI, MIT), kept as test data."""
    return json.loads((DATA / "skeld_walk_graph.json").read_text())
