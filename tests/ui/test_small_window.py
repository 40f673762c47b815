"""At 1024 × 700 every control is reachable: the tool bar fits, every action is in a menu, panels scroll."""

from __future__ import annotations

from builders import easy_spec
from file_helpers import close_quietly, file_window
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from playground.ui.widgets.weights_view import MIN_CELL


def menu_actions(menu: QMenu) -> set[QAction]:
    out = set()
    for a in menu.actions():
        out.add(a)
        if a.menu() is not None:
            out |= menu_actions(a.menu())
    return out


def test_every_control_is_reachable_at_1024_by_700(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path, easy_spec((24, 24)))
    try:
        _check_reachable(qtbot, w)
    finally:
        close_quietly(w, dialogs)


def _check_reachable(qtbot, w) -> None:
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024 and w.height() == 700)
    QApplication.processEvents()
    bar = w.transport
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()  # nothing behind "»"
    for action in bar.actions():
        widget = bar.widgetForAction(action)
        if widget is not None and not action.isSeparator():
            assert widget.isVisible() and bar.rect().contains(widget.geometry()), action.text()
    in_menus = set()
    for a in w.menuBar().actions():
        in_menus |= menu_actions(a.menu())
    window_actions = [a for a in w.actions() if a.text()]
    assert len(window_actions) >= 6
    assert [a.text() for a in window_actions if a not in in_menus] == []
    # The Experiment panel scrolls, and its Training section is one action away.
    scroll = w.experiment.dock.widget()
    assert scroll.verticalScrollBar().maximum() > 0
    section = w.experiment.training.parentWidget()
    w.training_settings_action.trigger()
    QApplication.processEvents()
    top = section.mapTo(scroll.viewport(), section.rect().topLeft()).y()
    assert 0 <= top < scroll.viewport().height()
    assert w.training_settings_action in in_menus and w.training_settings_action.shortcut().toString() == "Ctrl+T"
    # The weights heatmaps keep their cells and scroll instead of collapsing.
    w.bring_up_to_date(w.weights_view)
    qtbot.waitUntil(lambda: len(w.weights_view.layers) == 3)  # the plots after the first: each in its turn
    QApplication.processEvents()
    shorts = [lp.plot.getViewBox().sceneBoundingRect().height() / lp.n_out for lp in w.weights_view.layers]
    assert len(shorts) == 3 and min(shorts) >= MIN_CELL - 1, shorts

def test_the_tool_bar_gets_its_texts_back_when_there_is_room(qtbot, win):
    w, _ = win
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024)
    compact = w.transport.toolButtonStyle()
    w.resize(1500, 800)
    qtbot.waitUntil(lambda: w.width() == 1500)
    assert compact.name == "ToolButtonIconOnly" and w.transport.toolButtonStyle().name == "ToolButtonTextBesideIcon"
