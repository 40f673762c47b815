"""Training in a worker thread: :class:`TrainingWorker` (worker side), :class:`TrainingController` (UI side).

The threading model of DESIGN.md, exactly:

- One :class:`TrainingWorker` lives on its own ``QThread`` and owns the
  :class:`~playground.core.trainer.Trainer`; nothing else references it.
- The UI talks to it only through queued signals carrying frozen specs or
  plain values (the controller's private ``_*_requested`` signals).
- The worker trains in ~10 ms slices driven by a zero-interval ``QTimer``
  parented to the worker, so commands are handled between slices on one
  thread and nothing needs a lock.
- Snapshots are throttled where they are produced: after every epoch the
  worker asks "is one due?" (≥ 33 ms since the last one *and* the UI has
  acknowledged it). Pause, reset, step, load and a reached stop condition
  always produce one (sent as soon as the previous one is acknowledged, so at
  most one snapshot is ever in flight).
- A generation number, raised by the controller on every reset and load,
  lets the UI drop snapshots made before it.
- Errors and :class:`~playground.core.trainer.TrainingDiverged` become
  ``failed(message)``; training pauses with the last finite weights.
- Every worker signal is relayed by the controller, a QObject in the UI
  thread (waiting on worker-thread signals directly logs "killTimer from
  another thread" and lambdas would run in the worker thread).
- Shutdown: the worker stops its timer and calls ``quit()`` itself inside its
  thread; the controller then ``wait()``s. ``worker.finished -> thread.quit``
  with a queued connection would stall 2 s.
"""

from __future__ import annotations

import collections
import time

import numpy as np
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from playground.core.dataset import Dataset
from playground.core.snapshot import Snapshot
from playground.core.spec import ExperimentSpec, TrainingSpec
from playground.core.trainer import Trainer, TrainingDiverged

#: Seconds of training per timer slice; commands wait at most this long (plus one epoch).
SLICE_SECONDS = 0.010
#: Minimum seconds between two snapshots while training (about 30 per second).
SNAPSHOT_INTERVAL = 0.033
#: The boundary's grid resolution range offered by the UI.
GRID_RESOLUTIONS = (50, 400)
#: Longest wait in a paced (epochs-per-second) run between timer ticks, seconds.
_MAX_IDLE = 0.030

_THREADS: list[QThread] = []


def live_worker_threads() -> list[QThread]:
    """The worker QThreads that are still running (a test fixture fails when any is left)."""
    return [t for t in _THREADS if shiboken6.isValid(t) and t.isRunning()]


