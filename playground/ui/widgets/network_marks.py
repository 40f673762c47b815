"""Marks the backprop inspector puts on the network diagram: the lit column, a note by each neuron,
a selected neuron, and per-link values drawn with the weights' colour and width rules.

The diagram owns the scene and rebuilds it for a new architecture; :meth:`NetworkMarks.place`
remakes these few items after every layout, so they always sit on the current neurons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from playground.ui.widgets.link_layer import link_levels

if TYPE_CHECKING:
    from playground.ui.widgets.network_view import NetworkView

#: The lit column: a pale yellow band behind the layer being computed.
BAND_COLOR = QColor(255, 236, 153, 150)
SELECTED_COLOR = QColor("#f57c00")


class NetworkMarks:
    """The inspector's marks on one :class:`NetworkView` (nothing is shown until one is set)."""

    def __init__(self, view: NetworkView) -> None:
        self.view = view
        self.column: int | None = None
        self.notes: list[list[str]] | None = None  # per diagram column, per neuron
        self.selected: tuple[int, int] | None = None
        self.link_values: list[np.ndarray] | None = None  # per weight layer (out, in)
        self._items: list[QGraphicsItem] = []

    def clear(self) -> None:
        """Remove every mark (the diagram shows its own links again)."""
        self.column, self.notes, self.selected, self.link_values = None, None, None, None
        self.place()
        self.view.refresh_links()

    def set_marks(self, column: int | None, notes: list[list[str]] | None,
                  link_values: list[np.ndarray] | None, selected: tuple[int, int] | None) -> None:
        """Light diagram column ``column``, write ``notes`` by the neurons, draw ``link_values`` as the links."""
        self.column, self.notes, self.selected = column, notes, selected
        links_changed = self.link_values is not link_values
        self.link_values = link_values
        self.place()
        if links_changed:
            self.view.refresh_links()

    def link_looks(self) -> tuple[list[np.ndarray], list[np.ndarray], bool] | None:
        """The links' look for :attr:`link_values`: width by |value| against the largest, colour by sign."""
        values = self.link_values
        if values is None or [v.shape for v in values] != self.view.links.shapes:
            return None
        scale = max((float(np.abs(v).max()) for v in values if v.size), default=1.0)
        return [link_levels(v, scale) for v in values], [v >= 0 for v in values], False

    def place(self) -> None:
        """Remake the marks on the diagram's current neurons."""
        scene = self.view.scene
        for item in self._items:
            if shiboken6.isValid(item) and item.scene() is scene:
                scene.removeItem(item)
        self._items = []
        neurons = self.view.neurons
        if self.column is not None and 0 <= self.column < len(neurons) and neurons[self.column]:
            col = neurons[self.column]
            left = min(n.rect.left() for n in col) - 8
            right = max(n.rect.right() for n in col) + 8
            band = QGraphicsRectItem(left, col[0].rect.top() - 14, right - left,
                                     col[-1].rect.bottom() - col[0].rect.top() + 28)
            band.setBrush(BAND_COLOR)
            band.setPen(QPen(Qt.PenStyle.NoPen))
            band.setZValue(0.5)  # behind the neurons, over the links
            self._add(band)
        if self.selected is not None:
            c, j = self.selected
            if c < len(neurons) and j < len(neurons[c]):
                frame = QGraphicsRectItem(neurons[c][j].rect.adjusted(-4, -4, 4, 4))
                frame.setPen(QPen(SELECTED_COLOR, 3))
                frame.setZValue(6)
                self._add(frame)
        if self.notes is not None:
            font = QFont()
            font.setPointSizeF(7.5)
            for c, col in enumerate(self.notes):
                for j, text in enumerate(col):
                    if not text or c >= len(neurons) or j >= len(neurons[c]):
                        continue
                    rect = neurons[c][j].rect
                    note = QGraphicsSimpleTextItem(text)
                    note.setFont(font)
                    note.setBrush(QColor("#1a1a1a"))
                    note.setZValue(7)
                    note.setPos(rect.left(), rect.bottom() + 1)
                    self._add(note)

    def _add(self, item: QGraphicsItem) -> None:
        self.view.scene.addItem(item)
        self._items.append(item)
