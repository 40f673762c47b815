"""What a live view implements to be drawn from the session's snapshots."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from playground.core.snapshot import Snapshot


@runtime_checkable
class SnapshotView(Protocol):
    """A view the window draws from each :class:`~playground.core.snapshot.Snapshot`.

    ``show_snapshot`` runs in the UI thread; the snapshot is immutable and may be kept.
    Hidden views are drawn from the latest snapshot when they are shown again.
    """

    def show_snapshot(self, snapshot: Snapshot) -> None: ...
