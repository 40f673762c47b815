"""Shared helpers for the network diagram's tests: a shown diagram of a snapshot."""

from __future__ import annotations

from playground.core.snapshot import Snapshot
from playground.ui.widgets.network_view import NetworkView


def shown_diagram(qtbot, s: Snapshot, width: int, height: int) -> NetworkView:
    """A shown :class:`NetworkView` of ``width`` × ``height`` px drawing ``s``."""
    w = NetworkView()
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    w.show_snapshot(s)
    return w
