"""A ``.csv`` file dropped onto the window is imported as File > Import data does.

An event filter beside the link drop (``link_actions``): each accepts only its own kind of drag,
so a TensorFlow Playground link and a CSV file can both be dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDropEvent

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

#: File suffixes a drop imports as points.
DATA_SUFFIXES = (".csv",)


def dropped_csv(event: QDropEvent) -> str | None:
    """The local ``.csv`` file a drag carries (the first one), else ``None``."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
    return next((p for p in paths if p.lower().endswith(DATA_SUFFIXES)), None)


class CsvDrop(QObject):
    """Imports the CSV file dropped onto ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            path = dropped_csv(event)  # type: ignore[arg-type]  # both are QDropEvents
            if path is not None:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                if event.type() == QEvent.Type.Drop:
                    self.window.exports.import_data_from(path)
                return True
        return super().eventFilter(watched, event)


def install(window: MainWindow) -> CsvDrop:
    """Let ``window`` import dropped CSV files (kept alive by the window, its parent)."""
    return CsvDrop(window)
