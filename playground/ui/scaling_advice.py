"""Proposes input scaling in one line when the points lie far from the activations' useful range.

Watches the snapshots: when the points or the chosen scaling change, the Data panel shows
``input_scaling.scaling_advice``'s line (or hides it), and the status bar says it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from playground.core.input_scaling import scaling_advice
from playground.core.snapshot import Snapshot

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class ScalingAdvice(QObject):
    """Keeps the Data panel's scaling line current for ``window``'s data."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._seen: tuple[int, str] | None = None  # (id of the dataset, scaling) last judged
        window.controller.snapshot_ready.connect(self._on_snapshot)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        key = (id(snapshot.dataset), snapshot.spec.data.scale)
        if key == self._seen:
            return
        self._seen = key
        text = scaling_advice(snapshot.dataset.x_train, snapshot.spec.data.scale)
        self._window.experiment.data.show_scaling_advice(text)
        if text:
            self._window.status.note(text)


def install(window: MainWindow) -> ScalingAdvice:
    """Create the advice for ``window`` (kept alive by the window, its parent)."""
    return ScalingAdvice(window)
