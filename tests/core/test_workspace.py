"""Workspace buffers: a pass that only goes forward allocates only what the forward pass needs."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from playground.core.losses import output_head
from playground.core.network import Network, Workspace, run_calls


def allocated_mb(make) -> float:
    tracemalloc.start()
    try:
        obj = make()
        size = tracemalloc.get_traced_memory()[0] / 2**20
    finally:
        tracemalloc.stop()
    del obj
    return size


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_forward_only_workspaces_do_not_allocate_backward_buffers(activation):
    net = Network((2, 8, 8, 8, 1), [activation] * 3, output_head("classification", "mse", 2))
    rows = 40_000  # a 200 × 200 grid
    forward = allocated_mb(lambda: Workspace(net, rows))
    # inputs (3 rows), every activation with its ones rows (3·9 + 1), and the z kept apart
    # (the output's, and each hidden layer's for relu): 8 bytes a value
    kept_z = 1 + (0 if activation == "tanh" else 24)
    expected = (3 + 28 + kept_z) * rows * 8 / 2**20
    assert forward == pytest.approx(expected, rel=0.05)

    ws = Workspace(net, rows)
    grad = np.zeros_like(net.params)
    backward = allocated_mb(lambda: ws.backward_calls(net.block_views(grad)))
    assert backward > 0.5 * expected  # the backward pass's own buffers come with its calls


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_backward_buffers_made_late_give_the_same_gradients(activation):
    net = Network((2, 5, 4, 1), [activation] * 2, output_head("classification", "mse", 2))
    net.initialize("xavier", np.random.default_rng(0))
    x = np.random.default_rng(1).uniform(-3, 3, (30, 2))
    t = np.sign(x[:, :1])
    loss, grad = net.loss_and_gradient(x, t)
    ws = Workspace(net, 30)  # forward first, backward buffers afterwards
    ws.load_inputs(x)
    ws.load_targets(t)
    run_calls(ws.forward_calls())
    mine = np.zeros_like(net.params)
    run_calls(ws.backward_calls(net.block_views(mine)))
    np.testing.assert_allclose(mine / 30, grad, rtol=1e-13, atol=1e-15)
    assert ws.loss() == pytest.approx(loss, rel=1e-13)
