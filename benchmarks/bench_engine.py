"""Engine speed against its targets (a script, not a test): prints each figure beside its target.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--seconds S]``.
Figures are epochs per second on spiral (250 training points, tanh, lr 0.03,
mse), counting the per-epoch train/test loss: the best of ten windows (as
``timeit`` advises: slower windows measure the machine's other load, which on
this shared virtual machine moves every figure by 10-20 % from minute to minute),
by the wall clock and by the training thread's own CPU time (what an otherwise
idle core would give; on 2 shared cores the wall clock also counts time lost to
other processes), and the median window's CPU-time figure, to show that spread.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from playground.core.network import run_calls  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.core.trainer import Trainer  # noqa: E402

# (name, hidden layers, batch size, target epochs/s)
CASES = [
    ("spiral 6x8, batch 10", (8,) * 6, 10, 1900),
    ("spiral [4, 2], batch 10", (4, 2), 10, 4500),
    ("spiral 6x8, full batch", (8,) * 6, 250, 10_000),
]
GRID_TARGET_MS = 1.5


WINDOWS = 10


def epochs_per_second(hidden: tuple[int, ...], batch: int, seconds: float) -> tuple[float, float, float]:
    """(wall-clock best, CPU-time best, CPU-time median) epochs per second over ``WINDOWS`` windows."""
    spec = ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=batch, shuffle=False))
    trainer = Trainer(spec)
    trainer.train(20)  # warm-up
    walls, cpus = [], []
    for _ in range(WINDOWS):
        wall, cpu = time.perf_counter(), time.thread_time()
        done = trainer.train_for(seconds / WINDOWS)
        walls.append(done / (time.perf_counter() - wall))
        cpus.append(done / (time.thread_time() - cpu))
    return max(walls), max(cpus), float(np.median(cpus))


def full_batch_breakdown(hidden: tuple[int, ...] = (8,) * 6) -> dict[str, float]:
    """Microseconds per full-batch epoch, by part (best of several runs of each part alone)."""
    spec = ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=250, shuffle=False))
    trainer = Trainer(spec)
    trainer.train(50)
    # The trainer's own buffers and bound calls (private: this is a measuring tool).
    forward = trainer._workspace("eval").forward_calls(trainer._x_eval)
    refresh = trainer._refresh
    parts = {
        "backward pass and update": lambda: run_calls(trainer._after_forward),
        "forward pass, both sets": lambda: run_calls(forward),
        "copy of the training columns": lambda: run_calls(refresh),
        "forward pass and metrics": lambda: run_calls(trainer.metrics_calc.calls),
        "whole epoch": lambda: trainer.train(1),
    }
    out = {}
    with np.errstate(all="ignore"):
        for name, fn in parts.items():
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(2000):
                    fn()
                best = min(best, (time.perf_counter() - start) / 2000)
            out[name] = best * 1e6
    return out


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
    parser.add_argument("--breakdown", action="store_true", help="also time the parts of a full-batch epoch")
    args = parser.parse_args()
    print(f"{'case':34s} {'wall clock':>12s} {'CPU time':>12s} {'(median)':>12s} {'target':>12s}")
    for name, hidden, batch, target in CASES:
        wall, cpu, typical = epochs_per_second(hidden, batch, args.seconds)
        mark = "ok" if wall >= target else ("ok on an idle core" if cpu >= target else "BELOW")
        print(f"{name:34s} {wall:7.0f} ep/s {cpu:7.0f} ep/s {typical:7.0f} ep/s {target:7.0f} ep/s  {mark}")
    ms = grid_milliseconds()
    mark = "ok" if ms <= GRID_TARGET_MS else "ABOVE"
    print(f"{'grid 100x100, all neurons, 6x8':34s} {ms:9.2f} ms {'':25s} {GRID_TARGET_MS:9.2f} ms  {mark}")
    if args.breakdown:
        print("\nfull batch 6x8, microseconds per epoch (each part timed alone):")
        for name, us in full_batch_breakdown().items():
            print(f"  {name:32s} {us:7.1f} µs")


if __name__ == "__main__":
    main()
