"""Engine speed against its targets (a script, not a test): prints each figure beside its target.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--seconds S] [--crossover]``.

The workload is TensorFlow Playground's: spiral, 500 points, noise 0, half of them for
training (250 rows), inputs x and y, tanh, mse, learning rate 0.03, batch 10, rows in a fixed
order, and after every epoch the training and test loss. Each case is measured for the numpy
engine, the compiled kernel (``core.kernel``) and, when its build is present, TensorFlow
Playground's own engine (``cpu_paths``), one after the other in the same minute. Our figures
are the best of ten windows (slower windows measure the machine's other load, which on this
shared machine moves every figure by 10-50 % from minute to minute), by the wall clock and
by the training thread's CPU time. The whole run is repeated on numpy's AVX2 path.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import cpu_paths  # noqa: E402
import numpy as np  # noqa: E402

from playground.core import engines  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.core.trainer import Trainer  # noqa: E402

# (name, hidden layers, points, batch size, target epochs/s, target × the peer)
CASES = [
    ("spiral 6x8 tanh, batch 10", (8,) * 6, 500, 10, 1200, 5.0),
    ("spiral [4, 2] tanh, batch 10", (4, 2), 500, 10, 9000, 3.0),
    ("wide 10x64, 1,000 points, batch 32", (64,) * 10, 1000, 32, None, None),
]
WINDOWS = 10
CROSSOVER_WIDTHS = (8, 16, 24, 32, 48, 64, 96, 128)


def bench_spec(hidden: tuple[int, ...], points: int, batch: int) -> ExperimentSpec:
    return ExperimentSpec(data=DataSpec(name="spiral", points=points), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=batch, shuffle=False))


def epochs_per_second(spec: ExperimentSpec, engine: str, seconds: float) -> tuple[float, float]:
    """(wall-clock best, CPU-time best) epochs per second over ``WINDOWS`` windows."""
    trainer = Trainer(spec, engine=engine)
    assert trainer.engine == engine, f"asked for {engine}, got {trainer.engine}"
    trainer.train_for(min(0.2, seconds / 5))  # warm-up
    walls, cpus = [], []
    for _ in range(WINDOWS):
        wall, cpu = time.perf_counter(), time.thread_time()
        done = trainer.train_for(seconds / WINDOWS)
        walls.append(done / (time.perf_counter() - wall))
        cpus.append(done / max(time.thread_time() - cpu, 1e-9))
    return max(walls), max(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case and engine")
    parser.add_argument("--crossover", action="store_true",
                        help="also time both engines on 2 hidden layers of growing width")
    parser.add_argument(cpu_paths.PATH_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cpu_paths.print_header()
    kernel = engines.prepare_kernel()
    if not kernel:
        print(f"   the compiled engine is unavailable: {engines.kernel_failure()}")
    print(f"{'epochs/s':36s} {'numpy':>9s} {'(CPU)':>9s} {'kernel':>9s} {'(CPU)':>9s} {'peer':>8s} {'× peer':>7s}"
          "  target (wall clock of the engine auto picks)")
    for name, hidden, points, batch, target, times_peer in CASES:
        spec = bench_spec(hidden, points, batch)
        chosen = engines.choose("auto", spec)
        numpy_wall, numpy_cpu = epochs_per_second(spec, "numpy", args.seconds)
        nan = float("nan")
        wall, cpu = epochs_per_second(spec, chosen, args.seconds) if chosen != "numpy" else (numpy_wall, nan)
        peer = cpu_paths.peer_epochs_per_second(hidden, args.seconds) if points == 500 else None
        ratio = wall / peer if peer else None
        if target is None:  # the wide case: whichever engine auto picks is no slower than numpy
            wanted = f">= numpy (auto runs {chosen})"
            ok = wall >= 0.95 * numpy_wall
        else:
            wanted = f">= {target:,} and >= {times_peer:g} x peer"
            ok = wall >= target and (ratio is None or ratio >= times_peer)
        print(f"{name:36s} {numpy_wall:9,.0f} {numpy_cpu:9,.0f} {wall if chosen != 'numpy' else nan:9,.0f} "
              f"{cpu:9,.0f} {peer or nan:8,.0f} {ratio or nan:7.1f}  {wanted}  {'ok' if ok else 'BELOW'}")
    if args.crossover and kernel:
        print("\n2 hidden tanh layers of width w, spiral 250 training rows, batch 10: epochs/s by CPU time")
        engines.KERNEL_MAX_WIDTH = 10**6  # let the kernel run the wide ones too
        for width in CROSSOVER_WIDTHS:
            spec = bench_spec((width, width), 500, 10)
            _, a = epochs_per_second(spec, "numpy", args.seconds / 2)
            _, b = epochs_per_second(spec, "kernel", args.seconds / 2)
            print(f"  width {width:3d}: numpy {a:8,.0f}  kernel {b:8,.0f}  kernel/numpy {b / a:5.2f}")
    sys.stdout.flush()
    return cpu_paths.rerun_on_avx2_path(__file__, sys.argv[1:])


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        sys.exit(main())
