"""Requests the UI makes of the training worker, answered in the worker thread with immutable values.

The worker owns the trainer, so anything that needs its whole state (saving,
weight export, the full loss history, whether weights fit) or changes it outside training
(a typed weight, a switched neuron) is a named request: the controller sends ``(kind,
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
``check_weights``
    argument ``(WeightFile, source)``: whether these weights fit the network (``check_matches``);
    answers ``None`` or fails with the first difference. Changes nothing (the session imports them
    as a new run).
``fit_domain``
    fit the pictures' domain to the points again (``data_swap.fit_domain``); answers ``None``.
``inspect``
    argument: training rows (one example), or ``None`` for the next mini-batch; answers an
    :class:`~playground.ui.inspector_requests.InspectorAnswer` (the update previewed on a copy).
``apply_step``
    argument: that answer's ``Inspection``; performs exactly that update (changes the trainer).
``last_batch``
    ``(k, n_batches, points)`` of the mini-batch run last (its points (b, 2)), or ``None``.
``surface_job``, ``surface_rows``
    the loss surface's plane and grid pieces (see :mod:`~playground.ui.surface_requests`).
``checkpoint``
    a :class:`~playground.core.checkpoint.Checkpoint` of the whole state (what undo restores).
``set_weight``
    argument ``(layer, out, inp, value)`` (``inp`` None: the bias): answers the value it replaced.
``set_switched_off``
    argument: the (hidden layer, neuron) pairs to switch off, every other on; answers the
    pairs that were off before.
``adopt_engine``
    the compiled engine has just become ready: a run that has not trained yet takes it
    (one that has keeps its engine); answers the run's engine name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.core import engines
from playground.core.checkpoint import take_checkpoint
from playground.core.data_swap import fit_domain
from playground.core.io.project import ProjectError, dumps_project_with_runs
from playground.core.io.weights import (
    WeightFile,
    WeightFileError,
    check_matches,
    weight_file_from_trainer,
)
from playground.core.spec import SpecError
from playground.core.trainer import Trainer
from playground.core.weight_edits import set_switched_off, set_weight
from playground.ui import inspector_requests, surface_requests

#: Requests that change the trainer: the worker sends a fresh snapshot after them.
CHANGING = frozenset({"fit_domain", "set_weight", "set_switched_off", "apply_step", "adopt_engine"})


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


def _check_weights(trainer: Trainer, argument: Any) -> None:
    wf, source = argument
    if not isinstance(wf, WeightFile):
        raise RequestError("check_weights needs a WeightFile")
    check_matches(wf, trainer, str(source))


def _set_weight(trainer: Trainer, argument: Any) -> float:
    layer, out, inp, value = argument
    block = trainer.network.blocks[layer] if 0 <= layer < trainer.network.n_layers else None
    old = float(block[out, -1 if inp is None else inp]) if block is not None and 0 <= out < len(block) else 0.0
    try:
        set_weight(trainer, layer, out, inp, value)
    except ValueError as exc:
        raise RequestError(str(exc)) from None
    return old


def _set_switched_off(trainer: Trainer, argument: Any) -> tuple[tuple[int, int], ...]:
    old = trainer.spec.network.switched_off
    try:
        set_switched_off(trainer, argument)
    except (ValueError, SpecError) as exc:
        raise RequestError(str(exc)) from None
    return old


def _adopt_engine(trainer: Trainer, _argument: Any) -> str:
    if trainer.batches == 0 and trainer.engine == engines.NUMPY:  # not started: no run is swapped
        engines.use_engine(trainer, "auto")
    return trainer.engine


HANDLERS: dict[str, Callable[[Trainer, Any], Any]] = {
    "project": _project,
    "weights": lambda trainer, _argument: weight_file_from_trainer(trainer),
    "history": lambda trainer, _argument: trainer.history.view(),
    "check_weights": _check_weights,
    "fit_domain": lambda trainer, _argument: fit_domain(trainer),
    "checkpoint": lambda trainer, _argument: take_checkpoint(trainer),
    "set_weight": _set_weight,
    "set_switched_off": _set_switched_off,
    **inspector_requests.HANDLERS,
    **surface_requests.HANDLERS,
    "adopt_engine": _adopt_engine,
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
    except inspector_requests.ANSWERED_ERRORS as exc:
        raise RequestError(str(exc)) from None
    except (ProjectError, WeightFileError) as exc:
        raise RequestError(str(exc)) from None
    except Exception as exc:  # the thread must survive anything; the user reads what it was
        raise RequestError(f"{type(exc).__name__}: {exc}") from None
