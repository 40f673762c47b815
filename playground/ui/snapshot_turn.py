"""A snapshot that comes right after a throttled drawing is shown once the timers have had their pass.

Qt's event loop runs the due timers only between passes of posted events, and a drawing's layout
and paint are posted events that post more: a throttled view's draw (a timer), its layout and
paint, and a snapshot (a queued signal) arriving meanwhile would run back to back, and the window
would not answer input or timers for their sum. Held until a zero timer started at the drawing's
end has fired, the snapshot waits behind the timers that were due before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from playground.ui.widgets.plot_style import DrawTurns


def _zero_timer(parent: QObject, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(slot)
    return timer


class SnapshotTurn(QObject):
    """Decides whether a snapshot is shown now or after the timers' next pass (see the module's docstring)."""

    def __init__(self, turns: DrawTurns, show: Callable[[Any], None], parent: QObject) -> None:
        super().__init__(parent)
        self.turns = turns
        self._show = show
        self._held: Any = None
        #: a drawing or step ended and the timers have not had a pass since
        self.drawn = False
        self._timers_pass = _zero_timer(self, self._on_timers_pass)
        self._timer = _zero_timer(self, self._on_timer)
        turns.ended.append(self._on_drawing_ended)

    def offer(self, snapshot: Any) -> None:
        """Show ``snapshot`` (through ``show``) now, or after the timers' pass if a drawing just ended."""
        if self._timer.isActive():  # a newer snapshot replaces the held one
            self._held = snapshot
        elif self.drawn:
            self._held = snapshot
            self._timer.start()
        else:
            self._present(snapshot)

    def _present(self, snapshot: Any) -> None:
        self._show(snapshot)
        self.turns.frame_shown()  # the next drawing or step in another pass

    def _on_drawing_ended(self) -> None:
        self.drawn = True
        self._timers_pass.start()

    def _on_timers_pass(self) -> None:
        self.drawn = False

    def _on_timer(self) -> None:
        if self.drawn:  # a drawing due in the same pass came first: after the timers' next pass
            self._timer.start()
            return
        snapshot, self._held = self._held, None
        if snapshot is not None:
            self._present(snapshot)
