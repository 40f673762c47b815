"""The first picture of a run that starts from a checkpoint, made without the trainer.

When an edit starts a new run (an architecture edit, its undo or redo), the worker
needs a moment to build the new trainer and draw its first picture (every neuron
over the plane: a big network's takes a tenth of a second or more). The diagram
need not wait for it: the new architecture and the weights it starts from are in
the checkpoint the edit made. :func:`preview` turns that into a :class:`Snapshot`
without a grid, so the diagram draws the new columns and links at once, and the
neurons' pictures come with the worker's first snapshot. Nothing of the run before
is in it: no losses, no history, no gradients. Only the input features' pictures are
the same in both runs when the points and the pictures' domain are
(:func:`same_inputs`), so the diagram may keep those.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from playground.core.checkpoint import Checkpoint
from playground.core.dataset import shared_or_frozen_copy
from playground.core.history import MetricHistory
from playground.core.snapshot import Snapshot, frozen_copy


def preview(checkpoint: Checkpoint, previous: Snapshot, generation: int) -> Snapshot | None:
    """The run ``checkpoint`` starts, as a :class:`Snapshot` of generation ``generation`` with no grid.

    ``previous`` is the last snapshot of the run it replaces: the points and the output layer's
    activation are taken from it, so there is a preview only when the points, the data settings
    and the loss are the same (None otherwise, and when the checkpoint holds no weights).

    The weights are ``layers.{i}.weight`` (out, in) and ``layers.{i}.bias`` (out,) of the state.
    """
    spec, weights = checkpoint.spec, checkpoint.weights
    same_points = checkpoint.dataset is None or checkpoint.dataset is previous.dataset
    if (not weights or not same_points or spec.data != previous.spec.data
            or spec.training.loss != previous.spec.training.loss):
        return None
    n = sum(1 for key in weights if key.endswith(".weight"))
    w = tuple(shared_or_frozen_copy(weights[f"layers.{i}.weight"]) for i in range(n))  # read-only: shared
    b = tuple(shared_or_frozen_copy(weights[f"layers.{i}.bias"]) for i in range(n))
    state = checkpoint.state or {}
    nan = float("nan")
    return dataclasses.replace(
        previous, generation=generation, epoch=int(state.get("epoch", 0)), batches=int(state.get("batches", 0)),
        spec=spec, train_loss=nan, test_loss=nan, train_accuracy=None, test_accuracy=None,
        weights=w, biases=b, grad_norms=frozen_copy(np.zeros(0)), history=MetricHistory(n).view(), grid=None,
        layer_sizes=(w[0].shape[1], *(x.shape[0] for x in w)), gradients=(), results=None,
        recent_grad_norms=None)


def same_inputs(checkpoint: Checkpoint, previous: Snapshot) -> bool:
    """True when the run ``checkpoint`` starts draws its input features as ``previous`` does: the same
    features of the same points over the same domain (a domain drawing grew is kept in the checkpoint)."""
    dataset = checkpoint.dataset if checkpoint.dataset is not None else previous.dataset
    return (previous.grid is not None and dataset is previous.dataset and checkpoint.spec.data == previous.spec.data
            and checkpoint.spec.features == previous.spec.features
            and tuple(checkpoint.picture_domain or dataset.domain()) == tuple(previous.grid.domain))
