"""What can stop a trainer: settings that cannot train together, and a loss that diverged."""

from __future__ import annotations

import math

from playground.core.dataset import Dataset
from playground.core.losses import output_head
from playground.core.spec import ExperimentSpec
from playground.core.spec_limits import check_work, n_parameters


class TrainerError(ValueError):
    """A spec and dataset that cannot train together (e.g. cross-entropy on regression data)."""


def check_trainable(spec: ExperimentSpec, data: Dataset) -> None:
    """Everything a trainer checks before it trains ``spec`` on ``data``, without building it
    (quick for any size): the loss fits the problem, and the work fits the budget for these points.

    Raises :class:`TrainerError`, or ``SpecError`` naming what to reduce.
    """
    if data.problem == "regression" and spec.training.loss != "mse":
        raise TrainerError(f"{spec.training.loss} is a classification loss; regression data needs mse")
    head = output_head(data.problem, spec.training.loss, data.classes)
    check_work(n_parameters((len(spec.features), *spec.network.hidden, head.n_outputs)), data.n_train + data.n_test)


class TrainingDiverged(ArithmeticError):
    """The loss became NaN or infinite; the weights were rolled back to the last finite ones."""

    def __init__(self, message: str, epoch: int) -> None:
        super().__init__(message)
        self.epoch = epoch


def divergence_message(loss: float, epoch: int, spec: ExperimentSpec) -> str:
    lr = spec.training.optimizer.learning_rate
    acts = ", ".join(sorted(set(spec.network.activations))) or "this network"
    what = "NaN" if math.isnan(loss) else "infinite"
    return (f"loss became {what} at epoch {epoch}: learning rate {lr:g} is too high for {acts}. "
            f"Training was paused and the last finite weights kept; try a smaller learning rate "
            f"or an adaptive optimizer such as Adam.")
