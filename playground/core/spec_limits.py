"""The error every invalid experiment raises (and the checks of one field that raise it), and the
work budget: one cap on what an epoch and a picture may cost.

The app, the command line and files all refuse the same experiments through :func:`check_work`
(``ExperimentSpec`` calls it, the trainer again with the real number of rows); pictures are never
refused but drawn on a coarser grid (:func:`picture_resolution`).
"""

from __future__ import annotations

import math
from typing import Any

#: The work budget: parameters × points, what one epoch (and one picture: parameters × grid
#: cells) may cost. At the limit an epoch is a few seconds of arithmetic; 16 × 256 neurons
#: (about a million parameters) fit with up to about 2,000 points, 100,000 points with a
#: network of up to 20,000 parameters (e.g. 8 × 48).
MAX_WORK = 2_000_000_000


class SpecError(ValueError):
    """An invalid experiment description; the message names the field and the allowed values."""


def n_parameters(sizes: tuple[int, ...]) -> int:
    """Weights and biases of a fully connected network of layer ``sizes`` (inputs, ..., outputs)."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def check_work(n_parameters: int, rows: int) -> None:
    """Refuse an epoch whose work (parameters × rows) is over :data:`MAX_WORK`; the message says
    what to reduce. Pictures are not refused: they scale down (:func:`picture_resolution`)."""
    if n_parameters * rows <= MAX_WORK:
        return
    fit_rows = MAX_WORK // n_parameters
    points = f"use at most {fit_rows:,} points with this network, or " if fit_rows >= 4 else "use "
    raise SpecError(f"work budget: {n_parameters:,} parameters × {rows:,} points is "
                    f"{n_parameters * rows:.3g} per epoch, over the limit of {MAX_WORK:.3g} "
                    f"(parameters × points); {points}fewer or narrower hidden layers")


def picture_resolution(n_parameters: int, requested: int, lowest: int = 2) -> int:
    """The grid resolution N ≤ ``requested`` whose picture (parameters × N²) fits :data:`MAX_WORK`."""
    fit = math.isqrt(MAX_WORK // max(1, n_parameters))
    return max(lowest, min(requested, fit))


def fail(path: str, message: str, value: Any) -> SpecError:
    """The error for a field: ``"<path>: <message>, got <value>"``."""
    return SpecError(f"{path}: {message}, got {value!r}")


def check_number(path: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> None:
    """A finite number from ``lo`` (excluded when ``lo_open``) to ``hi``, or :class:`SpecError`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, "must be a number", value)
    if not math.isfinite(value):
        raise fail(path, "must be a finite number", value)
    low_ok = value > lo if lo_open else value >= lo
    if not low_ok or value > hi:
        lo_txt = f"> {lo:g}" if lo_open else f">= {lo:g}"
        raise fail(path, f"must be {lo_txt} and <= {hi:g}", value)


def check_int(path: str, value: Any, lo: int, hi: int) -> None:
    """A whole number from ``lo`` to ``hi`` (not a bool), or :class:`SpecError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, f"must be a whole number from {lo} to {hi}", value)
    if not lo <= value <= hi:
        raise fail(path, f"must be from {lo} to {hi}", value)


def check_choice(path: str, value: Any, choices: tuple[str, ...]) -> None:
    """One of ``choices``, or :class:`SpecError` naming them."""
    if value not in choices:
        raise fail(path, f"must be one of {', '.join(choices)}", value)
