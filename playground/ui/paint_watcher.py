"""Tell when a window has painted, without holding the GIL while it paints."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class PaintWatcher(QObject):
    """Calls ``after_paint`` once ``window`` has painted, after :meth:`arm`.

    An event filter rather than an ``event`` override on the window: PySide keeps
    the GIL across every call into C++, so an override would hold it through the
    whole window's painting and stall the training thread for that long. The
    filter runs before the paint and returns at once; a zero timer then fires when
    the event loop is back, that is after the paint.
    """

    def __init__(self, window: QWidget, after_paint: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._after_paint = after_paint
        self._armed = False

    def arm(self) -> None:
        """Call ``after_paint`` after the window's next paint."""
        if not self._armed:
            self._armed = True
            # Installed only while armed: a window gets a few hundred events a second, and each
            # call into Python takes the GIL from the training thread.
            self._window.installEventFilter(self)

    def disarm(self) -> None:
        if self._armed:
            self._armed = False
            self._window.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._armed and event.type() == QEvent.Type.UpdateRequest:
            self.disarm()
            QTimer.singleShot(0, self, self._after_paint)
        return False
