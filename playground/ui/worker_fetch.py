"""The session's questions to the training worker while an edit is made.

An edit that needs the worker's state (a checkpoint before a new run, a weight typed
in) asks with ``TrainingController.fetch`` and waits for the answer. While it waits,
:attr:`WorkerFetch.busy` is set, so that another edit arriving meanwhile runs after
it (see ``edit_commands.one_edit_at_a_time``); a failed question becomes one line.
"""

from __future__ import annotations

from collections.abc import Callable

from playground.core.checkpoint import Checkpoint
from playground.ui.training import TrainingController, WorkerRequestError


class WorkerFetch:
    """Asks ``controller``'s worker one question at a time; ``say`` shows a refusal (one line)."""

    def __init__(self, controller: TrainingController, say: Callable[[str], None]) -> None:
        self.controller = controller
        self._say = say
        self.busy = False  # waiting for the worker's answer

    def fetch(self, kind: str, argument: object = None, hold_snapshots: bool = False) -> object:
        """The worker's answer to ``kind`` (``worker_requests``); raises ``WorkerRequestError``.
        ``hold_snapshots``: see ``TrainingController.fetch``."""
        self.busy = True
        try:
            return self.controller.fetch(kind, argument, hold_snapshots=hold_snapshots)
        finally:
            self.busy = False

    def ask(self, kind: str, argument: object = None, hold_snapshots: bool = False) -> tuple[bool, object]:
        """``(True, answer)``, or ``(False, None)`` with the reason said as "Not applied: …"."""
        try:
            return True, self.fetch(kind, argument, hold_snapshots)
        except WorkerRequestError as exc:
            self._say(f"Not applied: {exc}")
            return False, None

    def checkpoint(self) -> Checkpoint | None:
        """The worker's whole state now; None (said) when it cannot say. A checkpoint is asked for
        before the run is replaced (a new run, or the same one from an edited state): a snapshot
        of it arriving meanwhile is not drawn (it is, should the edit fail)."""
        ok, cp = self.ask("checkpoint", hold_snapshots=True)
        assert not ok or isinstance(cp, Checkpoint)
        return cp if ok else None  # type: ignore[return-value]
