"""Terminal feedback for a headless training run: a progress line, a summary and Ctrl-C.

The progress line is one ``\\r``-rewritten line on stderr, drawn only when
stderr is a terminal and at most ten times a second (so it never slows the
engine down); otherwise a single summary line is printed at the end. Ctrl-C
sets a flag that the training loop checks between epochs, so an interrupted
run stops on a whole epoch and can still be saved; a second Ctrl-C aborts.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import TextIO

import numpy as np

from playground.core.trainer import Trainer

#: Seconds between progress updates: at most ten a second.
UPDATE_INTERVAL = 0.1
BAR_WIDTH = 20


def format_loss(value: float) -> str:
    """Four significant digits; small losses must not read 0.000."""
    return f"{value:.4g}" if math.isfinite(value) else "n/a"


def format_accuracy(value: float | None) -> str:
    return "n/a" if value is None else f"{100.0 * value:.1f}%"


def metrics_text(trainer: Trainer) -> str:
    """``train loss 0.0123  test loss 0.0150`` plus accuracies for classification."""
    text = f"train loss {format_loss(trainer.train_loss)}  test loss {format_loss(trainer.test_loss)}"
    if trainer.train_accuracy is not None:
        text += (f"  train acc {format_accuracy(trainer.train_accuracy)}"
                 f"  test acc {format_accuracy(trainer.test_accuracy)}")
    return text


def _columns(stream: TextIO) -> int:
    """Width of the terminal ``stream`` writes to (100 when it cannot be told)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 100
    except (OSError, ValueError, AttributeError):
        return 100


class StopRequest:
    """Turns the first Ctrl-C into a polite request; a second one raises ``KeyboardInterrupt``.

    Use as a context manager around the training loop; the previous SIGINT
    handler comes back on exit. Outside the main thread it does nothing.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Callable | int | None = None
        self._installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False


class Progress:
    """The progress line of a run of ``total`` epochs (``total`` counts this run only).

    Parameters
    ----------
    total : epochs this run will train
    stream : where to write (stderr)
    live : draw the ``\\r`` line (only sensible on a terminal)
    """

    def __init__(self, total: int, stream: TextIO, live: bool) -> None:
        self.total = total
        self.stream = stream
        self.live = live
        self._drawn = False
        # A line wider than the terminal wraps, and \r would then redraw only its last part.
        self.width = _columns(stream) - 1

    def update(self, trainer: Trainer, done: int, seconds: float) -> None:
        """Redraw the line after ``done`` epochs in ``seconds`` (the caller throttles)."""
        if not self.live:
            return
        share = done / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        rate = done / seconds if seconds > 0 else 0.0
        line = (f"epoch {trainer.epoch} [{bar}] {done}/{self.total}  {rate:,.0f} epochs/s"
                f"  {metrics_text(trainer)}")
        self.stream.write("\r" + line[:self.width] + "\x1b[K")  # erase what a longer previous line left
        self.stream.flush()
        self._drawn = True

    def finish(self, trainer: Trainer, done: int, seconds: float, interrupted: bool) -> None:
        """End the line (when drawn) and print the summary."""
        if self._drawn:
            self.stream.write("\n")
        rate = done / seconds if seconds > 0 else 0.0
        how = "interrupted at" if interrupted else "finished"
        self.stream.write(f"{how} epoch {trainer.epoch}: {metrics_text(trainer)}"
                          f"  ({done} epochs in {seconds:.2f} s, {rate:,.0f} epochs/s)\n")
        self.stream.flush()


def run_epochs(trainer: Trainer, epochs: int, stop: StopRequest, progress: Progress | None = None
               ) -> tuple[int, float]:
    """Train up to ``epochs`` epochs until done or ``stop.requested``.

    Returns
    -------
    (epochs done, seconds spent). Raises ``TrainingDiverged`` from the trainer.
    """
    start = time.perf_counter()
    # Overflow on the way to a NaN loss is reported once, as TrainingDiverged, not as numpy warnings.
    with np.errstate(all="ignore"):
        done = _train_loop(trainer, epochs, stop, progress, start)
    return done, time.perf_counter() - start


def _train_loop(trainer: Trainer, epochs: int, stop: StopRequest, progress: Progress | None,
                start: float) -> int:
    done = 0
    while done < epochs and not stop.requested:
        deadline = time.perf_counter() + UPDATE_INTERVAL

        def keep_going(deadline: float = deadline) -> bool:
            return not stop.requested and time.perf_counter() < deadline

        done += trainer.train(epochs - done, keep_going)
        if progress is not None:
            progress.update(trainer, done, time.perf_counter() - start)
    return done
