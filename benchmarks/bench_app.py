"""The desktop app under load, against its targets (a script, not a test): prints each figure beside its target.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_app.py [--quick] [--seconds S]``.

Offscreen, the real main window with every live view visible (the weights and
gradient-flow docks side by side), a 100 × 100 boundary, spiral with 6 hidden
layers of 8 tanh neurons, batch 10, trained at maximum speed:

- worker epochs/s while the views draw (target ≥ 1,000)
- snapshots drawn/s: painted and acknowledged (target ≥ 30); each view's own redraws/s are
  printed too (the decision boundary and the network diagram draw every snapshot; the loss,
  weight and gradient-flow charts are capped at a few a second, see their ``MAX_FPS``)
- UI event-loop latency: a 5 ms timer probe's lateness, p50/p99/max (max < 50 ms); beside it the UI
  thread's longest CPU stretch between two probes (the time other processes take is not in it, though
  after such a pause the events that piled up run in one stretch)
- startup: process launch to a painted window, in a fresh interpreter (< 2 s)
- RSS growth over 100,000 epochs after warm-up (< 50 MB; ``--quick``: 10,000)

The run trains on the engine the app picks (the compiled kernel, made ready first, as the app
does in the background a moment after start); the startup figure includes starting that
background preparation. Everything is measured again on numpy's AVX2 path (``cpu_paths``).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import cpu_paths  # noqa: E402
import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.core import engines  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.ui.app import collect_garbage_on_this_thread, configure_interpreter, make_application  # noqa: E402
from playground.ui.callouts import SEEN_KEY  # noqa: E402
from playground.ui.main_window import MainWindow  # noqa: E402

PROBE_MS = 5
#: Seconds after the first 200 epochs before measuring (see the warm-up in main).
WARM_UP_SECONDS = 1.5
STARTUP_CODE = """
import time, sys
t_import = time.perf_counter()
from PySide6.QtCore import QSettings, QTimer
from playground.ui.app import make_application, configure_interpreter
from playground.ui.main_window import MainWindow
from playground.ui import engine_status
configure_interpreter()
app = make_application([])
w = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
w.show()
warm = engine_status.install(w)  # as app.run: the compiled engine prepared in the background
def painted():
    print("visible", flush=True)
    w.setWindowModified(False)  # no "save changes?" question: the benchmark closes offscreen
    w.close()
    app.quit()
w.controller.snapshot_ready.connect(lambda s: QTimer.singleShot(0, painted))
app.exec()
warm.join()
"""


def bench_spec() -> ExperimentSpec:
    return ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform((8,) * 6, "tanh"),
                          training=TrainingSpec(batch_size=10))


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def thread_cpu_seconds(name_prefix: str | None) -> float:
    """CPU seconds used so far by this process's thread whose OS name starts with ``name_prefix``
    (Qt names a QThread's OS thread after its object name; None: the main thread), NaN when
    there is none."""
    ticks = os.sysconf("SC_CLK_TCK")
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as f:
                if name_prefix is None and int(task) != os.getpid():
                    continue
                if name_prefix is not None and not f.read().startswith(name_prefix):
                    continue
            with open(f"/proc/self/task/{task}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except OSError:
            continue
    return float("nan")


def startup_seconds(tmp_ini: str) -> float:
    """Wall time from launching a fresh interpreter to the first painted snapshot."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", STARTUP_CODE, tmp_ini], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    elapsed = time.perf_counter() - t0
    proc.wait(timeout=30)
    return elapsed if "visible" in line else float("nan")


