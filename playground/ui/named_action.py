"""One way to make a window's menu action: a name for tests, a tip (with its key) and a slot."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def named_action(window: QWidget, text: str, name: str, tip: str, slot: Callable[[], object],
                 shortcut: str = "") -> QAction:
    """A ``QAction`` of ``window`` whose shortcut works wherever the focus is in the window."""
    action = QAction(text, window)
    action.setObjectName(name)
    action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
    action.setStatusTip(tip)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        window.addAction(action)
    action.triggered.connect(slot)
    return action
