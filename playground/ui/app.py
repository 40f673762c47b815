"""Start the desktop app: the QApplication, the main window, optional autoplay, the event loop."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from playground.core.io.project import ProjectError
from playground.resources_path import APP_ID
from playground.ui import crash_recovery, engine_status
from playground.ui.app_icon import app_icon
from playground.ui.file_actions import APP_TITLE, read_project, show_drawing
from playground.ui.main_window import MainWindow

APP_NAME = APP_TITLE
ORG_NAME = "NeuralNetworkPlayground"
#: Shorter thread switches give the worker thread ~5 % more epochs/s beside the painting UI thread.
SWITCH_INTERVAL = 0.001


def configure_interpreter() -> None:
    """Interpreter settings the training thread benefits from."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses (reused when one exists)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())  # every window and dialog shows it
    app.setDesktopFileName(APP_ID)  # Wayland finds the icon and name through the desktop entry
    return app  # type: ignore[return-value]


def open_window(project: str | None = None, play: bool = False) -> tuple[MainWindow, str]:
    """A main window for ``project`` (or the default experiment) and a note for the status bar
    (``play``: training is about to start)."""
    if project is None:
        return MainWindow(), "Training: press Space to pause" if play else "Ready: press Space to train"
    try:
        opened = read_project(project)
    except ProjectError as exc:  # any unreadable file: say why (the message names it), open the default
        return MainWindow(), f"Cannot open the experiment: {exc}"
    # The worker must own the trainer: it gets the spec, points and state, not the object.
    window = MainWindow(opened.spec, dataset=opened.dataset, state=opened.state, dtype=opened.dtype)
    window.runs_ui.add_opened(opened.runs)
    drawing = show_drawing(window, opened)
    window.files.set_current_file(project, opened.epoch, opened.batches)
    return window, (f"Opened {Path(project).name} at epoch {opened.epoch:,}"
                    + window.links.origin_note(opened.spec.source_link) + drawing)


def run(project: str | None = None, play: bool = False, argv: list[str] | None = None) -> int:
    """Show the main window and run the event loop; returns the exit code.

    Parameters
    ----------
    project : a saved experiment to open, or None for the default experiment
    play : start training as soon as the window is up
    argv : arguments for QApplication (Qt options such as ``-platform``)
    """
    configure_interpreter()
    app = make_application(argv)
    window, note = open_window(project, play)
    recovery = crash_recovery.install(window)
    hooks = recovery.install_hooks()
    window.show()
    window.status.note(note)
    QTimer.singleShot(0, recovery.offer_restore)  # once the window is up
    warm_up = engine_status.install(window, freeze_garbage=True)  # the compiled engine, made ready in the background
    if play:
        QTimer.singleShot(0, window.transport_actions.play)  # drawn points not trainable yet say so instead
    previous = _close_on_interrupt(window)
    collector = collect_garbage_on_this_thread()
    try:
        code = app.exec()
        recovery.discard()  # a clean exit: nothing to recover
        return code
    finally:
        crash_recovery.Recovery.remove_hooks(hooks)
        collector.timer.stop()
        warm_up.join()
        gc.unfreeze()
        gc.enable()
        signal.signal(signal.SIGINT, previous)


def collect_garbage_on_this_thread() -> GarbageCollector:
    """Turn automatic cyclic garbage collection off and collect on a 1 s timer in this (the UI) thread.

    Python's collector may otherwise run in the worker thread, or in the middle of a paint, and
    delete Qt objects there (a crash). Stop the returned collector's ``timer``, ``gc.unfreeze()``
    and ``gc.enable()`` to undo. Call it once the window is built: what exists by then (modules, the window's
    widgets) is frozen out of later collections, which then take a few milliseconds instead of
    tens (each one holds the GIL, and the event loop, while it runs).
    """
    gc.collect()
    gc.freeze()
    return GarbageCollector(interval=1.0)


def _close_on_interrupt(window: MainWindow):
    """Ctrl+C in the terminal closes the window cleanly (the thread is joined) instead of a traceback.

    Returns the previous SIGINT handler.
    """
    previous = signal.signal(signal.SIGINT, lambda *_: window.close())
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return previous


if __name__ == "__main__":
    _files = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(run(_files[0] if _files else None, play="--play" in sys.argv))
