"""The loss history as CSV: one row per recorded epoch, losses, accuracies and gradient norms.

Columns: ``epoch, train_loss, test_loss, train_accuracy, test_accuracy``, then
``grad_norm_layer_0 .. grad_norm_layer_{L-1}``: the L2 norm of the gradient of
``layers.{i}.weight`` in the epoch's last mini-batch. A missing value (accuracy
in regression, a norm that was not finite) is an empty field. Floats are
written with ``repr``, so the numbers read back exactly. Writing is atomic.
"""

from __future__ import annotations

import math
import os

import numpy as np

from playground.core.io.atomic import atomic_write_text, describe_os_error
from playground.core.snapshot import History

BASE_COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


class HistoryCsvError(ValueError):
    """The history could not be written; one line naming the file and the reason."""


def history_columns(n_layers: int) -> tuple[str, ...]:
    """The header for a network of ``n_layers`` weight layers."""
    return BASE_COLUMNS + tuple(f"grad_norm_layer_{i}" for i in range(n_layers))


def _field(value: float) -> str:
    v = float(value)
    return repr(v) if math.isfinite(v) else ""


def history_csv_text(history: History) -> str:
    """The CSV text of ``history`` (header line, then one line per row; ``\\n`` line ends).

    Parameters
    ----------
    history : epochs (m,), four metric columns (m,), grad_norms (m, n_layers)
    """
    grad = np.asarray(history.grad_norms, dtype=np.float64)
    n_layers = grad.shape[1] if grad.ndim == 2 else 0
    lines = [",".join(history_columns(n_layers))]
    metrics = (history.train_loss, history.test_loss, history.train_accuracy, history.test_accuracy)
    for i, epoch in enumerate(np.asarray(history.epochs).tolist()):
        fields = [str(int(epoch)), *(_field(m[i]) for m in metrics)]
        if n_layers:
            fields += [_field(g) for g in grad[i]]
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def write_history_csv(path: str | os.PathLike[str], history: History) -> None:
    """Write ``history`` to ``path`` atomically (an existing file is replaced only on success).

    Raises
    ------
    HistoryCsvError
        when the file cannot be written.
    """
    text = history_csv_text(history)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise HistoryCsvError(f"{path}: cannot write ({describe_os_error(exc)})") from None