class Probe:
    """Counts painted snapshots and measures how late a 5 ms UI-thread timer fires."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.lateness: list[float] = []
        #: UI-thread CPU seconds between two ticks: unlike lateness, without the time other processes
        #: took the CPU (the events that piled up meanwhile still run in one stretch)
        self.cpu_between: list[float] = []
        self._last_cpu = time.thread_time()
        self.snapshots = 0
        self.epochs: list[tuple[float, int]] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        window.controller.snapshot_ready.connect(self._on_snapshot)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.lateness.append(max(0.0, now - self._last - PROBE_MS / 1000))
        self.cpu_between.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def _on_snapshot(self, snapshot) -> None:
        self.snapshots += 1
        self.epochs.append((time.perf_counter(), snapshot.epoch))

    def start(self) -> None:
        self.lateness.clear()
        self.cpu_between.clear()
        self.snapshots = 0
        self.epochs.clear()
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()


def count_draws(w: MainWindow) -> dict[str, list[int]]:
    """Count each view's redraws from now on: the throttled ones' draws, the others' snapshots."""
    counts: dict[str, list[int]] = {}
    for view in w.views:
        n = counts.setdefault(type(view).__name__, [0])
        owner, attr = (view.throttle, "draw") if hasattr(view, "throttle") else (view, "show_snapshot")
        original = getattr(owner, attr)

        def counted(*args, _original=original, _n=n):
            _n[0] += 1
            return _original(*args)

        setattr(owner, attr, counted)
    return counts


def show_every_view(w: MainWindow) -> None:
    """Show the window with every live view on screen: the docks under the main views (tabbed by
    default: weights, gradient flow, histograms, results) side by side."""
    docks = [w.weights_dock, w.gradient_dock, w.histograms_dock, w.results_dock]
    for dock in docks:
        w.removeDockWidget(dock)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, docks[0])
    w.splitDockWidget(w.loss_dock, docks[0], Qt.Orientation.Horizontal)
    for left, right in itertools.pairwise(docks):
        w.splitDockWidget(left, right, Qt.Orientation.Horizontal)
    for dock in docks:
        dock.show()
    w.show()


