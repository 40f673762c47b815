"""Input features: the table matches spec.FEATURES and expand_features computes the right columns."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import spec
from playground.core.features import (
    FEATURE_FUNCTIONS,
    FEATURE_LABELS,
    FEATURE_TOOLTIPS,
    expand_features,
)


def test_tables_cover_exactly_the_spec_features_in_order():
    assert tuple(FEATURE_FUNCTIONS) == spec.FEATURES
    assert tuple(FEATURE_LABELS) == spec.FEATURES
    assert tuple(FEATURE_TOOLTIPS) == spec.FEATURES
    assert FEATURE_LABELS["x1_sq"] == "X₁²" and FEATURE_LABELS["cos_x2"] == "cos(X₂)"
    assert all(t.endswith(".") for t in FEATURE_TOOLTIPS.values())


def test_each_feature_formula():
    rng = np.random.default_rng(0)
    p = rng.uniform(-6, 6, (50, 2))
    x1, x2 = p[:, 0], p[:, 1]
    expected = {
        "x1": x1, "x2": x2, "x1_sq": x1**2, "x2_sq": x2**2, "x1x2": x1 * x2,
        "sin_x1": np.sin(x1), "sin_x2": np.sin(x2), "cos_x1": np.cos(x1), "cos_x2": np.cos(x2),
    }
    for name, fn in FEATURE_FUNCTIONS.items():
        np.testing.assert_array_equal(fn(x1, x2), expected[name])
    out = expand_features(p, spec.FEATURES)
    assert out.shape == (50, 9) and out.dtype == np.float64
    np.testing.assert_array_equal(out, np.column_stack([expected[n] for n in spec.FEATURES]))


def test_columns_follow_the_order_of_names():
    p = np.array([[1.0, 2.0], [3.0, -4.0]])
    out = expand_features(p, ["x1x2", "x2", "x1"])
    np.testing.assert_array_equal(out, [[2.0, 2.0, 1.0], [-12.0, -4.0, 3.0]])


def test_writes_into_a_reused_buffer():
    p = np.random.default_rng(1).uniform(-6, 6, (100, 2))
    buf = np.full((100, 3), np.nan)
    out = expand_features(p, ["sin_x1", "x2_sq", "x1"], out=buf)
    assert out is buf
    np.testing.assert_array_equal(buf, expand_features(p, ["sin_x1", "x2_sq", "x1"]))
    f32 = np.empty((100, 3), np.float32)
    expand_features(p, ["sin_x1", "x2_sq", "x1"], out=f32)
    np.testing.assert_allclose(f32, buf, rtol=1e-6)


def test_feature_function_does_not_alias_its_input():
    x1, x2 = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    FEATURE_FUNCTIONS["x1"](x1, x2)[0] = 99.0
    assert x1[0] == 1.0


def test_errors():
    p = np.zeros((3, 2))
    with pytest.raises(ValueError, match="unknown feature"):
        expand_features(p, ["x3"])
    with pytest.raises(ValueError, match="shape"):
        expand_features(p, ["x1"], out=np.empty((3, 2)))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        expand_features(np.zeros((3, 3)), ["x1"])


def test_empty_inputs():
    assert expand_features(np.zeros((0, 2)), ["x1", "cos_x2"]).shape == (0, 2)
    assert expand_features(np.zeros((4, 2)), []).shape == (4, 0)
