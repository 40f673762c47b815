"""Shared helpers for the main-window tests: an easy experiment, waiting on snapshots, Qt warnings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QtMsgType

from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.ui.main_window import MainWindow

#: Messages the offscreen platform prints for every window; not ours.
PLATFORM_NOISE = ("propagateSizeHints",)


def easy_spec(hidden: tuple[int, ...] = (4,), lr: float = 0.03) -> ExperimentSpec:
    """Two Gaussian clouds: the loss falls within a few epochs."""
    return ExperimentSpec(data=DataSpec(name="gauss", points=200), network=NetworkSpec.uniform(hidden, "tanh"),
                          training=TrainingSpec(optimizer=OptimizerSpec(learning_rate=lr), batch_size=10))


def make_window(qtbot, tmp_path, spec: ExperimentSpec | None = None) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(spec or easy_spec(), settings=settings)
    w.show()
    qtbot.waitExposed(w)
    wait_snapshot(qtbot, w, lambda s: True)
    return w


def wait_snapshot(qtbot, w: MainWindow, cond, timeout: int = 5000):
    """Wait for a current-generation snapshot satisfying ``cond``; return it."""
    c = w.controller

    def ok() -> bool:
        s = c.last_snapshot
        return s is not None and s.generation == c.generation and cond(s)

    qtbot.waitUntil(ok, timeout=timeout)
    return c.last_snapshot


def settle(qtbot, w: MainWindow, ms: int = 150):
    """Let queued commands and the forced snapshot after them arrive; return the last snapshot."""
    qtbot.wait(ms)
    return w.controller.last_snapshot


def qt_warnings(qtlog) -> list[str]:
    """Qt warnings and worse that were logged, minus the offscreen platform's noise."""
    return [r.message for r in qtlog.records
            if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
            and not any(n in r.message for n in PLATFORM_NOISE)]
