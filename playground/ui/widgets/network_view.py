"""The network diagram: input features, hidden layers and the output, each neuron a heatmap thumbnail."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QVBoxLayout, QWidget

from playground.core.snapshot import Snapshot
from playground.ui import palette


class NetworkView(QWidget):
    """TensorFlow-Playground-style diagram of the network."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._sizes: tuple[int, ...] = ()
        self._thumbs: list[list] = []
        self._links: list = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def _build(self, sizes: tuple[int, ...]) -> None:
        self.scene.clear()
        self._sizes = sizes
        self._thumbs = []
        self._links = []
        for layer, n in enumerate(sizes):
            col = []
            for j in range(n):
                item = self.scene.addPixmap(QPixmap(24, 24))
                item.setPos(layer * 100, j * 40)
                col.append(item)
            self._thumbs.append(col)
        for layer in range(len(sizes) - 1):
            links = []
            for j in range(sizes[layer + 1]):
                row = []
                for i in range(sizes[layer]):
                    line = self.scene.addLine(layer * 100 + 24, i * 40 + 12, (layer + 1) * 100, j * 40 + 12)
                    row.append(line)
                links.append(row)
            self._links.append(links)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.layer_sizes != self._sizes:
            self._build(snapshot.layer_sizes)
        for layer, links in enumerate(self._links):
            w = snapshot.weights[layer]
            for j, row in enumerate(links):
                for i, line in enumerate(row):
                    v = float(w[j, i])
                    color = QColor(palette.POSITIVE if v > 0 else palette.NEGATIVE)
                    line.setPen(QPen(color, 1 + min(abs(v), 5)))
        if snapshot.grid is None or not snapshot.grid.neurons:
            return
        for layer, col in enumerate(self._thumbs):
            a = snapshot.grid.neurons[layer]
            step = max(1, a.shape[0] // 24)
            for j, item in enumerate(col):
                rgba = np.ascontiguousarray(palette.diverging_rgba(a[::-step, ::step, j]))
                img = QImage(rgba.data, rgba.shape[1], rgba.shape[0], QImage.Format.Format_RGBA8888)
                item.setPixmap(QPixmap.fromImage(img.copy()))

    def clear(self) -> None:
        self.scene.clear()
        self._sizes = ()
        self._thumbs = []
        self._links = []
