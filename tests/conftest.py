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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `long` (whole games in real time, minutes each) run first: with `make test`'s
    workers (pytest-xdist, one test at a time to whichever worker is free) they then overlap each
    other and the short tests instead of starting last and becoming the run's tail."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: the rest keep their order
