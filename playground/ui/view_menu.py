"""The window's View menu, for panels added after the menus are built (inspector, loss surface, lesson)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QMainWindow


def add_dock_toggle(window: QMainWindow, dock: QDockWidget) -> None:
    """Put ``dock``'s show/hide toggle at the top of the window's View menu (if it has one)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and action.text().replace("&", "") == "View":
            menu.insertAction(menu.actions()[0] if menu.actions() else None, dock.toggleViewAction())
