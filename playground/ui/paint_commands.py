"""Paint strokes as undo steps: every stroke (add, spray, erase, clear, re-split, blank) is one
step on the session's undo stack, holding the points before and after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.core.dataset import Dataset
from playground.core.painted_data import PaintedPoints
from playground.ui.edit_commands import Step

if TYPE_CHECKING:
    from playground.ui.paint_mode import PaintMode


class PointsStep(Step):
    """One stroke: the points shown before and after it, the worker's points before and after it,
    and the session's step that gives the worker the new points (``inner``; None while they cannot
    be trained on: then only the view changes and the worker keeps its points)."""

    def __init__(self, paint: PaintMode, text: str, before: PaintedPoints, after: PaintedPoints,
                 worker: tuple[Dataset | None, Dataset | None], inner: Step | None = None) -> None:
        self.paint, self.text, self.before, self.after, self.worker = paint, text, before, after, worker
        self.inner = inner
        self.nbytes = (inner.nbytes if inner is not None else 0) + _nbytes(before) + _nbytes(after)

    def redo(self) -> None:
        if self.inner is not None:
            self.inner.redo()
        self.paint.show_points(self.after, self.worker[1], self.inner is None)

    def undo(self) -> None:
        if self.inner is not None:
            self.inner.undo()
        self.paint.show_points(self.before, self.worker[0], self.inner is None)


def _nbytes(points: PaintedPoints) -> int:
    return points.x.nbytes + points.y.nbytes + points.train.nbytes
