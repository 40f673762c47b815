"""Live loss curves: train and test loss per epoch, accuracy for classification."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui import palette


class LossPlot(QWidget):
    """Train/test loss per epoch (pyqtgraph)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "loss")
        self.train_curve = self.plot.plot(pen=pg.mkPen(palette.TRAIN_LOSS, width=2), name="train")
        self.test_curve = self.plot.plot(pen=pg.mkPen(palette.TEST_LOSS, width=2), name="test")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_log_scale(self, on: bool) -> None:
        """Loss axis logarithmic or linear."""
        self.plot.setLogMode(y=on)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        h = snapshot.history
        self.train_curve.setData(np.asarray(h.epochs, float), h.train_loss)
        self.test_curve.setData(np.asarray(h.epochs, float), h.test_loss)

    def clear(self) -> None:
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
