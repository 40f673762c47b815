"""Several runs from the same start on the same problem, their paths on one shared loss surface.

Each run is the experiment with one setting changed (the optimizer, the learning rate): the same
initial weights (they depend on the seed and initialiser only), the same points and batches. The
plane is the top two principal components of the runs' joined weight paths, through the common
start, so every path is seen on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.core.dataset import Dataset, frozen_copy
from playground.core.loss_surface import Plane, SurfaceJob, evaluate_rows, pca_plane, trainer_job
from playground.core.spec import ExperimentSpec
from playground.core.trainer import Trainer, TrainingDiverged

#: The optimizers compared by default: plain SGD, momentum and Adam.
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")


@dataclass(frozen=True, eq=False)
class Race:
    """The shared plane, each run's path (m, 2) and final training loss, and the loss on the grid (R, R)."""

    plane: Plane
    paths: dict[str, np.ndarray]
    final_loss: dict[str, float]
    job: SurfaceJob
    grid: np.ndarray


def flat_weights(trainer: Trainer) -> np.ndarray:
    """The trainer's weights as one vector laid out as ``reference_network.flatten``."""
    return np.asarray(trainer.network.params, dtype=np.float64).copy()


def run_path(spec: ExperimentSpec, dataset: Dataset | None, epochs: int) -> tuple[np.ndarray, float, Trainer]:
    """Train ``spec`` for ``epochs``, recording the weights at the start and after every epoch: (epochs + 1, P)."""
    trainer = Trainer(spec, dataset)
    path = [flat_weights(trainer)]
    for _ in range(epochs):
        try:
            trainer.step_epoch()
        except TrainingDiverged:
            break  # the path so far shows the jump; the loss is reported as infinite
        path.append(flat_weights(trainer))
    loss = trainer.train_loss if trainer.divergence is None else float("inf")
    return np.array(path), loss, trainer


def race(spec: ExperimentSpec, dataset: Dataset | None = None, optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
         epochs: int = 60, resolution: int | None = None) -> Race:
    """Run ``spec`` once per optimizer (its learning rate kept) and lay the paths on one shared plane;
    the paths are named by the optimizers."""
    runs = {name: spec.replace(training=dataclasses.replace(
        spec.training, optimizer=dataclasses.replace(spec.training.optimizer, name=name))) for name in optimizers}
    return race_runs(runs, dataset, epochs, resolution)


def race_runs(runs: dict[str, ExperimentSpec], dataset: Dataset | None = None, epochs: int = 60,
              resolution: int | None = None) -> Race:
    """Train each named experiment (the same network and seed, so the same start: e.g. one per learning
    rate or optimizer) and lay their paths on one shared plane through the common start.

    Raises ``ValueError`` when the experiments do not start from the same weights."""
    paths, losses, trainer = {}, {}, None
    for label, spec in runs.items():
        path, loss, trainer = run_path(spec, dataset, epochs)
        paths[label], losses[label] = path, loss
    if trainer is None:
        raise ValueError("a race needs at least one run")
    starts = [p[0] for p in paths.values()]
    if any(s.shape != starts[0].shape or not np.array_equal(s, starts[0]) for s in starts):
        raise ValueError("the runs of a race must start from the same weights (same network, seed and initialiser)")
    plane = pca_plane(np.concatenate(list(paths.values())), starts[0])
    projected = {label: frozen_copy(plane.project(p)) for label, p in paths.items()}
    job = trainer_job(trainer, plane, np.concatenate(list(projected.values())), resolution, half_width=0.0)
    grid = evaluate_rows(job, trainer.x_train[:, :-1], trainer.t_train, trainer.head, 0, job.resolution)
    return Race(plane, projected, losses, job, frozen_copy(grid))
