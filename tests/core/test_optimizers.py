"""Optimizer updates against their textbook (PyTorch) formulas, step by step."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.optimizers import make_optimizer, regularization_penalty
from playground.core.spec import OptimizerSpec

MASK = np.array([1.0, 1.0, 0.0])  # two weights and a bias


def reference(name: str, spec: OptimizerSpec, p0: np.ndarray, grads: list[np.ndarray]) -> np.ndarray:
    p = p0.copy()
    lr, mu, b1, b2, eps = spec.learning_rate, spec.momentum, spec.beta1, spec.beta2, spec.epsilon
    v = np.zeros_like(p)
    m = np.zeros_like(p)
    s = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        if name == "sgd":
            p = p - lr * g
        elif name == "momentum":
            v = mu * v + g
            p = p - lr * v
        elif name == "nesterov":
            v = mu * v + g
            p = p - lr * (g + mu * v)
        elif name == "rmsprop":
            s = spec.rho * s + (1 - spec.rho) * g * g
            p = p - lr * g / (np.sqrt(s) + eps)
        else:
            if name == "adamw":
                p = p - lr * spec.weight_decay * p * MASK
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            mhat, vhat = m / (1 - b1 ** t), v / (1 - b2 ** t)
            p = p - lr * mhat / (np.sqrt(vhat) + eps)
    return p


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_update_matches_reference_formula(name):
    spec = OptimizerSpec(name=name, learning_rate=0.05, weight_decay=0.1)
    rng = np.random.default_rng(0)
    p0 = rng.normal(size=3)
    grads = [rng.normal(size=3) for _ in range(6)]
    opt = make_optimizer(spec, MASK)
    p = p0.copy()
    for g in grads:
        opt.step(p, g.copy())
    np.testing.assert_allclose(p, reference(name, spec, p0, grads), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_scale_turns_a_summed_gradient_into_the_mean(name):
    spec = OptimizerSpec(name=name, learning_rate=0.1)
    g = np.array([2.0, -4.0, 6.0])
    a, b = make_optimizer(spec, MASK), make_optimizer(spec, MASK)
    pa, pb = np.ones(3), np.ones(3)
    for call in a.update_calls(pa, g.copy(), scale=0.5):
        call()
    b.step(pb, g * 0.5)
    np.testing.assert_allclose(pa, pb)


def test_state_round_trip():
    spec = OptimizerSpec(name="adam", learning_rate=0.1)
    a = make_optimizer(spec, MASK)
    p = np.ones(3)
    a.step(p, np.array([1.0, 2.0, 3.0]))
    b = make_optimizer(spec, MASK)
    b.set_state(a.get_state())
    pa, pb = p.copy(), p.copy()
    a.step(pa, np.array([0.5, 0.5, 0.5]))
    b.step(pb, np.array([0.5, 0.5, 0.5]))
    assert np.array_equal(pa, pb) and b.t == 2
    with pytest.raises(ValueError, match="shape"):
        b.set_state({"m": np.zeros(4), "v": np.zeros(3), "t": 1})


def test_regularization_penalty_counts_weights_only():
    p = np.array([1.0, -2.0, 5.0])
    assert regularization_penalty("l2", 0.5, p, MASK) == pytest.approx(0.5 * 0.5 * 5.0)
    assert regularization_penalty("l1", 0.5, p, MASK) == pytest.approx(1.5)
    assert regularization_penalty("none", 0.5, p, MASK) == 0.0
