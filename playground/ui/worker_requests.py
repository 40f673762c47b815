"""Requests the UI makes of the training worker, answered in the worker thread with immutable values.

The worker owns the trainer, so anything that needs its whole state (saving,
weight export, the full loss history) or changes it outside training
(importing weights) is a named request: the controller sends ``(kind,
argument)``, the worker runs the handler below between training slices and
sends back the answer. Answers are immutable (text, frozen dataclasses,
read-only array copies), so they may cross threads. No Qt here.

Kinds
-----
``project``
    :class:`ProjectPayload`: the experiment file's text (``dumps_project``), with
    the epoch and update count it was made at.
``weights``
    a :class:`~playground.core.io.weights.WeightFile` of the current weights.
``history``
    the full :class:`~playground.core.snapshot.History` (snapshots carry a thinned one).
``load_weights``
    argument ``(WeightFile, source)``: start from these weights (checked to fit
    the network); answers ``None``. Changes the trainer (see :data:`CHANGING`).
``set_data``
    argument a :class:`~playground.core.dataset.Dataset`: train on these points from now on with
    the same weights (``data_swap.set_data``); answers ``(spec, new_run)``, the trainer's spec after
    it and whether a new class started a new run. Changes the trainer.
``fit_domain``
    fit the pictures' domain to the points again (``data_swap.fit_domain``); answers ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.core.data_swap import fit_domain, set_data
from playground.core.dataset import Dataset
from playground.core.io.project import ProjectError, dumps_project
from playground.core.io.weights import WeightFile, WeightFileError, load_weights_into, weight_file_from_trainer
from playground.core.trainer import Trainer

#: Requests that change the trainer: the worker sends a fresh snapshot after them.
CHANGING = frozenset({"load_weights", "set_data", "fit_domain"})


class RequestError(Exception):
    """A request that could not be answered; the message is one line for the user."""


@dataclass(frozen=True)
class ProjectPayload:
    """What Save writes, made in the worker thread.

    Attributes
    ----------
    text : the whole ``.playground.json`` file
    epoch, batches : the trainer's position when it was made (marks the saved state)
    """

    text: str
    epoch: int
    batches: int


def _project(trainer: Trainer, _argument: Any) -> ProjectPayload:
    return ProjectPayload(dumps_project(trainer), int(trainer.epoch), int(trainer.batches))


def _load_weights(trainer: Trainer, argument: Any) -> None:
    wf, source = argument
    if not isinstance(wf, WeightFile):
        raise RequestError("load_weights needs a WeightFile")
    load_weights_into(trainer, wf, str(source))


def _set_data(trainer: Trainer, argument: Any) -> tuple[Any, bool]:
    if not isinstance(argument, Dataset):
        raise RequestError("set_data needs a Dataset")
    try:
        new_run = set_data(trainer, argument)
    except ValueError as exc:  # TrainerError, SpecError: one line for the user
        raise RequestError(str(exc)) from None
    return trainer.spec, new_run


HANDLERS: dict[str, Callable[[Trainer, Any], Any]] = {
    "project": _project,
    "weights": lambda trainer, _argument: weight_file_from_trainer(trainer),
    "history": lambda trainer, _argument: trainer.history.view(),
    "load_weights": _load_weights,
    "set_data": _set_data,
    "fit_domain": lambda trainer, _argument: fit_domain(trainer),
}


def answer(trainer: Trainer | None, kind: str, argument: Any) -> Any:
    """Run the handler for ``kind``; every failure becomes a one-line :class:`RequestError`."""
    if kind not in HANDLERS:
        raise RequestError(f"unknown request {kind!r}")
    if trainer is None:
        raise RequestError("no experiment is loaded")
    try:
        return HANDLERS[kind](trainer, argument)
    except RequestError:
        raise
    except (ProjectError, WeightFileError) as exc:
        raise RequestError(str(exc)) from None
    except Exception as exc:  # the thread must survive anything; the user reads what it was
        raise RequestError(f"{type(exc).__name__}: {exc}") from None
