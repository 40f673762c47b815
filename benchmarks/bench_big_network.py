"""A big network in the app, and how fast a diagram edit shows (a script, not a test): each figure beside its target.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_big_network.py [--seconds S]``.

Offscreen, the real main window with every live view visible (as ``bench_app.py``):

- 10 hidden layers × 64 tanh neurons, spiral with 1,000 points, batch 10, trained at maximum
  speed: snapshots drawn per second (target ≥ 20), UI event-loop latency p99 (< 50 ms), and
  the worker's epochs/s, printed beside the same figure for 6 × 8 (``bench_app.py``'s network)
- a diagram edit while training (+1 neuron in the first hidden layer, then −1, as the
  diagram's "+"/"−" do): time from the edit to the diagram painted with the new column,
  median and worst of 10 (target < 100 ms), for both networks; beside it the UI thread's CPU
  time in that span (what a busy machine does not inflate as much as the wall clock) and the
  time until the new run's first picture (its neurons' images, made by the worker) is drawn
- the largest network (16 hidden layers × 256, 200 points) opened in the window: the UI thread's
  longest stall (a 5 ms timer's lateness) until its first picture is painted and a second after
  (target < 100 ms: the window never freezes)
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import cpu_paths  # noqa: E402
import numpy as np  # noqa: E402
from bench_app import Probe, run_until, show_every_view, thread_cpu_seconds  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer  # noqa: E402

from playground.core import engines  # noqa: E402
from playground.core.architecture_edit import AddNeuron, RemoveNeuron  # noqa: E402
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec  # noqa: E402
from playground.ui.app import collect_garbage_on_this_thread, configure_interpreter, make_application  # noqa: E402
from playground.ui.callouts import SEEN_KEY  # noqa: E402
from playground.ui.main_window import MainWindow  # noqa: E402

EDITS = 10


def spec(hidden: tuple[int, ...], points: int) -> ExperimentSpec:
    return ExperimentSpec(data=DataSpec(name="spiral", points=points), network=NetworkSpec.uniform(hidden, "tanh"),
                          training=TrainingSpec(batch_size=10))


def live_figures(app, w: MainWindow, seconds: float) -> tuple[float, float, float, float, float]:
    """(worker epochs/s, snapshots drawn/s, UI latency p99 ms, share of a core the UI thread used,
    share the worker got) while training flat out: a busy machine shows as a starved worker."""
    c = w.controller
    probe = Probe(w)
    c.play()
    run_until(app, lambda: c.last_snapshot.epoch >= 20, 60)  # warm-up
    probe.start()
    t0, ui0, worker0 = time.perf_counter(), thread_cpu_seconds(None), thread_cpu_seconds("training-work")
    run_until(app, lambda: False, seconds)
    elapsed = time.perf_counter() - t0
    ui = (thread_cpu_seconds(None) - ui0) / elapsed
    worker = (thread_cpu_seconds("training-work") - worker0) / elapsed
    (ta, ea), (tb, eb) = probe.epochs[0], probe.epochs[-1]
    late_ms = np.array(probe.lateness) * 1000
    probe.timer.stop()
    return (eb - ea) / max(tb - ta, 1e-9), probe.snapshots / elapsed, float(np.percentile(late_ms, 99)), ui, worker


def wait_until(cond, timeout: float) -> None:
    """Run the event loop until ``cond()``, looked at every millisecond (``run_until`` looks every 20)."""
    deadline = time.perf_counter() + timeout
    loop = QEventLoop()
    check = QTimer()
    check.setTimerType(Qt.TimerType.PreciseTimer)
    check.timeout.connect(lambda: loop.quit() if cond() or time.perf_counter() >= deadline else None)
    check.start(1)
    if not cond():
        loop.exec()
    check.stop()


class PaintedAfter(QObject):
    """When ``widget`` first painted after ``cond()`` became true: an event filter sees the paint
    (``cond()`` is looked at then); the paint is over when the call that made it returns
    (:meth:`returned`), or else when a zero timer started then fires (as PaintWatcher)."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.cond, self.at, self.seen = None, None, False
        widget.installEventFilter(self)

    def watch(self, cond) -> None:
        self.cond, self.at, self.seen = cond, None, False

    def returned(self) -> None:
        """The edit's call returned: a paint seen in it is over."""
        if self.seen and self.at is None:
            self.at = time.perf_counter()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if self.cond is not None and event.type() == QEvent.Type.Paint and self.cond():
            self.cond, self.seen = None, True
            QTimer.singleShot(0, self, self.returned)
        return False


