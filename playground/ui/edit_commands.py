"""Every edit of the experiment as an undoable step, and the bounded undo stack that holds them.

A step is a plain object with ``redo``/``undo`` that calls the session's ``_apply_*``
methods; :class:`StepCommand` wraps it for ``QUndoStack``. Keeping the step apart from
the Qt command lets :class:`BoundedUndoStack` forget its oldest steps (Qt can only drop
commands by a count fixed while the stack is empty): it rebuilds the stack from the
steps it keeps, without running them again.

What each kind of edit does to weights, optimizer and run follows the product's edit
table: training settings apply live (:class:`TrainingStep`, merged per field), a loss
or new points continue the run (:class:`ContinueStep`), weights typed in and neurons
switched off continue it with exactly that change (:class:`WeightStep`,
:class:`SwitchStep`), and everything that starts a new run stores the whole state
before and after it (:class:`RunStep`), so undo and redo never retrain and redo
reuses the weights the edit first drew.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.core.checkpoint import Checkpoint
from playground.core.dataset import Dataset
from playground.core.spec import TrainingSpec
from playground.ui.widgets.optimizer_settings import OPTIMIZER_SETTINGS

if TYPE_CHECKING:
    from playground.ui.session import Session

#: The undo history keeps at most this many steps ...
MAX_STEPS = 200
#: ... and at most this many bytes of stored states (weights, optimizer state, history).
MAX_BYTES = 200 * 2**20


class Step:
    """One edit: ``redo`` applies it (also the first time), ``undo`` takes it back."""

    text = ""
    nbytes = 0  # bytes of arrays this step keeps alive
    merge_key = -1  # steps with the same key >= 0 may merge into one (see ``merge``)

    def redo(self) -> None:
        raise NotImplementedError

    def undo(self) -> None:
        raise NotImplementedError

    def merge(self, other: Step) -> bool:
        """Take ``other`` (the next step) into this one; True when merged."""
        return False

    def is_no_op(self) -> bool:
        """True when, merged, this step changes nothing (it is then dropped)."""
        return False


def _key(name: str) -> int:
    """A stable merge id for ``name`` (Qt wants an int; Python's str hash changes per process)."""
    return zlib.crc32(name.encode()) & 0x3FFFFFFF


# ---------------------------------------------------------------------- training settings

_OPTIMIZER_FIELDS = ("learning_rate", "name", "momentum", "beta1", "beta2", "rho", "epsilon", "weight_decay")
_TRAINING_FIELDS = ("batch_size", "regularization", "regularization_rate", "shuffle")
_LABELS = {"learning_rate": "learning rate", "name": "optimizer", "batch_size": "batch size",
           "regularization_rate": "regularization rate", **{s.field: s.label for s in OPTIMIZER_SETTINGS}}


def changed_fields(old: TrainingSpec, new: TrainingSpec) -> list[tuple[str, object, object]]:
    """(field, old value, new value) of every training setting that differs (the loss excluded)."""
    out = [(f, getattr(old.optimizer, f), getattr(new.optimizer, f)) for f in _OPTIMIZER_FIELDS]
    out += [(f, getattr(old, f), getattr(new, f)) for f in _TRAINING_FIELDS]
    return [(f, a, b) for f, a, b in out if a != b]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


class TrainingStep(Step):
    """Training settings applied live: weights and optimizer state kept (a new optimizer starts
    fresh). Consecutive changes of the same field are one step."""

    def __init__(self, session: Session, old: TrainingSpec, new: TrainingSpec) -> None:
        self.session, self.old, self.new = session, old, new
        fields = changed_fields(old, new)
        self.field = fields[0][0] if len(fields) == 1 else "training settings"
        self.merge_key = _key(self.field)
        self._describe()

    def _describe(self) -> None:
        fields = changed_fields(self.old, self.new)
        if len(fields) == 1:
            f, a, b = fields[0]
            self.text = f"{_LABELS.get(f, f)} {_shown(a)} → {_shown(b)}"
        else:
            self.text = "training settings"

    def redo(self) -> None:
        self.session._apply_training(self.new, f"{self.text}: applies now, weights kept")

    def undo(self) -> None:
        self.session._apply_training(self.old, f"Undone: {self.text}")

    def merge(self, other: Step) -> bool:
        if not isinstance(other, TrainingStep) or other.field != self.field or other.old != self.new:
            return False
        self.new = other.new
        self._describe()
        return True

    def is_no_op(self) -> bool:
        return self.old == self.new


# ---------------------------------------------------------------------- edits that continue the run

class ContinueStep(Step):
    """An edit that continues the run from the current state (a new loss, new points):
    ``to_new``/``to_old`` turn the current checkpoint into the edited one."""

    def __init__(self, session: Session, text: str, note: str, to_new: Callable[[Checkpoint], Checkpoint],
                 to_old: Callable[[Checkpoint], Checkpoint], custom: tuple[Dataset | None, Dataset | None]) -> None:
        self.session, self.text, self.note = session, text, note
        self.to_new, self.to_old, self.custom = to_new, to_old, custom

    def redo(self) -> None:
        self.session._continue_with(self.to_new, self.custom[1], self.note)

    def undo(self) -> None:
        self.session._continue_with(self.to_old, self.custom[0], f"Undone: {self.text}")


class WeightStep(Step):
    """A weight (or bias: ``inp`` None) typed in; repeated edits of the same weight are one step."""

    def __init__(self, session: Session, layer: int, out: int, inp: int | None, value: float) -> None:
        self.session, self.where, self.new = session, (layer, out, inp), float(value)
        self.old: float | None = None
        self.merge_key = _key(f"weight {self.where}")
        self._describe()

    def _describe(self) -> None:
        layer, out, inp = self.where
        what = f"bias of neuron {out + 1} in layer {layer + 1}" if inp is None else \
            f"weight {inp + 1} → {out + 1} in layer {layer + 1}"
        self.text = f"{what} = {self.new:g}"

    def redo(self) -> None:
        old = self.session._apply_weight(*self.where, self.new, f"{self.text}: the run goes on")
        if self.old is None:
            self.old = old

    def undo(self) -> None:
        if self.old is not None:
            self.session._apply_weight(*self.where, self.old, f"Undone: {self.text}")

    def merge(self, other: Step) -> bool:
        if not isinstance(other, WeightStep) or other.where != self.where:
            return False
        self.new = other.new
        self._describe()
        return True

    def is_no_op(self) -> bool:
        return self.old is not None and self.old == self.new


class SwitchStep(Step):
    """Neurons switched off or on: weights kept, the run continues."""

    def __init__(self, session: Session, old: tuple[tuple[int, int], ...], new: tuple[tuple[int, int], ...],
                 text: str) -> None:
        self.session, self.old, self.new, self.text = session, old, new, text

    def redo(self) -> None:
        self.session._apply_switched_off(self.new, f"{self.text}: weights kept, the run goes on")

    def undo(self) -> None:
        self.session._apply_switched_off(self.old, f"Undone: {self.text}")


# ---------------------------------------------------------------------- edits that start a new run

class RunStep(Step):
    """An edit that starts a new run: the whole state before it and after it are stored, so
    undo puts the old run back exactly and redo reuses what the edit first made.

    ``after`` None is a Reset: redo draws new weights from the seed (the same ones again,
    because undo restored the draw counter too).
    """

    def __init__(self, session: Session, text: str, note: str, before: Checkpoint, after: Checkpoint | None,
                 custom: tuple[Dataset | None, Dataset | None]) -> None:
        self.session, self.text, self.note = session, text, note
        self.before, self.after, self.custom = before, after, custom
        self.nbytes = before.nbytes + (after.nbytes if after is not None else 0)

    def redo(self) -> None:
        if self.after is None:
            self.session._apply_reset(self.note)
        else:
            self.session._apply_checkpoint(self.after, self.custom[1], self.note)

    def undo(self) -> None:
        self.session._apply_checkpoint(self.before, self.custom[0],
                                       f"Undone: {self.text} (the run before it is back, as it was)")


# ---------------------------------------------------------------------- Qt side

def one_edit_at_a_time(method: Callable) -> Callable:
    """A session edit that runs later when it arrives while another one waits for the worker: a
    fetch turns the event loop (timers, queued signals), and an edit started there would land in
    the middle of the one under way, and on the undo stack before it."""

    @functools.wraps(method)
    def edit(self: Session, *args: object, **kwargs: object) -> object:
        if self._fetcher.busy:
            QTimer.singleShot(0, self, lambda: edit(self, *args, **kwargs))
            return False
        return method(self, *args, **kwargs)

    return edit



class StepCommand(QUndoCommand):
    """A :class:`Step` on a ``QUndoStack``. ``applied``: the step was already applied, the push
    does not run it again; ``replayed``: put back by a trim (never merged)."""

    def __init__(self, step: Step, applied: bool = False, replayed: bool = False) -> None:
        super().__init__(step.text)
        self.step = step
        self.replayed = replayed
        self._skip = applied or replayed

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self.step.redo()

    def undo(self) -> None:
        self.step.undo()

    def id(self) -> int:
        return self.step.merge_key

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, StepCommand) or other.replayed or not self.step.merge(other.step):
            return False
        self.setText(self.step.text)
        self.setObsolete(self.step.is_no_op())
        return True


