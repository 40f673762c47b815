"""The frame-rate cap: the window acknowledges a painted snapshot no sooner than a frame's time
after the previous one, and the worker sends the next snapshot only after an acknowledgement.

Fewer frames leave more of the two cores (and the GIL) to training on a slow machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

#: Frame rates offered in Preferences, frames a second; the first is the default (and the worker's own pace).
FRAME_RATES = (30, 20, 10, 5)


class FrameCap(QObject):
    """Passes acknowledgements on to ``acknowledge`` at most ``fps`` times a second."""

    def __init__(self, acknowledge: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._acknowledge = acknowledge
        self.fps = FRAME_RATES[0]
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._pass_on)

    def set_fps(self, fps: int) -> None:
        self.fps = fps
        if self._timer.isActive():  # a held acknowledgement waits for the new cap
            self._timer.stop()
            self.acknowledge()

    def acknowledge(self) -> None:
        """The window painted a snapshot: pass it on now, or when the frame's time is up."""
        # At the default rate the worker's own ~33 ms pace applies: no delay, no timer.
        wait = 0.0 if self.fps >= FRAME_RATES[0] else self._last + 1.0 / self.fps - time.monotonic()
        if wait <= 0:
            self._pass_on()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def _pass_on(self) -> None:
        self._last = time.monotonic()
        self._acknowledge()
