"""The network diagram's neuron images: which ones the worker makes, drawing them, and the enlarged one.

The diagram asks for the images of the neurons it has on screen only (drawn, not behind a "+k
more" marker, inside the viewport at the current zoom and scroll), each at its thumbnail's side in
device pixels, and for the neuron under the mouse at the enlarged side: a
:class:`~playground.core.neuron_images.NeuronRequest`, sent again whenever the layout, the zoom,
the scroll or the neuron under the mouse change. An image made at the thumbnail's side is drawn
at one device pixel a cell, so painting it is a plain copy, not a scaling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsScene

from playground.core.features import FEATURE_LABELS
from playground.core.neuron_images import NeuronRequest
from playground.core.snapshot import GridOutput, Snapshot
from playground.ui.widgets.network_items import atlas_pixmaps, class_rgba, thumbnail_rgba, to_pixmap

if TYPE_CHECKING:
    from playground.ui.widgets.network_view import NetworkView

#: The enlarged image under the mouse: its side in scene px, and in cells at a device pixel ratio of 1.
ZOOM_SIDE = 120.0
DETAIL_SIZE = 96


class DiagramThumbnails:
    """The neuron images of ``view``: what it asks the worker for, and drawing what comes back."""

    def __init__(self, view: NetworkView) -> None:
        self.view = view
        self.request: NeuronRequest | None = None  # the last one sent
        self.hovered: tuple[int, int] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget the drawn images (the scene was cleared: its items are gone)."""
        self._inputs_drawn: tuple | None = None
        self.zoom = QGraphicsPixmapItem()
        self.zoom_frame = QGraphicsRectItem()

    def add_to(self, scene: QGraphicsScene) -> None:
        """Put the (hidden) enlarged image on a newly built scene."""
        self.zoom.setZValue(20)
        self.zoom.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.zoom_frame.setZValue(19)
        self.zoom_frame.setPen(QPen(QColor("#333333"), 1))
        self.zoom_frame.setBrush(QColor("white"))
        scene.addItem(self.zoom_frame)
        scene.addItem(self.zoom)
        self.hide_zoom()

    # ------------------------------------------------------------------ what to ask for

    def _scale(self) -> float:
        """Device pixels per scene pixel."""
        return self.view.zoom * self.view.view.devicePixelRatioF()

    def side(self) -> int:
        """A thumbnail's side in device pixels."""
        return max(1, round(self.view.neuron_size() * self._scale()))

    def wanted(self) -> NeuronRequest | None:
        """The neurons on screen, at their side in device pixels, and the one under the mouse enlarged."""
        v = self.view
        if not v.neurons:
            return None
        seen = v.view.mapToScene(v.view.viewport().rect()).boundingRect()
        ids = [[j for j, n in enumerate(col[:v.shown[c]]) if n.rect.intersects(seen)]
               for c, col in enumerate(v.neurons)]
        detail = round(DETAIL_SIZE * v.view.devicePixelRatioF())
        return NeuronRequest.of(ids, self.side(), self.hovered, detail)

    def ask(self) -> None:
        """Send the request when it changed (layout, zoom, scroll, the neuron under the mouse)."""
        wanted = self.wanted()
        if wanted is not None and wanted != self.request:
            self.request = wanted
            self.view.visible_neurons_changed.emit(wanted)

    # ------------------------------------------------------------------ drawing

    def update(self, s: Snapshot) -> None:
        """Draw every drawn neuron's image that ``s`` carries."""
        g, cols = s.grid, self.view.neurons
        if g is None or len(g.neurons) != len(cols):
            return
        # Only the drawn neurons' (a picture made for another request, or none, may hold more).
        made = g.neuron_ids or tuple(np.arange(len(a)) for a in g.neurons)
        keep = [j < k for j, k in zip(made, self.view.shown, strict=True)]
        ids = tuple(j[k] for j, k in zip(made, keep, strict=True))
        images = tuple(a[k] for a, k in zip(g.neurons, keep, strict=True))
        side = self.side()
        self._draw_inputs(g, ids[0], images[0], side)
        hidden = range(1, len(cols) - 1)
        if hidden:  # every hidden layer through the colour table in one go
            sub = np.concatenate([images[c] for c in hidden])
            pixmaps = atlas_pixmaps(thumbnail_rgba(sub, side))
            start = 0
            for c in hidden:
                n = len(images[c])
                self._set_column(c, ids[c], pixmaps[start:start + n])
                start += n
        last = len(cols) - 1
        self._set_column(last, ids[last], self._output_pixmaps(s, g, ids[last], images[last], side))

    def update_inputs(self, s: Snapshot) -> None:
        """Draw the input features' images that ``s`` carries (a new run's preview keeps the run
        before's when they are the same picture)."""
        g = s.grid
        if g is None or not g.neurons or not self.view.neurons:
            return
        made = g.neuron_ids[0] if g.neuron_ids else np.arange(len(g.neurons[0]))
        keep = made < self.view.shown[0]
        self._draw_inputs(g, made[keep], g.neurons[0][keep], self.side())

    def _draw_inputs(self, g: GridOutput, ids: np.ndarray, images: np.ndarray, side: int) -> None:
        """Column 0 from input images (k, n, n) of the neurons ``ids`` (k,), once for a given grid."""
        key = (g.domain, g.resolution, side, tuple(ids))
        if key != self._inputs_drawn:  # the inputs are the same picture for a given grid: draw them once
            self._inputs_drawn = key
            # inputs span very different ranges (x1 to ±6, x1² to 36): each to its own max
            self._set_column(0, ids, atlas_pixmaps(thumbnail_rgba(images, side, np.abs(images).max(axis=(1, 2)))))
            self.view.editor.draw_off_features(g.domain, min(side, g.resolution))

    def _output_pixmaps(self, s: Snapshot, g: GridOutput, ids: np.ndarray, images: np.ndarray,
                        side: int) -> list[QPixmap]:
        last = len(g.neurons) - 1
        if len(self.view.neurons[last]) == 1:  # one output neuron, drawn larger: the boundary view's picture
            if not len(ids):  # not on screen
                return []
            side = round(self.view.neurons[last][0].rect.width() * self._scale())
            return [to_pixmap(thumbnail_rgba(np.asarray(g.output)[None], side)[0])]
        if s.dataset.classes:  # softmax outputs: each class's probability
            return [to_pixmap(class_rgba(a, int(k), side)) for a, k in zip(images, ids, strict=True)]
        return atlas_pixmaps(thumbnail_rgba(images, side))

    def _set_column(self, c: int, ids, pixmaps: list[QPixmap]) -> None:
        col, device = self.view.neurons[c], self._scale()
        for j, pm in zip(ids, pixmaps, strict=True):
            nrn = col[int(j)]
            # A pixmap of the thumbnail's size in device pixels is drawn unscaled (exactly 1 : 1).
            exact = pm.width() == round(nrn.rect.width() * device)
            nrn.set_pixmap(pm, 1.0 / device if exact else None)

    # ------------------------------------------------------------------ the enlarged image

    def show_zoom(self, c: int, j: int) -> None:
        """Enlarge neuron ``j`` of column ``c`` beside it (asking for its image at the enlarged side)."""
        if self.hovered != (c, j):
            self.hovered = (c, j)
            self.ask()
        s = self.view._snapshot
        image = self._image(s, c, j, zoom=True)
        if s is None or image is None:  # no image made of a neuron that is not drawn
            return
        pm = self._pixmap(s, c, j, image)
        r = self.view.neurons[c][j].rect
        sr = self.view.scene.sceneRect()
        x = r.right() + 8 if r.right() + 8 + ZOOM_SIDE < sr.right() else r.left() - 8 - ZOOM_SIDE
        y = float(np.clip(r.center().y() - ZOOM_SIDE / 2, sr.top(), max(sr.top(), sr.bottom() - ZOOM_SIDE)))
        self.zoom.setPixmap(pm)
        self.zoom.setScale(ZOOM_SIDE / pm.width())
        self.zoom.setPos(x, y)
        self.zoom_frame.setRect(x - 1, y - 1, ZOOM_SIDE + 2, ZOOM_SIDE + 2)
        self.zoom.setVisible(True)
        self.zoom_frame.setVisible(True)

    def hide_zoom(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.ask()
        self.zoom.setVisible(False)
        self.zoom_frame.setVisible(False)

    def _image(self, s: Snapshot | None, c: int, j: int, zoom: bool = False) -> np.ndarray | None:
        """Neuron ``j`` of column ``c``'s image in ``s``, or None; ``zoom``: the one to enlarge (the
        detail image when it is there, the boundary itself for a single output)."""
        g = s.grid if s is not None else None
        if g is None or len(g.neurons) != len(self.view.neurons):
            return None
        if zoom and c == len(g.neurons) - 1 and len(self.view.neurons[c]) == 1:
            return np.asarray(g.output)
        if g.detail is not None and g.detail[:2] == (c, j) and (zoom or g.neuron_image(c, j) is None):
            return g.detail[2]
        return g.neuron_image(c, j)

    def _pixmap(self, s: Snapshot, c: int, j: int, image: np.ndarray) -> QPixmap:
        if c == len(self.view.neurons) - 1 and len(self.view.neurons[c]) > 1 and s.dataset.classes:
            return to_pixmap(class_rgba(image, j, image.shape[-1]))
        vmax = float(np.abs(image).max()) if c == 0 else 1.0
        return to_pixmap(thumbnail_rgba(image[None], DETAIL_SIZE, vmax)[0])

    def neuron_text(self, s: Snapshot, c: int, j: int) -> str:
        """What the header says of neuron ``j`` of column ``c``: where it is, its range over the plane, its bias."""
        last = c == len(self.view.neurons) - 1
        if c == 0:
            f = s.spec.features[j]
            text = f"input {FEATURE_LABELS.get(f, f)}"
        else:
            text = f"{'output' if last else f'layer {c}'} neuron {j + 1}"
        image = self._image(s, c, j)
        if image is not None:
            text += f" · output over the plane {float(image.min()):.3g} … {float(image.max()):.3g}"
        if c > 0:
            text += f" · bias {float(s.biases[c - 1][j]):.4g}"
        return text
