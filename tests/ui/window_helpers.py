"""Shared helpers for the main-window tests: an easy experiment, waiting on snapshots and on the worker, Qt warnings."""

from __future__ import annotations

from builders import easy_spec
from PySide6.QtCore import QSettings, QtMsgType

from playground.core.spec import ExperimentSpec
from playground.ui.callouts import SEEN_KEY
from playground.ui.main_window import MainWindow
from playground.ui.training import TrainingController
from playground.ui.window_settings import SPEED_KEY

#: Messages the offscreen platform prints for every window; not ours.
PLATFORM_NOISE = ("propagateSizeHints",)


__all__ = ["easy_spec", "make_window", "wait_snapshot", "trained_epochs", "settle", "qt_warnings", "settings_at",
           "isolated_settings"]


def settings_at(path) -> QSettings:
    """Settings at ``path`` (an INI file) in which a window trains at Max speed unless the file says
    otherwise, with no first-start tips over the views: a first start of the app trains at a
    watchable pace and shows its tips, tests set what they need."""
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    for key, value in ((SPEED_KEY, 0.0), (SEEN_KEY, True)):
        if not settings.contains(key):
            settings.setValue(key, value)
    return settings


def isolated_settings(tmp_path) -> None:
    """The app's own settings (``QSettings()`` with no path, as ``app.run`` makes them) under ``tmp_path``."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def make_window(qtbot, tmp_path, spec: ExperimentSpec | None = None) -> MainWindow:
    settings = settings_at(tmp_path / "settings.ini")
    w = MainWindow(spec or easy_spec(), settings=settings)
    w.show()
    qtbot.waitExposed(w)
    # The first picture of the largest networks takes the worker (at a lower priority) about a
    # second of CPU: on a loaded machine that is many seconds, and nothing is wrong.
    wait_snapshot(qtbot, w, lambda s: True, timeout=60_000)
    return w


def wait_snapshot(qtbot, w: MainWindow, cond, timeout: int = 5000):
    """Wait for a current-generation snapshot satisfying ``cond``; return it (``w``: a window or a session)."""
    c = w.controller

    def ok() -> bool:
        s = c.last_snapshot
        return s is not None and s.generation == c.generation and cond(s)

    qtbot.waitUntil(ok, timeout=timeout)
    return c.last_snapshot


def trained_epochs(controller: TrainingController) -> int:
    """The worker's epoch now (the last history row's), read after every command sent before:
    the worker answers requests in order, and its signals before the answer arrive before it."""
    epochs = controller.fetch("history").epochs
    return int(epochs[-1]) if len(epochs) else 0


def settle(qtbot, w: MainWindow, timeout: int = 5000):
    """Wait until the worker has handled every command sent so far and the window has painted
    the snapshot they left, with none on its way; return it."""
    c = w.controller

    def settled() -> bool:
        if c._unacked:  # the window has not painted (and acknowledged) the last snapshot yet
            return False
        c.fetch("history")  # answered after the acknowledgement and anything it let out
        return not c._unacked

    qtbot.waitUntil(settled, timeout=timeout)
    return c.last_snapshot


def qt_warnings(qtlog) -> list[str]:
    """Qt warnings and worse that were logged, minus the offscreen platform's noise."""
    return [r.message for r in qtlog.records
            if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
            and not any(n in r.message for n in PLATFORM_NOISE)]