class _RateMeter:
    """Epochs per second over the last second of (time, epoch) samples."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._samples: collections.deque[tuple[float, int]] = collections.deque()

    def clear(self) -> None:
        self._samples.clear()

    def add(self, now: float, epoch: int) -> float:
        """Record a sample; the rate over the window (0 until two samples span some time)."""
        s = self._samples
        s.append((now, epoch))
        while len(s) > 2 and now - s[1][0] >= self.window:
            s.popleft()
        t0, e0 = s[0]
        return (epoch - e0) / (now - t0) if now - t0 > 0.05 else 0.0


class TrainingWorker(QObject):
    """Owns the trainer and runs it in short slices on the worker thread.

    Every slot runs in the worker thread; call them only through queued signals.
    """

    snapshot_made = Signal(object, float)  # Snapshot, epochs per second
    running_changed = Signal(bool)
    failed = Signal(str)
    stopped = Signal(str)  # a stop condition was reached; the message says which

    def __init__(self) -> None:
        super().__init__()
        self._trainer: Trainer | None = None
        self._generation = 0
        self._running = False
        self._speed = 0.0  # epochs per second, 0 = as fast as possible
        self._next_epoch_at = 0.0
        self._max_epochs: int | None = None
        self._target_test_loss: float | None = None
        self._grid_resolution = 100
        self._awaiting_ack = False
        self._force_pending = False
        self._dirty = False
        self._last_emit = 0.0
        self._rate = _RateMeter()
        self._eps = 0.0
        # Parented to the worker so that it moves with it to the worker thread.
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_slice)

    # ------------------------------------------------------------------ commands

    @Slot(object, object, object, str, int)
    def load(self, spec: ExperimentSpec, dataset: Dataset | None, state: dict | None, dtype: str,
             generation: int) -> None:
        """Build a trainer for ``spec`` (points from ``dataset`` or generated, continuing from
        ``state`` of ``Trainer.get_state`` when given); keeps playing if playing."""
        try:
            trainer = Trainer(spec, dataset, dtype=np.dtype(dtype).type)
            if state is not None:
                trainer.set_state(state)
        except Exception as exc:  # a spec the engine refuses: say so, keep the old run
            self._set_running(False)
            self.failed.emit(f"could not build this experiment: {exc}")
            return
        self._trainer = trainer
        self._generation = generation
        self._rate.clear()
        self._eps = 0.0
        self._next_epoch_at = time.perf_counter()
        self._snapshot(force=True)

    @Slot()
    def play(self) -> None:
        if self._trainer is None or self._running:
            return
        reached = self._stop_reason()
        if reached:
            self.stopped.emit(reached)
            return
        self._rate.clear()
        self._next_epoch_at = time.perf_counter()
        self._set_running(True)

    @Slot()
    def pause(self) -> None:
        if self._running:
            self._set_running(False)
            self._snapshot(force=True)

    @Slot()
    def step_epoch(self) -> None:
        self._step(batch=False)

    @Slot()
    def step_batch(self) -> None:
        self._step(batch=True)

    @Slot(int)
    def reset(self, generation: int) -> None:
        """New initial weights, epoch 0, paused (as TensorFlow Playground's reset)."""
        self._set_running(False)
        self._generation = generation
        if self._trainer is None:
            return
        self._rate.clear()
        self._eps = 0.0
        if self._guard(self._trainer.reset_weights):
            self._snapshot(force=True)

    @Slot(object)
    def set_training(self, training: TrainingSpec) -> None:
        """Learning rate, optimizer, regularisation, batch size, shuffle: live, weights kept."""
        if self._trainer is not None and self._guard(lambda: self._trainer.set_training(training)):
            self._snapshot(force=not self._running)

    @Slot(float)
    def set_speed(self, epochs_per_second: float) -> None:
        self._speed = max(0.0, epochs_per_second)
        self._next_epoch_at = time.perf_counter()
        if self._running:
            self._timer.setInterval(0)

    @Slot(object, object)
    def set_stop_conditions(self, max_epochs: int | None, target_test_loss: float | None) -> None:
        self._max_epochs = max_epochs
        self._target_test_loss = target_test_loss

    @Slot(int)
    def set_grid_resolution(self, n: int) -> None:
        self._grid_resolution = n
        self._snapshot(force=True)

    @Slot()
    def acknowledge(self) -> None:
        """The UI has drawn the last snapshot; a pending forced one goes out now."""
        self._awaiting_ack = False
        if self._force_pending or (self._dirty and not self._running):
            self._snapshot(force=True)

    @Slot()
    def shutdown(self) -> None:
        """Stop, drop the trainer, hand this object back to the main thread and quit this thread."""
        self._timer.stop()
        self._running = False
        self._trainer = None
        thread = self.thread()
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())  # so it can be deleted there after the join
        thread.quit()

    # ------------------------------------------------------------------ training

    def _set_running(self, running: bool) -> None:
        if running == self._running:
            return
        self._running = running
        if running:
            self._timer.setInterval(0)
            self._timer.start()
        else:
            self._timer.stop()
            self._eps = 0.0
        self.running_changed.emit(running)

    def _guard(self, fn) -> bool:
        """Run ``fn``; a divergence or error pauses training and becomes ``failed``. True when it worked."""
        try:
            # Overflow on the way to NaN is expected and reported as a divergence, not as warnings.
            with np.errstate(all="ignore"):
                fn()
            return True
        except TrainingDiverged as exc:
            self._set_running(False)
            self.failed.emit(str(exc))
        except Exception as exc:  # the user must read what happened; the thread must survive
            self._set_running(False)
            self.failed.emit(f"training stopped: {type(exc).__name__}: {exc}")
        self._dirty = True
        self._snapshot(force=True)
        return False

    def _step(self, batch: bool) -> None:
        if self._trainer is None:
            return
        self._set_running(False)
        fn = self._trainer.step_batch if batch else self._trainer.step_epoch
        if self._guard(fn):
            self._dirty = True
            self._snapshot(force=True)

    def _stop_reason(self) -> str:
        t = self._trainer
        if t is None:
            return ""
        if self._max_epochs is not None and t.epoch >= self._max_epochs:
            return f"stopped at epoch {t.epoch}: the limit of {self._max_epochs} epochs was reached"
        target = self._target_test_loss
        if target is not None and t.epoch > 0 and t.test_loss < target:
            return f"stopped at epoch {t.epoch}: test loss {t.test_loss:.4g} is below the target {target:g}"
        return ""

    @Slot()
    def _run_slice(self) -> None:
        trainer = self._trainer
        if trainer is None or not self._running:
            self._timer.stop()
            return
        now = time.perf_counter()
        deadline = now + SLICE_SECONDS
        paced = self._speed > 0
        try:
            with np.errstate(all="ignore"):
                while self._running:
                    if paced and now < self._next_epoch_at:
                        break
                    trainer.step_epoch()
                    self._dirty = True
                    if paced:
                        # No burst to catch up after a stall: at most 0.1 s behind.
                        self._next_epoch_at = max(self._next_epoch_at + 1.0 / self._speed, now - 0.1)
                    reason = self._stop_reason()
                    if reason:
                        self._set_running(False)
                        self._snapshot(force=True)
                        self.stopped.emit(reason)
                        return
                    self._snapshot()
                    now = time.perf_counter()
                    if now >= deadline:
                        break
        except TrainingDiverged as exc:
            self._set_running(False)
            self._dirty = True
            self._snapshot(force=True)
            self.failed.emit(str(exc))
            return
        except Exception as exc:
            self._set_running(False)
            self._snapshot(force=True)
            self.failed.emit(f"training stopped: {type(exc).__name__}: {exc}")
            return
        self._snapshot()
        if paced and self._running:
            wait = min(_MAX_IDLE, max(0.0, self._next_epoch_at - time.perf_counter()))
            self._timer.setInterval(int(wait * 1000))
        elif self._timer.interval() != 0:
            self._timer.setInterval(0)

    def _snapshot(self, force: bool = False) -> None:
        """Send a snapshot when one is due (throttled) or forced; never two in flight."""
        if force:
            self._force_pending = True
        if self._trainer is None or self._awaiting_ack:
            return
        now = time.perf_counter()
        if not (self._force_pending or (self._dirty and now - self._last_emit >= SNAPSHOT_INTERVAL)):
            return
        try:
            with np.errstate(all="ignore"):
                snap = self._trainer.snapshot(self._generation, self._grid_resolution, with_neurons=True)
        except Exception as exc:  # a picture that cannot be made must not kill the thread
            self._force_pending = False
            self._set_running(False)
            self.failed.emit(f"could not draw the current state: {type(exc).__name__}: {exc}")
            return
        if self._running:
            self._eps = self._rate.add(now, snap.epoch)
        self._force_pending = False
        self._dirty = False
        self._awaiting_ack = True
        self._last_emit = now
        self.snapshot_made.emit(snap, self._eps)


