"""Which run the session keeps for comparison when something replaces the current one.

Whatever starts a new run first moves the current one to the session's runs, as it was
last shown, when it has trained at all (an untrained run has nothing to compare), and
only once (undo then redo would otherwise list the same restored run twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from playground.core.checkpoint import Checkpoint
from playground.core.runs import Run
from playground.core.snapshot import Snapshot
from playground.ui.runs_list import RunsList


class RunKeeper:
    """Keeps the current run in ``runs`` when asked (:meth:`keep`).

    Parameters
    ----------
    runs : the session's kept runs
    """

    def __init__(self, runs: RunsList) -> None:
        self.runs = runs
        # Updates the current run had when it began: a run that has not trained since is not kept.
        self.began_at = 0
        self.kept: Snapshot | None = None
        self.kept_run: Run | None = None  # the run made of that snapshot
        #: The worker's state last fetched: a run kept from exactly that state keeps its optimizer.
        self.last_checkpoint: Checkpoint | None = None

    def began(self, state: Mapping[str, Any] | None) -> None:
        """A new run begins from ``state`` (``Trainer.get_state`` or a part of it; None: new weights)."""
        self.began_at = int((state or {}).get("batches", 0))

    def keep(self, snapshot: Snapshot | None) -> Run | None:
        """Keep the run ``snapshot`` (its last one) shows, once, and only if it trained; the run
        kept (now or before), or None."""
        if snapshot is None or snapshot.batches == self.began_at:
            return None
        if snapshot is self.kept:
            return self.kept_run
        self.kept = snapshot
        self.kept_run = run = self._with_optimizer(Run.from_snapshot(snapshot, self.runs.next_name()))
        self.runs.add(run)
        return run

    def _with_optimizer(self, run: Run) -> Run:
        """``run`` with its optimizer's state when the last state fetched is exactly the run's end
        (the usual case: an edit while paused), so that restoring it goes on as it would have."""
        cp, self.last_checkpoint = self.last_checkpoint, None
        if cp is None or cp.spec != run.spec or cp.state is None or cp.state.get("batches") != run.batches:
            return run
        weights, optimizer = cp.weights, cp.state.get("optimizer")
        if optimizer is None or weights.keys() != run.weights.keys() or not all(
                np.array_equal(weights[k], w) for k, w in run.weights.items()):
            return run
        return run.with_optimizer(optimizer)
