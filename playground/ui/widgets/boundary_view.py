"""The decision boundary: the network's output over the data domain, with the points on top."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui import palette


class BoundaryView(QWidget):
    """Heatmap of ``snapshot.grid.output`` with training points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w"))
        self.plot.addItem(self.train_points)
        self._show_test = False
        self._discretize = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_show_test(self, on: bool) -> None:
        self._show_test = on

    def set_discretize(self, on: bool) -> None:
        self._discretize = on

    def show_snapshot(self, snapshot: Snapshot) -> None:
        g = snapshot.grid
        if g is None:
            return
        if g.predicted is not None and snapshot.dataset.classes > 2:
            rgba = palette.class_confidence_rgba(g.predicted, g.output, snapshot.dataset.classes)
        else:
            rgba = palette.diverging_rgba(g.output)
        x0, x1, y0, y1 = g.domain
        # Row-major image with row 0 at the bottom: pyqtgraph's y axis points up.
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        d = snapshot.dataset
        if d.problem == "classification":
            colors = [pg.mkBrush(*palette.class_rgb(int(k))) for k in d.y_train]
        else:
            rgba_pts = palette.diverging_rgba(d.y_train)
            colors = [pg.mkBrush(*c) for c in rgba_pts]
        self.train_points.setData(pos=np.asarray(d.x_train), brush=colors)

    def clear(self) -> None:
        self.image.clear()
        self.train_points.clear()
