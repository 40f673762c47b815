"""Losses, the output layer that goes with each, and how labels become targets.

Exact definitions (``n`` samples, ``k`` outputs, ``o`` the output activations,
``z`` the output pre-activations, ``t`` the encoded targets):

- ``mse``: mean over samples of ½‖o − t‖² — TensorFlow Playground's loss.
  Classification targets are ±1 (two classes: one tanh output, class 1 = +1;
  K classes: K tanh outputs, one-hot in ±1). Regression: one linear output.
- ``bce``: mean over samples of the binary cross-entropy summed over outputs,
  −[t·log σ(z) + (1 − t)·log(1 − σ(z))], computed as softplus(z) − t·z so that
  it never overflows. Two classes: one sigmoid output, t ∈ {0, 1}; K classes:
  K independent sigmoid outputs, one-hot targets.
- ``cross_entropy``: mean over samples of −log softmax(z)[label] =
  logsumexp(z) − z[label] (max-shifted, stable), K ≥ 2 softmax outputs.

``OutputHead.delta_calls`` computes dL/dz (the gradient at the output
pre-activation) of the summed loss: for each pairing above it has the simple
closed form used by backpropagation. The network works feature-major (one
column per sample); ``encode``, ``predict``, ``score`` and ``accuracy`` take
and give sample-major arrays (one row per sample).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from playground.core.activations import ACTIVATIONS

Array = np.ndarray
LOSS_LABELS = {"mse": "Mean squared error", "bce": "Binary cross-entropy", "cross_entropy": "Cross-entropy"}
LOSS_TOOLTIPS = {
    "mse": "Mean over samples of ½‖output − target‖², TensorFlow Playground's loss (tanh output, ±1 targets).",
    "bce": "Binary cross-entropy on sigmoid outputs (targets 0/1).",
    "cross_entropy": "Softmax cross-entropy over K classes; the standard loss for classification.",
}


def _logsumexp_columns(z: Array) -> Array:
    m = z.max(axis=0, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=0, keepdims=True)))[0]


def softmax_into(z: Array, out: Array) -> Array:
    """Softmax over the outputs of ``z`` (k, n) — one column per sample — into ``out``, max-shifted."""
    np.subtract(z, z.max(axis=0, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


@dataclass(frozen=True)
class OutputHead:
    """The output layer and loss for one problem.

    Attributes
    ----------
    loss : ``mse`` | ``bce`` | ``cross_entropy``
    activation : ``tanh`` | ``sigmoid`` | ``softmax`` | ``linear``
    n_outputs : width of the output layer
    classes : K for classification, 0 for regression
    """

    loss: str
    activation: str
    n_outputs: int
    classes: int

    @property
    def is_classification(self) -> bool:
        return self.classes > 0

    @property
    def threshold(self) -> float:
        """One output neuron: the output at and above which class 1 is predicted (tanh 0, sigmoid ½)."""
        return 0.0 if self.activation == "tanh" else 0.5

    # ---- targets

    def encode(self, y: Array, dtype: type = np.float64) -> Array:
        """Targets (n, n_outputs) for labels ``y`` (n,) (class indices, or regression values)."""
        y = np.asarray(y)
        n = len(y)
        if not self.is_classification:
            return y.astype(dtype).reshape(n, 1)
        low = -1.0 if self.activation == "tanh" else 0.0
        if self.n_outputs == 1:
            return np.where(y.reshape(n, 1) == 1, 1.0, low).astype(dtype)
        t = np.full((n, self.n_outputs), low, dtype=dtype)
        t[np.arange(n), y.astype(np.int64)] = 1.0
        return t

    # ---- forward through the output activation

    def activation_calls(self, z: Array, out: Array) -> list[Callable[[], object]]:
        """The output activation of ``z`` (k, n) into ``out`` as bound calls."""
        if self.activation == "softmax":
            return [partial(softmax_into, z, out)]
        return ACTIVATIONS[self.activation].forward_calls(z, out)

    # ---- loss and its gradient (feature-major: one column per sample, as the network computes)

    def loss_value(self, z: Array, o: Array, t: Array) -> float:
        """Mean loss over the ``n`` samples; pre-activations ``z``, outputs ``o``, targets ``t``, all (k, n)."""
        n = z.shape[1]
        if n == 0:
            return float("nan")
        if self.loss == "mse":
            d = o - t
            return float(0.5 * np.einsum("ij,ij->", d, d) / n)
        if self.loss == "bce":
            return float((np.logaddexp(0.0, z) - t * z).sum() / n)
        # cross_entropy: logsumexp(z) − z[label], the label's row picked by the one-hot targets
        z_true = np.einsum("ij,ij->j", z, t)
        return float((_logsumexp_columns(z) - z_true).sum() / n)

    def delta_calls(self, z: Array, o: Array, t: Array, out: Array, tmp: Array) -> list[Callable[[], object]]:
        """Bound calls writing n·dL/dz (k, n) into ``out`` — the gradient of the *summed* loss.

        The optimizer applies the 1/n of the mean (see ``Optimizer.update_calls``'s ``scale``).
        mse+linear, bce+sigmoid and cross_entropy+softmax all give o − t; mse+tanh
        gives (o − t)(1 − o²).
        """
        calls: list[Callable[[], object]] = [partial(np.subtract, o, t, out)]
        if self.loss == "mse" and self.activation == "tanh":
            calls += [partial(np.multiply, o, o, tmp), partial(np.subtract, 1.0, tmp, tmp),
                      partial(np.multiply, out, tmp, out)]
        return calls

    def output_gradient(self, o: Array, t: Array) -> Array:
        """∂(loss of each row)/∂o (n, k): the loss's slope at the outputs ``o`` (n, k), targets ``t`` (n, k).

        mse: o − t; bce: (o − t) / (o(1 − o)); cross-entropy: −t / o. Times the output
        activation's slope it is ``delta_calls``'s o − t (for softmax, through its Jacobian).
        """
        if self.loss == "mse":
            return o - t
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.loss == "bce":
                return (o - t) / (o * (1.0 - o))
            return -t / o

    # ---- reading outputs (sample-major: one row per sample)

    def predict(self, o: Array) -> Array:
        """Class index (n,) int64 for classification; the output (n,) for regression."""
        if not self.is_classification:
            return o[:, 0].copy()
        if self.n_outputs == 1:
            return (o[:, 0] >= self.threshold).astype(np.int64)
        return o.argmax(axis=1)

    def accuracy(self, o: Array, y: Array) -> float | None:
        """Fraction of rows classified correctly; ``None`` for regression or no rows."""
        if not self.is_classification or len(y) == 0:
            return None
        return float(np.mean(self.predict(o) == y))

    def score(self, o: Array) -> Array:
        """The display value (n,): TensorFlow Playground's −1…+1 for two classes and
        regression (the raw output), the winning class's confidence in [0, 1] for K classes."""
        if not self.is_classification:
            return o[:, 0].copy()
        if self.n_outputs == 1:
            return o[:, 0].copy() if self.activation == "tanh" else 2.0 * o[:, 0] - 1.0
        if self.classes == 2 and self.activation == "softmax":
            return o[:, 1] - o[:, 0]
        probs = self.probabilities(o)
        return probs.max(axis=1)

    def probabilities(self, o: Array) -> Array:
        """Per-class scores (n, K) in [0, 1] summing to 1."""
        if not self.is_classification:
            raise ValueError("regression has no class probabilities")
        if self.n_outputs == 1:
            p1 = (o[:, 0] + 1.0) / 2.0 if self.activation == "tanh" else o[:, 0]
            p1 = np.clip(p1, 0.0, 1.0)
            return np.stack([1.0 - p1, p1], axis=1)
        if self.activation == "softmax":
            return o.copy()
        p = o.copy()
        if self.activation == "tanh":
            p = (p + 1.0) / 2.0
        p = np.clip(p, 1e-12, None)
        return p / p.sum(axis=1, keepdims=True)


def output_head(problem: str, loss: str, classes: int) -> OutputHead:
    """The output layer that goes with a problem, loss and number of classes.

    Raises ``ValueError`` for a pairing that makes no sense (regression with a
    classification loss).
    """
    if problem == "regression":
        if loss != "mse":
            raise ValueError(f"regression needs the mse loss, got {loss}")
        return OutputHead("mse", "linear", 1, 0)
    if classes < 2:
        raise ValueError(f"classification needs at least 2 classes, got {classes}")
    if loss == "mse":
        return OutputHead("mse", "tanh", 1 if classes == 2 else classes, classes)
    if loss == "bce":
        return OutputHead("bce", "sigmoid", 1 if classes == 2 else classes, classes)
    if loss == "cross_entropy":
        return OutputHead("cross_entropy", "softmax", classes, classes)
    raise ValueError(f"unknown loss {loss!r}")
