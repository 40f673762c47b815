"""A finished (or interrupted) training run kept for comparison: what the Runs panel lists.

Whatever starts a new run (Reset, a new architecture, new data, an opened file)
keeps the previous one as a :class:`Run`. A run is an immutable value made from
the last snapshot of its run, so the UI can build it without asking the worker,
and it may be shared between threads.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.core.dataset import Dataset, shared_or_frozen_copy
from playground.core.snapshot import History, Snapshot, frozen_copy
from playground.core.spec import ExperimentSpec

#: Each run made in this process gets the next number: it tells runs apart across renames (which
#: make a new value) and picks the run's colour.
_keys = itertools.count()


@dataclass(frozen=True, eq=False)
class Run:
    """One run: its experiment, its points, its loss history and its final weights.

    Attributes
    ----------
    name : shown in the Runs panel and the loss chart's legend (renamable)
    spec : the experiment it trained
    dataset : the points it trained on
    history : its per-epoch metrics (possibly thinned, as snapshots carry them)
    weights : ``layers.{i}.weight`` (out, in) and ``layers.{i}.bias`` (out,), read-only copies
    epoch, batches : how far it trained
    train_loss, test_loss : at the end
    train_accuracy, test_accuracy : at the end (None for regression)
    pinned : kept when old runs are dropped
    optimizer : the optimizer's state at the end (read-only), when the run was kept with it;
        None: a restored run starts a fresh optimizer
    key : a number unique in this process, kept by :meth:`renamed` and :meth:`with_pinned`
    dead_links : (d,) int64, read-only: a link experiment's weights that L1 killed for good (flat
        parameter positions), so that a restored run keeps them dead; None outside that mode
    """

    name: str
    spec: ExperimentSpec
    dataset: Dataset
    history: History
    weights: dict[str, np.ndarray]
    epoch: int
    batches: int
    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    pinned: bool = False
    optimizer: Mapping[str, Any] | None = None
    key: int = field(default_factory=lambda: next(_keys))
    dead_links: np.ndarray | None = None

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, name: str) -> Run:
        """The run a snapshot shows, at the snapshot's moment."""
        return cls(name=name, spec=snapshot.spec, dataset=snapshot.dataset, history=snapshot.history,
                   weights=snapshot_weights(snapshot), epoch=int(snapshot.epoch), batches=int(snapshot.batches),
                   train_loss=float(snapshot.train_loss), test_loss=float(snapshot.test_loss),
                   train_accuracy=snapshot.train_accuracy, test_accuracy=snapshot.test_accuracy,
                   dead_links=snapshot.dead_links)

    def renamed(self, name: str) -> Run:
        return dataclasses.replace(self, name=name)

    def with_pinned(self, pinned: bool) -> Run:
        return dataclasses.replace(self, pinned=pinned)

    def with_optimizer(self, optimizer: Mapping[str, Any]) -> Run:
        """The same run with its optimizer's final state (copied, read-only) kept too."""
        return dataclasses.replace(self, optimizer={k: frozen_copy(np.asarray(v)) if isinstance(v, np.ndarray) else v
                                                    for k, v in optimizer.items()})

    def state(self) -> dict[str, Any]:
        """The run as a training state (``Trainer.set_state``'s, partly) that goes on where it ended:
        its weights, epoch and update count, its loss history (the rows kept) and its optimizer's
        state when kept (None: a fresh one), and a link experiment's dead links. Arrays are the
        run's own read-only ones."""
        h = self.history
        history = {"every": 1, "epochs": h.epochs, "train_loss": h.train_loss, "test_loss": h.test_loss,
                   "train_accuracy": h.train_accuracy, "test_accuracy": h.test_accuracy,
                   "grad_norms": h.grad_norms}
        return {"weights": dict(self.weights), "optimizer": self.optimizer, "epoch": self.epoch,
                "batches": self.batches, "history": history, "page_dead": self.dead_links}


def snapshot_weights(snapshot: Snapshot) -> dict[str, np.ndarray]:
    """The snapshot's weights by name: ``layers.{i}.weight`` (out, in), ``layers.{i}.bias`` (out,), read-only
    (the snapshot's own arrays when they are read-only copies, as the worker's are)."""
    weights: dict[str, np.ndarray] = {}
    for i, (w, b) in enumerate(zip(snapshot.weights, snapshot.biases, strict=True)):
        weights[f"layers.{i}.weight"] = shared_or_frozen_copy(w)
        weights[f"layers.{i}.bias"] = shared_or_frozen_copy(b)
    return weights


def spec_summary(spec: ExperimentSpec) -> str:
    """One line that tells runs apart: data, features, layers, activation, optimizer, rate, batch."""
    hidden = "×".join(str(n) for n in spec.network.hidden) or "no hidden layer"
    acts = sorted(set(spec.network.activations)) if spec.network.hidden else []
    t = spec.training
    parts = [spec.data.name, f"{len(spec.features)} features", hidden]
    if acts:
        parts.append("/".join(acts))
    parts += [f"{t.optimizer.name} {t.optimizer.learning_rate:g}", f"batch {t.batch_size}"]
    if t.regularization and t.regularization != "none":
        parts.append(f"{t.regularization} {t.regularization_rate:g}")
    return ", ".join(parts)
