"""Drawn points and "set data, keep weights": edits, the split that follows the ratio, what is
missing before training, and a trainer that goes on with its weights on new points."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_spec

from playground.core.checkpoint import build_trainer, changes_outputs, take_checkpoint, with_dataset
from playground.core.data_swap import drawn_data
from playground.core.painted_data import PaintedPoints, spray
from playground.core.trainer import Trainer


def test_added_points_follow_the_training_ratio_within_one_point():
    p = PaintedPoints.blank()
    for k in range(40):
        p = p.added(np.array([[k * 0.1, 0.0]]), k % 2, 0.7)
        assert abs(p.train.sum() - 0.7 * len(p)) <= 1
    assert p.train[0]  # the first point trains, so a set is never without training points


def test_a_new_class_makes_k_grow_and_erase_and_clear_remove_points():
    p = PaintedPoints.blank().added([[0, 0], [1, 1]], 0, 0.5).added([[3, 3]], 2, 0.5)
    assert p.classes == 3 and p.y.tolist() == [0, 0, 2]
    q = p.erased((0.0, 0.0), 0.5)
    assert q.x.tolist() == [[1.0, 1.0], [3.0, 3.0]] and q.classes == 3
    assert len(p.cleared()) == 0 and p.cleared().classes == 3
    with pytest.raises(ValueError, match="class must be from 0 to 7"):
        p.added([[0, 0]], 8, 0.5)


def test_spray_spreads_points_over_its_disc():
    pts = spray((2.0, -1.0), 0.5, 200, np.random.default_rng(0))
    d = np.hypot(pts[:, 0] - 2.0, pts[:, 1] + 1.0)
    assert pts.shape == (200, 2) and d.max() <= 0.5 and d.mean() > 0.25


def test_resplit_draws_floor_ratio_times_n_training_points():
    p = PaintedPoints.blank().added(np.arange(20.0).reshape(10, 2), 1, 0.5)
    q = p.resplit(0.3, np.random.default_rng(1))
    assert q.train.sum() == 3 and np.array_equal(q.x, p.x)


def test_missing_says_what_to_draw():
    p = PaintedPoints.blank()
    assert "at least 2 points in each of 2 classes" in p.missing()
    p = p.added([[0, 0], [1, 0]], 0, 0.5).added([[2, 0]], 1, 0.5)
    assert "class 0: 2, class 1: 1" in p.missing()
    assert p.added([[3, 0]], 1, 0.5).missing() is None
    r = PaintedPoints.blank("regression").added([[0, 0], [1, 1], [2, 2]], 0.5, 0.5)
    assert r.missing() == "Draw at least 4 points before training (now 3)"
    assert r.added([[3, 3]], -0.5, 0.5).missing() is None


def test_points_round_trip_through_a_dataset():
    t = Trainer(make_spec("blobs", (4,), classes=3, points=60))
    p = PaintedPoints.from_dataset(t.dataset)
    assert p.to_dataset().same_points(t.dataset) and p.classes == 3


def _trained(**kw) -> Trainer:
    t = Trainer(make_spec("xor", (4, 3), points=80, optimizer="adam", **kw))
    t.train(7)
    return t


def _set(t: Trainer, dataset) -> Trainer:
    """``t`` (left as it was) on drawn points ``dataset``: set data, keep weights, in a new trainer."""
    data = drawn_data(t.spec.data, dataset.problem, dataset.classes)
    return build_trainer(with_dataset(take_checkpoint(t), dataset, data))


def test_set_data_keeps_the_weights_optimizer_epoch_and_history():
    t = _trained()
    before = t.get_state()
    p = PaintedPoints.from_dataset(t.dataset).added([[5.0, 5.0], [5.5, 5.0]], 1, 0.5)
    t = _set(t, p.to_dataset())
    after = t.get_state()
    for key in before["weights"]:
        np.testing.assert_array_equal(after["weights"][key], before["weights"][key])
    for key, value in before["optimizer"].items():
        np.testing.assert_array_equal(after["optimizer"][key], value)
    assert (t.epoch, len(t.history)) == (7, len(before["history"]["epochs"]))
    assert t.dataset.n_train + t.dataset.n_test == 82 and t.spec.data.name == "custom"
    t.train(1)  # and it trains on the new rows
    assert t.epoch == 8 and t.x_train.shape[0] == t.dataset.n_train


def test_set_data_with_a_new_class_redraws_only_the_output_layer():
    t = _trained()
    before = t.network.state_dict()
    p = PaintedPoints.from_dataset(t.dataset).added([[5.0, 5.0], [5.5, 5.0], [5.2, 5.3]], 2, 0.5)
    assert changes_outputs(t.spec, t.spec.replace(data=drawn_data(t.spec.data, "classification", 3)))
    t = _set(t, p.to_dataset())
    after = t.network.state_dict()
    assert t.spec.data.classes == 3 and t.network.sizes[-1] == 3
    for key in ("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"):
        np.testing.assert_array_equal(after[key], before[key])
    assert after["layers.2.weight"].shape == (3, 3)
    assert t.epoch == 0 and len(t.history) == 0  # a new run


def test_set_data_takes_the_scaling_numbers_from_the_new_rows():
    from playground.core.input_scaling import fit_scaling
    from playground.core.spec import DataSpec
    t = Trainer(make_spec("xor", (4,), points=40).replace(data=DataSpec("xor", points=40, scale="standard")))
    p = PaintedPoints.from_dataset(t.dataset).added([[50.0, 50.0], [51.0, 50.0]], 1, 0.5)
    t = _set(t, p.to_dataset())
    assert t.spec.data.scale == "standard"
    assert t.scaling == fit_scaling("standard", t.dataset.x_train)


def test_the_picture_domain_grows_with_drawn_points_and_shrinks_only_when_fitted():
    from playground.core.data_swap import fit_domain, picture_domain

    t = _trained()
    assert picture_domain(t) == (-6.0, 6.0, -6.0, 6.0)
    far = PaintedPoints.from_dataset(t.dataset).added([[20.0, 0.0]], 1, 0.5)
    t = _set(t, far.to_dataset())
    grown = picture_domain(t)
    assert grown[1] > 20.0 and t.evaluate_grid(10).domain == grown
    t = _set(t, far.erased((20.0, 0.0), 1.0).to_dataset())
    assert picture_domain(t) == grown  # erasing does not pull the view in under the pen
    fit_domain(t)
    assert picture_domain(t) == (-6.0, 6.0, -6.0, 6.0) and t.evaluate_grid(10).domain == (-6.0, 6.0, -6.0, 6.0)
