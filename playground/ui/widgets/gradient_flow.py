"""Gradient flow: each layer's weight-gradient norm over time, on a log scale."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui import palette


class GradientFlowView(QWidget):
    """One line per layer: ‖∂L/∂W‖ per epoch (log y)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "‖∂L/∂W‖")
        self.curves: list[pg.PlotDataItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        g = snapshot.history.grad_norms
        n = g.shape[1] if g.ndim == 2 else 0
        if n != len(self.curves):
            self.clear()
            for i in range(n):
                color = palette.CLASS_COLORS[i % len(palette.CLASS_COLORS)]
                self.curves.append(self.plot.plot(pen=pg.mkPen(color, width=2)))
        x = np.asarray(snapshot.history.epochs, float)
        for i, c in enumerate(self.curves):
            c.setData(x, np.maximum(g[:, i], 1e-12))

    def clear(self) -> None:
        for c in self.curves:
            self.plot.removeItem(c)
        self.curves = []
