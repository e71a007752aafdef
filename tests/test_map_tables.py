"""The map's flat tables: the line-of-sight stepper, distance fields, and the disk cache of the tables."""

from __future__ import annotations

import math
import random

import pytest

from amongus_agent.world import derived, map_cache
from amongus_agent.world.map import _HALF, RESOLUTION, GameMap, load_map


def _every_sample(m: GameMap, ax: float, ay: float, bx: float, by: float) -> bool:
    """Line of sight the slow way: every half-cell sample checked, none skipped."""
    if not (m.walkable_at(ax, ay) and m.walkable_at(bx, by)):
        return False
    if (bx, by) < (ax, ay):
        ax, ay, bx, by = bx, by, ax, ay
    length = math.hypot(bx - ax, by - ay)
    scale = 1.0 / (max(length, 1e-12) * RESOLUTION)
    kx, ky = (bx - ax) * scale, (by - ay) * scale
    c0, r0 = (ax - m._x0) / RESOLUTION, (ay - m._y0) / RESOLUTION
    for k in range(int(length / _HALF) + 1):
        s = k * _HALF
        col, row = int(s * kx + c0), m._h - 1 - int(s * ky + r0)
        if not m._mask[row * m._w + col]:
            return False
    return True


def _walkable_points(m: GameMap, rng: random.Random, n: int) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = m.data.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        if m.walkable_at(*p):
            out.append(p)
    return out


def test_the_stepper_skips_only_samples_that_cannot_meet_a_wall(skeld):
    rng = random.Random(16)
    points = _walkable_points(skeld, rng, 800)
    seen = blocked = 0
    for a in points:
        near = (a[0] + rng.uniform(-2, 2), a[1] + rng.uniform(-2, 2))
        for b in (rng.choice(points), (a[0] + rng.uniform(-6, 6), a[1] + rng.uniform(-6, 6)), near):
            fast = skeld._clear(*a, *b)
            assert fast == _every_sample(skeld, *a, *b), (a, b)
            assert fast == skeld._clear(*b, *a) == skeld.sight(*a, *b) == skeld.sight(*b, *a)
            seen += fast
            blocked += not fast
    assert seen > 100 and blocked > 100  # both answers were exercised


def test_a_spots_distance_field_agrees_with_routing(skeld, skeld_tasks):
    rng = random.Random(3)
    spots = [placed.location.spot for placed in skeld_tasks.locations()][::4]
    spots.append(skeld.data.emergency_button.spot)
    starts = _walkable_points(skeld, rng, 40)
    for spot in spots:
        for start in starts:
            assert skeld.spot_distance(start, spot) == pytest.approx(skeld.path_distance(start, spot), abs=1e-6)


def _tables(m: GameMap) -> tuple:
    return (m._mask, m._owner.tobytes(), m._region_of_cell, m._clearance, m._dist.tobytes(), m._pred.tobytes())


def test_tables_come_from_the_cache_and_equal_a_fresh_build(tmp_path, monkeypatch, skeld):
    monkeypatch.setenv("AMONGUS_CACHE_DIR", str(tmp_path))
    first = load_map("skeld")  # builds and writes the entry
    entries = list(tmp_path.glob("skeld-*.tables"))
    assert len(entries) == 1
    monkeypatch.setattr(map_cache, "build", _no_build)
    again = load_map("skeld")  # must be read, not built
    fresh = GameMap(skeld.data)  # built in memory, no cache involved
    assert _tables(again) == _tables(first) == _tables(fresh)


def _no_build(data):
    raise AssertionError("the cache entry should have been used")


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "other_key"])
def test_a_damaged_entry_is_rebuilt_not_trusted(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("AMONGUS_CACHE_DIR", str(tmp_path))
    good = load_map("skeld")
    entry = next(tmp_path.glob("skeld-*.tables"))
    blob = bytearray(entry.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x01
    elif damage == "truncate":
        blob = blob[: len(blob) // 3]
    elif damage == "garbage":
        blob = bytearray(b"not a cache entry at all" * 10)
    elif damage == "empty":
        blob = bytearray()
    entry.write_bytes(bytes(blob))
    if damage == "other_key":
        monkeypatch.setattr(map_cache, "FORMAT", derived.FORMAT + 1)  # as after an upgrade of the tables
    builds = []
    real_build = map_cache.build
    monkeypatch.setattr(map_cache, "build", lambda data: builds.append(1) or real_build(data))
    again = load_map("skeld")
    assert builds == [1]
    assert _tables(again) == _tables(good)
    monkeypatch.setattr(map_cache, "build", _no_build)
    assert _tables(load_map("skeld")) == _tables(good)  # the entry was replaced by a good one


def test_an_unwritable_cache_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("AMONGUS_CACHE_DIR", str(blocker / "cache"))
    m = load_map("skeld")
    assert m.walkable_at(*m.data.emergency_button.spot)


def test_the_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("AMONGUS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert map_cache.cache_dir() == tmp_path / "amongus-agent"