def edit_latencies(app, w: MainWindow) -> tuple[list[float], list[float], list[float]]:
    """For each edit (alternately +1 and −1 neuron in layer 1, while training), seconds from the edit
    until the diagram has drawn the new architecture and painted it, until the new run's first
    picture is on it, and the UI thread's CPU seconds from the edit to the painted diagram."""
    view = w.network_view
    painted, pictures, cpu = [], [], []
    paint = PaintedAfter(view.view.viewport())
    for k in range(EDITS):
        size = w.spec.network.hidden[0]
        edit = AddNeuron(0) if k % 2 == 0 else RemoveNeuron(0, size - 1)
        target = size + (1 if k % 2 == 0 else -1)
        paint.watch(lambda t=target: len(view.neurons) > 1 and len(view.neurons[1]) == t)
        c0, t0 = time.thread_time(), time.perf_counter()
        w.session.apply_architecture_edit(edit)
        paint.returned()
        wait_until(lambda: paint.at is not None, 10)  # built, then painted
        painted.append(paint.at - t0)
        cpu.append(time.thread_time() - c0)
        generation = w.controller.generation
        wait_until(lambda g=generation: view._snapshot.generation == g and view._snapshot.grid is not None, 10)
        pictures.append(time.perf_counter() - t0)
        run_until(app, lambda: False, 0.2)  # training goes on between edits
    view.view.viewport().removeEventFilter(paint)
    return painted, pictures, cpu


def first_draw_stall(app, w: MainWindow) -> float:
    """The longest UI stall (ms) from switching to 16 × 256 until its first picture is painted, and 1 s after."""
    probe = Probe(w)
    probe.start()
    w.set_spec(spec((256,) * 16, 200), "the largest network")
    c = w.controller
    run_until(app, lambda: c.last_snapshot.layer_sizes[1] == 256 and not c._unacked, 120)
    run_until(app, lambda: False, 1.0)
    probe.timer.stop()
    return float(np.max(probe.lateness)) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each speed measurement")
    args = parser.parse_args()
    rerun = cpu_paths.in_own_session(__file__, sys.argv[1:])  # as an app started from a desktop
    if rerun is not None:
        return rerun
    engines.prepare_kernel()  # what the app's background preparation leaves
    ini = f"/tmp/bench_big_{os.getpid()}.ini"
    settings = QSettings(ini, QSettings.Format.IniFormat)
    settings.setValue(SEEN_KEY, True)  # no first-start tips over the views
    settings.sync()
    configure_interpreter()
    app = make_application([])
    collector = collect_garbage_on_this_thread()

    results = {}
    for name, hidden, points in (("6 × 8, 500 points", (8,) * 6, 500), ("10 × 64, 1,000 points", (64,) * 10, 1000)):
        w = MainWindow(spec(hidden, points), settings=QSettings(ini, QSettings.Format.IniFormat))
        w.transport.set_speed(0.0)
        w.resize(1600, 1000)
        show_every_view(w)
        run_until(app, lambda w=w: w.controller.last_snapshot is not None, 30)
        live = live_figures(app, w, args.seconds)
        edits = edit_latencies(app, w)
        results[name] = (live, edits)
        if hidden == (64,) * 10:
            w.controller.pause()
            run_until(app, lambda w=w: not w.controller.running, 10)
            stall = first_draw_stall(app, w)
        w.setWindowModified(False)  # no "save changes?" question: the benchmark closes offscreen
        w.close()
    collector.timer.stop()
    os.remove(ini) if os.path.exists(ini) else None

    (small_eps, small_fps, small_p99, _, _), small_edits = results["6 × 8, 500 points"]
    (big_eps, big_fps, big_p99, big_ui, big_worker), big_edits = results["10 × 64, 1,000 points"]
    rows = [
        ("10 × 64: snapshots drawn/s", f"{big_fps:.1f}", ">= 20", big_fps >= 20),
        ("10 × 64: UI latency p99 (ms)", f"{big_p99:.1f}", "< 50", big_p99 < 50),
        ("10 × 64: worker epochs/s", f"{big_eps:,.1f}", "", True),
        ("10 × 64: share of a core, UI thread", f"{big_ui:.2f}", "", True),
        ("10 × 64: share of a core, worker", f"{big_worker:.2f}", "", True),
        ("6 × 8: worker epochs/s (same run)", f"{small_eps:,.0f}", "", True),
        ("6 × 8: snapshots drawn/s", f"{small_fps:.1f}", "", True),
    ]
    for name, (painted, pictures, cpu) in (("6 × 8", small_edits), ("10 × 64", big_edits)):
        ms, pics, cpu_ms = (np.array(x) * 1000 for x in (painted, pictures, cpu))
        rows.append((f"{name}: edit to painted, median (ms)", f"{np.median(ms):.0f}", "< 100", np.median(ms) < 100))
        rows.append((f"{name}: edit to painted, worst (ms)", f"{ms.max():.0f}", "< 100", ms.max() < 100))
        rows.append((f"{name}: ... its UI-thread CPU, median (ms)", f"{np.median(cpu_ms):.0f}", "", True))
        rows.append((f"{name}: edit to new pictures, median (ms)", f"{np.median(pics):.0f}", "", True))
    rows.append(("16 × 256: longest UI stall, first draw (ms)", f"{stall:.0f}", "< 100", stall < 100))
    print(f"{'figure':<40} {'value':>10}  {'target':<8} ok")
    for name, value, target, ok in rows:
        print(f"{name:<40} {value:>10}  {target:<8} {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
