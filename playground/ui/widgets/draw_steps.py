"""The steps of a big drawing, each in a turn of the event loop of its own, apart from the window's others.

A big new diagram (its editing items, then its links) and a deep network's weight plots (one a
step) are drawn in steps of a few tens of milliseconds. Timers that are due together fire in one
pass of the event loop, so two views' steps (or a step and a throttled draw) would run back to
back and freeze the window for their sum. A :class:`DrawStep` (a zero-interval timer) therefore
runs only once :data:`STEP_GAP` has passed since the window's last drawing or step ended (the
views' shared :class:`~playground.ui.widgets.plot_style.DrawTurns`), and waits again otherwise:
the input, paints and timers that came meanwhile are handled between two steps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from playground.ui.widgets.plot_style import FRAME_GAP, DrawTurns

#: Seconds from the end of the window's last drawing or step to the next step: longer than the
#: shortest timers of the UI, so that they come between two steps.
STEP_GAP = 0.008


class DrawStep(QObject):
    """Runs ``run()`` once, when started, in a later turn of the event loop of its own: at least
    :data:`STEP_GAP` after the last drawing or step of the views sharing ``turns()`` (None: a view on
    its own) ended; their next drawing then waits its gap from this step's end."""

    def __init__(self, run: Callable[[], None], turns: Callable[[], DrawTurns | None], parent: QObject) -> None:
        super().__init__(parent)
        self.run = run
        self.turns = turns
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    def start(self) -> None:
        """Run the step in its turn."""
        self._timer.start(0)

    def stop(self) -> None:
        """Do not run it (it is done now, or no longer needed)."""
        self._timer.stop()

    def isActive(self) -> bool:  # noqa: N802 - as QTimer's
        """Whether the step is still to come."""
        return self._timer.isActive()

    def _on_timer(self) -> None:
        turns = self.turns()
        wait = max(turns.last + STEP_GAP, turns.frame + FRAME_GAP) - time.monotonic() if turns is not None else 0.0
        if wait > 0:  # another view drew or stepped, or the window showed a snapshot, just now: not in that pass
            self._timer.start(math.ceil(wait * 1000))
            return
        self.run()
        turns = self.turns()
        if turns is not None:
            turns.drawing_ended(time.monotonic())
