"""The one vocabulary of panel inputs: click, drag, hold, wait-until, watch, key, type.

A panel planner turns what it sees into a list of these steps in image pixels; the step runner
(`act/tasks/runner.py`) maps them to screen points and sends them through an input backend, and the
dry backend logs exactly these inputs. Keeping the steps plain data means `solve-task --json` prints
the same plan a live flow would execute, so a plan can be checked against a screenshot by eye.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Point = tuple[int, int]
MAX_SECONDS = 120.0  # no single step may hold the hands longer than this


class _Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Click(_Step):
    """Press and release the left button at a point."""

    op: Literal["click"] = "click"
    at: Point


class Drag(_Step):
    """Press at path[0], move through every point of the path in `seconds`, optionally stay held at the end.

    The speed matters to the game (Swipe Card refuses too fast and too slow), so it is part of the step.
    """

    op: Literal["drag"] = "drag"
    path: list[Point] = Field(min_length=2, max_length=64)
    seconds: float = Field(ge=0.0, le=MAX_SECONDS)
    hold_end: float = Field(default=0.0, ge=0.0, le=MAX_SECONDS)
    until: str | None = Field(default=None, max_length=64)  # during hold_end: let go early on this


class Hold(_Step):
    """Keep the left button pressed at a point for `seconds` (a lever, a hand print, a fuel button)."""

    op: Literal["hold"] = "hold"
    at: Point
    seconds: float = Field(gt=0.0, le=MAX_SECONDS)
    until: str | None = Field(default=None, max_length=64)  # let go early when the panel reports this


class WaitUntil(_Step):
    """Capture until the panel reports `until` (a condition its recogniser knows), at most `seconds`."""

    op: Literal["wait_until"] = "wait_until"
    until: str = Field(min_length=1, max_length=64)
    seconds: float = Field(gt=0.0, le=MAX_SECONDS)
    replan: bool = False  # look again and plan the rest (the panel has moved things), else go on with the plan


class Watch(_Step):
    """Watch a grid of cells light up one after another (`count` flashes), then click the same cells
    of `buttons` (row-major, one per grid cell) in the order seen: Start Reactor's memory game."""

    op: Literal["watch"] = "watch"
    region: tuple[int, int, int, int]  # x0, y0, x1, y1 of the watched screen
    grid: tuple[int, int] = (3, 3)  # rows, columns
    count: int = Field(ge=1, le=16)
    buttons: list[Point] = Field(min_length=1, max_length=64)
    seconds: float = Field(gt=0.0, le=MAX_SECONDS)


class Key(_Step):
    """Tap one named key (enter, escape, a digit...)."""

    op: Literal["key"] = "key"
    key: str = Field(min_length=1, max_length=16)


class Type(_Step):
    """Type text (a keypad code)."""

    op: Literal["type"] = "type"
    text: str = Field(min_length=1, max_length=32)


Step = Annotated[Click | Drag | Hold | WaitUntil | Watch | Key | Type, Field(discriminator="op")]
STEPS = TypeAdapter(list[Step])


def steps_json(steps: list) -> list[dict]:
    """Steps as the plain JSON objects `solve-task --json` prints."""
    return [s.model_dump(mode="json", exclude_defaults=False) for s in steps]


def scale_steps(steps: list, fx: float, fy: float | None = None) -> list:
    """The same steps with every point multiplied (image pixels of another size)."""
    fy = fx if fy is None else fy

    def p(pt: Point) -> Point:
        return (round(pt[0] * fx), round(pt[1] * fy))

    out = []
    for s in steps:
        if isinstance(s, Click):
            out.append(s.model_copy(update={"at": p(s.at)}))
        elif isinstance(s, Hold):
            out.append(s.model_copy(update={"at": p(s.at)}))
        elif isinstance(s, Drag):
            out.append(s.model_copy(update={"path": [p(q) for q in s.path]}))
        elif isinstance(s, Watch):
            x0, y0 = p(s.region[:2])
            x1, y1 = p(s.region[2:])
            out.append(s.model_copy(update={"region": (x0, y0, x1, y1), "buttons": [p(q) for q in s.buttons]}))
        else:
            out.append(s)
    return out
