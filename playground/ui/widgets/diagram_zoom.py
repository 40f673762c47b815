"""Zooming the network diagram: Ctrl+wheel, −/+ buttons, fit-to-view, and expanding a collapsed layer."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QBoxLayout, QGraphicsView, QLabel, QToolButton

from playground.ui.widgets import diagram_layout as lay


class DiagramZoom:
    """The zoom of :class:`~playground.ui.widgets.network_view.NetworkView` (its base)."""

    view: QGraphicsView
    zoom: float
    fitting: bool
    expanded: set[int]

    def _add_zoom_controls(self, row: QBoxLayout) -> None:
        self.zoom_label = QLabel("100%")
        self.zoom_label.setToolTip("The diagram's zoom (Ctrl+wheel on the diagram zooms; drag with the "
                                   "middle button or the scroll bars to pan)")
        row.addWidget(self.zoom_label)
        for text, tip, slot in (("−", "Zoom out (Ctrl+wheel down)", lambda: self.zoom_by(-1)),
                                ("+", "Zoom in (Ctrl+wheel up)", lambda: self.zoom_by(1)),
                                ("Fit", "Fit the whole network into the view", self.fit_to_view)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            row.addWidget(b)

    def set_zoom(self, zoom: float, fit: bool = False, layout: bool = True) -> None:
        """Scale the diagram by ``zoom`` (clipped to the zoom range); ``fit``: keep fitting it to the view."""
        self.fitting = fit
        # Fitted, the scene is the viewport: scroll bars coming and going would resize the viewport
        # and refit it without end.
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fit else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.view.setHorizontalScrollBarPolicy(policy)
        self.view.setVerticalScrollBarPolicy(policy)
        self.zoom = float(np.clip(zoom, *lay.ZOOM_RANGE))
        self.view.resetTransform()
        self.view.scale(self.zoom, self.zoom)
        self.zoom_label.setText(f"{self.zoom:.0%}")
        if layout:
            self._on_resized()

    def zoom_by(self, steps: int, at: QPointF | None = None) -> None:
        """Zoom in (``steps`` > 0) or out by :data:`ZOOM_STEP` per step, centred on ``at``."""
        self.set_zoom(self.zoom * lay.ZOOM_STEP ** steps)
        if at is not None:
            self.view.centerOn(at)

    def fit_to_view(self) -> None:
        """Show the whole diagram, and keep it fitted as the view is resized."""
        self.set_zoom(1.0, fit=True)

    def expand(self, c: int) -> None:
        """Show every neuron of column ``c`` (its "+k more" marker was clicked)."""
        self.expanded.add(c)
        self._key = None  # its neurons' items are made now
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

