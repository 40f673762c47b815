"""Set data, keep weights: a trainer goes on training the same network on other points.

Painting or erasing points changes the data a run trains on, not the run: the weights, the
optimizer's state, the epoch count and the history stay (the epoch under way starts over on the
new rows). A new class (K grows) needs a wider output layer: only that layer is drawn anew, the
hidden layers keep their weights, and the optimizer and the history start afresh (a new run).
The input scaling's numbers are taken from the new training rows.

The picture's domain follows the points: it grows to hold new ones (with the dataset's margin)
but does not shrink when points are erased, so the view stays put while drawing; ``fit_domain``
fits it to the points again (a new dataset starts from its own domain anyway).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from playground.core.dataset import Dataset
from playground.core.training_errors import TrainerError, check_trainable

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


def set_data(trainer: Trainer, dataset: Dataset) -> bool:
    """Make ``trainer`` train on ``dataset`` from now on; True when that started a new run
    (K changed: output layer re-initialised). Nothing changes when it raises.

    Raises
    ------
    TrainerError
        the points are of another problem type, or too many for the work budget.
    """
    old = trainer.spec
    if dataset.problem != trainer.dataset.problem:
        raise TrainerError(f"the drawn points are {dataset.problem} data; this run is {trainer.dataset.problem}")
    classes = max(2, dataset.classes) if dataset.is_classification else old.data.classes
    spec = old.replace(data=dataclasses.replace(old.data, name="custom", problem=dataset.problem, classes=classes,
                                                points=None, page_seed=None))
    check_trainable(spec, dataset)
    state = trainer.get_state()
    shown = picture_domain(trainer)
    new_run = spec.n_outputs != old.n_outputs or classes != old.data.classes
    trainer._spec, trainer.dataset = spec, dataset
    trainer._build_model()
    trainer.reset_weights(fresh=False)
    fitted = dataset.domain()
    grown = (min(shown[0], fitted[0]), max(shown[1], fitted[1]), min(shown[2], fitted[2]), max(shown[3], fitted[3]))
    trainer.picture_domain = None if grown == fitted else grown
    if not new_run:
        state.update(batch_index=0, epoch_order=None)  # the epoch under way starts over on the new rows
        trainer.set_state(state)
        return False
    last = trainer.network.n_layers - 1
    weights = trainer.network.state_dict()
    for key, value in state["weights"].items():
        if not key.startswith(f"layers.{last}."):
            weights[key] = value
    trainer.load_weights(weights)  # a fresh optimizer; reset_weights cleared the epoch and history
    return True


def picture_domain(trainer: Trainer) -> tuple[float, float, float, float]:
    """``(xmin, xmax, ymin, ymax)`` the trainer's pictures cover: its dataset's domain, or the larger
    one drawing has grown it to."""
    return getattr(trainer, "picture_domain", None) or trainer.dataset.domain()


def fit_domain(trainer: Trainer) -> None:
    """Fit the pictures' domain to the trainer's points again (after drawing grew it)."""
    trainer.picture_domain = None
    trainer._grid = None  # a grid is made for one domain
