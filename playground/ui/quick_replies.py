"""Knowing at once, in the UI thread, that the worker has answered a fetch.

While a fetch waits, the UI thread turns the event loop: it draws whatever snapshot
arrives and paints the views, and in that time the worker (which needs the GIL too)
trains on more slowly; that drawing was most of an edit's delay. So the worker's
``replied`` signal is also connected directly (it runs in the worker thread) to
:meth:`QuickReplies.put`, and a fetch first waits here, without an event loop and
without holding the GIL, for at most :data:`QUICK_WAIT` seconds. Answered, it delivers
the signals the worker sent the controller up to the answer (the answer's own queued
signal last; ``QCoreApplication.sendPostedEvents`` for the controller only), so that
they still arrive before the fetch returns, and nothing else runs meanwhile (no paint,
no timer). A slower answer is waited for in the event loop, as before.
"""

from __future__ import annotations

import threading

#: Seconds a fetch waits for its answer before it turns the event loop (the window paints again).
QUICK_WAIT = 0.1


class QuickReplies:
    """Which fetches the worker has answered, told by the worker thread (a lock, no event loop)."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._expected: set[int] = set()
        self._answered: set[int] = set()

    def expect(self, request_id: int) -> None:
        """A fetch will wait for ``request_id`` (call before the request is sent)."""
        with self._ready:
            self._expected.add(request_id)

    def put(self, request_id: int, _result: object = None, _error: str = "") -> None:
        """The worker has answered ``request_id`` (called in the worker thread)."""
        with self._ready:
            if request_id in self._expected:
                self._answered.add(request_id)
                self._ready.notify_all()

    def wait(self, request_id: int, timeout: float | None = None) -> bool:
        """True once ``request_id`` is answered, False after ``timeout`` seconds (:data:`QUICK_WAIT`)
        without an answer."""
        with self._ready:
            return self._ready.wait_for(lambda: request_id in self._answered,
                                        QUICK_WAIT if timeout is None else timeout)

    def forget(self, request_id: int) -> None:
        """The fetch is over."""
        with self._ready:
            self._expected.discard(request_id)
            self._answered.discard(request_id)