class TrainingController(QObject):
    """The UI's handle on the training thread: sends commands, relays results, owns and joins the thread.

    Parameters
    ----------
    parent : owning QObject (the main window)
    auto_acknowledge : acknowledge every snapshot as soon as ``snapshot_ready``'s
        slots have run (for use without views that paint)
    """

    snapshot_ready = Signal(object)  # Snapshot of the current generation
    running_changed = Signal(bool)
    failed = Signal(str)
    stopped = Signal(str)

    _load_requested = Signal(object, object, object, str, int)
    _play_requested = Signal()
    _pause_requested = Signal()
    _step_epoch_requested = Signal()
    _step_batch_requested = Signal()
    _reset_requested = Signal(int)
    _training_requested = Signal(object)
    _speed_requested = Signal(float)
    _stop_conditions_requested = Signal(object, object)
    _grid_resolution_requested = Signal(int)
    _ack_requested = Signal()
    _shutdown_requested = Signal()

    def __init__(self, parent: QObject | None = None, auto_acknowledge: bool = False) -> None:
        super().__init__(parent)
        self.auto_acknowledge = auto_acknowledge
        self.generation = 0
        self.running = False
        self.last_snapshot: Snapshot | None = None
        self.epochs_per_second = 0.0
        self._unacked = False
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("training-worker")
        self._worker = TrainingWorker()
        self._worker.moveToThread(self._thread)
        w = self._worker
        for signal, slot in (
            (self._load_requested, w.load), (self._play_requested, w.play),
            (self._pause_requested, w.pause), (self._step_epoch_requested, w.step_epoch),
            (self._step_batch_requested, w.step_batch), (self._reset_requested, w.reset),
            (self._training_requested, w.set_training), (self._speed_requested, w.set_speed),
            (self._stop_conditions_requested, w.set_stop_conditions),
            (self._grid_resolution_requested, w.set_grid_resolution),
            (self._ack_requested, w.acknowledge), (self._shutdown_requested, w.shutdown),
        ):
            signal.connect(slot)
        w.snapshot_made.connect(self._on_snapshot_made)
        w.running_changed.connect(self._on_running_changed)
        w.failed.connect(self._on_failed)
        w.stopped.connect(self._on_stopped)
        _THREADS.append(self._thread)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ commands

    def load(self, spec: ExperimentSpec, dataset: Dataset | None = None, state: dict | None = None,
             dtype: str = "float64") -> None:
        """Train ``spec`` (points from ``dataset`` or generated; from fresh weights, or from ``state``
        of ``Trainer.get_state``, which must not be used afterwards) in ``dtype``; drops older snapshots."""
        self.generation += 1
        self._load_requested.emit(spec, dataset, state, dtype, self.generation)

    def play(self) -> None:
        self._play_requested.emit()

    def pause(self) -> None:
        self._pause_requested.emit()

    def toggle_play(self) -> None:
        """Pause when running, play otherwise."""
        (self.pause if self.running else self.play)()

    def step_epoch(self) -> None:
        """Pause and train exactly one epoch (the rest of the current one after a batch step)."""
        self._step_epoch_requested.emit()

    def step_batch(self) -> None:
        """Pause and apply one mini-batch update."""
        self._step_batch_requested.emit()

    def reset(self) -> None:
        """Pause, draw new initial weights, back to epoch 0."""
        self.generation += 1
        self._reset_requested.emit(self.generation)

    def set_training(self, training: TrainingSpec) -> None:
        """Apply training settings live (the weights are kept unless the loss changes)."""
        self._training_requested.emit(training)

    def set_speed(self, epochs_per_second: float) -> None:
        """Target epochs per second; 0 trains as fast as possible."""
        if not epochs_per_second >= 0:
            raise ValueError(f"speed must be 0 (as fast as possible) or a positive number of epochs "
                             f"per second, got {epochs_per_second!r}")
        self._speed_requested.emit(float(epochs_per_second))

    def set_stop_conditions(self, max_epochs: int | None, target_test_loss: float | None) -> None:
        """Pause at ``max_epochs`` or when the test loss falls below ``target_test_loss`` (None: off)."""
        if max_epochs is not None and max_epochs < 1:
            raise ValueError(f"stop after N epochs needs N >= 1, got {max_epochs}")
        if target_test_loss is not None and not target_test_loss > 0:
            raise ValueError(f"the target test loss must be > 0, got {target_test_loss}")
        self._stop_conditions_requested.emit(max_epochs, target_test_loss)

    def set_grid_resolution(self, n: int) -> None:
        """Boundary grid of ``n`` × ``n`` cells (50 to 400)."""
        lo, hi = GRID_RESOLUTIONS
        if not lo <= n <= hi:
            raise ValueError(f"grid resolution must be from {lo} to {hi}, got {n}")
        self._grid_resolution_requested.emit(int(n))

    def acknowledge(self) -> None:
        """The views have painted the last snapshot: the worker may send the next one."""
        if self._unacked and not self._closed:
            self._unacked = False
            self._ack_requested.emit()

    def shutdown(self, timeout: float = 1.0) -> bool:
        """Stop training and join the thread; True when it ended within ``timeout`` seconds."""
        if self._closed:
            return True
        self._closed = True
        self._shutdown_requested.emit()
        ok = self._thread.wait(int(timeout * 1000))
        if not ok:  # one very long epoch is still running: give it more time rather than abort
            ok = self._thread.wait(30_000)
        if ok:
            if self._thread in _THREADS:
                _THREADS.remove(self._thread)
            self._worker.deleteLater()
        self.running = False
        return ok

    @property
    def is_shut_down(self) -> bool:
        return self._closed

    # ------------------------------------------------------------------ relays (UI thread)

    @Slot(object, float)
    def _on_snapshot_made(self, snapshot: Snapshot, epochs_per_second: float) -> None:
        if self._closed:
            return
        self._unacked = True
        if snapshot.generation != self.generation:
            self.acknowledge()  # stale: made before the last reset or load
            return
        self.last_snapshot = snapshot
        self.epochs_per_second = epochs_per_second
        self.snapshot_ready.emit(snapshot)
        if self.auto_acknowledge:
            self.acknowledge()

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        if self._closed:
            return
        self.running = running
        if not running:
            self.epochs_per_second = 0.0
        self.running_changed.emit(running)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._closed:
            self.failed.emit(message)

    @Slot(str)
    def _on_stopped(self, message: str) -> None:
        if not self._closed:
            self.stopped.emit(message)