def run_until(app: QApplication, cond, timeout: float) -> None:
    """Run the real event loop until ``cond()`` or ``timeout`` seconds."""
    deadline = time.perf_counter() + timeout
    loop = QEventLoop()
    check = QTimer()
    check.timeout.connect(lambda: loop.quit() if cond() or time.perf_counter() >= deadline else None)
    check.start(20)
    loop.exec()
    check.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 epochs for the memory figure")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the speed measurement")
    parser.add_argument("--per-view", action="store_true",
                        help="also measure each view alone (which one costs the worker its speed)")
    parser.add_argument(cpu_paths.PATH_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rerun = cpu_paths.in_own_session(__file__, sys.argv[1:])
    if rerun is not None:
        return rerun
    cpu_paths.print_header()
    memory_epochs = 10_000 if args.quick else 100_000
    ini = f"/tmp/bench_app_{os.getpid()}.ini"

    returning = QSettings(ini, QSettings.Format.IniFormat)
    returning.setValue(SEEN_KEY, True)  # measured as a returning user sees it: no first-start tips over the views
    returning.sync()
    startup = startup_seconds(ini)
    engines.prepare_kernel()  # what the app's background preparation leaves

    configure_interpreter()
    app = make_application([])
    w = MainWindow(bench_spec(), settings=QSettings(ini, QSettings.Format.IniFormat))
    w.transport.set_speed(0.0)  # measured flat out, whatever the app's first start or settings choose
    collector = collect_garbage_on_this_thread()  # as the app does
    w.resize(1600, 1000)
    show_every_view(w)
    probe = Probe(w)
    c = w.controller
    run_until(app, lambda: c.last_snapshot is not None, 10)
    hidden = [type(v).__name__ for v in w.views if v.visibleRegion().isEmpty()]
    if hidden:
        print(f"not every view is visible ({', '.join(hidden)}): the figures would flatter", file=sys.stderr)
        return 1

    engine = c.last_snapshot.engine
    c.play()
    # Warm-up: 200 epochs, and time for the views' first builds (each view's plots and curves, made
    # once when it is first drawn: a few turns of tens of milliseconds, not live training's cost).
    run_until(app, lambda: c.last_snapshot.epoch >= 200, 30)
    run_until(app, lambda: False, WARM_UP_SECONDS)
    draws = count_draws(w)
    probe.start()
    worker_cpu0, ui_cpu0 = thread_cpu_seconds("training-work"), thread_cpu_seconds(None)
    t0 = time.perf_counter()
    run_until(app, lambda: False, args.seconds)
    elapsed = time.perf_counter() - t0
    worker_cpu = thread_cpu_seconds("training-work") - worker_cpu0
    ui_cpu = thread_cpu_seconds(None) - ui_cpu0
    (ta, ea), (tb, eb) = probe.epochs[0], probe.epochs[-1]
    epochs_per_s = (eb - ea) / (tb - ta)
    per_worker_cpu = (eb - ea) / worker_cpu if worker_cpu > 0 else float("nan")
    redraws_per_s = probe.snapshots / elapsed
    view_rates = {name: n[0] / elapsed for name, n in draws.items()}
    late_ms = np.array(probe.lateness) * 1000
    p50, p99, worst = (float(np.percentile(late_ms, 50)), float(np.percentile(late_ms, 99)),
                       float(late_ms.max()))
    longest_cpu = float(np.max(probe.cpu_between)) * 1000 if probe.cpu_between else float("nan")

    per_view = measure_each_view(app, w, args.seconds / 2) if args.per_view else []

    rss0, e0 = rss_mb(), c.last_snapshot.epoch
    run_until(app, lambda: c.last_snapshot.epoch >= e0 + memory_epochs, 3600)
    growth = rss_mb() - rss0
    done = c.last_snapshot.epoch - e0
    w.setWindowModified(False)  # no "save changes?" question: the benchmark closes offscreen
    w.close()
    collector.timer.stop()
    gc.unfreeze()
    gc.enable()
    os.remove(ini) if os.path.exists(ini) else None

    rows = [
        ("worker epochs/s (views on)", f"{epochs_per_s:,.0f}", ">= 1,000", epochs_per_s >= 1000),
        ("  per CPU-second of the worker thread", f"{per_worker_cpu:,.0f}", "", True),
        ("  share of a core the worker got", f"{worker_cpu / elapsed:.2f}", "", True),
        ("  share of a core the UI thread used", f"{ui_cpu / elapsed:.2f}", "", True),
        ("snapshots drawn/s", f"{redraws_per_s:.1f}", ">= 30", redraws_per_s >= 30),
        ("UI latency p50 (ms)", f"{p50:.1f}", "", True),
        ("UI latency p99 (ms)", f"{p99:.1f}", "", True),
        ("UI latency max (ms)", f"{worst:.1f}", "< 50", worst < 50),
        ("  longest UI-thread CPU stretch (ms)", f"{longest_cpu:.1f}", "", True),
        ("startup to visible (s)", f"{startup:.2f}", "< 2", startup < 2),
        (f"RSS growth over {done:,} epochs (MB)", f"{growth:.1f}", "< 50", growth < 50),
    ]
    print(f"engine: {engine}")
    print(f"{'figure':<38} {'value':>10}  {'target':<9} ok")
    for name, value, target, ok in rows:
        print(f"{name:<38} {value:>10}  {target:<9} {'yes' if ok else 'NO'}")
    print("\neach view's own redraws/s (the charts under the main views are capped: see their MAX_FPS):")
    print("  " + ", ".join(f"{name} {rate:.1f}" for name, rate in view_rates.items()))
    if per_view:
        print(f"\n{'only this view updated':<24} {'epochs/s':>9} {'redraws/s':>10}")
        for name, eps, fps in per_view:
            print(f"{name:<24} {eps:>9,.0f} {fps:>10.1f}")
    sys.stdout.flush()
    return cpu_paths.rerun_on_avx2_path(__file__, sys.argv[1:])


def measure_each_view(app: QApplication, w: MainWindow, seconds: float) -> list[tuple[str, float, float]]:
    """Worker epochs/s and redraws/s with no view, then each view alone, receiving snapshots."""
    c = w.controller
    all_views = w.views
    out = []
    for name, views in [("no view", ())] + [(type(v).__name__, (v,)) for v in all_views]:
        w.views = views
        count = [0]
        c.snapshot_ready.connect(lambda s, n=count: n.__setitem__(0, n[0] + 1))
        t0, e0 = time.perf_counter(), c.last_snapshot.epoch
        run_until(app, lambda: False, seconds)
        el = time.perf_counter() - t0
        out.append((name, (c.last_snapshot.epoch - e0) / el, count[0] / el))
        c.snapshot_ready.disconnect()
        c.snapshot_ready.connect(w._on_snapshot)
    w.views = all_views
    return out


if __name__ == "__main__":
    sys.exit(main())
