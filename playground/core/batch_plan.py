"""An epoch's mini-batches as bound numpy calls: forward, backward, regulariser and update per batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from playground.core.network import Call, Workspace
from playground.core.optimizers import Optimizer


@dataclass(frozen=True)
class BatchPlan:
    """One epoch's batches.

    Attributes
    ----------
    calls : per batch, its forward pass, backward pass and update
    grad_scales : per batch, what turns the gradient buffer into the batch's mean gradient after
        its update (1 / rows when the optimizer left the sum there, else 1)
    after_forward : the last batch's calls after its forward pass (a full batch whose forward
        pass is already done starts here)
    """

    calls: list[list[Call]]
    grad_scales: list[float]
    after_forward: list[Call]


def plan_batches(x: np.ndarray, t: np.ndarray, batch_size: int, workspace: Callable[[int], Workspace],
                 params: np.ndarray, grad: np.ndarray, grad_blocks: list[np.ndarray], optimizer: Optimizer,
                 regularization: list[Call]) -> BatchPlan:
    """Bind the calls of every batch of ``batch_size`` rows (the last one smaller when it does not divide).

    Parameters
    ----------
    x, t : the training inputs (n, n_in + 1) and targets (n, k) in this epoch's row order
        (the buffers themselves: a new order is copied into them)
    workspace : the buffers for batches of a given number of rows
    params, grad, grad_blocks : the flat parameters and gradient, and the gradient's per-layer views
    regularization : calls adding the regulariser's gradient to the mean gradient (empty for none)
    """
    n = len(x)
    updates: dict[int, tuple[list[Call], float]] = {}  # per batch size: calls, scale left in grad
    calls: list[list[Call]] = []
    scales: list[float] = []
    after_forward: list[Call] = []
    for start in range(0, n, batch_size):
        xb, tb = x[start:start + batch_size].T, t[start:start + batch_size].T
        rows = xb.shape[1]
        if rows not in updates:
            # The backward pass gives the summed gradient; the update applies the mean's 1/rows.
            if regularization:
                mean = [partial(np.multiply, grad, 1.0 / rows, grad)] + regularization
                updates[rows] = (mean + optimizer.update_calls(params, grad), 1.0)
            else:
                scale = 1.0 / rows if optimizer.folds_scale else 1.0
                updates[rows] = (optimizer.update_calls(params, grad, 1.0 / rows), scale)
        update, grad_scale = updates[rows]
        ws = workspace(rows)
        after_forward = ws.backward_calls(grad_blocks, xb, tb) + update
        calls.append(ws.forward_calls(xb) + after_forward)
        scales.append(grad_scale)
    return BatchPlan(calls, scales, after_forward)
