"""A snapshot that comes right after a throttled drawing is shown in a later pass of the event loop.

Qt runs the timers only every other pass of posted events: a throttled view's draw (a timer), the
layout and paint it posts, and a snapshot's views (a queued signal) that arrive meanwhile would run
back to back, and the window would not answer input or timers for their sum. Shown from a zero
timer instead, the snapshot waits behind the timers that were due before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from playground.ui.widgets.plot_style import DrawTurns

#: Seconds: a held snapshot whose timer fires this soon after a throttled drawing ended (a timer due
#: in the same pass) waits one more turn.
AGAIN = 0.002


class SnapshotTurn(QObject):
    """Decides whether a snapshot is shown now or in a later turn (see the module's docstring)."""

    def __init__(self, turns: DrawTurns, show: Callable[[Any], None], parent: QObject) -> None:
        super().__init__(parent)
        self.turns = turns
        self._show = show
        self._held: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    def later(self, snapshot: Any) -> bool:
        """True when ``snapshot`` is held for a later turn (shown then through ``show``); False: show it now."""
        if self._timer.isActive():  # a newer snapshot replaces the held one
            self._held = snapshot
            return True
        if time.monotonic() - self.turns.last >= self.turns.gap:
            return False
        self._held = snapshot
        self._timer.start(0)
        return True

    def _on_timer(self) -> None:
        if time.monotonic() - self.turns.last < AGAIN:  # a throttled draw due in the same pass went first
            self._timer.start(0)
            return
        snapshot, self._held = self._held, None
        if snapshot is not None:
            self._show(snapshot)
