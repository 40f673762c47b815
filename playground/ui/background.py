"""Run a slow pure function (reading a big file) on a short-lived thread while the UI stays live.

The UI thread waits in a local event loop that paints, animates and answers
the window system but takes no user input (as ``TrainingController.fetch``
does), so nothing else can start meanwhile; a status note says what is
going on. The thread is owned here: it is started and joined by
:func:`run_in_background`, and never outlives the call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QTimer

T = TypeVar("T")

#: How often the waiting loop looks whether the thread has finished, milliseconds.
POLL_MS = 20


def run_in_background(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on a thread of its own; returns its result or raises its exception."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = fn(*args)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="background-read", daemon=True)
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    timer.start()
    try:
        if thread.is_alive():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        timer.stop()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
