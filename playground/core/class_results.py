"""Results per class and per point: confusion matrices, per-class accuracy, R² and predictions.

Computed from the outputs the last metrics pass left in its buffer (the training columns first,
then the test columns; ``epoch_metrics.EvaluatedPass``), so a snapshot's results cost no extra
forward pass and always belong to the same weights as its loss and accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.dataset import frozen_copy
from playground.core.losses import OutputHead


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """(K, K) int64 counts: row = true class, column = predicted class.

    Parameters
    ----------
    labels, predicted : (n,) class indices 0 .. K-1
    classes : K
    """
    flat = np.asarray(labels, dtype=np.int64) * classes + np.asarray(predicted, dtype=np.int64)
    return np.bincount(flat, minlength=classes * classes).reshape(classes, classes)


def row_percentages(matrix: np.ndarray) -> np.ndarray:
    """Each row of a confusion matrix as percentages of its true class (NaN for an empty class)."""
    totals = matrix.sum(axis=1, keepdims=True).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, 100.0 * matrix / totals, np.nan)


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    """(K,) share of each true class predicted correctly (its recall); NaN for an empty class."""
    return np.diagonal(row_percentages(matrix)) / 100.0


def r_squared(target: np.ndarray, predicted: np.ndarray) -> float | None:
    """Coefficient of determination 1 − Σ(t − p)² / Σ(t − t̄)²; None for fewer than two points or
    targets that do not vary."""
    t = np.asarray(target, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if t.size < 2:
        return None
    total = float(((t - t.mean()) ** 2).sum())
    if total <= 0.0:
        return None
    return 1.0 - float(((t - p) ** 2).sum()) / total


@dataclass(frozen=True, eq=False)
class Results:
    """What the network predicts for every point of a snapshot.

    Attributes
    ----------
    predicted : (n_train + n_test,) class index (int64) or predicted value (float64), training
        points first, in the dataset's order
    confusion_train, confusion_test : (K, K) int64 counts (row = true class), None for regression
    r2_train, r2_test : R² for regression (None when undefined or for classification)
    """

    predicted: np.ndarray
    confusion_train: np.ndarray | None = None
    confusion_test: np.ndarray | None = None
    r2_train: float | None = None
    r2_test: float | None = None


def results_from_outputs(head: OutputHead, outputs: np.ndarray, y_train: np.ndarray,
                         y_test: np.ndarray) -> Results:
    """The results of outputs ``outputs`` (n_outputs, n_train + n_test), feature-major as the
    metrics pass leaves them, for labels or targets ``y_train`` (n_train,) and ``y_test`` (n_test,)."""
    n = len(y_train)
    predicted = head.predict(np.asarray(outputs, dtype=np.float64).T)
    if not head.is_classification:
        return Results(frozen_copy(predicted), r2_train=r_squared(y_train, predicted[:n]),
                       r2_test=r_squared(y_test, predicted[n:]))
    k = head.classes
    return Results(frozen_copy(predicted), frozen_copy(confusion_matrix(y_train, predicted[:n], k)),
                   frozen_copy(confusion_matrix(y_test, predicted[n:], k)))
