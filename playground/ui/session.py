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

Whatever starts a new run first moves the current one to :attr:`runs` (when it has trained
at all: an untrained run has nothing to compare).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from playground.core.architecture_edit import Edit
from playground.core.checkpoint import Checkpoint
from playground.core.dataset import Dataset
from playground.core.io.weights import WeightFile
from playground.core.run_preview import preview, same_inputs
from playground.core.runs import Run
from playground.core.snapshot import Snapshot
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, SpecError, TrainingSpec
from playground.ui.edit_commands import (
    BoundedUndoStack,
    RunStep,
    Step,
    SwitchStep,
    TrainingStep,
    WeightStep,
    one_edit_at_a_time,
)
from playground.ui.rebuild_rollback import RebuildRollback
from playground.ui.run_keeper import RunKeeper
from playground.ui.run_steps import architecture_step, import_step, loss_step, points_step, resize_step, restore_step
from playground.ui.runs_list import RunsList
from playground.ui.training import TrainingController
from playground.ui.worker_fetch import WorkerFetch


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
    #: Snapshot without pictures of a new run's start (``core.run_preview``), before the worker's first;
    #: and the last snapshot of the run before when its input features' pictures are the same, else None
    preview_ready = Signal(object, object)

    def __init__(self, spec: ExperimentSpec, dataset: Dataset | None = None, dtype: str = "float64",
                 parent: QObject | None = None, auto_acknowledge: bool = False) -> None:
        super().__init__(parent)
        self._spec, self._dataset, self._dtype = spec, dataset, dtype
        self._draws = 0  # architecture edits so far: seeds the weights they draw
        self._told_trimmed = False
        self.controller = TrainingController(self, auto_acknowledge)
        self._fetcher = WorkerFetch(self.controller, self.message.emit)  # its busy flag: one_edit_at_a_time
        self.undo_stack = BoundedUndoStack(self)
        self.undo_stack.trimmed.connect(self._on_trimmed)
        self.runs = RunsList(self)
        self._keeper = RunKeeper(self.runs)  # which run goes to the runs when a new one starts
        self.runs.restore_requested.connect(self.restore_run)
        self.controller.snapshot_ready.connect(self.snapshot_ready)
        self._rollback = RebuildRollback(self)  # a run the worker cannot build: the edit is refused

    # ------------------------------------------------------------------ reading

    @property
    def spec(self) -> ExperimentSpec:
        return self._spec

    @property
    def dataset(self) -> Dataset | None:  # the points when they are not generated from spec.data
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
        self._keeper.began(state)
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
        self._keeper.began(state)
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
                self.undo_stack.push_step(loss_step(self, spec, reason))
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
            step = resize_step(self, spec.network, spec.features)
            if step is not None:
                self.undo_stack.push_step(step)
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
        step = architecture_step(self, edit)
        if step is not None:
            self.undo_stack.push_step(step)
        return step is not None

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
        step = points_step(self, dataset, description, data)
        if step is not None:
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
        """A new run from ``checkpoint`` (``dataset``: its points when not generated, the same ones: the
        plane drawing grew stays), an undoable step named ``text``; the current run goes to :attr:`runs`."""
        self._push_new_run(checkpoint, dataset, text, note, keep_plane=dataset is self._dataset)

    @one_edit_at_a_time
    def import_weights(self, weights: WeightFile, source: str) -> bool:
        """Start a new run from imported ``weights`` (read from ``source``, a file name): a fresh
        optimizer, epoch 0; the current run goes to :attr:`runs`. One undoable step. Raises
        ``WorkerRequestError`` naming the first difference when they do not fit the network."""
        self._fetcher.fetch("check_weights", (weights, source))
        step = import_step(self, weights, source)
        if step is not None:
            self.undo_stack.push_step(step)
        return step is not None

    @one_edit_at_a_time
    def restore_run(self, run: Run) -> None:
        """Make a kept run the experiment as it ended: its spec, points, weights, epoch and loss history,
        and its optimizer's state when it was kept with it (else a fresh optimizer)."""
        step = restore_step(self, run)
        if step is not None:
            self.undo_stack.push_step(step)

    # ------------------------------------------------------------------ building steps

    def _push_new_run(self, after: Checkpoint, dataset: Dataset | None, text: str, note: str,
                      keep_plane: bool = False) -> None:
        before = self._checkpoint()
        if before is not None:
            if keep_plane and after.picture_domain is None:  # What if…'s copy, on the same points
                after = dataclasses.replace(after, picture_domain=before.picture_domain)
            self.undo_stack.push_step(RunStep(self, text, note, before, after, (self._dataset, dataset)))

    def _checkpoint(self) -> Checkpoint | None:
        """The worker's whole state now; None (said, the panels back to the spec) when it cannot say."""
        cp = self._fetcher.checkpoint()
        if cp is None:
            self.spec_changed.emit(self._spec, "")
            return None
        self._keeper.last_checkpoint = cp  # a run kept from it keeps its optimizer's state
        return cp

    def _edit_rng(self) -> np.random.Generator:
        self._draws += 1
        return np.random.default_rng([self._spec.seed, 7, self._draws])

    def _archive(self) -> Run | None:
        """Keep the current run in :attr:`runs` before it is replaced (see ``RunKeeper``)."""
        return self._keeper.keep(self.controller.last_snapshot)

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
        self.controller.restore(checkpoint, self._dtype)
        previous = self.controller.last_snapshot  # the run before's, until the new run's first comes
        first = preview(checkpoint, previous, self.controller.generation) if previous is not None else None
        if first is not None and previous is not None:  # the diagram draws the new run's columns and links now
            self.preview_ready.emit(first, previous if same_inputs(checkpoint, previous) else None)
        self._archive()
        self._dataset = dataset
        self._keeper.began(checkpoint.state)
        self.run_started.emit()
        self._set_spec(checkpoint.spec, note)

    def _apply_reset(self, note: str) -> None:
        self._archive()
        self._keeper.began(None)
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
        ok, old = self._fetcher.ask("set_weight", (layer, out, inp, value))
        if not ok:
            return None
        self.message.emit(note)
        self.edited.emit()
        return float(old)  # type: ignore[arg-type]

    def _apply_switched_off(self, pairs: tuple[tuple[int, int], ...], note: str) -> None:
        if not self._fetcher.ask("set_switched_off", pairs)[0]:
            return
        network = dataclasses.replace(self._spec.network, switched_off=pairs)
        self._set_spec(self._spec.replace(network=network), note)

