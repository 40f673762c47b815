"""Drawn points as data settings, and the pictures' domain while drawing.

Painting or erasing points changes the data a run trains on, not the run: ``checkpoint.with_dataset``
keeps the weights, the optimizer's state, the epoch count and the history (the epoch under way
starts over on the new rows); a new class (K changes) redraws the output layer only and starts a
new run. The input scaling's numbers are taken from the new training rows when the trainer is built.

The picture's domain follows the points: it grows to hold new ones (with the dataset's margin)
but does not shrink when points are erased, so the view stays put while drawing; ``fit_domain``
fits it to the points again (a new dataset starts from its own domain anyway).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from playground.core.spec import DataSpec

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


def drawn_data(data: DataSpec, problem: str, classes: int) -> DataSpec:
    """The data settings of drawn points of ``problem`` type with ``classes`` (K) in place of ``data``:
    ``custom``, that problem type and K (at least 2); ratio, seed and scaling kept."""
    classes = max(2, classes) if problem == "classification" else data.classes
    return dataclasses.replace(data, name="custom", problem=problem, classes=classes, points=None, page_seed=None)


def picture_domain(trainer: Trainer) -> tuple[float, float, float, float]:
    """``(xmin, xmax, ymin, ymax)`` the trainer's pictures cover: its dataset's domain, or the larger
    one drawing has grown it to."""
    return getattr(trainer, "picture_domain", None) or trainer.dataset.domain()


def fit_domain(trainer: Trainer) -> None:
    """Fit the pictures' domain to the trainer's points again (after drawing grew it)."""
    trainer.picture_domain = None
    trainer._grid = None  # a grid is made for one domain
