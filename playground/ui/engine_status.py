"""The compiled engine in the app: made ready in the background at start, shown in the status bar.

Compiling the kernel takes about 2 s the first time (0.2 s from numba's cache after), so the
window never waits for it: :class:`KernelWarmUp` runs ``engines.prepare_kernel`` on a thread
of its own while the window is up, with a note in the status bar. Runs started before it is
ready stay on the numpy engine (an engine is never swapped within a run); a run that has not
trained yet takes the compiled engine when it is ready. A status bar field says which engine
trains the run shown (its tooltip says why), or that the compiled one is being prepared.

The training thread runs at a lower OS priority (:func:`lower_this_thread_priority`), so that
the UI thread gets the CPU first when both want it.
"""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel

from playground.core import engines
from playground.core.snapshot import Snapshot

#: How much nicer than the rest of the app the training thread runs (Linux: per thread).
TRAINING_NICENESS = 10


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
    """Makes the compiled engine ready on a thread it owns, then lets a run that has not trained
    take it.

    ``join`` waits for that thread (a compile cannot be interrupted; the app joins it after its
    event loop ends, so at worst the exit waits for the compile to end).
    """

    finished = Signal(bool)  # ready (False: numba missing or failed; the numpy engine trains)
    _done = Signal(bool)  # emitted from the warm-up thread; queued to this object's thread

    def __init__(self, window, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._done.connect(self._on_done)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if engines.kernel_ready():
            self._on_done(True)
            return
        self._window.engine_label.preparing()
        self._thread = threading.Thread(target=self._work, name="kernel-warm-up", daemon=True)
        self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def _work(self) -> None:
        self._done.emit(engines.prepare_kernel())

    @Slot(bool)
    def _on_done(self, ready: bool) -> None:
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


def install(window, warm_up: bool = True) -> KernelWarmUp:
    """Show the engine in ``window``'s status bar and (``warm_up``) start making the kernel ready.
    The caller joins the returned warm-up after the event loop."""
    window.engine_label = EngineLabel(window)
    warm = KernelWarmUp(window, window)
    if warm_up:
        warm.start()
    return warm
