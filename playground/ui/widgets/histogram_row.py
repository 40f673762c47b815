"""One plot item that draws a row of per-layer histograms and their scale labels.

A deep network has up to 17 weight layers, two rows of them: one pyqtgraph curve and one text
item per histogram made a first draw of 34 curves and 34 labels (~150 ms of the UI thread) and
a paint of ~0.5 ms each. This item keeps one filled polygon per layer, updated in place, and
paints them and their labels in one call.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPolygonF

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it
from pyqtgraph import functions as fn

#: Of each slot [i, i + 1], the histogram fills [i + 0.5 − HALF_WIDTH, i + 0.5 + HALF_WIDTH].
HALF_WIDTH = 0.45
_FILL_ALPHA = 150  # see-through, so the output layer's near-black reads as a grey fill too


def step_outline(counts: np.ndarray, left: float, right: float) -> np.ndarray:
    """The closed outline of a histogram's bars: (2·bins + 2, 2) points (x, y) from (left, 0) along the
    tops of ``counts`` (bins,) over equal bins on [left, right] down to (right, 0)."""
    edges = np.linspace(left, right, len(counts) + 1)
    out = np.empty((2 * len(counts) + 2, 2))
    out[:, 0] = np.repeat(edges, 2)
    out[0, 1] = out[-1, 1] = 0.0
    out[1:-1, 1] = np.repeat(counts, 2)
    return out


class HistogramRow(pg.GraphicsObject):
    """Histograms side by side: layer ``i``'s fills the slot [i, i + 1] of a plot whose y runs 0 … ``top``,
    its bars scaled so the tallest reaches 1, its label centred at the slot's top."""

    def __init__(self, top: float, font: QFont) -> None:
        super().__init__()
        self.top = top
        self.font = font
        self.text_color = QColor("#000000")
        self.polygons: list[QPolygonF] = []
        self.labels: list[str] = []
        self._pens: list[pg.QtGui.QPen] = []
        self._brushes: list[pg.QtGui.QBrush] = []

    def set_layers(self, colors: list[str], text_color: str) -> None:
        """One slot per colour (``"#rrggbb"``), all empty; labels in ``text_color``."""
        self.prepareGeometryChange()
        self._pens = [pg.mkPen(c, width=1) for c in colors]
        fills = [QColor(c) for c in colors]
        for f in fills:
            f.setAlpha(_FILL_ALPHA)
        self._brushes = [pg.mkBrush(f) for f in fills]
        self.text_color = QColor(text_color)
        if len(self.polygons) != len(colors):
            self.polygons = [QPolygonF() for _ in colors]
            self.labels = [""] * len(colors)
        self.update()

    def set_counts(self, i: int, counts: np.ndarray, label: str) -> None:
        """Layer ``i``'s bars: ``counts`` (bins,), scaled to a height of 1, and its scale label."""
        top = max(1.0, float(counts.max()))
        points = step_outline(counts / top, i + 0.5 - HALF_WIDTH, i + 0.5 + HALF_WIDTH)
        polygon = self.polygons[i]
        if polygon.size() != len(points):
            polygon = self.polygons[i] = fn.create_qpolygonf(len(points))
        fn.ndarray_from_qpolygonf(polygon)[:] = points  # written in place: no Python loop over points
        self.labels[i] = label

    def outline(self, i: int) -> np.ndarray:
        """Layer ``i``'s drawn outline, (points, 2) x, y in plot coordinates."""
        return np.array(fn.ndarray_from_qpolygonf(self.polygons[i]))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return QRectF(0.0, 0.0, float(max(1, len(self.polygons))), self.top)

    def paint(self, painter: QPainter, *_args) -> None:
        for polygon, pen, brush in zip(self.polygons, self._pens, self._brushes, strict=True):
            if polygon.size():
                painter.setPen(pen)
                painter.setBrush(brush)
                painter.drawPolygon(polygon)
        # Labels in device pixels (the plot's scale is not uniform), centred over their slot.
        to_device = painter.transform()
        painter.resetTransform()
        painter.setFont(self.font)
        painter.setPen(self.text_color)
        height = painter.fontMetrics().height()
        for i, label in enumerate(self.labels):
            if label:
                left, right = to_device.map(QPointF(i, self.top)), to_device.map(QPointF(i + 1, self.top))
                painter.drawText(QRectF(left.x(), left.y(), right.x() - left.x(), height),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
        painter.setTransform(to_device)
