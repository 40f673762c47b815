"""The compiled engine in the app: made ready in the background at start, shown in the status bar.

Compiling the kernel takes seconds the first time (about 0.5 s from numba's cache after), so the
window never waits for it: :class:`KernelWarmUp` runs ``engines.prepare_kernel`` on a thread
of its own, with a note in the status bar. It starts once the window has painted its first
snapshot (a new window's first paints would otherwise share the GIL with numba's import); a
kernel missing from numba's cache is compiled by a child process (``kernel_build``), so that
the compile never holds this process's GIL, and then loaded from the cache. Runs started
before it is ready stay on the numpy engine (an engine is never swapped within a run); a run
that has not trained yet takes the compiled engine when it is ready. A status bar field says
which engine trains the run shown (its tooltip says why), or that the compiled one is being prepared.

The training thread runs at a lower OS priority (:func:`lower_this_thread_priority`), so that
the UI thread gets the CPU first when both want it.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel

from playground.core import engines, kernel_build
from playground.core.snapshot import Snapshot
from playground.ui.paint_watcher import PaintWatcher

#: How much nicer than the rest of the app the training thread runs (Linux: per thread).
TRAINING_NICENESS = 10
#: How long after the window painted its first snapshot the warm-up starts, in ms: a new window
#: paints a few times more in that time (50-80 ms each here), better not beside numba's import.
SETTLE_MS = 500
#: When the warm-up starts if the window paints no snapshot (hidden), in ms after ``start``.
NO_PAINT_MS = 3000
#: How often what the warm-up made so far is frozen out of garbage collection, in ms.
FREEZE_MS = 100


def lower_this_thread_priority(niceness: int = TRAINING_NICENESS) -> bool:
    """Run the calling thread at nice ``niceness`` (Linux schedules threads one by one); True when
    it was set. Elsewhere (or when the OS refuses) nothing changes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except OSError:
        return False
    return True


class KernelWarmUp(QObject):
    """Makes the compiled engine ready on a thread it owns, once the window has painted a snapshot,
    then lets a run that has not trained take it.

    ``join`` stops a compile running in a child process and waits for the thread (the app calls it
    after its event loop ends; at worst it waits for the in-process loading, under a second).
    """

    finished = Signal(bool)  # ready (False: numba missing or failed; the numpy engine trains)
    began = Signal()  # the warm-up thread started
    _done = Signal(bool)  # emitted from the warm-up thread; queued to this object's thread

    def __init__(self, window, parent: QObject | None = None, freeze_garbage: bool = False) -> None:
        super().__init__(parent)
        self._window = window
        self._freeze_garbage = freeze_garbage
        self._done.connect(self._on_done)
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._paint = PaintWatcher(window, self._painted)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._begin)
        # numba's import and loading make some 10^5 objects that live as long as the app (a few
        # hundred are garbage): frozen out of the app's timed collections as they are made, which
        # otherwise walked them in the UI thread for 100-250 ms each (measured), during the warm-up
        # and at every full collection after it.
        self._freezer = QTimer(self)
        self._freezer.setInterval(FREEZE_MS)
        self._freezer.timeout.connect(gc.freeze)

    def start(self) -> None:
        """Ready at once when the kernel is; else a note in the status bar, and the thread starts
        :data:`SETTLE_MS` after the window painted a snapshot (or :data:`NO_PAINT_MS` after now)."""
        if engines.kernel_ready():
            self._on_done(True)
            return
        self._window.engine_label.preparing()
        controller = self._window.controller
        if controller.last_snapshot is None:
            controller.snapshot_ready.connect(self._on_first_snapshot, Qt.ConnectionType.SingleShotConnection)
        else:
            self._on_first_snapshot()
        self._settle.start(NO_PAINT_MS)  # a window that is never painted (hidden) still gets it

    def join(self) -> None:
        """Stop (a compile in a child process ends at once) and wait for the thread."""
        self._stopped.set()
        self._paint.disarm()
        self._settle.stop()
        self._freezer.stop()
        if self._thread is not None:
            self._thread.join()

    @Slot()
    def _on_first_snapshot(self, _snapshot: Snapshot | None = None) -> None:
        if self._stopped.is_set():
            return
        self._paint.arm()
        self._window.update()  # the watcher fires after the next paint: make sure there is one

    def _painted(self) -> None:
        self._settle.start(SETTLE_MS)

    def _begin(self) -> None:
        if self._thread is not None or self._stopped.is_set():
            return
        self._paint.disarm()
        self._thread = threading.Thread(target=self._work, name="kernel-warm-up", daemon=True)
        self._thread.start()
        if self._freeze_garbage:
            self._freezer.start()
        self.began.emit()

    def _work(self) -> None:
        elsewhere = self._compile_in_child if kernel_build.can_compile_elsewhere() else None
        self._done.emit(engines.prepare_kernel(elsewhere))

    def _compile_in_child(self) -> str | None:
        return kernel_build.compile_in_child(self._stopped)

    @Slot(bool)
    def _on_done(self, ready: bool) -> None:
        if self._freezer.isActive():
            self._freezer.stop()
            gc.freeze()
        if ready:
            self._window.controller.post("adopt_engine")  # a fresh snapshot shows what the run took
        self._window.engine_label.prepared(ready)
        self.finished.emit(ready)


class EngineLabel(QLabel):
    """The status bar's engine field: which engine trains the run shown, or that the compiled one
    is being prepared; its tooltip says why."""

    def __init__(self, window) -> None:
        super().__init__()
        self._engine = ""
        self._preparing = False
        self.setToolTip(engines.describe(engines.NUMPY))
        window.status.addPermanentWidget(self)
        window.controller.snapshot_ready.connect(self._on_snapshot)

    def preparing(self) -> None:
        self._preparing = True
        self._show()

    def prepared(self, ready: bool) -> None:
        self._preparing = False
        self._show()

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.engine != self._engine:
            self._engine = snapshot.engine
            self._show()

    def _show(self) -> None:
        engine = self._engine or engines.NUMPY
        text = "Engine: compiled" if engine == engines.KERNEL else "Engine: numpy"
        tip = engines.describe(engine)
        if self._preparing:
            text, tip = "Engine: preparing…", tip + "\nThe compiled engine is being prepared; new runs will use it."
        self.setText(text)
        self.setToolTip(tip)


def install(window, warm_up: bool = True, freeze_garbage: bool = False) -> KernelWarmUp:
    """Show the engine in ``window``'s status bar and (``warm_up``) start making the kernel ready.
    ``freeze_garbage``: the app collects garbage on a timer of its own (``gc.freeze`` what the
    warm-up made). The caller joins the returned warm-up after the event loop."""
    window.engine_label = EngineLabel(window)
    warm = KernelWarmUp(window, window, freeze_garbage)
    if warm_up:
        warm.start()
    return warm
