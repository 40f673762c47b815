"""When the worker cannot build the run an edit leads to, the edit is refused and the run before it goes on.

An edit that starts a new run, or continues one from a changed state, changes the session
at once (spec, points, the run kept in the runs) and asks the worker to build the new
trainer. When that build fails, the worker keeps its old trainer, says why (``failed``),
and sends its pictures under the new generation (``rebuild_failed``). :class:`RebuildRollback`
then puts the session back as it was before the edit and takes the edit's step off the
undo stack (an undo that failed is refused the same way), so the panels, the views and
the worker agree again and the app stays usable.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from playground.core.dataset import Dataset
from playground.core.runs import Run
from playground.core.snapshot import Snapshot
from playground.core.spec import ExperimentSpec
from playground.ui.edit_commands import Step

if TYPE_CHECKING:
    from playground.ui.session import Session


@dataclass
class _Before:
    """The session as it was before a restore was sent to the worker."""

    generation: int  # the controller's generation of that restore
    spec: ExperimentSpec
    dataset: Dataset | None
    run_began_at: int
    archived: Snapshot | None
    archived_run: Run | None
    runs: int  # how many runs were kept
    index: int  # the undo stack's index before the step ran
    steps: weakref.WeakSet[Step]  # and its steps (not kept alive here: a cleared stack frees its states)


class RebuildRollback(QObject):
    """Puts ``session`` back when the worker could not build what its last restore asked for."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        #: True while a refused step's undo (or redo) runs only to put the views back: the
        #: session then leaves the worker alone (it still runs the state before the step).
        self.rolling_back = False
        self._before: _Before | None = None
        session.controller.rebuild_failed.connect(self._on_rebuild_failed)

    def before_restore(self) -> None:
        """Called by the session just before it changes itself and sends a restore to the worker."""
        s = self.session
        k = s._keeper
        self._before = _Before(s.controller.generation + 1, s._spec, s._dataset, k.began_at, k.kept,
                               k.kept_run, len(s.runs), s.undo_stack.index(),
                               weakref.WeakSet(s.undo_stack.steps()))

    @Slot(int)
    def _on_rebuild_failed(self, generation: int) -> None:
        before, self._before = self._before, None
        s = self.session
        if before is None or before.generation != generation or generation != s.controller.generation:
            return  # another edit came since: the worker's own message says what failed
        k = s._keeper
        s._spec, s._dataset, k.began_at = before.spec, before.dataset, before.run_began_at
        if len(s.runs) == before.runs + 1 and k.kept_run is not before.archived_run \
                and s.runs[len(s.runs) - 1] is k.kept_run:
            s.runs.remove(len(s.runs) - 1)  # the run goes on: it is not a kept one
        k.kept, k.kept_run = before.archived, before.archived_run
        text = self._drop(before)
        s.spec_changed.emit(s.spec, "")
        what = f"{text} (the training thread could not build it)" if text else "the training thread could not build it"
        s.message.emit(f"Not applied: {what}; the experiment before it goes on")

    def _sent_by(self, before: _Before) -> tuple[Step | None, bool]:
        """The step whose redo (True) or undo (False) sent the restore: a step pushed since, or the
        one the stack's index moved over."""
        stack = self.session.undo_stack
        steps, index = stack.steps(), stack.index()
        pushed = [step for step in steps if step not in before.steps]
        if pushed:
            return pushed[0], True
        if index == before.index + 1:
            return steps[before.index], True
        if index == before.index - 1:
            return steps[index], False
        return None, True

    def _drop(self, before: _Before) -> str:
        """Take the refused step off the stack (when nothing was done since), its views put back; its text."""
        step, redone = self._sent_by(before)
        stack = self.session.undo_stack
        if step is None:
            return ""
        commands = [stack.command(k) for k in range(stack.count())]
        k = next((k for k, c in enumerate(commands) if c.step is step), None)
        if k is None or k != (stack.index() - 1 if redone else stack.index()):
            return step.text
        self.rolling_back = True
        try:  # the views go back (drawn points, the panels); the session leaves the worker alone
            (step.undo if redone else step.redo)()
        finally:
            self.rolling_back = False
        commands[k].setObsolete(True)
        (stack.undo if redone else stack.redo)()  # Qt drops an obsolete command without running it
        return step.text
