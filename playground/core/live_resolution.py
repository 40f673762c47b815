"""The decision boundary's resolution while training runs: lower for a network whose picture is slow.

The training worker spends at most a share of its time on pictures, so a picture that takes
``t`` seconds allows at most ``share / t`` redraws a second. A big network (10 hidden layers of
64 neurons: about 40 ms for a 100² picture here) would redraw 5 times a second. While training
runs, such a network is drawn on a coarser grid, chosen from the last picture's time so that the
views still redraw about :data:`LIVE_REDRAWS` times a second; a paused run, and every network whose
picture is fast enough (all the small ones), gets the resolution asked for.
"""

from __future__ import annotations

import math

#: Redraws a second a big network still gets while training runs.
LIVE_REDRAWS = 20
#: Never coarser than this while training (and never finer than asked). 10 × 64 here: a 50² picture
#: takes the worker 17 ms of CPU, which a quarter of its time turns into 14 redraws a second; a
#: 40² one 11 ms, 22 a second. Drawn smoothed, 40² still shows the boundary's shape, and a
#: paused run is drawn at the resolution asked for.
LIVE_FLOOR = 40
#: Resolutions are multiples of this, so that noise in the picture's time does not change the
#: grid (and rebuild its evaluator) at every snapshot.
STEP = 10


class LiveResolution:
    """Chooses the running picture's resolution from how long the last one took.

    Parameters
    ----------
    share : the part of the worker's time pictures may take (0 < share ≤ 1)
    """

    def __init__(self, share: float) -> None:
        self.budget = share / LIVE_REDRAWS  # seconds a picture may take
        self.current: int | None = None  # None: as asked

    def resolution(self, requested: int, running: bool) -> int:
        """The resolution of the next picture."""
        if not running or self.current is None:
            return requested
        return min(requested, self.current)

    def took(self, seconds: float, resolution: int, requested: int) -> None:
        """The last running picture, of ``resolution``², took ``seconds`` of the worker's CPU: adapt
        (cost ∝ resolution²)."""
        if seconds <= 0.0:
            return
        ideal = resolution * math.sqrt(self.budget / seconds)
        if ideal >= requested:
            self.current = None
            return
        target = max(min(LIVE_FLOOR, requested), int(ideal // STEP) * STEP)
        # Down at once; up only by two steps, so that a picture time near a step does not flap.
        if self.current is None or target < self.current or target >= self.current + 2 * STEP:
            self.current = target

    def forget(self) -> None:
        """Another network: start again from the resolution asked for."""
        self.current = None
