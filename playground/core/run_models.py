"""A kept run's network rebuilt from its final weights, and its decision boundary.

The Runs panel draws each compared run's final decision boundary as a small
picture: the run's weights in a fresh :class:`~playground.core.network.Network`,
evaluated with the same grid code as the live boundary (``grid.GridEvaluator``).
Experiment files check a stored run's weights against :func:`network_for`.
"""

from __future__ import annotations

from playground.core.dataset import Dataset
from playground.core.grid import MIN_RESOLUTION, GridEvaluator
from playground.core.losses import output_head
from playground.core.network import Network
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
