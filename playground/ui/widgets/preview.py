"""Run a widget on its own with sample data: ``python -m playground.ui.widgets.<module>``."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from playground.core.snapshot import Snapshot
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec
from playground.core.trainer import Trainer


def sample_spec(kind: str = "binary", hidden: tuple[int, ...] = (6, 8),
                activation: str = "tanh") -> ExperimentSpec:
    """A small experiment: ``binary`` (spiral), ``classes`` (4 blobs), ``regression`` (plane)."""
    if kind == "classes":
        data, loss = DataSpec(name="blobs", classes=4), "cross_entropy"
    elif kind == "regression":
        data, loss = DataSpec(name="plane"), "mse"
    else:
        data, loss = DataSpec(name="spiral"), "mse"
    return ExperimentSpec(data=data, network=NetworkSpec.uniform(hidden, activation),
                          training=TrainingSpec(loss=loss), features=("x1", "x2", "sin_x1", "sin_x2"))


def sample_snapshot(kind: str = "binary", epochs: int = 300, hidden: tuple[int, ...] = (6, 8),
                    activation: str = "tanh", grid_resolution: int = 100) -> Snapshot:
    """Train a small network for ``epochs`` and return its snapshot."""
    trainer = Trainer(sample_spec(kind, hidden, activation))
    trainer.train(epochs)
    return trainer.snapshot(grid_resolution=grid_resolution)


def run_preview(make_widget: Callable[[], QWidget], kind: str | None = None,
                epochs_per_frame: int = 5) -> int:
    """Show ``make_widget()`` updating live while a sample network trains (``kind`` from ``sys.argv[1]``)."""
    kind = kind or (sys.argv[1] if len(sys.argv) > 1 else "binary")
    app = QApplication.instance() or QApplication(sys.argv)
    trainer = Trainer(sample_spec(kind))
    widget = make_widget()
    widget.resize(700, 500)
    widget.setWindowTitle(f"{type(widget).__name__} — {kind}")

    def tick() -> None:
        if trainer.epoch < 3000:
            trainer.train(epochs_per_frame)
        widget.show_snapshot(trainer.snapshot(grid_resolution=100))  # type: ignore[attr-defined]

    timer = QTimer(widget)
    timer.timeout.connect(tick)
    timer.start(33)
    tick()
    widget.show()
    return app.exec()
