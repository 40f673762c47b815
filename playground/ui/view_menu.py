"""The window's View menu, for panels added after the menus are built (inspector, loss surface, lesson)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu


def add_dock_toggle(window: QMainWindow, dock: QDockWidget) -> None:
    """Put ``dock``'s show/hide toggle at the top of the window's View menu (if it has one)."""
    # Found as the menu bar's children: walking the bar's actions and asking each for its menu()
    # left the File menu deleted afterwards (PySide6 6.10).
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title().replace("&", "") == "View":
            actions = menu.actions()
            menu.insertAction(actions[0] if actions else None, dock.toggleViewAction())
            return
