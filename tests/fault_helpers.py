"""Helpers for fault-injection tests: a named pipe that cannot hang a test, a child that is killed mid-save."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def fifo_that_cannot_hang(path: Path, seconds: float = 20.0) -> Iterator[Path]:
    """Make a named pipe at ``path``; should anything still be blocked on it after ``seconds``
    (a regression: opening or reading it waits for a writer), a writer opens and closes it, so the
    reader gets end-of-file and the test fails on its assertions instead of hanging."""
    os.mkfifo(path)
    stop = threading.Event()

    def unblock() -> None:
        if stop.wait(seconds):
            return
        while not stop.wait(0.1):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:  # ENXIO: nobody reads yet
                if exc.errno != errno.ENXIO:
                    return
                continue
            os.close(fd)

    thread = threading.Thread(target=unblock, name="fifo-unblocker", daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join()
