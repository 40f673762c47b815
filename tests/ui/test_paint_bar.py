"""The Draw bar fits a small window with eight classes; the Data panel says whether points were drawn."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from window_helpers import settle, wait_snapshot

from playground.core.spec import MAX_CLASSES
from playground.ui.palette import CLASS_SYMBOLS


def test_the_draw_bar_fits_a_1024_by_700_window_with_eight_classes(qtbot, win):
    w, _ = win
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024 and w.height() == 700)
    bar = w.paint.bar
    assert not bar.wrapped  # two classes: one row
    bar.show_problem(True, MAX_CLASSES)
    QApplication.processEvents()
    assert w.minimumSizeHint().width() <= 1024 and w.width() == 1024
    assert bar.wrapped  # Spray and the whole-set actions on a second row
    box = w.boundary_box.rect()
    for b in [*bar.class_buttons, bar.clear, bar.resplit, bar.fit, bar.density]:
        assert b.isVisible() and box.contains(b.mapTo(w.boundary_box, b.rect().bottomRight())), b.toolTip()
    bar.show_problem(True, 2)
    assert not bar.wrapped and not bar.class_buttons[3].isVisible()
    # Each button's digit in the ink that reads on its colour: dark on orange, white on blue.
    assert "color: #111111;" in bar.class_buttons[0].styleSheet()
    assert "color: #ffffff;" in bar.class_buttons[1].styleSheet()


def _click_at(w, x: float, y: float) -> None:
    vb = w.boundary.plot.getPlotItem().getViewBox()
    at: QPoint = w.boundary.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    QTest.mouseClick(w.boundary.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def test_the_data_panel_says_drawn_points_for_drawn_data_and_loaded_points_for_a_file(qtbot, tmp_path, win):
    w, dialogs = win
    title = w.experiment.data.title
    settle(qtbot, w)
    w.paint.draw_action.setChecked(True)
    _click_at(w, 2.0, 3.0)
    qtbot.waitUntil(lambda: w.spec.data.name == "custom")
    assert "drawn points" in title.text() and "loaded" not in title.text()
    w.paint.resplit()  # a new split of the same points is still drawn data
    assert "drawn points" in title.text()
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i / 10},{-i / 10},{i % 3}\n" for i in range(30)))
    dialogs.open_answers.append(str(path))
    w.exports.import_data_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.dataset.name == "mine.csv")
    qtbot.waitUntil(lambda: "loaded points" in title.text())
    assert "drawn" not in title.text()
    # Three classes: the points drawn in Draw mode have their class's shape too.
    p = w.paint.points
    assert list(w.paint.overlay.data["symbol"]) == [CLASS_SYMBOLS[int(k)] for k in p.y]
