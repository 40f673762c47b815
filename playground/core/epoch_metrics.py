"""The per-epoch metrics as bound numpy calls that end in one row of numbers.

After every epoch the trainer records the train and test loss and accuracy and
each layer's weight-gradient norm, as calls on preallocated buffers run with the
epoch's. Measured gain (CPU time after the forward pass, against the same row
by plain numpy per set and per layer): 11–13 µs instead of 49–66 µs, 8–9 % of
a page-mode [4, 2] or full-batch 6 × 8 epoch (2 % at batch 10, 0.1 % on 10 × 64).

Both sets are evaluated by one forward pass over the training rows followed by
the test rows (:class:`EvaluatedPass`): one product and one activation call per
layer instead of two. Each set's loss sum and hit count then come from one
matrix-vector product with a matrix built from set indicators (1 on a set's
columns).

The calls first write sums into ``raw``, then turn them into ``row``::

    raw : train loss sum, test loss sum, train hits, test hits,   (4,)
          ‖∂L/∂W_l‖² per layer,                                     (n_layers,)
          ‖params‖²                                                 (1,)  finiteness check
    row : train_loss, test_loss, train_accuracy, test_accuracy,   (4,)  raw · scale
          grad_norm per layer                                       (n_layers,)  √raw

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
from playground.core.network import Call, _dot  # _dot: the hot path's np.dot

N_SET_COLUMNS = 4  # train_loss, test_loss, train_accuracy, test_accuracy


@dataclass(frozen=True)
class EvaluatedPass:
    """One forward pass over the training rows then the test rows, and what the metrics compare against.

    Attributes
    ----------
    forward : bound calls of the forward pass
    z, o : the pass's output pre-activations and activations (k, n_train + n_test), written by ``forward``
    t : encoded targets (k, n_train + n_test)
    labels : class indices (n_train + n_test,) for classification, None for regression
    n_train : how many of the columns (the first ones) are training rows
    """

    forward: list[Call]
    z: np.ndarray
    o: np.ndarray
    t: np.ndarray
    labels: np.ndarray | None
    n_train: int

    @property
    def sets(self) -> list[tuple[int, slice]]:
        """(index: 0 train / 1 test, columns) of each non-empty set."""
        n = self.o.shape[1]
        parts = [(0, slice(0, self.n_train)), (1, slice(self.n_train, n))]
        return [(i, cols) for i, cols in parts if cols.stop > cols.start]


class EpochMetrics:
    """Bound calls computing a metrics row for the training set and the test set.

    Parameters
    ----------
    head : the output layer and loss
    evaluated : the forward pass over both sets
    params, grad : the flat parameter and gradient buffers (``Network.params`` layout)
    weight_mask, offsets : 1 on weights / 0 on biases, and each layer's start in the flat buffers
    """

    def __init__(self, head: OutputHead, evaluated: EvaluatedPass, params: np.ndarray, grad: np.ndarray,
                 weight_mask: np.ndarray, offsets: np.ndarray) -> None:
        self.head = head
        n_layers = len(offsets) - 1
        # raw in the network's dtype (np.dot writes only into its own result type), row in float64
        self.dtype = params.dtype
        self.raw = np.zeros(N_SET_COLUMNS + n_layers + 1, dtype=self.dtype)
        self.row = np.full(N_SET_COLUMNS + n_layers, np.nan)
        scale = np.full(N_SET_COLUMNS, np.nan)  # NaN where a set or its accuracy is missing
        calls: list[Call] = []
        sets = evaluated.sets
        if sets:
            calls += evaluated.forward
            calls += self._set_sum_calls(evaluated)
            for i, cols in sets:
                n = cols.stop - cols.start
                scale[i] = self._loss_scale(n)
                if evaluated.labels is not None:
                    scale[2 + i] = 1.0 / n
        raw_sets, row_sets = self.raw[:N_SET_COLUMNS], self.row[:N_SET_COLUMNS]
        raw_grad, row_grad = self.raw[N_SET_COLUMNS:-1], self.row[N_SET_COLUMNS:]
        # ‖∂L/∂W_l‖² = Σ over layer l's weights (not biases) of grad² (the last batch's mean
        # gradient), as one product with a (n_layers, n_params) matrix of the layers' weight masks.
        layer_weights = np.zeros((n_layers, len(grad)), dtype=self.dtype)
        for layer in range(n_layers):
            cols = slice(offsets[layer], offsets[layer + 1])
            layer_weights[layer, cols] = weight_mask[cols]
        squares = np.empty_like(grad)
        row_calls = calls + [
            partial(np.multiply, raw_sets, scale, row_sets),
            partial(np.multiply, grad, grad, squares),
            partial(_dot, layer_weights, squares, raw_grad),
            partial(np.sqrt, raw_grad, row_grad),
        ]
        # ‖params‖²: the cheap finiteness check of the weights (see finite)
        self.calls = row_calls + [partial(_dot, params, params, self.raw[-1:].reshape(()))]

    def _set_sum_calls(self, e: EvaluatedPass) -> list[Call]:
        """Calls writing each set's loss sum and hit count into ``raw[:4]``.

        The elementwise loss terms (k, n) and, for two classes, the predictions (n,) and a 1
        are laid side by side in one vector; one product with a weight matrix (one row per
        ``raw`` slot: a set's indicator, or its signed indicator and class-0 count) sums
        them all. Cross-entropy and K-class hits are written by small Python calls instead.
        """
        k, n = e.o.shape
        indicator = np.zeros((len(e.sets), n), dtype=self.dtype)  # 1 where a column is in the set
        for row, (_, cols) in enumerate(e.sets):
            indicator[row, cols] = 1.0
        n_terms = k * n if self.head.loss in ("mse", "bce") else 0
        binary_hits = e.labels is not None and self.head.n_outputs == 1
        stacked = np.ones(n_terms + (n + 1 if binary_hits else 0), dtype=self.dtype)
        weights = np.zeros((N_SET_COLUMNS, len(stacked)), dtype=self.dtype)
        calls = self._loss_calls(e, indicator, stacked[:n_terms].reshape(k, -1), weights[:, :n_terms])
        if binary_hits:
            calls += self._binary_hit_calls(e, indicator, stacked[n_terms:], weights[:, n_terms:])
        elif e.labels is not None:
            winners = np.empty(n, dtype=np.intp)
            calls += [partial(np.argmax, e.o, 0, winners),
                      partial(_store_hits, self.raw, winners, np.asarray(e.labels).astype(np.intp),
                              np.empty(n, dtype=bool), [(2 + i, cols) for i, cols in e.sets])]
        used = np.flatnonzero(weights.any(axis=1))
        # One product for the slots from the first used one to the last; a slot in between is
        # one whose set is missing (a zero row), and its NaN scale keeps it out of the row.
        if len(used):
            lo, hi = used[0], used[-1] + 1
            calls.append(partial(_dot, weights[lo:hi], stacked, self.raw[lo:hi]))
        return calls

    def _loss_calls(self, e: EvaluatedPass, indicator: np.ndarray, terms: np.ndarray,
                    weights: np.ndarray) -> list[Call]:
        """Elementwise loss terms into ``terms`` (k, n) and their per-set weights (rows 0 and 1);
        cross-entropy instead writes each set's mean loss into ``raw`` directly."""
        loss = self.head.loss
        if loss == "cross_entropy":  # the head's own (max-shifted) definition, already a mean
            return [partial(_store, self.raw[i:i + 1], self.head.loss_value, e.z[:, cols], e.o[:, cols], e.t[:, cols])
                    for i, cols in e.sets]
        for row, (i, _) in enumerate(e.sets):
            weights[i] = np.tile(indicator[row], len(terms))  # the terms' flat layout
        if loss == "mse":  # Σ (o − t)², the ½ in the scale
            return [partial(np.subtract, e.o, e.t, terms), partial(np.square, terms, terms)]
        tz = np.empty_like(e.z)  # bce: Σ softplus(z) − t·z, as in OutputHead.loss_value
        return [partial(np.logaddexp, 0.0, e.z, terms), partial(np.multiply, e.t, e.z, tz),
                partial(np.subtract, terms, tz, terms)]

    def _binary_hit_calls(self, e: EvaluatedPass, indicator: np.ndarray, predicted: np.ndarray,
                          weights: np.ndarray) -> list[Call]:
        """Predictions p ∈ {0, 1} (o ≥ threshold) into ``predicted`` (n + 1,), whose last entry
        stays 1, and the per-set weights (rows 2 and 3). With sign = 2·label − 1 a set's hits
        are Σ p·sign + (its number of class-0 rows), the count riding along on the final 1."""
        labels = np.asarray(e.labels)
        n = len(labels)
        for row, (i, _) in enumerate(e.sets):
            weights[2 + i, :n] = indicator[row] * np.where(labels == 1, 1.0, -1.0)
            weights[2 + i, n] = indicator[row] @ (labels != 1)
        return [partial(np.greater_equal, e.o[0], self.head.threshold, predicted[:n])]

    def _loss_scale(self, n: int) -> float:
        if self.head.loss == "mse":
            return 0.5 / n
        if self.head.loss == "bce":
            return 1.0 / n
        return 1.0

    # ---- reading

    def values(self) -> tuple[float, float, float | None, float | None]:
        """(train_loss, test_loss, train_accuracy, test_accuracy) of the last run; accuracy None
        for regression (and for an empty set)."""
        tl, el, ta, ea = self.row[:N_SET_COLUMNS].tolist()
        return tl, el, (None if math.isnan(ta) else ta), (None if math.isnan(ea) else ea)

    def finite(self, params: np.ndarray) -> bool:
        """Whether the training loss and every parameter are finite.

        One check of loss + ‖params‖² (both ≥ 0, so the sum is finite exactly when both are)
        on the fast path; when the sum of squares overflowed, every parameter is looked at.
        """
        loss, squares = self.row[0], self.raw[-1]
        if math.isfinite(loss + squares):
            return True
        return math.isfinite(loss) and self.params_finite(params)

    def params_finite(self, params: np.ndarray) -> bool:
        """Whether every parameter is finite (the cheap sum of squares, confirmed when it overflowed)."""
        return math.isfinite(self.raw[-1]) or bool(np.isfinite(params).all())


def _store(out: np.ndarray, fn: Callable[..., float], *args: np.ndarray) -> None:
    out[0] = fn(*args)


def _store_hits(raw: np.ndarray, winners: np.ndarray, key: np.ndarray, hit: np.ndarray,
                slots: list[tuple[int, slice]]) -> None:
    np.equal(winners, key, out=hit)
    for slot, cols in slots:
        raw[slot] = np.count_nonzero(hit[cols])
