"""A kept run's network rebuilt from its final weights: its decision boundary, and a state that continues it.

The Runs panel draws each compared run's final decision boundary as a small
picture, and restoring a run hands the worker a training state. Both start
from the run's weights in a fresh :class:`~playground.core.network.Network`,
evaluated with the same grid code as the live boundary (``grid.GridEvaluator``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.dataset import Dataset
from playground.core.grid import MIN_RESOLUTION, GridEvaluator
from playground.core.losses import output_head
from playground.core.network import Network
from playground.core.optimizers import make_optimizer
from playground.core.runs import Run
from playground.core.snapshot import GridOutput
from playground.core.spec import ExperimentSpec
from playground.core.spec_limits import picture_resolution

#: Cells a side of a run's small boundary picture: coarse, it is drawn at about 120 px.
STRIP_RESOLUTION = 40


def network_for(spec: ExperimentSpec, data: Dataset) -> Network:
    """A float64 network of ``spec``'s architecture for ``data`` (its weights zero); ``ValueError`` when
    the loss does not fit the data."""
    head = output_head(data.problem, spec.training.loss, data.classes)
    net = Network((len(spec.features), *spec.network.hidden, head.n_outputs), spec.network.activations, head)
    net.set_switched_off(spec.network.switched_off)
    return net


def run_network(run: Run) -> Network:
    """A float64 network of the run's architecture holding its final weights (checked: names, shapes, finite)."""
    net = network_for(run.spec, run.dataset)
    net.load_state_dict(dict(run.weights))
    return net


def run_boundary(run: Run, resolution: int = STRIP_RESOLUTION) -> GridOutput:
    """The run's output on a grid over its data's domain: ``resolution``² cells, or fewer for a
    network too big for that within the work budget; no neuron images."""
    net = run_network(run)
    n = picture_resolution(net.n_params, resolution, MIN_RESOLUTION)
    grid = GridEvaluator(net, run.spec.features, run.dataset.domain(), n).evaluate(with_neurons=False)
    assert grid is not None  # only a keep_going callback can stop it
    return grid


def picture_cost(run: Run, resolution: int = STRIP_RESOLUTION) -> int:
    """About how many multiply-adds :func:`run_boundary` takes (parameters × cells)."""
    params = network_for(run.spec, run.dataset).n_params
    n = picture_resolution(params, resolution, MIN_RESOLUTION)
    return params * n * n


def start_state(spec: ExperimentSpec, data: Dataset, weights: dict[str, np.ndarray]) -> dict[str, Any]:
    """A ``Trainer.set_state`` state at epoch 0 from ``weights`` (``layers.{i}.weight``/``bias``, checked
    to fit ``spec``: ``ValueError`` otherwise) with a fresh optimizer: a run that starts from them."""
    net = network_for(spec, data)
    net.load_state_dict(dict(weights))
    return {"weights": net.state_dict(), "epoch": 0, "batches": 0,
            "optimizer": make_optimizer(spec.training.optimizer, net.weight_mask).get_state()}


def restore_state(run: Run) -> dict[str, Any]:
    """A ``Trainer.set_state`` state that continues the run: its final weights, epoch, update count
    and (thinned) history; a fresh optimizer, as after any edit that swaps the weights."""
    h = run.history
    history = {"every": 1, "epochs": h.epochs.copy(), "train_loss": h.train_loss.copy(),
               "test_loss": h.test_loss.copy(), "train_accuracy": h.train_accuracy.copy(),
               "test_accuracy": h.test_accuracy.copy(), "grad_norms": h.grad_norms.copy()}
    return {**start_state(run.spec, run.dataset, run.weights), "epoch": run.epoch, "batches": run.batches,
            "history": history}
