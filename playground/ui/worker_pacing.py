"""What paces the training worker besides its queue: thread-safe flags the UI thread sets, and its epochs/s.

A queued command waits until the worker's current slice of training is done; these flags are
read in the middle of one (between kernel calls, pieces of a big epoch or of a picture), so
that a pause, the end, or the UI's acknowledgement of the last snapshot take effect at once.
"""

from __future__ import annotations

import collections
import threading


class Interrupts:
    """Thread-safe flags the UI thread sets and the worker polls between pieces of work.

    ``pause`` stops the piece under way until the worker has handled the queued pause,
    ``stop`` for good (the thread is about to quit). ``request``: a fetch waits for an answer,
    so a picture under way stops and the answer comes first (the picture is made again after
    it). ``acknowledged``: how many of the worker's snapshots the UI has drawn (counted as they
    arrived; an int only the UI thread writes), so the worker may send the next one as soon as
    it is due, without waiting for its slice to end and the queued acknowledgement to be handled.
    """

    def __init__(self) -> None:
        self.pause = threading.Event()
        self.stop = threading.Event()
        self.request = threading.Event()
        self.acknowledged = 0

    def any(self) -> bool:
        """A pause or the end was asked for."""
        return self.pause.is_set() or self.stop.is_set()


class RateMeter:
    """Epochs per second over the last second of (time, epoch) samples."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._samples: collections.deque[tuple[float, int]] = collections.deque()

    def clear(self) -> None:
        self._samples.clear()

    def add(self, now: float, epoch: int) -> float:
        """Record a sample; the rate over the window (0 until two samples span some time)."""
        s = self._samples
        s.append((now, epoch))
        while len(s) > 2 and now - s[1][0] >= self.window:
            s.popleft()
        t0, e0 = s[0]
        return (epoch - e0) / (now - t0) if now - t0 > 0.05 else 0.0


class SnapshotClock:
    """When the next snapshot is due while training: ``gap`` seconds after the last one was due.

    Training stops for a snapshot only between two kernel calls, so each goes out a little late;
    counting the gap from when it was due, not from when it went out, keeps the pace's phase, so
    that snapshots average one per gap.
    """

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.last = 0.0  # when the last snapshot was due (or sent, if not on schedule)

    def due(self, now: float) -> bool:
        return now - self.last >= self.gap

    def sent(self, now: float, on_schedule: bool) -> None:
        """A snapshot went out at ``now``; ``on_schedule``: a due one while training (not a forced one)."""
        late = now - self.last - self.gap
        self.last = now - late if on_schedule and 0 <= late < self.gap / 2 else now


class InFlight:
    """The worker's snapshots sent and whether the last is still waiting to be drawn: never two in flight.

    The controller counts the snapshots as they arrive and writes how many the UI has drawn into
    ``interrupts.acknowledged``; a queued acknowledgement carries the same count, so a late one of
    an earlier snapshot frees nothing.
    """

    def __init__(self, interrupts: Interrupts) -> None:
        self.interrupts = interrupts
        self.sent = 0
        self.waiting = False

    def send(self) -> None:
        self.sent += 1
        self.waiting = True

    def drawn(self) -> bool:
        """No snapshot waits to be drawn (the UI's count, read as soon as it is written)."""
        return not self.waiting or self.interrupts.acknowledged >= self.sent

    def free(self, count: int | None = None) -> None:
        """The UI has drawn the first ``count`` snapshots (None: its count so far)."""
        if (self.interrupts.acknowledged if count is None else count) >= self.sent:
            self.waiting = False
