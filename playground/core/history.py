"""Per-epoch training metrics in growable arrays: O(1) append, no per-batch growth."""

from __future__ import annotations

import numpy as np

from playground.core.snapshot import History, frozen_copy

_COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


class MetricHistory:
    """One row per recorded epoch: losses, accuracies (NaN for regression) and per-layer gradient norms.

    Rows are stored in one (capacity, 4 + n_layers) array laid out like ``EpochMetrics.row``
    (train_loss, test_loss, train_accuracy, test_accuracy, grad norm per layer), so that
    recording an epoch is one row copy.
    """

    def __init__(self, n_layers: int, capacity: int = 1024) -> None:
        self.n_layers = n_layers
        self._n = 0
        self._epochs = np.zeros(capacity, dtype=np.int64)
        self._rows = np.zeros((capacity, len(_COLUMNS) + n_layers))

    def __len__(self) -> int:
        return self._n

    def _grow(self) -> None:
        cap = 2 * len(self._epochs)
        self._epochs = np.resize(self._epochs, cap)
        self._rows = np.resize(self._rows, (cap, self._rows.shape[1]))

    def append(self, epoch: int, train_loss: float, test_loss: float, train_accuracy: float | None,
               test_accuracy: float | None, grad_norms: np.ndarray) -> None:
        """Record one epoch's metrics (accuracy None for regression)."""
        nan = float("nan")
        row = np.concatenate([[train_loss, test_loss, nan if train_accuracy is None else train_accuracy,
                               nan if test_accuracy is None else test_accuracy], grad_norms])
        self.append_row(epoch, row)

    def append_row(self, epoch: int, row: np.ndarray) -> None:
        """Record one epoch from a row (4 + n_layers,) laid out like the stored rows (copied)."""
        if self._n == len(self._epochs):
            self._grow()
        i = self._n
        self._epochs[i] = epoch
        self._rows[i] = row
        self._n += 1

    def append_rows(self, first_epoch: int, rows: np.ndarray) -> None:
        """Record consecutive epochs ``first_epoch, first_epoch + 1, …`` from rows (m, 4 + n_layers)."""
        m = len(rows)
        while self._n + m > len(self._epochs):
            self._grow()
        i = self._n
        self._epochs[i:i + m] = np.arange(first_epoch, first_epoch + m)
        self._rows[i:i + m] = rows
        self._n += m

    def _col(self, name: str) -> np.ndarray:
        """Column ``name`` of the stored rows (strided view, all capacity)."""
        return self._rows[:, _COLUMNS.index(name)]

    @property
    def _grad(self) -> np.ndarray:
        """The gradient-norm columns (capacity, n_layers) of the stored rows (a view)."""
        return self._rows[:, len(_COLUMNS):]

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column (``epochs``, a metric, or ``grad_norms`` (m, n_layers))."""
        if name == "epochs":
            a = self._epochs[: self._n]
        elif name == "grad_norms":
            a = self._grad[: self._n]
        else:
            a = self._col(name)[: self._n]
        v = a.view()
        v.setflags(write=False)
        return v

    def view(self, max_points: int | None = None) -> History:
        """Frozen copies, thinned by an even stride to at most ``max_points`` rows (the last row kept)."""
        n = self._n
        if max_points is None or n <= max_points:
            idx = slice(0, n)
        else:
            stride = int(np.ceil(n / max_points))
            idx = np.arange(0, n, stride)
            if idx[-1] != n - 1:  # the last row always (sorted and unique without np.unique's sort)
                idx = np.append(idx, n - 1)
        return History(
            epochs=frozen_copy(self._epochs[:n][idx]),
            train_loss=frozen_copy(self._col("train_loss")[:n][idx]),
            test_loss=frozen_copy(self._col("test_loss")[:n][idx]),
            train_accuracy=frozen_copy(self._col("train_accuracy")[:n][idx]),
            test_accuracy=frozen_copy(self._col("test_accuracy")[:n][idx]),
            grad_norms=frozen_copy(self._grad[:n][idx]),
        )

    def to_dict(self) -> dict[str, list]:
        """JSON-able columns (for project files)."""
        n = self._n
        out: dict[str, list] = {"epochs": self._epochs[:n].tolist()}
        for c in _COLUMNS:
            column = self._col(c)[:n]
            values = column.tolist()
            if np.isnan(column).any():  # NaN is not JSON: a missing value is null
                values = [None if v != v else v for v in values]
            out[c] = values
        out["grad_norms"] = self._grad[:n].tolist()
        return out

    @classmethod
    def from_dict(cls, d: dict, n_layers: int) -> MetricHistory:
        """Inverse of :meth:`to_dict`; ``ValueError`` when columns disagree in length or shape."""
        epochs = np.asarray(d.get("epochs", []), dtype=np.int64)
        m = len(epochs)
        h = cls(n_layers, capacity=max(1024, m))
        cols = {}
        for c in _COLUMNS:
            vals = d.get(c, [])
            if len(vals) != m:
                raise ValueError(f"history.{c} has {len(vals)} values, history.epochs has {m}")
            cols[c] = np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
        grad = np.asarray(d.get("grad_norms", np.zeros((m, n_layers))), dtype=np.float64)
        if grad.shape != (m, n_layers) and not (m == 0 and grad.size == 0):
            raise ValueError(f"history.grad_norms has shape {grad.shape}, needs {(m, n_layers)}")
        h._epochs[:m] = epochs
        for c in _COLUMNS:
            h._col(c)[:m] = cols[c]
        if m:
            h._grad[:m] = grad
        h._n = m
        return h
