"""One heatmap per weight matrix, on a shared symmetric colour scale."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui import palette


class WeightsView(QWidget):
    """Heatmaps of every layer's weights (rows = neurons, columns = inputs, last column = bias)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("w")
        self.images: list[pg.ImageItem] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        mats = [np.column_stack([w, b]) for w, b in zip(snapshot.weights, snapshot.biases, strict=True)]
        if len(mats) != len(self.images):
            self.canvas.clear()
            self.images = []
            for i in range(len(mats)):
                vb = self.canvas.addViewBox(row=0, col=i)
                img = pg.ImageItem(axisOrder="row-major")
                vb.addItem(img)
                self.images.append(img)
        vmax = max(float(np.abs(m).max()) for m in mats) or 1.0
        for img, m in zip(self.images, mats, strict=True):
            img.setImage(palette.diverging_rgba(m, vmax), autoLevels=False)

    def clear(self) -> None:
        self.canvas.clear()
        self.images = []
