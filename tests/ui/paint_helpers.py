"""Helpers for the Draw-mode tests: plane coordinates to the output view's pixels, strokes of the mouse."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from window_helpers import settle, wait_snapshot

from playground.core.snapshot import Snapshot
from playground.ui.main_window import MainWindow

NO_MOD = Qt.KeyboardModifier.NoModifier


def pixel(w: MainWindow, x: float, y: float) -> QPoint:
    """The output view's pixel under the plane's point (x, y)."""
    vb = w.boundary.plot.getPlotItem().getViewBox()
    return w.boundary.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def stroke(w: MainWindow, path: list[tuple[float, float]], button=Qt.MouseButton.LeftButton,
           modifier=NO_MOD) -> None:
    """Press at the path's first point, move through the others, release at the last (plane coordinates)."""
    port = w.boundary.plot.viewport()
    QTest.mousePress(port, button, modifier, pixel(w, *path[0]))
    for x, y in path[1:]:
        QTest.mouseMove(port, pixel(w, x, y))
    QTest.mouseRelease(port, button, modifier, pixel(w, *path[-1]))


def enter_draw_mode(qtbot, w: MainWindow) -> tuple[Snapshot, int]:
    """Switch Draw mode on; the settled snapshot and how many points the view shows."""
    w.paint.draw_action.setChecked(True)
    s = settle(qtbot, w)
    return s, len(w.paint.points)


def grow_the_plane(qtbot, w: MainWindow) -> tuple[float, float, float, float]:
    """Draw a point far out at x = 20, then erase it: the plane grown to hold it stays (the
    pictures' domain), and the points are the first snapshot's again. Returns that domain."""
    from playground.core.painted_data import PaintedPoints

    s = wait_snapshot(qtbot, w, lambda s: True)
    far = PaintedPoints.from_dataset(s.dataset).added([[20.0, 0.0]], 1, 0.5)
    w.session.set_dataset(far.to_dataset(), "Draw points")
    w.session.set_dataset(far.erased((20.0, 0.0), 1.0).to_dataset(), "Erase points")
    grown = w.controller.fetch("checkpoint").picture_domain
    assert grown is not None and grown[1] > 20.0  # the plane stays as drawn
    return grown
