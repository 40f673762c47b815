"""The steps of the session's edits that start from the worker's state: a new loss, new points,
a resized network or inputs, an architecture edit, imported weights, a restored run.

Each function builds the step for :class:`~playground.ui.session.Session` (whose public
methods push it): those that start a new run fetch the worker's whole state first
(``Session._checkpoint``), so that undo puts it back exactly, and draw the new weights
with the session's edit random stream, so that redo reuses them. None (with a message)
when the edit does not fit or the worker cannot say.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from playground.core.architecture_edit import Edit, apply_edit, carry_weights
from playground.core.checkpoint import (
    Checkpoint,
    carry_resized,
    changes_outputs,
    weights_only,
    with_dataset,
    with_fresh_optimizer,
)
from playground.core.spec import SpecError
from playground.ui.edit_commands import ContinueStep, RunStep, Step
from playground.ui.edit_text import KEPT, describe_edit, describe_resize

if TYPE_CHECKING:
    from playground.core.dataset import Dataset
    from playground.core.io.weights import WeightFile
    from playground.core.runs import Run
    from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec
    from playground.ui.session import Session


def loss_step(session: Session, spec: ExperimentSpec, reason: str) -> Step:
    """A new loss: the run goes on with the weights, a fresh optimizer."""
    old_training, new_training = session.spec.training, spec.training
    text = f"loss {old_training.loss} → {new_training.loss}"

    def to(training: TrainingSpec):
        return lambda cp: with_fresh_optimizer(cp, cp.spec.replace(training=training))

    return ContinueStep(session, text, f"{reason}: weights kept, a fresh optimizer", to(new_training),
                        to(old_training), (session.dataset, session.dataset))


def resize_step(session: Session, network: NetworkSpec, features: tuple[str, ...]) -> Step | None:
    """Layers, neurons or inputs changed as the side panel does: the weights that remain are kept."""
    before = session._checkpoint()
    if before is None:
        return None
    try:
        after = carry_resized(before, network, features, session._edit_rng())
    except (SpecError, ValueError) as exc:
        session.message.emit(f"Not applied: {exc}")
        session.spec_changed.emit(session.spec, "")
        return None
    what = describe_resize(before.spec, after.spec)
    return RunStep(session, what, f"{what}: {KEPT}", before, after, (session.dataset, session.dataset))


def architecture_step(session: Session, edit: Edit) -> Step | None:
    """An edit of ``core.architecture_edit``: the weights of every neuron and link that remains are kept."""
    try:
        new_spec = apply_edit(session.spec, edit)
    except SpecError as exc:
        session.message.emit(f"Not applied: {exc}")
        return None
    before = session._checkpoint()
    if before is None:
        return None
    what = describe_edit(session.spec, edit)
    try:
        weights = carry_weights(before.spec, before.weights, edit, session._edit_rng())
    except (SpecError, ValueError) as exc:
        session.message.emit(f"Not applied: {exc}")
        return None
    after = weights_only(new_spec, before.dataset, weights, before.picture_domain)  # a grown plane stays
    return RunStep(session, what, f"{what}: {KEPT}", before, after, (session.dataset, session.dataset))


def points_step(session: Session, dataset: Dataset, description: str, data: DataSpec | None) -> Step | None:
    """New points under data settings ``data`` (None: unchanged): weights and optimizer kept, the run
    goes on; when K changes, the output layer is drawn anew and a new run starts from these weights;
    points of another problem type start a new run from new weights."""
    old, old_data = session.dataset, session.spec.data
    new_data = data or old_data
    new_spec = session.spec.replace(data=new_data)
    if new_data.problem_type == old_data.problem_type and not changes_outputs(session.spec, new_spec):
        return ContinueStep(session, description, f"{description}: weights kept, training goes on",
                            lambda cp: with_dataset(cp, dataset, new_data),
                            lambda cp: with_dataset(cp, old, old_data), (old, dataset))
    before = session._checkpoint()
    if before is None:
        return None
    if new_data.problem_type != old_data.problem_type:
        after, note = Checkpoint(new_spec, dataset), f"{description}: {dataset.problem} points, new weights"
    else:
        after = with_dataset(before, dataset, new_data)
        note = f"{description}: {new_data.classes} classes now, the output layer redrawn"
    return RunStep(session, description, f"{note}, a new run", before, after, (old, dataset))


def import_step(session: Session, weights: WeightFile, source: str) -> Step | None:
    """A new run from imported ``weights`` (read from ``source``, a file name): the same spec, points
    and plane, a fresh optimizer, epoch 0; Reset goes on drawing the seed's next weights after it,
    as it would have before."""
    before = session._checkpoint()
    if before is None:
        return None
    cp = weights_only(before.spec, before.dataset, weights.state)
    after = dataclasses.replace(cp, state={**(cp.state or {}), "init_count": before.state["init_count"]},
                                picture_domain=before.picture_domain)
    name = Path(source).name
    note = f"Weights from {name}: a new run from them, a fresh optimizer"
    return RunStep(session, f"import weights from {name}", note, before, after, (session.dataset, session.dataset))


def restore_step(session: Session, run: Run) -> Step | None:
    """A kept run made the experiment as it ended (its optimizer's state when it was kept with it)."""
    before = session._checkpoint()
    if before is None:
        return None
    optimizer = "its optimizer state" if run.optimizer is not None else "a fresh optimizer"
    note = f"Restored {run.name}: its weights and history, {optimizer}; it goes on from epoch {run.epoch:,}"
    return RunStep(session, f"restore {run.name}", note, before, Checkpoint(run.spec, run.dataset, run.state()),
                   (session.dataset, run.dataset))
