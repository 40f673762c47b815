"""Results per class: confusion matrices, per-class accuracy and R², checked against their
definitions and against the trainer's own metrics."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_spec

from playground.core.class_results import confusion_matrix, per_class_accuracy, r_squared, row_percentages
from playground.core.features import expand_features
from playground.core.trainer import Trainer


def test_confusion_matrix_counts_each_true_and_predicted_pair():
    rng = np.random.default_rng(0)
    labels, predicted = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    m = confusion_matrix(labels, predicted, 4)
    for i in range(4):
        for j in range(4):
            assert m[i, j] == np.sum((labels == i) & (predicted == j))
    assert m.sum() == 300


def test_row_percentages_and_per_class_accuracy():
    m = np.array([[8, 2, 0], [1, 1, 2], [0, 0, 0]])
    pct = row_percentages(m)
    np.testing.assert_allclose(pct[0], [80.0, 20.0, 0.0])
    np.testing.assert_allclose(pct[1], [25.0, 25.0, 50.0])
    assert np.isnan(pct[2]).all()  # an empty class has no percentages, not a division by zero
    acc = per_class_accuracy(m)
    np.testing.assert_allclose(acc[:2], [0.8, 0.25])
    assert np.isnan(acc[2])


def test_r_squared_follows_its_definition():
    t = np.array([1.0, 2.0, 4.0, 7.0])
    assert r_squared(t, t) == 1.0
    assert r_squared(t, np.full(4, t.mean())) == pytest.approx(0.0)
    p = np.array([1.5, 2.0, 3.0, 8.0])
    assert r_squared(t, p) == pytest.approx(1 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2))
    assert r_squared(np.ones(5), np.zeros(5)) is None and r_squared(t[:1], t[:1]) is None


@pytest.mark.parametrize(("dataset", "loss", "classes"), [("xor", "mse", 2), ("blobs", "cross_entropy", 4),
                                                          ("blobs", "bce", 3)])
def test_a_snapshots_results_agree_with_its_accuracy_and_a_fresh_forward_pass(dataset, loss, classes):
    t = Trainer(make_spec(dataset, (5,), loss=loss, classes=classes, points=120))
    t.train(5)
    s = t.snapshot(grid_resolution=None)
    r = s.results
    ds = t.dataset
    x = np.concatenate([ds.x_train, ds.x_test])
    want = t.head.predict(t.network.forward(expand_features(x, t.spec.features)))
    np.testing.assert_array_equal(r.predicted, want)
    assert np.trace(r.confusion_train) / ds.n_train == pytest.approx(s.train_accuracy)
    assert np.trace(r.confusion_test) / ds.n_test == pytest.approx(s.test_accuracy)
    np.testing.assert_array_equal(r.confusion_train.sum(axis=1), np.bincount(ds.y_train, minlength=classes))


def test_regression_results_have_r_squared_of_the_predictions():
    t = Trainer(make_spec("plane", (4,), points=200))
    t.train(20)
    r = t.snapshot(grid_resolution=None).results
    ds = t.dataset
    assert r.confusion_train is None
    assert r.r2_train == pytest.approx(r_squared(ds.y_train, r.predicted[:ds.n_train]))
    assert r.r2_test == pytest.approx(r_squared(ds.y_test, r.predicted[ds.n_train:]))
    assert r.r2_test > 0.9  # the plane is learnt


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_five_blobs_reach_95_percent_with_a_diagonal_dominant_confusion_matrix(seed):
    t = Trainer(make_spec("blobs", (4, 2), classes=5, seed=seed))
    t.train(150)
    r = t.snapshot(grid_resolution=None).results
    assert t.test_accuracy > 0.95
    for m in (r.confusion_train, r.confusion_test):
        assert m.shape == (5, 5)
        off = m.sum(axis=1) - np.diagonal(m)
        assert (np.diagonal(m) > off).all()
