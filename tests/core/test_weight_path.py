"""A run's path in weight space: the snapshots' arrays kept as they are, flattened only when read."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import weight_path
from playground.core.reference_network import flatten
from playground.core.weight_path import WeightPath


def _point(seed: int) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(3, 2)), rng.normal(size=(1, 3)))
    biases = (rng.normal(size=3), rng.normal(size=1))
    for a in (*weights, *biases):
        a.setflags(write=False)
    return weights, biases


def test_adding_a_point_flattens_nothing_and_reading_it_flattens_it_as_the_reference_does(monkeypatch):
    path = WeightPath(max_floats=10_000, max_points=400)
    points = [_point(k) for k in range(3)]
    monkeypatch.setattr(weight_path, "flatten", lambda *_: pytest.fail("flattened while adding"))
    assert all(path.add(*p) for p in points)
    monkeypatch.undo()
    assert len(path) == 3
    np.testing.assert_array_equal(path.array(), np.stack([flatten(*p) for p in points]))
    np.testing.assert_array_equal(path.last(), flatten(*points[-1]))


def test_the_same_weights_again_are_not_a_new_point():
    path = WeightPath(max_floats=10_000, max_points=400)
    w, b = _point(0)
    assert path.add(w, b)
    assert not path.add(w, b)  # the very arrays (a paused run's snapshot)
    assert not path.add(tuple(a.copy() for a in w), tuple(a.copy() for a in b))  # equal copies
    assert path.add(*_point(1)) and len(path) == 2


def test_a_full_path_keeps_every_other_point_and_then_every_second_snapshot():
    size = sum(a.size for p in _point(0) for a in p)  # 13 floats a point
    path = WeightPath(max_floats=12 * size, max_points=400)  # at most 12 points
    points = [_point(k) for k in range(40)]
    kept = []
    for k, p in enumerate(points):
        if path.add(*p):
            kept.append(k)
    rows = path.array()
    assert 6 <= len(path) <= 12 and rows.shape == (len(path), size)
    # the kept points are in order, from the first, spread over the whole run (no gap over the stride)
    indices = [next(k for k, p in enumerate(points) if np.array_equal(flatten(*p), row)) for row in rows]
    assert indices == sorted(indices) and indices[0] == 0 and max(np.diff(indices)) <= 4 and indices[-1] >= 36
    small = WeightPath(max_floats=1, max_points=400)
    for p in points[:10]:
        small.add(*p)
    assert len(small) == 10  # never under 10 points


def test_an_empty_path_reads_as_none():
    assert WeightPath(max_floats=100, max_points=10).array() is None
