"""Backpropagation against central differences: every activation × every loss × several depths."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.activations import ACTIVATIONS
from playground.core.losses import output_head
from playground.core.network import Network

HEADS = [
    ("classification", "mse", 2),
    ("classification", "mse", 3),
    ("classification", "bce", 2),
    ("classification", "bce", 4),
    ("classification", "cross_entropy", 2),
    ("classification", "cross_entropy", 5),
    ("regression", "mse", 0),
]
DEPTHS = [(), (5,), (4, 3, 6)]


def numeric_gradient(net: Network, x: np.ndarray, t: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(net.params)
    for k in range(net.n_params):
        old = net.params[k]
        net.params[k] = old + eps
        up, _ = net.loss_and_gradient(x, t)
        net.params[k] = old - eps
        down, _ = net.loss_and_gradient(x, t)
        net.params[k] = old
        grad[k] = (up - down) / (2 * eps)
    return grad


def make_case(activation: str, problem: str, loss: str, classes: int, hidden: tuple[int, ...], seed: int = 0):
    rng = np.random.default_rng(seed)
    head = output_head(problem, loss, classes)
    net = Network((3, *hidden, head.n_outputs), (activation,) * len(hidden), head)
    net.initialize("xavier", rng)
    net.params += rng.normal(0, 0.3, net.n_params)  # non-zero biases too
    x = rng.normal(0, 1.5, (7, 3))
    y = rng.integers(0, classes, 7) if classes else rng.normal(0, 1, 7)
    return net, x, head.encode(y)


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: f"hidden{list(h)}")
@pytest.mark.parametrize("problem,loss,classes", HEADS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_backprop_matches_central_differences(activation, problem, loss, classes, hidden):
    net, x, t = make_case(activation, problem, loss, classes, hidden)
    _, analytic = net.loss_and_gradient(x, t)
    numeric = numeric_gradient(net, x, t)
    # Relative error of the whole gradient vector (robust to entries that are ~0),
    # and every entry close in absolute terms too.
    rel = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert rel < 1e-6, f"relative error {rel:.2e}"
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6, 6, 1201).reshape(-1, 1) + 1e-3  # avoid the kink at exactly 0
    eps = 1e-6
    numeric = (act(z + eps) - act(z - eps)) / (2 * eps)
    assert np.allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


def test_activation_grad_into_may_alias_output_with_input_gradient():
    z = np.linspace(-3, 3, 12).reshape(3, 4)
    for act in ACTIVATIONS.values():
        a = act(z)
        expected = act.derivative(z) * 2.0
        d_a = np.full_like(z, 2.0)
        got = act.grad_into(d_a, z, a, d_a, np.empty_like(z))
        assert np.allclose(got, expected), act.name


def test_float32_network_matches_float64():
    net64, x, t = make_case("tanh", "classification", "cross_entropy", 3, (5, 4))
    head = net64.head
    net32 = Network(net64.sizes, ("tanh", "tanh"), head, dtype=np.float32)
    net32.params[...] = net64.params
    assert np.allclose(net32.forward(x), net64.forward(x), atol=1e-5)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_bound_calls_compute_exactly_what_the_table_functions_do(name):
    """The training loop's bound-call forms (forward, gradient, f' from the output) are the table's maths."""
    from playground.core.activations import DERIVATIVE_FROM_OUTPUT, derivative_from_output_calls

    act = ACTIVATIONS[name]
    z = np.linspace(-4, 4, 24).reshape(4, 6) + 1e-3
    a = act(z)
    out = np.empty_like(z)
    for call in act.forward_calls(z, out):
        call()
    np.testing.assert_array_equal(out, a)
    d_a = np.linspace(-1, 2, 24).reshape(4, 6)
    want = act.grad_into(d_a, z, a, np.empty_like(z), np.empty_like(z))
    got = np.empty_like(z)
    for call in act.grad_calls(d_a, z, a, got, np.empty_like(z)):
        call()
    np.testing.assert_array_equal(got, want)
    if name in DERIVATIVE_FROM_OUTPUT:
        slope = np.empty_like(z)
        for call in derivative_from_output_calls(name, a, slope):
            call()
        np.testing.assert_array_equal(slope, act.derivative(z))
