"""The Edit menu: Undo and Redo of the session's steps, and the undo history in a dock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QUndoView

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the Edit menu (before Training) and a hidden "Undo history" dock to ``window``.

    Creates ``window.undo_action``, ``window.redo_action``, ``window.undo_history_action``,
    ``window.undo_view`` and ``window.undo_dock``.
    """
    stack = window.undo_stack
    undo = window.undo_action = stack.createUndoAction(window, "Undo")
    undo.setObjectName("undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    undo.setStatusTip("Undo the last edit of the experiment")
    redo = window.redo_action = stack.createRedoAction(window, "Redo")
    redo.setObjectName("redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    redo.setStatusTip("Redo the edit that was undone last")
    for action, keys in ((undo, "Ctrl+Z"), (redo, "Ctrl+Shift+Z or Ctrl+Y")):
        action.setToolTip(f"{action.statusTip()} ({keys})")
        window.addAction(action)  # shortcuts work wherever the focus is in the window

    view = window.undo_view = QUndoView(stack)
    view.setEmptyLabel("Start")
    view.setToolTip("Every edit of the experiment, oldest first: click one to go back to it")
    dock = window.undo_dock = window.make_dock("Undo history", "undo_dock", view)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    history = window.undo_history_action = dock.toggleViewAction()
    history.setText("Undo history")
    history.setObjectName("undo_history")
    history.setStatusTip("Show every edit and go back to any of them")
    history.setToolTip(history.statusTip())

    bar = window.menuBar()
    training_menu = next((a for a in bar.actions() if a.text() == "&Training"), None)
    menu = window.edit_menu = QMenu("&Edit", window)
    if training_menu is not None:
        bar.insertMenu(training_menu, menu)
    else:
        bar.addMenu(menu)
    menu.addAction(undo)
    menu.addAction(redo)
    menu.addSeparator()
    menu.addAction(history)
    menu.setToolTipsVisible(True)
