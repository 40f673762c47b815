"""The error every invalid experiment raises, and the work budget: one cap on what an epoch and a
picture may cost.

The app, the command line and files all refuse the same experiments through :func:`check_work`
(``ExperimentSpec`` calls it, the trainer again with the real number of rows); pictures are never
refused but drawn on a coarser grid (:func:`picture_resolution`).
"""

from __future__ import annotations

import math

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
