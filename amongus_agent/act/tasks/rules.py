"""The game's timing rules for task panels (`tasks/panels.json`): budgets, swipe window, hold times.

They are data so that a patch of the game changes a file, not the flows; the schema is checked when
the file is loaded, and a panel the file does not mention gets the defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import AmongUsError
from ...paths import resolve_data_file
from ...world.loading import JSONLimitError, parse_json


class PanelRulesError(AmongUsError):
    """tasks/panels.json is missing or malformed."""


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget_s: float = Field(default=20.0, gt=0, le=300)
    settle_s: float = Field(default=0.4, ge=0, le=10)
    click_gap_s: float = Field(default=0.15, ge=0, le=5)
    retries: int = Field(default=1, ge=0, le=5)


class PanelRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget_s: float | None = Field(default=None, gt=0, le=300)
    settle_s: float | None = Field(default=None, ge=0, le=10)
    click_gap_s: float | None = Field(default=None, ge=0, le=5)
    timing: dict[str, float] = Field(default_factory=dict)
    notes: str = ""


class PanelRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    source: str = ""
    defaults: Defaults = Field(default_factory=Defaults)
    panels: dict[str, PanelRule]


class Rules:
    """One panel's rules with the defaults filled in."""

    def __init__(self, name: str, rule: PanelRule, defaults: Defaults) -> None:
        self.name = name
        self.budget_s = rule.budget_s if rule.budget_s is not None else defaults.budget_s
        self.settle_s = rule.settle_s if rule.settle_s is not None else defaults.settle_s
        self.click_gap_s = rule.click_gap_s if rule.click_gap_s is not None else defaults.click_gap_s
        self.retries = defaults.retries
        self.timing = dict(rule.timing)

    def t(self, key: str, default: float) -> float:
        """A timing value by name; the default is what the flow assumes when the file is silent."""
        return float(self.timing.get(key, default))


def load_panel_rules(path: Path | str | None = None) -> PanelRulesFile:
    p = Path(path) if path is not None else resolve_data_file("tasks", "panels")
    try:
        raw = parse_json(p.read_bytes())
    except FileNotFoundError as exc:
        raise PanelRulesError(f"{p}: no such file (the task panels' timing rules)") from exc
    except JSONLimitError as exc:
        raise PanelRulesError(f"{p}: {' '.join(filter(None, [exc.where, exc.message]))}") from exc
    try:
        return PanelRulesFile.model_validate(raw)
    except ValidationError as exc:
        raise PanelRulesError(f"{p}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


@lru_cache(maxsize=4)
def _bundled() -> PanelRulesFile:
    return load_panel_rules()


def rules_for(panel: str, table: PanelRulesFile | None = None) -> Rules:
    table = table or _bundled()
    return Rules(panel, table.panels.get(panel, PanelRule()), table.defaults)
