"""The inspector and the loss surface against their targets (a script, not a test): each figure beside its target.

Run: ``.venv/bin/python benchmarks/bench_backprop_views.py``.

On spiral with 4 features and the app's default 2 × 8 tanh network, and with 6 × 8 (six hidden
layers of 8):

- one inspection (every stage, the update on a copy): target < 50 ms
- the loss surface's grid resolution (target 41 for these sizes) and its whole grid's time
- the largest piece of the grid the UI asks for (the rows that fit in 40 ms): target < 50 ms
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from playground.core.inspector import inspect  # noqa: E402
from playground.core.loss_surface import evaluate_rows, random_plane, trainer_job  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec  # noqa: E402
from playground.core.trainer import Trainer  # noqa: E402

PIECE_SECONDS = 0.04  # as playground.ui.loss_surface asks


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(hidden: tuple[int, ...]) -> None:
    """Print the figures for spiral with ``hidden`` tanh layers."""
    spec = ExperimentSpec(data=DataSpec(name="spiral"), features=("x1", "x2", "sin_x1", "sin_x2"),
                          network=NetworkSpec.uniform(hidden, "tanh"))
    trainer = Trainer(spec)
    trainer.train(5)
    print(f"spiral, {' x '.join(map(str, hidden))} tanh, {trainer.network.n_params} parameters, "
          f"{trainer.dataset.n_train} training points")
    t = best_of(lambda: inspect(trainer, np.arange(10)))
    print(f"  inspection of a batch of 10: {1000 * t:7.2f} ms   (target < 50 ms)")
    state = trainer.network.state_dict()
    n = trainer.network.n_layers
    plane = random_plane([state[f"layers.{i}.weight"] for i in range(n)],
                         [state[f"layers.{i}.bias"] for i in range(n)])
    job = trainer_job(trainer, plane, None)
    x, targets = trainer.x_train[:, :-1], trainer.t_train
    print(f"  grid resolution: {job.resolution}²   (target 41² for these sizes)")
    whole = best_of(lambda: evaluate_rows(job, x, targets, trainer.head, 0, job.resolution), 2)
    per_row = whole / job.resolution
    rows = max(1, int(PIECE_SECONDS / per_row))
    piece = best_of(lambda: evaluate_rows(job, x, targets, trainer.head, 0, min(rows, job.resolution)))
    print(f"  whole grid: {1000 * whole:7.1f} ms (in pieces; at most a tenth of the worker's time while training)")
    print(f"  one piece of {rows} rows: {1000 * piece:7.2f} ms   (target < 50 ms)")


def main() -> None:
    for hidden in ((8, 8), (8,) * 6):
        measure(hidden)


if __name__ == "__main__":
    main()
