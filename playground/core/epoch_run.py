"""Several whole full-batch epochs compiled into one list of calls.

An epoch is about 100 µs of numpy calls when the batch is the whole training
set, and the Python around each one (recording its row, checking it for
divergence) adds a few percent. An :class:`EpochRun` strings ``k`` epochs
together, each writing its own copy of the weights before it starts, its
metrics row and its ‖params‖², so that the checks and the history's copy are
done once for the whole run, afterwards. Should an epoch have diverged, the
epochs after it are simply discarded: its backup holds the weights to roll
back to, exactly as when epochs run one at a time.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from playground.core.epoch_metrics import EpochMetrics
from playground.core.network import Call


class EpochRun:
    """``k`` full-batch epochs as one list of calls.

    Parameters
    ----------
    k : epochs in the run
    epoch : one epoch's calls after its backup, up to and not including the metrics
    metrics : the per-epoch metrics (their calls end each epoch)
    params : the network's flat parameters (n_params,)
    """

    def __init__(self, k: int, epoch: list[Call], metrics: EpochMetrics, params: np.ndarray) -> None:
        self.k = k
        self.params = params
        self.backups = np.empty((k, len(params)), dtype=params.dtype)  # weights before each epoch
        self.rows = np.empty((k, len(metrics.row)))  # each epoch's metrics row
        self.squares = np.empty(k, dtype=params.dtype)  # ‖params‖² after each epoch
        self.calls: list[Call] = []
        for j in range(k):
            self.calls += [partial(np.copyto, self.backups[j], params), *epoch,
                           *metrics.calls_squaring_into(self.squares[j:j + 1]),
                           partial(np.copyto, self.rows[j], metrics.row)]

    def first_diverged(self) -> int | None:
        """Index of the first epoch whose training loss or weights are not finite, or None."""
        suspects = np.flatnonzero(~np.isfinite(self.rows[:, 0] + self.squares))
        for j in suspects.tolist():
            if not math.isfinite(self.rows[j, 0]):
                return j
            # ‖params‖² overflowed: look at the weights themselves (the next backup, or the current ones)
            after = self.backups[j + 1] if j + 1 < self.k else self.params
            if not np.isfinite(after).all():
                return j
        return None
