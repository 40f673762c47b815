"""PaintWatcher: the after-paint callback runs once per arm, after the window's children painted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
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
    qtbot.waitUntil(lambda: "paint" in log, timeout=2000)
    return window, child


def _paint_and_drain(qtbot, child: QWidget, log: list[str]) -> None:
    """Repaint ``child`` and wait until what that paint scheduled on the event loop has run: a
    zero timer started after the paint fires after any the paint started."""
    paints = log.count("paint")
    child.update()
    qtbot.waitUntil(lambda: log.count("paint") > paints, timeout=2000)
    marker = f"marker{paints}"
    QTimer.singleShot(0, lambda: log.append(marker))
    qtbot.waitUntil(lambda: marker in log, timeout=2000)


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
    _paint_and_drain(qtbot, child, log)
    assert "after" not in log


def test_one_call_per_arm(qtbot):
    log: list[str] = []
    window, child = _window(qtbot, log)
    watcher = PaintWatcher(window, lambda: log.append("after"))
    watcher.arm()
    for _ in range(3):
        _paint_and_drain(qtbot, child, log)
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
    window.controller.step_epoch()
    qtbot.waitUntil(lambda: window.controller.last_snapshot.epoch == 1, timeout=5000)
    qtbot.waitUntil(lambda: not window._ack_pending, timeout=2000)  # acknowledged after its paint
    assert not window._ack_timer.isActive()
    window.setWindowModified(False)
    window.close()


def test_throttles_sharing_turns_never_draw_in_the_same_frame(qtbot, view_clock):
    from PySide6.QtCore import QObject

    from playground.ui.widgets.plot_style import DrawTurns, Throttle

    parent = QObject()
    turns = DrawTurns(gap=0.05)
    drawn: list[tuple[str, float]] = []  # (throttle, the views' clock when it drew)
    throttles = [Throttle(lambda v, n=name: drawn.append((n, view_clock.monotonic())), 100, parent)
                 for name in "abc"]
    for t in throttles:
        t.turns = turns
    for t in throttles:
        t("x")  # all three at once: the first draws, the others wait their turn
    assert [n for n, _ in drawn] == ["a"]
    for count in (2, 3):  # one turn at a time: one more draws each
        view_clock.advance(0.05)
        qtbot.waitUntil(lambda count=count: len(drawn) == count, timeout=2000)
    assert [t for _, t in drawn] == pytest.approx([1000.0, 1000.05, 1000.1])  # each a gap after the one before
    assert sorted(n for n, _ in drawn) == ["a", "b", "c"]
