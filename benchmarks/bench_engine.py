"""Engine speed against its targets (a script, not a test): prints each figure beside its target.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--seconds S] [--crossover]``.

The workload is TensorFlow Playground's: spiral, 500 points, noise 0, half of them for
training (250 rows), inputs x and y, tanh, mse, learning rate 0.03, batch 10, rows in a fixed
order, and after every epoch the training and test loss. Each case is measured for the numpy
engine, the compiled kernel (``core.kernel``) and, when its build is present, TensorFlow
Playground's own engine (``cpu_paths``), one after the other in the same minute. Our figures
are the best of ten windows (slower windows measure the machine's other load, which on this
shared machine moves every figure by 10-50 % from minute to minute), by the wall clock and
by the training thread's CPU time; the peer's by the wall clock and scaled by its process's
wall over CPU time. A target counts as met by CPU time (what an otherwise idle core gives)
when the shared machine's load keeps the wall clock below it, and the ratio to the peer is
taken by CPU time. The whole run is repeated on numpy's AVX2 path.

The numpy engine's own jobs follow (wide layers, and the fallback when the kernel is missing:
narrow networks, float32, TensorFlow Playground's mode), by CPU time, beside what the numpy
engine did before its tricks were pruned to those with a measured gain.
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
from playground.core.network import run_calls  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.core.trainer import Trainer  # noqa: E402

# (name, hidden layers, points, batch size, target epochs/s, target × the peer)
CASES = [
    ("spiral 6x8 tanh, batch 10", (8,) * 6, 500, 10, 1200, 5.0),
    ("spiral [4, 2] tanh, batch 10", (4, 2), 500, 10, 9000, 3.0),
    ("spiral 6x8 tanh, full batch", (8,) * 6, 500, 250, 10_000, None),
    ("wide 10x64, 1,000 points, batch 32", (64,) * 10, 1000, 32, None, None),
]
GRID_TARGET_MS = 1.5
#: The wide case's target: the numpy engine's 10 × 64 epochs/s by CPU time before it was pruned
#: (45–47 in a quiet minute on the AVX2 EPYC, 31–33 in a loaded one; the same minutes gave the
#: pruned engine 44–48). "No slower" allows 5 % of noise.
WIDE_TODAY_CPU = 45.0
#: The numpy engine's other jobs (the kernel unused): name, hidden layers, batch, dtype, page
#: mode, and epochs/s by CPU time before the pruning (best of three runs in a quiet minute).
NUMPY_JOBS = [
    ("fallback 6x8 tanh, batch 10", (8,) * 6, 10, np.float64, False, 850),
    ("fallback 6x8 tanh, full batch", (8,) * 6, 250, np.float64, False, 2200),
    ("float32 6x8 tanh, batch 10", (8,) * 6, 10, np.float32, False, 1290),
    ("page mode [4, 2] tanh, batch 10", (4, 2), 10, np.float64, True, 2650),
]
WINDOWS = 10
CROSSOVER_WIDTHS = (8, 16, 24, 32, 48, 64, 96, 128)


def bench_spec(hidden: tuple[int, ...], points: int, batch: int) -> ExperimentSpec:
    return ExperimentSpec(data=DataSpec(name="spiral", points=points), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=batch, shuffle=False))


def epochs_per_second(spec: ExperimentSpec, engine: str, seconds: float,
                      dtype: type = np.float64) -> tuple[float, float]:
    """(wall-clock best, CPU-time best) epochs per second over ``WINDOWS`` windows."""
    trainer = Trainer(spec, dtype=dtype, engine=engine)
    assert trainer.engine == engine, f"asked for {engine}, got {trainer.engine}"
    trainer.train_for(min(0.2, seconds / 5))  # warm-up
    walls, cpus = [], []
    for _ in range(WINDOWS):
        wall, cpu = time.perf_counter(), time.thread_time()
        done = trainer.train_for(seconds / WINDOWS)
        walls.append(done / (time.perf_counter() - wall))
        cpus.append(done / max(time.thread_time() - cpu, 1e-9))
    return max(walls), max(cpus)


def numpy_job_spec(hidden: tuple[int, ...], batch: int, page: bool) -> ExperimentSpec:
    """The spiral workload; in page mode the page's own 500 points (a link experiment's data)."""
    if not page:
        return bench_spec(hidden, 500, batch)
    return ExperimentSpec(data=DataSpec(name="spiral", noise=0.0, page_seed="0.5"), network=NetworkSpec.uniform(hidden),
                          training=TrainingSpec(batch_size=batch, shuffle=False))


def print_numpy_jobs(seconds: float) -> None:
    print(f"{'numpy engine, epochs/s by CPU time':36s} {'now':>9s} {'before':>9s}  (no slower: >= 95 % of before)")
    for name, hidden, batch, dtype, page, before in NUMPY_JOBS:
        _, cpu = epochs_per_second(numpy_job_spec(hidden, batch, page), "numpy", seconds, dtype)
        print(f"  {name:34s} {cpu:9,.0f} {before:9,}  {'ok' if cpu >= 0.95 * before else 'BELOW'}")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per case and engine")
    parser.add_argument("--crossover", action="store_true",
                        help="also time both engines on 2 hidden layers of growing width")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time the parts of the numpy engine's full-batch epoch")
    parser.add_argument(cpu_paths.PATH_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cpu_paths.print_header()
    kernel = engines.prepare_kernel()
    if not kernel:
        print(f"   the compiled engine is unavailable: {engines.kernel_failure()}")
    print(f"{'epochs/s':36s} {'numpy':>9s} {'(CPU)':>9s} {'kernel':>9s} {'(CPU)':>9s} {'peer':>8s} {'(CPU)':>8s}"
          f" {'× peer':>7s}  target (the engine auto picks; × peer by CPU time)")
    for name, hidden, points, batch, target, times_peer in CASES:
        spec = bench_spec(hidden, points, batch)
        chosen = engines.choose("auto", spec)
        numpy_wall, numpy_cpu = epochs_per_second(spec, "numpy", args.seconds)
        nan = float("nan")
        wall, cpu = epochs_per_second(spec, chosen, args.seconds) if chosen != "numpy" else (numpy_wall, nan)
        peer = cpu_paths.peer_epochs_per_second(hidden, args.seconds) if (points, batch) == (500, 10) else None
        peer_wall, peer_cpu = peer or (nan, nan)
        ours_cpu = cpu if chosen != "numpy" else numpy_cpu
        ratio = ours_cpu / peer_cpu if peer else None
        if target is None:  # the wide case: no slower than the numpy engine before its pruning
            wanted = f">= {WIDE_TODAY_CPU:g} (before the pruning) by CPU time (auto runs {chosen})"
            ok = ours_cpu >= 0.95 * WIDE_TODAY_CPU
        else:
            wanted = f">= {target:,}" + (f" and >= {times_peer:g} x peer" if times_peer else "")
            ok = ours_cpu >= target and (ratio is None or times_peer is None or ratio >= times_peer)
        mark = ("ok" if target is not None and wall >= target else "ok by CPU time") if ok else "BELOW"
        print(f"{name:36s} {numpy_wall:9,.0f} {numpy_cpu:9,.0f} {wall if chosen != 'numpy' else nan:9,.0f} "
              f"{cpu:9,.0f} {peer_wall:8,.0f} {peer_cpu:8,.0f} {ratio or nan:7.1f}  {wanted}  {mark}")
    print_numpy_jobs(args.seconds / 2)
    ms = grid_milliseconds()
    print(f"{'grid 100x100, all neurons, 6x8':36s} {ms:9.2f} ms (numpy; target {GRID_TARGET_MS} ms)  "
          f"{'ok' if ms <= GRID_TARGET_MS else 'ABOVE'}")
    if args.breakdown:
        print("\nnumpy engine, full batch 6x8, microseconds per epoch (each part timed alone):")
        for part, us in full_batch_breakdown().items():
            print(f"  {part:32s} {us:7.1f} µs")
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
