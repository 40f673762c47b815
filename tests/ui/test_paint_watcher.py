"""PaintWatcher: the after-paint callback runs once per arm, after the window's children painted."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.ui.paint_watcher import PaintWatcher


class _Recorder(QWidget):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log
        self.setMinimumSize(50, 50)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.log.append("paint")


def _window(qtbot, log: list[str]) -> tuple[QWidget, _Recorder]:
    window = QWidget()
    child = _Recorder(log)
    QVBoxLayout(window).addWidget(child)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    return window, child


def test_calls_back_after_the_next_paint(qtbot):
    log: list[str] = []
    window, child = _window(qtbot, log)
    watcher = PaintWatcher(window, lambda: log.append("after"))
    log.clear()
    watcher.arm()
    child.update()
    qtbot.waitUntil(lambda: "after" in log, timeout=2000)
    assert log.index("paint") < log.index("after")


def test_unarmed_or_disarmed_does_not_call(qtbot):
    log: list[str] = []
    window, child = _window(qtbot, log)
    watcher = PaintWatcher(window, lambda: log.append("after"))
    child.update()
    qtbot.waitUntil(lambda: "paint" in log, timeout=2000)
    watcher.arm()
    watcher.disarm()
    child.update()
    qtbot.wait(100)
    assert "after" not in log


def test_one_call_per_arm(qtbot):
    log: list[str] = []
    window, child = _window(qtbot, log)
    watcher = PaintWatcher(window, lambda: log.append("after"))
    watcher.arm()
    for _ in range(3):
        child.update()
        qtbot.wait(30)
    qtbot.wait(50)
    assert log.count("after") == 1


def test_the_main_window_has_no_python_event_or_paint_override():
    """A Python ``event``/``paintEvent`` on the top-level window would run the whole window's painting
    inside a Python call, holding the GIL, and stall the training thread for that long."""
    from PySide6.QtWidgets import QMainWindow

    from playground.ui.main_window import MainWindow

    for name in ("event", "paintEvent"):
        assert getattr(MainWindow, name) is getattr(QMainWindow, name), name


def test_the_window_acknowledges_a_snapshot_after_painting_it(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from playground.ui.main_window import MainWindow

    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.last_snapshot is not None, timeout=5000)
    window._ack_timer.setInterval(60_000)  # no fallback: only the paint can acknowledge in time
    calls: list[str] = []
    original = window.controller.acknowledge
    window.controller.acknowledge = lambda: (calls.append("ack"), original())[1]
    window.controller.step_epoch()
    qtbot.waitUntil(lambda: window.controller.last_snapshot.epoch == 1 and bool(calls), timeout=5000)
    assert not window._ack_timer.isActive()
    window.setWindowModified(False)
    window.close()
