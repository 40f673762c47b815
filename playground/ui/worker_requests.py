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
    :class:`ProjectPayload`: the experiment file's text (``dumps_project_with_runs``), with
    the epoch and update count it was made at; argument: the kept runs to store (a tuple of
    immutable :class:`~playground.core.runs.Run`, the UI's), or None.
``weights``
    a :class:`~playground.core.io.weights.WeightFile` of the current weights.
``history``
    the full :class:`~playground.core.snapshot.History` (snapshots carry a thinned one).
``load_weights``
    argument ``(WeightFile, source)``: start from these weights (checked to fit
    the network); answers ``None``. Changes the trainer (see :data:`CHANGING`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.core.io.project import ProjectError, dumps_project_with_runs
from playground.core.io.weights import WeightFile, WeightFileError, load_weights_into, weight_file_from_trainer
from playground.core.trainer import Trainer

#: Requests that change the trainer: the worker sends a fresh snapshot after them.
CHANGING = frozenset({"load_weights"})


class RequestError(Exception):
    """A request that could not be answered; the message is one line for the user."""


@dataclass(frozen=True)
class ProjectPayload:
    """What Save writes, made in the worker thread.

    Attributes
    ----------
    text : the whole ``.playground.json`` file
    epoch, batches : the trainer's position when it was made (marks the saved state)
    runs_left_out : kept runs not stored, to stay within the file's size limits
    """

    text: str
    epoch: int
    batches: int
    runs_left_out: int = 0


def _project(trainer: Trainer, argument: Any) -> ProjectPayload:
    text, left_out = dumps_project_with_runs(trainer, tuple(argument or ()))
    return ProjectPayload(text, int(trainer.epoch), int(trainer.batches), left_out)


def _load_weights(trainer: Trainer, argument: Any) -> None:
    wf, source = argument
    if not isinstance(wf, WeightFile):
        raise RequestError("load_weights needs a WeightFile")
    load_weights_into(trainer, wf, str(source))


HANDLERS: dict[str, Callable[[Trainer, Any], Any]] = {
    "project": _project,
    "weights": lambda trainer, _argument: weight_file_from_trainer(trainer),
    "history": lambda trainer, _argument: trainer.history.view(),
    "load_weights": _load_weights,
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
