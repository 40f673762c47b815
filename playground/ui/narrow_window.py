"""Every control reachable in a small window (down to 1024 × 700).

The transport bar drops its button texts (icons and tooltips stay) when the window is
narrower than the bar with texts, so that nothing hides behind the tool bar's "»";
"Training settings" (View menu, Ctrl+T) brings the Experiment panel's Training section
into view and gives it the focus, one click away however far the panel is scrolled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QScrollArea, QToolBar

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class CompactToolBar(QObject):
    """Switches ``bar`` between text-beside-icon and icon-only as its window is resized."""

    def __init__(self, window: MainWindow, bar: QToolBar) -> None:
        super().__init__(window)
        self.window, self.bar = window, bar
        self._full_width = 0
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        """Texts when the bar with texts fits the window, else icons only."""
        style = Qt.ToolButtonStyle
        if self.bar.toolButtonStyle() == style.ToolButtonTextBesideIcon:
            self._full_width = self.bar.sizeHint().width()
        compact = self.window.width() < self._full_width
        self.bar.setToolButtonStyle(style.ToolButtonIconOnly if compact else style.ToolButtonTextBesideIcon)
        for button in getattr(self.bar, "buttons", ()):
            button.setMinimumWidth(32 if compact else 64)


def show_training_section(window: MainWindow) -> None:
    """Show the Experiment panel scrolled to its Training section, with the focus in it."""
    dock = window.experiment.dock
    dock.show()
    dock.raise_()
    scroll = dock.widget()
    section = window.experiment.training.parentWidget()  # its group box
    if isinstance(scroll, QScrollArea):
        scroll.ensureWidgetVisible(section, 0, 0)
    window.experiment.training.setFocus(Qt.FocusReason.ShortcutFocusReason)
    window.experiment.training.focusNextChild()


def install(window: MainWindow) -> None:
    """Make ``window`` usable down to 1024 × 700 (see the module's docstring)."""
    window.compact_toolbar = CompactToolBar(window, window.transport)  # type: ignore[attr-defined]
    action = QAction("Training settings", window)
    action.setObjectName("training_settings")
    action.setShortcut(QKeySequence("Ctrl+T"))
    action.setToolTip("Show the training settings (Ctrl+T)")
    action.setStatusTip("Show the training settings")
    action.triggered.connect(lambda: show_training_section(window))
    window.addAction(action)
    window.view_menu.addAction(action)  # type: ignore[attr-defined]
    window.training_settings_action = action  # type: ignore[attr-defined]
