"""Dataset generators: TensorFlow Playground's exact maths, our extra sets, make_dataset."""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground.core import spec
from playground.core.dataset import MAX_ABS_VALUE, DataError, Dataset
from playground.core.datasets import (
    DATASET_DESCRIPTIONS,
    GENERATORS,
    labels_to_tf,
    make_dataset,
    multi_gauss_value,
    split_count,
)
from playground.core.spec import DataSpec

TF_SETS = ("circle", "xor", "gauss", "spiral", "plane", "multi_gauss")


def gen(name: str, n: int = 500, noise: float = 0.0, seed: int = 0, classes: int = 2):
    return GENERATORS[name](n, noise, np.random.default_rng(seed), classes)


def test_tables_match_the_spec():
    assert tuple(GENERATORS) == spec.CLASSIFICATION_DATASETS + spec.REGRESSION_DATASETS
    assert set(DATASET_DESCRIPTIONS) == set(spec.DATASETS)
    assert all(d.endswith(".") for d in DATASET_DESCRIPTIONS.values())


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("n", [4, 5, 17, 500])
def test_shapes_and_dtypes(name, n):
    classes = 3 if name in ("blobs", "spirals") else 2
    x, y = gen(name, n, noise=0.3, classes=classes)
    assert x.shape == (n, 2) and x.dtype == np.float64
    assert y.shape == (n,)
    if name in spec.REGRESSION_DATASETS:
        assert y.dtype == np.float64
    else:
        assert y.dtype == np.int64 and set(np.unique(y)) <= set(range(classes))


@pytest.mark.parametrize("name", TF_SETS)
def test_tf_sets_lie_in_the_square_at_noise_zero(name):
    x, _ = gen(name, 2000)
    assert np.abs(x).max() <= 6.0


def test_circle_radii_and_labels():
    n = 1001
    x, y = gen("circle", n, noise=0.0)
    r = np.hypot(x[:, 0], x[:, 1])
    inner = n - n // 2
    assert r[:inner].max() <= 2.5 and r[inner:].min() >= 3.5 and r.max() <= 5.0
    np.testing.assert_array_equal(y, (r < 2.5).astype(np.int64))
    # Noise moves labels, not points.
    xn, yn = gen("circle", n, noise=0.5)
    rn = np.hypot(xn[:, 0], xn[:, 1])
    assert rn[:inner].max() <= 2.5 and rn[inner:].min() >= 3.5
    assert (yn != (rn < 2.5)).any()


def test_xor_padding_and_label_rule():
    x, y = gen("xor", 3000)
    a = np.abs(x)
    assert a.min() >= 0.3 and a.max() <= 5.3
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int64))
    xn, yn = gen("xor", 3000, noise=0.5)
    assert (yn != (xn[:, 0] * xn[:, 1] >= 0)).any()


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.25, 2.25), (0.5, 4.0)])
def test_gauss_means_and_variance(noise, variance):
    n = 40000
    x, y = gen("gauss", n, noise=noise)
    assert (y[: n // 2] == 1).all() and (y[n // 2:] == 0).all()
    pos, neg = x[y == 1], x[y == 0]
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.06)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.06)
    np.testing.assert_allclose(pos.var(axis=0), [variance, variance], rtol=0.05)


