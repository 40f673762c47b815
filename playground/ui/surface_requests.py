"""The loss surface's requests of the training worker (answered in the worker thread; no Qt here).

``surface_job`` lays a plane through the current weights (random directions, or the principal
components of the path the UI collected) and answers a :class:`SurfaceSetup`; ``surface_rows``
evaluates a few rows of its grid on the training points, a piece short enough to keep the worker's
slices short. The UI asks for the next piece only after a pause nine times as long as the last one
took, so the surface gets at most a tenth of the worker's time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.dataset import frozen_copy
from playground.core.inspector import InspectError
from playground.core.loss_surface import SurfaceJob, evaluate_rows, layer_shapes, pca_plane, random_plane, trainer_job
from playground.core.trainer import Trainer

#: Beyond this many parameters a surface says nothing a learner can read, and a principal
#: component analysis of the path gets slow: it is refused with a message.
MAX_SURFACE_PARAMS = 100_000


@dataclass(frozen=True, eq=False)
class SurfaceSetup:
    """A grid to evaluate, the path projected on its plane (m, 2), the training loss now, and the update count."""

    job: SurfaceJob
    path: np.ndarray
    train_loss: float
    batches: int


def _job(trainer: Trainer, argument: Any) -> SurfaceSetup:
    kind, trajectory = argument
    net = trainer.network
    if net.n_params > MAX_SURFACE_PARAMS:
        raise InspectError(f"loss surface: the network has {net.n_params:,} weights; it draws networks of up "
                           f"to {MAX_SURFACE_PARAMS:,}")
    state = net.state_dict()
    weights = [np.asarray(state[f"layers.{i}.weight"], dtype=np.float64) for i in range(net.n_layers)]
    biases = [np.asarray(state[f"layers.{i}.bias"], dtype=np.float64) for i in range(net.n_layers)]
    here = np.asarray(net.params, dtype=np.float64).copy()
    path = np.asarray(trajectory, dtype=np.float64) if trajectory is not None else np.zeros((0, net.n_params))
    if path.ndim != 2 or path.shape[1] != net.n_params:
        path = np.zeros((0, net.n_params))  # the network changed since the path was collected
    path = np.vstack([path, here])
    plane = pca_plane(path, here) if kind == "pca" and len(path) > 2 else random_plane(weights, biases)
    projected = plane.project(path)
    # a random plane shows at least a weight's size each way; a path's plane fits the path
    job = trainer_job(trainer, plane, projected, half_width=1.0 if plane.kind == "random" else 0.0)
    return SurfaceSetup(job, frozen_copy(projected), float(trainer.train_loss), int(trainer.batches))


def _rows(trainer: Trainer, argument: Any) -> tuple[int, np.ndarray, float]:
    """(start, losses (rows, R), seconds it took) for grid rows start…stop."""
    job, start, stop = argument
    net = trainer.network
    if layer_shapes(net) != job.shapes:
        raise InspectError("loss surface: the network changed; the surface is made again")
    began = time.perf_counter()
    rows = evaluate_rows(job, trainer.x_train[:, :-1], trainer.t_train, trainer.head, start, stop)
    return start, frozen_copy(rows), time.perf_counter() - began


HANDLERS: dict[str, Callable[[Trainer, Any], Any]] = {
    "surface_job": _job,
    "surface_rows": _rows,
}
