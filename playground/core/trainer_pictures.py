"""What a trainer shows: the grid picture and the immutable :class:`Snapshot` of its state.

A picture costs parameters × grid cells, like an epoch costs parameters × rows,
so it is kept within the same work budget by a coarser grid
(``spec_limits.picture_resolution``: a picture scales down, it is never refused), and
a big one runs in pieces that ``keep_going`` may stop between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from playground.core.class_results import results_from_outputs
from playground.core.data_swap import picture_domain
from playground.core.engines import NUMPY
from playground.core.epoch_pieces import KeepGoing
from playground.core.grid import MIN_RESOLUTION, GridEvaluator
from playground.core.network import run_calls
from playground.core.snapshot import GridOutput, Snapshot, frozen_copy
from playground.core.spec_limits import picture_resolution

if TYPE_CHECKING:
    from playground.core.neuron_images import NeuronRequest
    from playground.core.trainer import Trainer


def evaluate_grid(trainer: Trainer, resolution: int, with_neurons: bool | NeuronRequest = True,
                  keep_going: KeepGoing | None = None) -> GridOutput | None:
    """Output and every neuron on a grid of ``resolution``² cells, or fewer for a network too big
    for that within the work budget; None when ``keep_going()`` said stop."""
    n = picture_resolution(trainer.network.n_params, resolution, min(resolution, MIN_RESOLUTION))
    g = trainer._grid
    if g is None or g.resolution != n or g.source is not trainer.network \
            or g.mirror.switched_off != trainer.network.switched_off:
        g = trainer._grid = GridEvaluator(trainer.network, trainer.spec.features, picture_domain(trainer), n,
                                          trainer.scaling)
    return g.evaluate(with_neurons, keep_going)


def evaluated_outputs(trainer: Trainer) -> np.ndarray:
    """The network's outputs on both sets (n_outputs, n_train + n_test) for the current weights.

    The numpy engine's metrics pass leaves them in ``trainer.evaluated.o`` after every epoch and
    every edit. The compiled kernel computes its metrics itself and never writes that buffer, so
    for it the forward pass is run here (once a snapshot: a fraction of one epoch).
    """
    if trainer.engine != NUMPY:
        with np.errstate(all="ignore"):  # a diverging run's outputs may overflow; its results still show
            run_calls(trainer.evaluated.forward)
    return trainer.evaluated.o


def snapshot(trainer: Trainer, generation: int = 0, grid_resolution: int | None = 100,
             with_neurons: bool | NeuronRequest = True,
             keep_going: KeepGoing | None = None) -> Snapshot | None:
    """An immutable picture of ``trainer``'s state (copies only); None when stopped."""
    from playground.core.gradient_health import WINDOW
    from playground.core.trainer import HISTORY_POINTS_IN_SNAPSHOT

    net = trainer.network
    grid = None
    if grid_resolution is not None:
        grid = evaluate_grid(trainer, grid_resolution, with_neurons, keep_going)
        if grid is None:
            return None
    return Snapshot(
        generation=generation,
        epoch=trainer.epoch,
        batches=trainer.batches,
        spec=trainer.spec,
        dataset=trainer.dataset,
        train_loss=trainer.train_loss,
        test_loss=trainer.test_loss,
        train_accuracy=trainer.train_accuracy,
        test_accuracy=trainer.test_accuracy,
        weights=tuple(frozen_copy(w) for w in net.weights),
        biases=tuple(frozen_copy(b) for b in net.biases),
        grad_norms=frozen_copy(trainer.grad_norms()),
        history=trainer.history.view(HISTORY_POINTS_IN_SNAPSHOT),
        grid=grid,
        output_activation=trainer.head.activation,
        layer_sizes=net.sizes,
        gradients=tuple(frozen_copy(g) for g in trainer.weight_gradients()),
        results=results_from_outputs(trainer.head, evaluated_outputs(trainer), trainer.dataset.y_train,
                                     trainer.dataset.y_test),
        recent_grad_norms=frozen_copy(trainer.history.column("grad_norms")[-WINDOW:]),
        engine=trainer.engine,
    )
