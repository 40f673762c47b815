"""The window's one model: the current experiment, its undo history, its runs and its latest picture.

A :class:`Session` lives in the UI thread and is the only thing that talks to the
:class:`~playground.ui.training.TrainingController`. Panels, the network diagram and
the views read it and subscribe to its signals; every change of the experiment is a
step pushed on its undo stack (``playground.ui.edit_commands``), whichever widget it
comes from, and does to weights, optimizer and run what the edit table says:

- training settings apply live, weights and optimizer state kept;
- a loss continues the run with a fresh optimizer;
- an architecture edit keeps the weights of every neuron and link that remains and
  starts a new run from them (``core.architecture_edit``);
- a weight typed in or a neuron switched off continues the run with that change;
- painted points continue the run (a new class: the output layer redrawn, a new run);
- new data settings and Reset start a new run from new weights (loaded or drawn points
  stay when only the input scaling changes);
- restoring a kept run makes it current as it ended: spec, points, weights, epoch, loss history
  (and its optimizer state when the run was kept with it).

Whatever starts a new run first moves the current one to :attr:`runs` (when it has
trained at all: an untrained run has nothing to compare).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.architecture_edit import Edit, apply_edit, carry_weights
from playground.core.checkpoint import (
    Checkpoint,
    carry_resized,
    changes_outputs,
    weights_only,
    with_dataset,
    with_fresh_optimizer,
)
from playground.core.dataset import Dataset
from playground.core.io.weights import WeightFile
from playground.core.runs import Run
from playground.core.snapshot import Snapshot
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, SpecError, TrainingSpec
from playground.ui.edit_commands import (
    BoundedUndoStack,
    ContinueStep,
    RunStep,
    Step,
    SwitchStep,
    TrainingStep,
    WeightStep,
    one_edit_at_a_time,
)
from playground.ui.edit_text import KEPT, describe_edit, describe_resize
from playground.ui.rebuild_rollback import RebuildRollback
from playground.ui.runs_list import RunsList
from playground.ui.training import TrainingController, WorkerRequestError


class Session(QObject):
    """The current experiment and everything that edits it.

    Parameters
    ----------
    spec : the experiment
    dataset : its points when they are not generated from ``spec.data`` (a file's, a CSV's)
    dtype : the trainer's float type, ``"float64"`` or ``"float32"``
    auto_acknowledge : passed to the controller (for use without views that paint)
    """

    spec_changed = Signal(object, str)  # ExperimentSpec, what changed ("" when a file or link was opened)
    snapshot_ready = Signal(object)  # Snapshot of the current run
    message = Signal(str)  # one line for the status bar
    run_started = Signal()  # the current run was replaced (messages about the old one are stale)
    edited = Signal()  # an edit, an undo or a redo changed the experiment

    def __init__(self, spec: ExperimentSpec, dataset: Dataset | None = None, dtype: str = "float64",
                 parent: QObject | None = None, auto_acknowledge: bool = False) -> None:
        super().__init__(parent)
        self._spec = spec
        self._dataset = dataset
        self._dtype = dtype
        self._archived: Snapshot | None = None
        self._archived_run: Run | None = None  # the run made of that snapshot
        # Updates the current run had when it began: a run that has not trained since is not kept
        # again (undo then redo would otherwise list the same restored run twice).
        self._run_began_at = 0
        self._draws = 0  # architecture edits so far: seeds the weights they draw
        self._told_trimmed = False
        self._fetching = False  # waiting for the worker's answer (see one_edit_at_a_time)
        self._last_checkpoint: Checkpoint | None = None  # the worker's state last fetched (runs keep its optimizer)
        self.controller = TrainingController(self, auto_acknowledge)
        self.undo_stack = BoundedUndoStack(self)
        self.undo_stack.trimmed.connect(self._on_trimmed)
        self.runs = RunsList(self)
        self.runs.restore_requested.connect(self.restore_run)
        self.controller.snapshot_ready.connect(self.snapshot_ready)
        self._rollback = RebuildRollback(self)  # a run the worker cannot build: the edit is refused

    # ------------------------------------------------------------------ reading

    @property
    def spec(self) -> ExperimentSpec:
        return self._spec

    @property
    def dataset(self) -> Dataset | None:
        """The points when they are not generated from ``spec.data``."""
        return self._dataset

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def last_snapshot(self) -> Snapshot | None:
        return self.controller.last_snapshot

    # ------------------------------------------------------------------ not undoable

    def start(self, state: dict | None = None) -> None:
        """Train the session's experiment, from ``state`` (``Trainer.get_state``) or new weights."""
        self._run_began_at = int((state or {}).get("batches", 0))
        self.controller.load(self._spec, self._dataset, state, self._dtype)

    @one_edit_at_a_time
    def load_experiment(self, spec: ExperimentSpec, dataset: Dataset | None = None, state: dict | None = None,
                        dtype: str | None = None) -> bool:
        """Pause and make ``spec`` the experiment (an opened file or link): a new run, the current one
        goes to :attr:`runs`. Waits for the worker to build it: False when it could not (the
        experiment before it goes on, put back, its undo history kept).

        Not undoable, and the undo history is cleared: its steps edited another experiment, and
        undoing one would bring that one back piecemeal over the opened file. Runs bring back
        the whole of it.
        """
        self.controller.pause()
        self._rollback.before_restore()
        self._archive()
        self._spec, self._dataset = spec, dataset
        self._dtype = dtype or self._dtype
        self._run_began_at = int((state or {}).get("batches", 0))
        self.run_started.emit()
        self.spec_changed.emit(spec, "")
        self.controller.load(spec, dataset, state, self._dtype)
        if not self._rollback.built():
            return False
        self.undo_stack.clear()
        return True

    # ------------------------------------------------------------------ edits (undoable)

    @one_edit_at_a_time
    def set_spec(self, spec: ExperimentSpec, reason: str) -> None:
        """Make ``spec`` the experiment by the edit table: training settings live, a loss on the
        same run, a network or inputs keeping the weights that remain, anything else a new run
        from new weights. ``reason`` names the change in the status bar."""
        old = self._spec
        if spec == old:
            return
        if old.replace(training=spec.training) == spec:
            if spec.training.loss != old.training.loss:
                self._push_loss(spec, reason)
            else:
                self.undo_stack.push_step(TrainingStep(self, old.training, spec.training))
            return
        switched = dataclasses.replace(old.network, switched_off=spec.network.switched_off)
        if old.replace(network=switched) == spec:
            self.undo_stack.push_step(SwitchStep(self, old.network.switched_off, spec.network.switched_off,
                                                 "neurons switched off or on"))
            return
        same_rest = old.replace(network=spec.network, features=spec.features) == spec
        if same_rest and spec.network.init == old.network.init:
            self._push_resize(spec.network, spec.features)
            return
        # Loaded or drawn points stay when only the scaling changes (its numbers come from the same points).
        same_points = dataclasses.replace(old.data, scale=spec.data.scale) == spec.data
        dataset = self._dataset if same_points else None
        self._push_new_run(Checkpoint(spec, dataset), dataset, reason, f"{reason}: new random weights, new run")

    @one_edit_at_a_time
    def try_spec(self, reason: str, **changes: object) -> None:
        """:meth:`set_spec` of the spec with ``changes``; an invalid one is refused with a message."""
        try:
            spec = self._spec.replace(**changes)
        except SpecError as exc:
            self.message.emit(f"Not applied: {exc}")
            self.spec_changed.emit(self._spec, "")  # the panels show the spec that stays
            return
        self.set_spec(spec, reason)

    @one_edit_at_a_time
    def set_data(self, data: DataSpec) -> None:
        """New data settings (a side panel's): a new run from new weights (a regression keeps mse)."""
        training, reason = self._spec.training, f"data changed ({data.name})"
        if dataclasses.replace(self._spec.data, scale=data.scale) == data:
            reason = "input scaling changed"
        if data.problem_type == "regression" and training.loss != "mse":
            training = dataclasses.replace(training, loss="mse")
            reason += "; loss set to mean squared error, the only regression loss"
        self.try_spec(reason, data=data, training=training)

    @one_edit_at_a_time
    def set_training(self, training: TrainingSpec) -> None:
        """New training settings (a side panel's)."""
        self.try_spec("loss changed" if training.loss != self._spec.training.loss else "training settings",
                      training=training)

    @one_edit_at_a_time
    def set_network(self, network: NetworkSpec) -> None:
        """A network as the side panel sets it (layers and neurons added or removed at the end)."""
        self.try_spec("architecture changed", network=network)

    @one_edit_at_a_time
    def set_features(self, features: tuple[str, ...]) -> None:
        self.try_spec("input features changed", features=features)

    @one_edit_at_a_time
    def apply_architecture_edit(self, edit: Edit) -> bool:
        """An architecture edit (``core.architecture_edit``): the weights of every neuron and link that
        remains are kept, a new run starts from them. False (with a message) when it does not fit."""
        try:
            new_spec = apply_edit(self._spec, edit)
        except SpecError as exc:
            self.message.emit(f"Not applied: {exc}")
            return False
        before = self._checkpoint()
        if before is None:
            return False
        what = describe_edit(self._spec, edit)
        try:
            weights = carry_weights(before.spec, before.weights, edit, self._edit_rng())
        except (SpecError, ValueError) as exc:
            self.message.emit(f"Not applied: {exc}")
            return False
        after = weights_only(new_spec, before.dataset, weights)
        self.undo_stack.push_step(RunStep(self, what, f"{what}: {KEPT}", before, after,
                                          (self._dataset, self._dataset)))
        return True

    @one_edit_at_a_time
    def set_weight(self, layer: int, out: int, inp: int | None, value: float) -> bool:
        """Type a weight in: weight layer ``layer``, from unit ``inp`` (None: the bias) to unit ``out``.
        The run goes on with it. False (with a message) when it does not fit."""
        step = WeightStep(self, layer, out, inp, value)
        old = self._apply_weight(layer, out, inp, value, f"{step.text}: the run goes on")
        if old is None:
            return False
        step.old = old
        self.undo_stack.push_step(step, applied=True)
        return True

    @one_edit_at_a_time
    def set_neuron_switched_off(self, layer: int, index: int, off: bool) -> None:
        """Switch neuron ``index`` of hidden layer ``layer`` off (its output held at 0) or on again."""
        old = self._spec.network.switched_off
        pairs = set(old) - {(layer, index)} | ({(layer, index)} if off else set())
        new = tuple(sorted(pairs))
        if new == old:
            return
        try:
            self._spec.replace(network=dataclasses.replace(self._spec.network, switched_off=new))
        except SpecError as exc:
            self.message.emit(f"Not applied: {exc}")
            return
        text = f"neuron {index + 1} of layer {layer + 1} switched {'off' if off else 'on'}"
        self.undo_stack.push_step(SwitchStep(self, old, new, text))

    @one_edit_at_a_time
    def set_dataset(self, dataset: Dataset, description: str, data: DataSpec | None = None,
                    wrap: Callable[[Step], Step] | None = None) -> None:
        """New points (painted, erased) under data settings ``data`` (None: unchanged), one undoable
        step (``wrap`` may wrap it in a step of its own): weights and optimizer kept, the run goes on.
        When K changes, the output layer is drawn anew and a new run starts from these weights; points
        of another problem type start a new run from new weights."""
        old, old_data = self._dataset, self._spec.data
        new_data = data or old_data
        new_spec = self._spec.replace(data=new_data)
        step: Step
        if new_data.problem_type == old_data.problem_type and not changes_outputs(self._spec, new_spec):
            step = ContinueStep(self, description, f"{description}: weights kept, training goes on",
                                lambda cp: with_dataset(cp, dataset, new_data),
                                lambda cp: with_dataset(cp, old, old_data), (old, dataset))
        else:
            before = self._checkpoint()
            if before is None:
                return
            if new_data.problem_type != old_data.problem_type:
                after, note = Checkpoint(new_spec, dataset), f"{description}: {dataset.problem} points, new weights"
            else:
                after = with_dataset(before, dataset, new_data)
                note = f"{description}: {new_data.classes} classes now, the output layer redrawn"
            step = RunStep(self, description, f"{note}, a new run", before, after, (old, dataset))
        self.undo_stack.push_step(wrap(step) if wrap is not None else step)

    @one_edit_at_a_time
    def push_step(self, step: Step) -> None:
        """Push a step made elsewhere that does not touch the run (drawn points that cannot be
        trained on yet change only what the view shows)."""
        self.undo_stack.push_step(step)

    @one_edit_at_a_time
    def reset(self) -> None:
        """New random weights from the seed, epoch 0: a new run."""
        before = self._checkpoint()
        if before is None:
            return
        self.undo_stack.push_step(RunStep(self, "Reset", "Reset: new random weights", before, None,
                                          (self._dataset, self._dataset)))

    def keep_current_run(self) -> Run | None:
        """Keep the current run in :attr:`runs` now, as it was last shown (the run kept already when
        nothing changed since); None when it has not trained."""
        return self._archive()

    @one_edit_at_a_time
    def start_run(self, checkpoint: Checkpoint, dataset: Dataset | None, text: str, note: str) -> None:
        """A new run from ``checkpoint`` (``dataset``: its points when not generated), as an undoable
        step named ``text``; the current run goes to :attr:`runs`. "What if…" starts its copy so."""
        self._push_new_run(checkpoint, dataset, text, note)

    @one_edit_at_a_time
    def import_weights(self, weights: WeightFile, source: str) -> bool:
        """Start a new run from imported ``weights`` (read from ``source``, a file name): a fresh
        optimizer, epoch 0; the current run goes to :attr:`runs`. One undoable step. Raises
        ``WorkerRequestError`` naming the first difference when they do not fit the network."""
        self._fetch("check_weights", (weights, source))
        before = self._checkpoint()
        if before is None:
            return False
        cp = weights_only(before.spec, before.dataset, weights.state)
        # Reset goes on drawing the seed's next weights after the import, as it would have before.
        after = dataclasses.replace(cp, state={**(cp.state or {}), "init_count": before.state["init_count"]},
                                    picture_domain=before.picture_domain)
        name = Path(source).name
        self._push_new_run(after, self._dataset, f"import weights from {name}",
                           f"Weights from {name}: a new run from them, a fresh optimizer")
        return True

    @one_edit_at_a_time
    def restore_run(self, run: Run) -> None:
        """Make a kept run the experiment as it ended: its spec, points, weights, epoch and loss history,
        and its optimizer's state when it was kept with it (else a fresh optimizer)."""
        after = Checkpoint(run.spec, run.dataset, run.state())
        optimizer = "its optimizer state" if run.optimizer is not None else "a fresh optimizer"
        self._push_new_run(after, run.dataset, f"restore {run.name}",
                           f"Restored {run.name}: its weights and history, {optimizer}; "
                           f"it goes on from epoch {run.epoch:,}")

    # ------------------------------------------------------------------ building steps

    def _push_loss(self, spec: ExperimentSpec, reason: str) -> None:
        old_training, new_training = self._spec.training, spec.training
        text = f"loss {old_training.loss} → {new_training.loss}"

        def to(training: TrainingSpec):
            return lambda cp: with_fresh_optimizer(cp, cp.spec.replace(training=training))

        self.undo_stack.push_step(ContinueStep(self, text, f"{reason}: weights kept, a fresh optimizer",
                                               to(new_training), to(old_training), (self._dataset, self._dataset)))

    def _push_resize(self, network: NetworkSpec, features: tuple[str, ...]) -> None:
        before = self._checkpoint()
        if before is None:
            return
        try:
            after = carry_resized(before, network, features, self._edit_rng())
        except (SpecError, ValueError) as exc:
            self.message.emit(f"Not applied: {exc}")
            self.spec_changed.emit(self._spec, "")
            return
        what = describe_resize(before.spec, after.spec)
        self.undo_stack.push_step(RunStep(self, what, f"{what}: {KEPT}", before, after,
                                          (self._dataset, self._dataset)))

    def _push_new_run(self, after: Checkpoint, dataset: Dataset | None, text: str, note: str) -> None:
        before = self._checkpoint()
        if before is not None:
            self.undo_stack.push_step(RunStep(self, text, note, before, after, (self._dataset, dataset)))

    def _checkpoint(self) -> Checkpoint | None:
        """The worker's whole state now; None (with a message) when it cannot say."""
        try:
            cp = self._fetch("checkpoint")
        except WorkerRequestError as exc:
            self.message.emit(f"Not applied: {exc}")
            self.spec_changed.emit(self._spec, "")
            return None
        assert isinstance(cp, Checkpoint)
        self._last_checkpoint = cp
        return cp

    def _with_optimizer(self, run: Run) -> Run:
        """``run`` with its optimizer's state when the last state fetched is exactly the run's end
        (the usual case: an edit while paused), so that restoring it goes on as it would have."""
        cp, self._last_checkpoint = self._last_checkpoint, None
        if cp is None or cp.spec != run.spec or cp.state is None or cp.state.get("batches") != run.batches:
            return run
        weights, optimizer = cp.weights, cp.state.get("optimizer")
        if optimizer is None or weights.keys() != run.weights.keys() or not all(
                np.array_equal(weights[k], w) for k, w in run.weights.items()):
            return run
        return run.with_optimizer(optimizer)

    def _fetch(self, kind: str, argument: object = None) -> object:
        self._fetching = True
        try:
            return self.controller.fetch(kind, argument)
        finally:
            self._fetching = False

    def _edit_rng(self) -> np.random.Generator:
        self._draws += 1
        return np.random.default_rng([self._spec.seed, 7, self._draws])

    def _archive(self) -> Run | None:
        """Keep the current run in :attr:`runs` before it is replaced (once, and only if it trained);
        the run kept (now or before), or None."""
        snap = self.controller.last_snapshot
        if snap is None or snap.batches == self._run_began_at:
            return None
        if snap is self._archived:
            return self._archived_run
        self._archived = snap
        run = Run.from_snapshot(snap, self.runs.next_name())
        self._archived_run = run = self._with_optimizer(run)
        self.runs.add(run)
        return run

    def _on_trimmed(self, dropped: int) -> None:
        if not self._told_trimmed:
            self._told_trimmed = True
            self.message.emit(f"Undo history is full: its oldest steps are forgotten from now on "
                              f"({dropped} so far; it keeps {self.undo_stack.max_steps} steps "
                              f"and {self.undo_stack.max_bytes // 2**20} MB of weights)")

    # ------------------------------------------------------------------ applying (called by the steps)

    def _set_spec(self, spec: ExperimentSpec, note: str) -> None:
        self._spec = spec
        self.spec_changed.emit(spec, note)
        self.message.emit(note)
        self.edited.emit()

    def _apply_training(self, training: TrainingSpec, note: str) -> None:
        self.controller.set_training(training)
        self._set_spec(self._spec.replace(training=training), note)

    def _apply_checkpoint(self, checkpoint: Checkpoint, dataset: Dataset | None, note: str) -> None:
        """A new run from ``checkpoint`` (``dataset``: the points when not generated)."""
        if self._rollback.rolling_back:
            return
        self._rollback.before_restore()
        self._archive()
        self._dataset = dataset
        self._run_began_at = int((checkpoint.state or {}).get("batches", 0))
        self.controller.restore(checkpoint, self._dtype)
        self.run_started.emit()
        self._set_spec(checkpoint.spec, note)

    def _apply_reset(self, note: str) -> None:
        self._archive()
        self._run_began_at = 0
        self.controller.reset()
        self.run_started.emit()
        self._set_spec(self._spec, note)

    def _continue_with(self, change, dataset: Dataset | None, note: str) -> None:
        """The run goes on from ``change(the current checkpoint)``."""
        if self._rollback.rolling_back:
            return
        current = self._checkpoint()
        if current is None:
            return
        target = change(current)
        self._rollback.before_restore()
        self._dataset = dataset
        self.controller.restore(target, self._dtype)
        self._set_spec(target.spec, note)

    def _apply_weight(self, layer: int, out: int, inp: int | None, value: float, note: str) -> float | None:
        try:
            old = self._fetch("set_weight", (layer, out, inp, value))
        except WorkerRequestError as exc:
            self.message.emit(f"Not applied: {exc}")
            return None
        self.message.emit(note)
        self.edited.emit()
        return float(old)  # type: ignore[arg-type]

    def _apply_switched_off(self, pairs: tuple[tuple[int, int], ...], note: str) -> None:
        try:
            self._fetch("set_switched_off", pairs)
        except WorkerRequestError as exc:
            self.message.emit(f"Not applied: {exc}")
            return
        network = dataclasses.replace(self._spec.network, switched_off=pairs)
        self._set_spec(self._spec.replace(network=network), note)

