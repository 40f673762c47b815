"""The runs kept for comparison, as a small Qt model the Runs panel and the loss chart subscribe to.

The session adds a :class:`~playground.core.runs.Run` whenever something starts a
new run; the panel renames, pins and deletes them, and asks for one to be
restored (``restore_requested``), which the session turns into an undoable edit.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from playground.core.runs import Run

#: Unpinned runs beyond this many are dropped, oldest first (pinned runs are always kept).
MAX_RUNS = 50
#: ... and while the unpinned runs' weights take more memory than this (50 runs of the largest
#: network, 8 MB of weights each, would take 400 MB).
MAX_RUN_BYTES = 256 * 2**20


def run_bytes(run: Run) -> int:
    """The memory a run's own arrays take (weights, optimizer state and history; its points are shared)."""
    h = run.history
    optimizer = sum(getattr(v, "nbytes", 0) for v in (run.optimizer or {}).values())
    return optimizer + sum(v.nbytes for v in run.weights.values()) + sum(
        a.nbytes for a in (h.epochs, h.train_loss, h.test_loss, h.train_accuracy, h.test_accuracy, h.grad_norms))


class RunsList(QObject):
    """An ordered list of runs, oldest first. ``changed`` fires after every change."""

    changed = Signal()
    restore_requested = Signal(object)  # Run
    dropped = Signal(int)  # how many old unpinned runs were dropped to stay within MAX_RUNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[Run] = []

    @property
    def runs(self) -> tuple[Run, ...]:
        return tuple(self._runs)

    def __len__(self) -> int:
        return len(self._runs)

    def __getitem__(self, index: int) -> Run:
        return self._runs[index]

    def names(self) -> set[str]:
        return {run.name for run in self._runs}

    def next_name(self) -> str:
        """"Run N" with the smallest N not in use."""
        taken, n = self.names(), len(self._runs) + 1
        while f"Run {n}" in taken:
            n += 1
        return f"Run {n}"

    def add(self, run: Run) -> None:
        self._runs.append(run)
        self._drop_oldest()
        self.changed.emit()

    def replace_all(self, runs: tuple[Run, ...] | list[Run]) -> None:
        """Show these runs instead (an opened file's)."""
        self._runs = list(runs)
        self._drop_oldest()
        self.changed.emit()

    def rename(self, index: int, name: str) -> None:
        name = name.strip()
        if name and name != self._runs[index].name:
            self._runs[index] = self._runs[index].renamed(name)
            self.changed.emit()

    def set_pinned(self, index: int, pinned: bool) -> None:
        if self._runs[index].pinned != pinned:
            self._runs[index] = self._runs[index].with_pinned(pinned)
            self.changed.emit()

    def remove(self, index: int) -> None:
        del self._runs[index]
        self.changed.emit()

    def request_restore(self, index: int) -> None:
        self.restore_requested.emit(self._runs[index])

    def _drop_oldest(self) -> None:
        dropped = 0
        while sum(not r.pinned for r in self._runs) > MAX_RUNS or (
                sum(run_bytes(r) for r in self._runs if not r.pinned) > MAX_RUN_BYTES
                and sum(not r.pinned for r in self._runs) > 1):  # the newest is always kept
            oldest = next(i for i, r in enumerate(self._runs) if not r.pinned)
            del self._runs[oldest]
            dropped += 1
        if dropped:
            self.dropped.emit(dropped)
