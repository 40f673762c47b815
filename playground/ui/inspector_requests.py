"""The backprop inspector's requests of the training worker (answered in the worker thread; no Qt here).

The worker owns the trainer, so the inspector asks it for an inspection (computed on copies,
the run unchanged), to apply the inspected step, and which mini-batch Step batch ran last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.dataset import Dataset, frozen_copy
from playground.core.inspector import (
    InspectError,
    Inspection,
    apply_step,
    boundary_before_after,
    inspect,
    inspect_next_batch,
    last_batch,
)
from playground.core.snapshot import GridOutput
from playground.core.trainer import Trainer, TrainingDiverged

#: The before/after pictures of one step: small, they are made at each inspection.
PREVIEW_RESOLUTION = 48
#: Errors whose message is already one line for the user.
ANSWERED_ERRORS = (InspectError, TrainingDiverged)


@dataclass(frozen=True, eq=False)
class InspectorAnswer:
    """An inspection, the decision boundary before and after its step, and the points to draw on them."""

    inspection: Inspection
    before: GridOutput
    after: GridOutput
    dataset: Dataset


def _inspect(trainer: Trainer, argument: Any) -> InspectorAnswer:
    insp = inspect_next_batch(trainer) if argument is None else inspect(trainer, np.asarray(argument))
    before, after = boundary_before_after(insp, trainer.spec.features, trainer.head, trainer.dataset.domain(),
                                          PREVIEW_RESOLUTION)
    return InspectorAnswer(insp, before, after, trainer.dataset)


def _apply(trainer: Trainer, argument: Any) -> None:
    if not isinstance(argument, Inspection):
        raise InspectError("apply_step needs an inspection")
    apply_step(trainer, argument)


def _last_batch(trainer: Trainer) -> tuple[int, int, np.ndarray] | None:
    """(k, n_batches, points (b, 2)) of the mini-batch run last: the points from the worker's own data."""
    last = last_batch(trainer)
    if last is None:
        return None
    k, n, rows = last
    return k, n, frozen_copy(trainer.dataset.x_train[rows])


HANDLERS: dict[str, Callable[[Trainer, Any], Any]] = {
    "inspect": _inspect,
    "apply_step": _apply,
    "last_batch": lambda trainer, _argument: _last_batch(trainer),
}
