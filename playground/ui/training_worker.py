"""The worker side of the training thread: :class:`TrainingWorker` owns the trainer and runs it in slices.

See :mod:`playground.ui.training` for the threading model; only the controller there
talks to this object, through queued signals.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from playground.core import engines
from playground.core.checkpoint import Checkpoint, build_trainer
from playground.core.dataset import Dataset
from playground.core.live_resolution import LiveResolution
from playground.core.neuron_images import NeuronRequest
from playground.core.spec import ExperimentSpec, TrainingSpec
from playground.core.trainer import Trainer, TrainingDiverged
from playground.ui import worker_requests
from playground.ui.engine_status import lower_this_thread_priority
from playground.ui.worker_pacing import InFlight, Interrupts, RateMeter, SnapshotClock

#: Seconds of training per timer slice; commands wait at most this long (plus one epoch).
SLICE_SECONDS = 0.010
#: Minimum seconds between two snapshots while training: at most about 33 a second, so that the
#: views keep at least 30 after the acknowledgement hand-shake.
SNAPSHOT_INTERVAL = 0.030
#: Longest wait in a paced (epochs-per-second) run between timer ticks, seconds.
_MAX_IDLE = 0.030
#: Pictures take at most about this share of the worker's CPU time: after a picture of t CPU seconds
#: the next waits at least t / PICTURE_SHARE. Not the wall clock, which counts waits for the GIL while
#: the UI draws (11 ms of work took 19 at 10 × 64) and for a busy machine: they are no picture's cost.
PICTURE_SHARE = 0.25
#: The most epochs the compiled engine trains between two looks at the queue and the snapshots.
KERNEL_EPOCHS = 16


class TrainingWorker(QObject):
    """Owns the trainer and runs it in short slices on the worker thread.

    Every slot runs in the worker thread; call them only through queued signals.
    """

    snapshot_made = Signal(object, float)  # Snapshot, epochs per second
    running_changed = Signal(bool)
    failed = Signal(str)
    stopped = Signal(str)  # a stop condition was reached; the message says which
    replied = Signal(int, object, str)  # request id, immutable answer (or None), error message ("" if none)
    rebuild_failed = Signal(int)  # generation of a load or restore that could not be built (the old run goes on)

    def __init__(self, interrupts: Interrupts | None = None) -> None:
        super().__init__()
        self.interrupts = interrupts or Interrupts()
        self._clock = SnapshotClock(SNAPSHOT_INTERVAL)  # when the next snapshot is due while training
        self._trainer: Trainer | None = None
        self._generation = 0
        self._running = False
        self._speed = 0.0  # epochs per second, 0 = as fast as possible
        self._next_epoch_at = 0.0
        self._max_epochs: int | None = None
        self._target_test_loss: float | None = None
        self._grid_resolution = 100
        self._live_resolution = LiveResolution(PICTURE_SHARE)  # coarser while a big network trains
        self._visible_neurons: NeuronRequest | None = None  # the neurons a view draws, at its size
        self._in_flight = InFlight(self.interrupts)
        self._force_pending = False
        self._dirty = False
        self._rate = RateMeter()
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
        def build() -> Trainer:
            # a new run: the compiled engine when it suits and is ready (a saved state keeps its own)
            trainer = Trainer(spec, dataset, dtype=np.dtype(dtype).type, engine="auto")
            if state is not None:
                trainer.set_state(state)
            return trainer

        self._start(build, generation)

    @Slot(object, str, int)
    def restore(self, checkpoint: Checkpoint, dtype: str, generation: int) -> None:
        """Go on from ``checkpoint`` (an undone or redone edit); keeps playing if playing."""
        self._start(lambda: build_trainer(checkpoint, np.dtype(dtype).type, engine="auto"), generation)

    def _start(self, build: Callable[[], Trainer], generation: int) -> None:
        if self.interrupts.stop.is_set():  # closing: a big experiment would take a second to build
            return
        lower_this_thread_priority()  # the UI thread wins the CPU when both want it
        try:
            trainer = build()
        except Exception as exc:  # a spec the engine refuses: say so, keep the old run
            self._set_running(False)
            self.failed.emit(f"could not build this experiment: {exc}")
            if self._trainer is not None:  # the old run goes on, its pictures current again
                self._generation = generation
                self.rebuild_failed.emit(generation)
                self._snapshot(force=True)
            return
        self._trainer = trainer
        self._generation = generation
        self._live_resolution.forget()
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
        self.interrupts.pause.clear()  # the work it stopped is paused now
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
            worker_requests.answer(self._trainer, "adopt_engine", None)  # a new run: the kernel if ready now
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

    @Slot(object)
    def set_visible_neurons(self, request: NeuronRequest | None) -> None:
        """Neuron images only of the neurons ``request`` names, at its size (None: all). Paused, a
        new picture at once, so that neurons just shown get theirs; training, the next picture
        (a request comes with every scroll, zoom and hover: a big network's picture takes a second)."""
        self._visible_neurons = request
        self._snapshot(force=not self._running)

    @Slot(int)
    def set_grid_resolution(self, n: int) -> None:
        self._grid_resolution = n
        self._snapshot(force=True)

    @Slot()
    def acknowledge(self) -> None:
        """The UI has drawn the last snapshot; a pending forced one goes out now."""
        self.acknowledge_upto(self._in_flight.sent)

    @Slot(int)
    def acknowledge_upto(self, count: int) -> None:
        """The UI has drawn the first ``count`` snapshots sent (a late acknowledgement of an earlier
        one frees nothing); a pending forced one goes out now."""
        self._in_flight.free(count)
        if self._force_pending or (self._dirty and not self._running):
            self._snapshot(force=True)

    @Slot(int, str, object)
    def answer_request(self, request_id: int, kind: str, argument: object) -> None:
        """Answer a :mod:`~playground.ui.worker_requests` request between slices (training goes on)."""
        self.interrupts.request.clear()
        try:
            with np.errstate(all="ignore"):
                result = worker_requests.answer(self._trainer, kind, argument)
        except worker_requests.RequestError as exc:
            self.replied.emit(request_id, None, str(exc))
            return
        if kind in worker_requests.CHANGING:
            self._rate.clear()
            self._dirty = True
            self._snapshot(force=True)
        self.replied.emit(request_id, result, "")
        if self._force_pending:  # a picture the request stopped
            self._snapshot()

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
        if self._guard(lambda: fn(self._uninterrupted)):
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

    def _picture_may_go_on(self) -> bool:
        """``keep_going`` of a picture: as :meth:`_uninterrupted`, and no fetch is waiting."""
        return not self.interrupts.any() and not self.interrupts.request.is_set()

    def _uninterrupted(self) -> bool:
        """``keep_going`` for work the UI waits on: until a pause or the end is asked for."""
        return not self.interrupts.any()

    @Slot()
    def _run_slice(self) -> None:
        trainer = self._trainer
        if trainer is None or not self._running:
            self._timer.stop()
            return
        now = time.perf_counter()
        deadline = now + SLICE_SECONDS

        def keep_going() -> bool:
            # A big epoch stops at the slice's end (or for a fetch), so that commands get in; any training
            # stops as soon as a snapshot is due and the UI has drawn the last one, so redraws keep their pace.
            t = time.perf_counter()
            return not self.interrupts.any() and t < deadline and not self.interrupts.request.is_set() \
                and not self._snapshot_due(t)

        paced = self._speed > 0
        try:
            with np.errstate(all="ignore"):
                while self._running and not self.interrupts.any():
                    if paced and now < self._next_epoch_at:
                        break
                    finished = self._train_some(trainer, keep_going)
                    self._dirty = True
                    if not finished:  # goes on in the next slice
                        break
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

    def _train_some(self, trainer: Trainer, keep_going) -> bool:
        """One epoch; with the compiled engine, unless a pace or a target loss needs each epoch, up
        to KERNEL_EPOCHS (a few milliseconds): the kernel releases the GIL while it runs, and each
        return to Python waits for the UI thread, which holds the GIL while it paints."""
        if trainer.engine != engines.KERNEL or self._speed > 0 or self._target_test_loss is not None:
            return trainer.step_epoch(keep_going)
        most = KERNEL_EPOCHS if self._max_epochs is None else max(1, min(KERNEL_EPOCHS,
                                                                         self._max_epochs - trainer.epoch))
        return trainer.train(most, keep_going) > 0

    def _snapshot_due(self, now: float) -> bool:
        """The last snapshot is drawn and the least gap between two has passed."""
        return self._in_flight.drawn() and self._clock.due(now)

    def _snapshot(self, force: bool = False) -> None:
        """Send a snapshot when one is due (throttled) or forced; never two in flight."""
        if force:
            self._force_pending = True
        self._in_flight.free()
        if self._trainer is None or self._in_flight.waiting:
            return
        now = time.perf_counter()
        if not (self._force_pending or (self._dirty and self._snapshot_due(now))):
            return
        on_schedule = self._running and not self._force_pending
        cpu = time.thread_time()
        try:
            with np.errstate(all="ignore"):
                neurons = self._visible_neurons if self._visible_neurons is not None else True
                resolution = self._live_resolution.resolution(self._grid_resolution, self._running)
                snap = self._trainer.snapshot(self._generation, resolution, with_neurons=neurons,
                                              keep_going=self._picture_may_go_on)
        except Exception as exc:  # a picture that cannot be made must not kill the thread
            self._force_pending = False
            self._set_running(False)
            self.failed.emit(f"could not draw the current state: {type(exc).__name__}: {exc}")
            return
        if snap is None:  # stopped by a pause (which asks for a picture of its own) or the end
            return
        took = time.thread_time() - cpu
        if self._running and snap.grid is not None:
            self._live_resolution.took(took, snap.grid.resolution, self._grid_resolution)
        self._clock.sent(now, on_schedule)
        self._clock.gap = max(SNAPSHOT_INTERVAL, took / PICTURE_SHARE)
        if self._running:
            self._eps = self._rate.add(now, snap.epoch)
        self._force_pending = False
        self._dirty = False
        self._in_flight.send()
        self.snapshot_made.emit(snap, self._eps)
