"""Paint strokes as undo steps: every stroke (add, spray, erase, clear, re-split, blank) is one
``QUndoCommand`` holding the points before and after it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.core.painted_data import PaintedPoints


class PaintStroke(QUndoCommand):
    """One stroke: ``apply(after)`` on redo, ``apply(before)`` on undo."""

    def __init__(self, before: PaintedPoints, after: PaintedPoints,
                 apply: Callable[[PaintedPoints], None], text: str) -> None:
        super().__init__(text)
        self.before, self.after = before, after
        self._apply = apply

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


def push_stroke(stack: QUndoStack | None, stroke: PaintStroke) -> None:
    """Push ``stroke`` onto ``stack`` (which applies it), or apply it directly without a stack."""
    if stack is not None:
        stack.push(stroke)
    else:
        stroke.redo()
