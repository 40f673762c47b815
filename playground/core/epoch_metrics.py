"""The per-epoch metrics as bound numpy calls that end in one row of numbers.

After every epoch the trainer records the train and test loss and accuracy and
each layer's weight-gradient norm. Computed by Python functions these cost
about 30 µs an epoch, as much as the whole backward pass of a full-batch 6 × 8
network; compiled into calls on preallocated buffers they run in the same C
loop as the epoch (``network.run_calls``) and cost about a third of that.

The calls first write sums into ``raw``, then turn them into ``row``::

    raw : train loss sum, test loss sum, train hits, test hits,   (4,)
          ‖∂L/∂W_l‖² per layer,                                     (n_layers,)
          ‖params‖²                                                 (1,)  finiteness check
    row : train_loss, test_loss, train_accuracy, test_accuracy,   (4,)  raw · scale
          grad_norm per layer                                       (n_layers,)  √raw · grad_scale

Accuracy is NaN for regression and a loss is NaN for an empty set, so a row
always has the same layout as a history row (``history.MetricHistory``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from playground.core.losses import OutputHead
from playground.core.network import Call, _dot  # _dot: np.dot without the dispatch layer

N_SET_COLUMNS = 4  # train_loss, test_loss, train_accuracy, test_accuracy


@dataclass(frozen=True)
class EvaluatedSet:
    """One data set's forward pass and what its metrics compare against.

    Attributes
    ----------
    forward : bound calls of the forward pass (empty when another pass already left it fresh)
    z, o : the pass's output pre-activations and activations (k, n), written by ``forward``
    t : encoded targets (k, n)
    labels : class indices (n,) for classification, None for regression
    """

    forward: list[Call]
    z: np.ndarray
    o: np.ndarray
    t: np.ndarray
    labels: np.ndarray | None


class EpochMetrics:
    """Bound calls computing a metrics row for the train set and (optionally) the test set.

    Parameters
    ----------
    head : the output layer and loss
    train, test : the two sets (``test`` None when there is no test set)
    params, grad : the flat parameter and gradient buffers (``Network.params`` layout)
    weight_mask, offsets : 1 on weights / 0 on biases, and each layer's start in the flat buffers
    grad_scale : what turns ``grad`` into the last batch's mean gradient (1 / rows when the
        optimizer left the sum there)
    """

    def __init__(self, head: OutputHead, train: EvaluatedSet, test: EvaluatedSet | None,
                 params: np.ndarray, grad: np.ndarray, weight_mask: np.ndarray, offsets: np.ndarray,
                 grad_scale: float) -> None:
        self.head = head
        n_layers = len(offsets) - 1
        # raw in the network's dtype (np.dot writes only into its own result type), row in float64
        self.dtype = params.dtype
        self.raw = np.zeros(N_SET_COLUMNS + n_layers + 1, dtype=self.dtype)
        self.row = np.full(N_SET_COLUMNS + n_layers, np.nan)
        scale = np.full(N_SET_COLUMNS, np.nan)  # NaN where a set or its accuracy is missing
        calls: list[Call] = []
        for i, s in enumerate((train, test)):
            if s is None or s.o.shape[1] == 0:
                continue
            calls += s.forward
            calls += self._loss_calls(s, self.raw[i:i + 1])
            scale[i] = self._loss_scale(s.o.shape[1])
            if s.labels is not None and len(s.labels):
                calls += self._hit_calls(s, self.raw[2 + i:3 + i])
                scale[2 + i] = 1.0 / len(s.labels)
        raw_sets, row_sets = self.raw[:N_SET_COLUMNS], self.row[:N_SET_COLUMNS]
        raw_grad, row_grad = self.raw[N_SET_COLUMNS:-1], self.row[N_SET_COLUMNS:]
        tmp = np.empty_like(grad)
        # The mask keeps weights (not biases) and carries grad_scale², so that √ of each layer's
        # sum is the norm of its mean weight gradient.
        mask = weight_mask * grad_scale ** 2
        self.calls = calls + [
            partial(np.multiply, raw_sets, scale, row_sets),
            partial(np.multiply, grad, grad, tmp),
            partial(np.multiply, tmp, mask, tmp),
            partial(np.add.reduceat, tmp, offsets[:-1], out=raw_grad),
            partial(np.sqrt, raw_grad, row_grad),
            partial(_dot, params, params, self.raw[-1:].reshape(())),
        ]

    # ---- losses: the sum over samples into raw; scale makes it the mean

    def _loss_calls(self, s: EvaluatedSet, out: np.ndarray) -> list[Call]:
        loss = self.head.loss
        if loss == "mse":
            diff = np.empty_like(s.o)
            flat = diff.reshape(-1)
            return [partial(np.subtract, s.o, s.t, diff), partial(_dot, flat, flat, out.reshape(()))]
        if loss == "bce":  # Σ softplus(z) − t·z, as in OutputHead.loss_value
            a, b = np.empty_like(s.z), np.empty_like(s.z)
            ones = np.ones(a.size, dtype=self.dtype)
            return [partial(np.logaddexp, 0.0, s.z, a), partial(np.multiply, s.t, s.z, b),
                    partial(np.subtract, a, b, a), partial(_dot, a.reshape(-1), ones, out.reshape(()))]
        # cross_entropy: the head's own (max-shifted) definition, already a mean
        return [partial(_store, out, self.head.loss_value, s.z, s.o, s.t)]

    def _loss_scale(self, n: int) -> float:
        if self.head.loss == "mse":
            return 0.5 / n
        if self.head.loss == "bce":
            return 1.0 / n
        return 1.0

    # ---- accuracy: the number of hits into raw; scale makes it a fraction

    def _hit_calls(self, s: EvaluatedSet, out: np.ndarray) -> list[Call]:
        labels = np.asarray(s.labels)
        n = len(labels)
        if self.head.n_outputs == 1:
            # Predicted p ∈ {0, 1} (o ≥ threshold). With sign = 2·label − 1 the hits are
            # Σ p·sign + (number of class-0 rows): one comparison and one dot product, the
            # constant riding along as a last entry (p = 1 times the count).
            predicted = np.ones(n + 1, dtype=self.dtype)
            sign = np.append(np.where(labels == 1, 1.0, -1.0), np.count_nonzero(labels != 1)).astype(self.dtype)
            return [partial(np.greater_equal, s.o[0], self.head.threshold, predicted[:n]),
                    partial(_dot, predicted, sign, out.reshape(()))]
        winners = np.empty(n, dtype=np.intp)
        key = labels.astype(np.intp)
        return [partial(np.argmax, s.o, 0, winners), partial(_store_hits, out, winners, key)]

    # ---- reading

    def values(self) -> tuple[float, float, float | None, float | None]:
        """(train_loss, test_loss, train_accuracy, test_accuracy) of the last run; accuracy None
        for regression (and for an empty set)."""
        tl, el, ta, ea = self.row[:N_SET_COLUMNS].tolist()
        return tl, el, (None if math.isnan(ta) else ta), (None if math.isnan(ea) else ea)

    def params_finite(self, params: np.ndarray) -> bool:
        """Whether every parameter is finite (the cheap sum of squares, confirmed when it overflowed)."""
        return math.isfinite(self.raw[-1]) or bool(np.isfinite(params).all())


def _store(out: np.ndarray, fn: Callable[..., float], *args: np.ndarray) -> None:
    out[0] = fn(*args)


def _store_hits(out: np.ndarray, winners: np.ndarray, key: np.ndarray) -> None:
    out[0] = np.count_nonzero(winners == key)
