"""Per-epoch training metrics in growable arrays: O(1) append, no per-batch growth, bounded memory."""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.snapshot import History, frozen_copy

_COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
#: At most this many rows are kept. Every epoch is kept up to it; then every 2nd epoch, then every
#: 4th …: the memory (and an experiment file) stays bounded however long training runs
#: (2**19 rows of the largest network's 21 columns are 92 MB).
MAX_HISTORY_ROWS = 2**19
#: The largest keep-every-``every`` step a history can reach (epochs stay below 2**62).
MAX_EVERY = 2**40


class MetricHistory:
    """One row per recorded epoch: losses, accuracies (NaN for regression) and per-layer gradient norms.

    Rows are stored in one (capacity, 4 + n_layers) array laid out like ``EpochMetrics.row``
    (train_loss, test_loss, train_accuracy, test_accuracy, grad norm per layer), so that
    recording an epoch is one row copy. Only epochs that are multiples of :attr:`every` are
    recorded; when :data:`MAX_HISTORY_ROWS` rows are reached, ``every`` doubles and the rows of
    epochs that are not multiples of the new step are dropped.
    """

    def __init__(self, n_layers: int, capacity: int = 1024) -> None:
        self.n_layers = n_layers
        self.every = 1
        self._n = 0
        capacity = min(capacity, MAX_HISTORY_ROWS)
        self._epochs = np.zeros(capacity, dtype=np.int64)
        self._rows = np.zeros((capacity, len(_COLUMNS) + n_layers))

    def __len__(self) -> int:
        return self._n

    def _grow(self) -> None:
        """Double the capacity, or thin the rows when the cap is reached."""
        if len(self._epochs) >= MAX_HISTORY_ROWS:
            self._thin()
            return
        cap = min(2 * len(self._epochs), MAX_HISTORY_ROWS)
        self._epochs = np.resize(self._epochs, cap)
        self._rows = np.resize(self._rows, (cap, self._rows.shape[1]))

    def _thin(self) -> None:
        """Keep every other recorded epoch: ``every`` doubles, rows of other epochs are dropped."""
        self.every *= 2
        keep = np.flatnonzero(self._epochs[: self._n] % self.every == 0)
        m = len(keep)
        self._epochs[:m] = self._epochs[keep]
        self._rows[:m] = self._rows[keep]
        self._n = m

    def append(self, epoch: int, train_loss: float, test_loss: float, train_accuracy: float | None,
               test_accuracy: float | None, grad_norms: np.ndarray) -> None:
        """Record one epoch's metrics (accuracy None for regression)."""
        nan = float("nan")
        row = np.concatenate([[train_loss, test_loss, nan if train_accuracy is None else train_accuracy,
                               nan if test_accuracy is None else test_accuracy], grad_norms])
        self.append_row(epoch, row)

    def append_row(self, epoch: int, row: np.ndarray) -> None:
        """Record one epoch from a row (4 + n_layers,) laid out like the stored rows (copied)."""
        if epoch % self.every:
            return
        while self._n == len(self._epochs):
            self._grow()
            if epoch % self.every:  # thinned: this epoch is no longer one to keep
                return
        i = self._n
        self._epochs[i] = epoch
        self._rows[i] = row
        self._n += 1

    def append_rows(self, first_epoch: int, rows: np.ndarray) -> None:
        """Record consecutive epochs ``first_epoch, first_epoch + 1, …`` from rows (m, 4 + n_layers)."""
        epochs = np.arange(first_epoch, first_epoch + len(rows))
        if self.every > 1 or self._n + len(rows) > MAX_HISTORY_ROWS:
            for epoch, row in zip(epochs.tolist(), rows, strict=True):  # rare: thinning keeps its own rules
                self.append_row(epoch, row)
            return
        m = len(rows)
        while self._n + m > len(self._epochs):
            self._grow()
        i = self._n
        self._epochs[i:i + m] = epochs
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

    def to_dict(self) -> dict[str, Any]:
        """The columns as new arrays (for saving): ``every``, ``epochs`` (m,) int64, the metrics (m,)
        float64 (NaN where there is no value), ``grad_norms`` (m, n_layers)."""
        n = self._n
        out: dict[str, Any] = {"every": self.every, "epochs": self._epochs[:n].copy()}
        for c in _COLUMNS:
            out[c] = self._col(c)[:n].copy()
        out["grad_norms"] = self._grad[:n].copy()
        return out

    @classmethod
    def from_dict(cls, d: dict, n_layers: int) -> MetricHistory:
        """Inverse of :meth:`to_dict` (lists with None for NaN also accepted); ``ValueError`` when
        columns disagree in length or shape, or epochs are not increasing multiples of ``every``."""
        every = d.get("every", 1)
        if type(every) is not int or not 1 <= every <= MAX_EVERY or every & (every - 1):
            raise ValueError(f"history.every must be a power of two from 1 to 2**40, got {every!r}")
        epochs = np.asarray(d.get("epochs", []), dtype=np.int64)
        m = len(epochs)
        if epochs.ndim != 1 or m > MAX_HISTORY_ROWS:
            raise ValueError(f"history.epochs must list at most {MAX_HISTORY_ROWS:,} epochs")
        if m and (epochs[0] < 1 or (np.diff(epochs) <= 0).any() or (epochs % every).any()):
            raise ValueError(f"history.epochs must be increasing multiples of {every}, from 1")
        h = cls(n_layers, capacity=max(1024, m))
        h.every = every
        cols = {}
        for c in _COLUMNS:
            vals = d.get(c, [])
            if len(vals) != m:
                raise ValueError(f"history.{c} has {len(vals)} values, history.epochs has {m}")
            cols[c] = (np.asarray(vals, dtype=np.float64) if isinstance(vals, np.ndarray)
                       else np.array([np.nan if v is None else v for v in vals], dtype=np.float64))
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