class BoundedUndoStack(QUndoStack):
    """A ``QUndoStack`` of :class:`Step` s bounded by :data:`MAX_STEPS` and :data:`MAX_BYTES`.

    When a push passes a bound, the oldest steps are forgotten and ``trimmed`` fires with
    how many (the session says so once).
    """

    trimmed = Signal(int)

    def __init__(self, parent: QObject | None = None, max_steps: int = MAX_STEPS, max_bytes: int = MAX_BYTES) -> None:
        super().__init__(parent)
        self.max_steps, self.max_bytes = max_steps, max_bytes

    def steps(self) -> list[Step]:
        """Every step on the stack, oldest first (undone ones included)."""
        return [self.command(i).step for i in range(self.count())]  # type: ignore[attr-defined]

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.steps())

    def push_step(self, step: Step, applied: bool = False) -> None:
        """Apply ``step`` (unless ``applied`` already) and keep it for undo (merged with the last one
        when it can be)."""
        self.push(StepCommand(step, applied))
        self._trim()

    def _trim(self) -> None:
        steps = self.steps()
        total, drop = sum(s.nbytes for s in steps), 0
        # The newest step always stays, even alone over the memory bound: it can always be undone.
        while len(steps) - drop > 1 and (len(steps) - drop > self.max_steps or total > self.max_bytes):
            total -= steps[drop].nbytes
            drop += 1
        if not drop:
            return
        kept = steps[drop:]  # only pushes trim, and a push leaves nothing to redo
        self.clear()
        for step in kept:  # already applied: the commands skip their first redo
            self.push(StepCommand(step, replayed=True))
        self.trimmed.emit(drop)
