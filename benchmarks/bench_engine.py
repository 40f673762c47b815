"""Engine speed against its targets (a script, not a test): prints each figure beside its target.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--seconds S]``.
Figures are wall-clock epochs per second on spiral (250 training points, tanh,
lr 0.03, mse), counting the per-epoch train/test loss, best of a few runs.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.core.trainer import Trainer  # noqa: E402

# (name, hidden layers, batch size, target epochs/s)
CASES = [
    ("spiral 6x8, batch 10", (8,) * 6, 10, 1900),
    ("spiral [4, 2], batch 10", (4, 2), 10, 4500),
    ("spiral 6x8, full batch", (8,) * 6, 250, 10_000),
]
GRID_TARGET_MS = 1.5


def epochs_per_second(hidden: tuple[int, ...], batch: int, seconds: float) -> float:
    spec = ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=batch, shuffle=False))
    trainer = Trainer(spec)
    trainer.train(20)  # warm-up
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        done = trainer.train_for(seconds / 3)
        best = max(best, done / (time.perf_counter() - start))
    return best


def grid_milliseconds(resolution: int = 100) -> float:
    spec = ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform((8,) * 6))
    trainer = Trainer(spec)
    trainer.evaluate_grid(resolution)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        trainer.evaluate_grid(resolution, with_neurons=True)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case")
    args = parser.parse_args()
    print(f"{'case':34s} {'measured':>12s} {'target':>12s}")
    for name, hidden, batch, target in CASES:
        eps = epochs_per_second(hidden, batch, args.seconds)
        mark = "ok" if eps >= target else "BELOW"
        print(f"{name:34s} {eps:9.0f} ep/s {target:9.0f} ep/s  {mark}")
    ms = grid_milliseconds()
    mark = "ok" if ms <= GRID_TARGET_MS else "ABOVE"
    print(f"{'grid 100x100, all neurons, 6x8':34s} {ms:10.2f} ms {GRID_TARGET_MS:10.2f} ms  {mark}")


if __name__ == "__main__":
    main()
