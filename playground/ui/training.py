"""Training in a worker thread: :class:`TrainingWorker` (worker side), :class:`TrainingController` (UI side).

The threading model:

- One :class:`TrainingWorker` lives on its own ``QThread`` and owns the
  :class:`~playground.core.trainer.Trainer`; nothing else references it.
- The UI talks to it only through queued signals carrying frozen specs or
  plain values (the controller's private ``_*_requested`` signals).
- The worker trains in ~10 ms slices driven by a zero-interval ``QTimer``
  parented to the worker, so commands are handled between slices on one
  thread and nothing else needs a lock. A big epoch or picture runs in pieces
  (``core.epoch_pieces``) and ends its slice between two of them.
- Pause and shutdown also set a thread-safe flag (:class:`Interrupts`) that the
  worker polls between pieces, so that the work under way stops within one
  piece (tens of milliseconds) even when a whole epoch takes seconds.
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

import time

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot

from playground.core.checkpoint import Checkpoint
from playground.core.dataset import Dataset
from playground.core.neuron_images import NeuronRequest
from playground.core.snapshot import Snapshot
from playground.core.spec import ExperimentSpec, TrainingSpec
from playground.ui.quick_replies import QuickReplies
from playground.ui.training_worker import SLICE_SECONDS, SNAPSHOT_INTERVAL, Interrupts, TrainingWorker

__all__ = ["GRID_RESOLUTIONS", "SLICE_SECONDS", "SNAPSHOT_INTERVAL", "TrainingController", "TrainingWorker",
           "WorkerRequestError", "live_worker_threads"]

#: The boundary's grid resolution range offered by the UI.
GRID_RESOLUTIONS = (50, 400)

_THREADS: list[QThread] = []


class WorkerRequestError(Exception):
    """A :meth:`TrainingController.fetch` that failed or got no answer; one line for the user."""


def live_worker_threads() -> list[QThread]:
    """The worker QThreads that are still running (a test fixture fails when any is left)."""
    return [t for t in _THREADS if shiboken6.isValid(t) and t.isRunning()]


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
    reply_ready = Signal()  # an answer to a fetch arrived (fetch waits on it)
    request_answered = Signal(int, object, str)  # id, answer, error ("" if none): replies to send_request
    rebuild_failed = Signal(int)  # the load or restore of this generation could not be built: the old run goes on

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
    _visible_neurons_requested = Signal(object)
    _ack_requested = Signal(int)
    _shutdown_requested = Signal()
    _request_requested = Signal(int, str, object)
    _restore_requested = Signal(object, str, int)

    def __init__(self, parent: QObject | None = None, auto_acknowledge: bool = False) -> None:
        super().__init__(parent)
        self.auto_acknowledge = auto_acknowledge
        self.generation = 0
        self.running = False
        self.last_snapshot: Snapshot | None = None
        self.epochs_per_second = 0.0
        self._unacked = False
        self._received = 0  # snapshots received from the worker, stale ones too
        self._closed = False
        self._next_request = 0
        self._waiting: set[int] = set()
        self._replies: dict[int, tuple[object, str]] = {}
        self._unawaited: set[int] = set()  # send_request ids: answered through request_answered
        self._thread = QThread()
        self._thread.setObjectName("training-worker")
        self._interrupts = Interrupts()  # polled by the worker between pieces of work
        self._worker = TrainingWorker(self._interrupts)
        self._worker.moveToThread(self._thread)
        w = self._worker
        for signal, slot in (
            (self._load_requested, w.load), (self._play_requested, w.play),
            (self._pause_requested, w.pause), (self._step_epoch_requested, w.step_epoch),
            (self._step_batch_requested, w.step_batch), (self._reset_requested, w.reset),
            (self._training_requested, w.set_training), (self._speed_requested, w.set_speed),
            (self._stop_conditions_requested, w.set_stop_conditions),
            (self._grid_resolution_requested, w.set_grid_resolution),
            (self._visible_neurons_requested, w.set_visible_neurons),
            (self._ack_requested, w.acknowledge_upto), (self._shutdown_requested, w.shutdown),
            (self._request_requested, w.answer_request), (self._restore_requested, w.restore),
        ):
            signal.connect(slot)
        w.snapshot_made.connect(self._on_snapshot_made)
        w.running_changed.connect(self._on_running_changed)
        w.failed.connect(self._on_failed)
        w.stopped.connect(self._on_stopped)
        w.replied.connect(self._on_replied)
        w.rebuild_failed.connect(self._on_rebuild_failed)
        self._quick = QuickReplies()  # a fetch waits for its answer there first, without the event loop
        w.replied.connect(self._quick.put, Qt.ConnectionType.DirectConnection)  # runs in the worker thread
        self._holding = False  # a fetch holds back snapshots (see fetch's hold_snapshots)
        self._held: tuple[Snapshot, float] | None = None
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
        self._drop_held()
        self._load_requested.emit(spec, dataset, state, dtype, self.generation)

    def restore(self, checkpoint: Checkpoint, dtype: str = "float64") -> None:
        """Go on from ``checkpoint`` (see ``core.checkpoint``) in ``dtype``; drops older snapshots."""
        self.generation += 1
        self._drop_held()
        self._restore_requested.emit(checkpoint, dtype, self.generation)

    def play(self) -> None:
        self._play_requested.emit()

    def pause(self) -> None:
        self._interrupts.pause.set()  # stops the work under way; the worker clears it when it pauses
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
        self._drop_held()
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

    def set_visible_neurons(self, request: NeuronRequest | None) -> None:
        """Make neuron images only of the neurons ``request`` names (those the diagram has on
        screen), at its size; None: of every neuron."""
        self._visible_neurons_requested.emit(request)

    def acknowledge(self) -> None:
        """The views have painted the last snapshot: the worker may send the next one."""
        if self._unacked and not self._closed:
            self._unacked = False
            self._interrupts.acknowledged = self._received  # read by the worker at once, in the middle of its slice
            self._ack_requested.emit(self._received)

    def fetch(self, kind: str, argument: object = None, timeout: float = 30.0, hold_snapshots: bool = False) -> object:
        """Ask the worker for ``kind`` (see :mod:`~playground.ui.worker_requests`) and wait for the answer.

        Training goes on: the worker answers between slices. A quick answer is waited for
        without the event loop (see :mod:`~playground.ui.quick_replies`); snapshots keep
        arriving while waiting, but user input waits, so no other command can slip in.
        Every signal the worker sent before its answer has arrived when this returns.
        ``hold_snapshots``: the run is about to be replaced, so a snapshot arriving meanwhile is
        held back instead of drawn: dropped if the run is replaced (load, restore, reset), shown
        as soon as control returns to the event loop otherwise.

        Raises
        ------
        WorkerRequestError
            the worker's one-line reason, or no answer within ``timeout`` seconds.
        """
        if self._closed:
            raise WorkerRequestError("the training thread has stopped")
        self._next_request += 1
        rid = self._next_request
        self._waiting.add(rid)
        self._quick.expect(rid)
        self._interrupts.request.set()  # a picture under way stops: the answer comes first
        holding = self._holding  # a fetch made while another waits (a timer's) keeps its hold
        self._holding = holding or hold_snapshots
        self._request_requested.emit(rid, kind, argument)
        deadline = time.monotonic() + timeout
        if self._quick.wait(rid):  # what the worker sent this object up to the answer, without painting
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        self.reply_ready.connect(loop.quit)
        try:
            while rid not in self._replies and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                timer.start(max(1, int(remaining * 1000)))
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            timer.stop()
            self.reply_ready.disconnect(loop.quit)
            self._waiting.discard(rid)
            self._quick.forget(rid)
            self._interrupts.request.clear()  # answered (the worker cleared it) or given up
            self._holding = holding
            if self._held is not None and not holding:
                QTimer.singleShot(0, self, self._release_held)
        if rid not in self._replies:
            raise WorkerRequestError("the training thread did not answer in time" if not self._closed
                                     else "the training thread has stopped")
        result, error = self._replies.pop(rid)
        if error:
            raise WorkerRequestError(error)
        return result

    def send_request(self, kind: str, argument: object = None) -> int:
        """Ask the worker for ``kind`` without waiting; the answer comes as ``request_answered`` with the
        returned id (nothing comes after a shutdown). For work done in pieces while the UI stays free."""
        if self._closed:
            raise WorkerRequestError("the training thread has stopped")
        self._next_request += 1
        self._unawaited.add(self._next_request)
        self._request_requested.emit(self._next_request, kind, argument)
        return self._next_request
    def post(self, kind: str, argument: object = None) -> None:
        """Send the worker a request like :meth:`fetch` without waiting; its answer is dropped."""
        if not self._closed:
            self._request_requested.emit(0, kind, argument)  # id 0: fetch never waits on it

    def shutdown(self, timeout: float = 1.0) -> bool:
        """Stop training and join the thread; True when it ended within ``timeout`` seconds."""
        if self._closed:
            return True
        self._closed = True
        self._interrupts.stop.set()  # the work under way stops within one piece
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
        self._received += 1  # the worker's count of snapshots sent, in step (queued signals keep their order)
        self._unacked = True
        if snapshot.generation != self.generation:
            self.acknowledge()  # stale: made before the last reset or load
            return
        if self._holding:  # not acknowledged yet: the worker sends no other meanwhile
            self._held = (snapshot, epochs_per_second)
            return
        self._deliver(snapshot, epochs_per_second)

    def _deliver(self, snapshot: Snapshot, epochs_per_second: float) -> None:
        self.last_snapshot = snapshot
        self.epochs_per_second = epochs_per_second
        self.snapshot_ready.emit(snapshot)
        if self.auto_acknowledge:
            self.acknowledge()

    def _release_held(self) -> None:
        """A snapshot held back by a fetch that did not replace the run: shown now."""
        if self._held is not None and not self._holding and not self._closed:
            snapshot, epochs_per_second = self._held
            self._held = None
            self._deliver(snapshot, epochs_per_second)

    def _drop_held(self) -> None:
        """The run is replaced: a held snapshot is stale (acknowledged before the new run is asked for,
        so that the new run's first snapshot is sent at once)."""
        if self._held is not None:
            self._held = None
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

    @Slot(int)
    def _on_rebuild_failed(self, generation: int) -> None:
        if not self._closed:
            self.rebuild_failed.emit(generation)

    @Slot(str)
    def _on_stopped(self, message: str) -> None:
        if not self._closed:
            self.stopped.emit(message)

    @Slot(int, object, str)
    def _on_replied(self, request_id: int, result: object, error: str) -> None:
        if request_id in self._waiting:
            self._replies[request_id] = (result, error)
            self.reply_ready.emit()
        elif request_id in self._unawaited and not self._closed:
            self._unawaited.discard(request_id)
            self.request_answered.emit(request_id, result, error)
