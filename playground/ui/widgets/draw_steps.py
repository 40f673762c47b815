"""The steps of a big drawing, each in a turn of the event loop of its own, apart from the window's others.

A big new diagram (its editing items, then its links) and a deep network's weight plots (one a
step) are drawn in steps of a few tens of milliseconds. Zero-interval timers that are due
together fire in one pass of the event loop, so two views' steps (or a step and a throttled
draw) would run back to back and freeze the window for their sum. Each step therefore waits
:data:`STEP_GAP` after the window's last drawing or step ended (the views' shared
:class:`~playground.ui.widgets.plot_style.DrawTurns`): the input, paints and timers that came
meanwhile are handled between two steps.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer

from playground.ui.widgets.plot_style import DrawTurns

#: Seconds between the end of the window's last drawing or step and the next step: longer than the
#: shortest timers of the UI, so that they come between two steps.
STEP_GAP = 0.008


def start_step(timer: QTimer, turns: DrawTurns | None) -> None:
    """Start the single-shot ``timer`` of a drawing's next step: at least :data:`STEP_GAP` from now and
    from the end of the last drawing or step of the views sharing ``turns`` (None: a view on its own)."""
    last = turns.last if turns is not None else -math.inf
    wait = max(STEP_GAP, last + STEP_GAP - time.monotonic())
    timer.start(math.ceil(wait * 1000))


def step_done(turns: DrawTurns | None) -> None:
    """A step just ended: the next drawing or step of the views sharing ``turns`` waits its gap from now."""
    if turns is not None:
        turns.last = time.monotonic()