def test_spiral_exact_formula():
    n = 500
    x, y = gen("spiral", n)
    i = np.arange(n // 2)
    r = 5 * i / (n / 2)
    for half, delta, label in ((slice(0, n // 2), 0.0, 1), (slice(n // 2, n), np.pi, 0)):
        t = 1.75 * 2 * np.pi * i / (n / 2) + delta
        np.testing.assert_allclose(x[half, 0], r * np.sin(t), atol=1e-12)
        np.testing.assert_allclose(x[half, 1], r * np.cos(t), atol=1e-12)
        np.testing.assert_allclose(np.hypot(x[half, 0], x[half, 1]), r, atol=1e-12)
        assert (y[half] == label).all()
    # Noise is U(-1, 1)·ν per axis.
    xn, _ = gen("spiral", n, noise=0.4)
    d = np.abs(xn - x)
    assert d.max() <= 0.4 and d.max() > 0.3


def test_plane_target():
    x, t = gen("plane", 1200)
    np.testing.assert_allclose(t, (x[:, 0] + x[:, 1]) / 10, rtol=0, atol=1e-15)
    assert np.abs(x).max() <= 6
    xn, tn = gen("plane", 1200, noise=0.5)
    assert np.abs(tn - (xn[:, 0] + xn[:, 1]) / 10).max() > 0.1
    # |x + 3| + |y + 3| <= 18, so at most 1.8, and TF does not clip to [-1, 1].
    peak = np.abs(tn).max()
    assert peak > 1.0 and peak <= 1.8


def test_multi_gauss_values():
    x, t = gen("multi_gauss", 5000, noise=0.5)
    assert np.abs(t).max() <= 1.0
    x0, t0 = gen("multi_gauss", 1200)
    np.testing.assert_array_equal(t0, multi_gauss_value(x0[:, 0], x0[:, 1]))
    px = np.array([-4.0, 0.0, 4.0, -4.0, 0.0, 4.0, -2.0, -4.0, 2.0])
    py = np.array([2.5, 2.5, 2.5, -2.5, -2.5, -2.5, 0.0, 3.5, 2.5])
    np.testing.assert_allclose(multi_gauss_value(px, py), [1, -1, 1, -1, 1, -1, 0, 0.5, 0])


def test_checkerboard_cells():
    x, y = gen("checkerboard", 4000)
    assert np.abs(x).max() <= 5
    cell = np.floor((x + 5) / 2.5).sum(axis=1)
    np.testing.assert_array_equal(y, (cell % 2 == 0).astype(np.int64))
    _, yn = gen("checkerboard", 4000, noise=0.5)
    assert (yn != y).any()


def test_moons_fit_and_balance():
    x, y = gen("moons", 1000)
    assert np.abs(x).max() <= 5.0
    assert np.bincount(y).tolist() == [500, 500]


@pytest.mark.parametrize("name", ["blobs", "spirals"])
@pytest.mark.parametrize("k", range(2, 9))
def test_k_class_counts(name, k):
    n = 503
    ds = make_dataset(DataSpec(name=name, points=n, classes=k, noise=0.1))
    assert ds.classes == k
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_test]), minlength=k)
    assert counts.sum() == n and counts.max() - counts.min() <= 1


def test_blob_centres_on_the_circle():
    x, y = gen("blobs", 8000, classes=4)
    for c in range(4):
        m = x[y == c].mean(axis=0)
        assert abs(np.hypot(*m) - 3.5) < 0.05
        assert abs(x[y == c].std(axis=0) - 0.5).max() < 0.05


def test_spirals_arms_are_turned_copies():
    k, n = 4, 400
    x, y = gen("spirals", n, classes=k)
    i = np.arange(n // k)
    r = 5 * i / (n / k)
    for c in range(k):
        t = 1.75 * 2 * np.pi * i / (n / k) + 2 * np.pi * (c + 1) / k
        np.testing.assert_allclose(x[y == c], np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)


def test_two_spirals_number_their_arms_as_spiral_does():
    xa, ya = gen("spirals", 400, classes=2)
    xb, yb = gen("spiral", 400)
    for c in (0, 1):  # the same arm carries the same class in both
        a = xa[ya == c][np.lexsort(xa[ya == c].T)]
        b = xb[yb == c][np.lexsort(xb[yb == c].T)]
        np.testing.assert_allclose(a, b, atol=1e-9)


@pytest.mark.parametrize(("name", "count"), [("circle", 500), ("spiral", 500), ("plane", 1200),
                                             ("multi_gauss", 1200), ("blobs", 500)])
def test_default_point_counts(name, count):
    ds = make_dataset(DataSpec(name=name))
    assert ds.n_train + ds.n_test == count
    assert ds.name == name


@pytest.mark.parametrize("ratio", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_train_ratio_split_sizes(ratio):
    ds = make_dataset(DataSpec(name="xor", train_ratio=ratio))
    assert ds.n_train == round(ratio * 500) and ds.n_test == 500 - ds.n_train


def test_split_count_edges():
    assert split_count(4, 0.9) == 3  # keeps a test point
    assert split_count(4, 0.1) == 1  # keeps a training point
    assert split_count(1, 0.5) == 1


@pytest.mark.parametrize("n", [20, 99, 500, 503, 1200, 1201])
@pytest.mark.parametrize("percent", range(10, 91))
def test_split_count_is_tensorflow_playgrounds_floor(n, percent):
    # The page: Math.floor(n * percTrainData / 100), whole percents, exact in doubles.
    assert split_count(n, percent / 100) == min(n - 1, max(1, (n * percent) // 100))


def test_shuffled_once_after_generation():
    data = DataSpec(name="spiral", points=200, noise=0.2, seed=7)
    ds = make_dataset(data)
    rng = np.random.default_rng(7)
    x, y = GENERATORS["spiral"](200, 0.2, rng, 2)
    order = rng.permutation(200)
    np.testing.assert_array_equal(np.concatenate([ds.x_train, ds.x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([ds.y_train, ds.y_test]), y[order])
    assert 0 < ds.y_train.mean() < 1 and not np.array_equal(order, np.arange(200))


@pytest.mark.parametrize("name", list(GENERATORS))
def test_same_seed_same_bits(name):
    data = DataSpec(name=name, noise=0.3, seed=123, classes=5 if name in ("blobs", "spirals") else 2)
    a, b = make_dataset(data), make_dataset(data)
    assert a.same_points(b)
    for attr in ("x_train", "y_train", "x_test", "y_test"):
        assert getattr(a, attr).tobytes() == getattr(b, attr).tobytes()
    c = make_dataset(DataSpec(name=name, noise=0.3, seed=124, classes=data.classes))
    assert not a.same_points(c)


def test_problem_and_classes():
    assert make_dataset(DataSpec(name="circle")).classes == 2
    reg = make_dataset(DataSpec(name="plane"))
    assert reg.problem == "regression" and reg.classes == 0
    assert make_dataset(DataSpec(name="blobs", classes=6)).problem == "classification"


def test_custom_has_no_generator():
    with pytest.raises(DataError, match="custom data comes from a file"):
        make_dataset(DataSpec(name="custom", problem="classification"))


def test_bad_class_count_raises_dataerror():
    with pytest.raises(DataError, match="classes"):
        gen("blobs", 10, classes=9)


def test_labels_to_tf():
    np.testing.assert_array_equal(labels_to_tf(np.array([0, 1, 1]), 2), [-1.0, 1.0, 1.0])
    with pytest.raises(ValueError):
        labels_to_tf(np.array([0, 2]), 3)


@pytest.mark.parametrize(("attr", "value", "problem"), [
    ("x_train", 1.7e308, "classification"), ("x_test", -2e6, "regression"), ("y_train", 1e300, "regression"),
])
def test_points_and_targets_beyond_the_bound_are_refused(attr, value, problem):
    """Whatever the source (a CSV or a project file), values stay where exports and training stay finite."""
    parts = {"x_train": np.zeros((2, 2)), "y_train": np.array([0, 1]), "x_test": np.zeros((2, 2)),
             "y_test": np.array([1, 0])}
    parts[attr] = np.full_like(parts[attr], value, dtype=np.float64)
    with pytest.raises(DataError, match=f"^{re.escape(f'{attr}: values must lie within ±1,000,000, got {value:g}')}$"):
        Dataset(parts["x_train"], parts["y_train"], parts["x_test"], parts["y_test"], problem,
                2 if problem == "classification" else 0)
    ok = Dataset(np.full((1, 2), MAX_ABS_VALUE), np.array([-MAX_ABS_VALUE]), np.zeros((0, 2)), np.zeros(0),
                 "regression", 0)
    assert np.isfinite(ok.domain()).all()
