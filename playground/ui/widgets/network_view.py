"""The network diagram in TensorFlow Playground's look: every neuron a heatmap of its output, links by weight.

Columns: the input features, each hidden layer, and the output neuron(s)
(TensorFlow Playground draws no output neuron; we do). Each neuron's thumbnail
shows its output over the data domain in the diverging palette; a small square
at its lower left is its bias. Links are curves whose width (1–6 px) and
opacity follow |w| and whose colour is the weight's sign, so that thin links
fade and a 6 × 8 network is not a tangle. "Show gradients" draws the backward
pass instead: each layer's links sized by its last weight-gradient norm (log
scale), with the norm printed under the column.

Items are made once per architecture and moved on resize; per frame only
pixmaps are replaced and, for links whose quantised look changed, pens.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.core.features import FEATURE_LABELS
from playground.core.snapshot import Snapshot
from playground.ui import palette

_HINT = "hover a neuron or a link"
_GRADIENT_COLOR = "#c2185b"
_LEVELS = 24  # quantisation steps of a link's look: pens are shared and only changed ones set
_MAX_WIDTH = 6.0
# A link is a cubic Bézier with both control points at mid-x; as fractions of the way across,
# x(t) = 1.5·t(1 − t) + t³ and y(t) = 3t² − 2t³. Sampled once to find the link under the mouse.
_T = np.linspace(0.0, 1.0, 65)
_BEZIER_X = 1.5 * _T * (1 - _T) + _T**3
_BEZIER_Y = 3 * _T**2 - 2 * _T**3
_DIVERGING = palette.diverging_lut()


def link_levels(values: np.ndarray, scale: float) -> np.ndarray:
    """Quantised strength 0 … _LEVELS−1 of |values| / scale (monotonic in |value|)."""
    t = np.clip(np.abs(np.nan_to_num(values)) / max(scale, 1e-12), 0.0, 1.0)
    return np.rint(t * (_LEVELS - 1)).astype(np.intp)


def link_pen(level: int, sign: int, gradient: bool = False) -> QPen:
    """A link's pen: width 1–6 px and opacity growing with ``level``; colour by sign (or gradient)."""
    t = level / (_LEVELS - 1)
    color = QColor(_GRADIENT_COLOR if gradient else palette.POSITIVE if sign > 0 else palette.NEGATIVE)
    color.setAlphaF(0.12 + 0.88 * t**0.8)
    pen = QPen(color, 1.0 + (_MAX_WIDTH - 1.0) * t)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def thumbnail_rgba(a: np.ndarray, size: int, vmax: float | np.ndarray = 1.0) -> np.ndarray:
    """Neuron outputs (N, N, n) -> RGBA (n, r, r, 4) uint8, r ≈ ``size``, top row first, for QImage.

    ``vmax`` (scalar or (n,)) maps to full colour; values beyond it are clipped.
    """
    step = max(1, a.shape[0] // max(size, 1))
    sub = np.asarray(a[::step, ::step, :], dtype=np.float32)[::-1]  # grid rows are bottom-first
    v = np.clip(np.nan_to_num(sub / np.maximum(vmax, 1e-12)), -1.0, 1.0)
    idx = np.rint((v + 1.0) * (0.5 * (len(_DIVERGING) - 1))).astype(np.intp)
    return np.ascontiguousarray(np.moveaxis(_DIVERGING[idx], 2, 0))


def class_rgba(p: np.ndarray, k: int, size: int) -> np.ndarray:
    """Class ``k``'s probability (N, N) -> RGBA (r, r, 4): grey at 0, the class colour at 1."""
    step = max(1, p.shape[0] // max(size, 1))
    t = np.clip(np.nan_to_num(np.asarray(p[::step, ::step], dtype=np.float32)[::-1]), 0.0, 1.0)[..., None]
    mid = palette.hex_to_rgb(palette.NEUTRAL).astype(np.float32)
    rgb = mid + (palette.class_rgb(k).astype(np.float32) - mid) * t
    out = np.full(t.shape[:2] + (4,), 255, dtype=np.uint8)
    out[..., :3] = np.rint(rgb)
    return out


def to_pixmap(rgba: np.ndarray) -> QPixmap:
    """RGBA (h, w, 4) uint8 -> QPixmap (copied, so the array may go)."""
    rgba = np.ascontiguousarray(rgba)
    h, w = rgba.shape[:2]
    return QPixmap.fromImage(QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy())


class _Neuron:
    """One neuron's items: a thumbnail, its frame and (not for inputs) a bias mark."""

    def __init__(self, scene: QGraphicsScene, with_bias: bool) -> None:
        self.pixmap = QGraphicsPixmapItem()
        self.pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.pixmap.setZValue(2)
        self.frame = QGraphicsRectItem()
        self.frame.setPen(QPen(QColor("#333333"), 1))
        self.frame.setBrush(QBrush(QColor(palette.NEUTRAL)))
        self.frame.setZValue(1)
        self.bias = QGraphicsRectItem() if with_bias else None
        for item in (self.frame, self.pixmap, self.bias):
            if item is not None:
                scene.addItem(item)
        if self.bias is not None:
            self.bias.setPen(QPen(Qt.PenStyle.NoPen))
            self.bias.setZValue(3)
        self.rect = QRectF()

    def place(self, x: float, y: float, size: float) -> None:
        self.rect = QRectF(x, y, size, size)
        self.frame.setRect(self.rect.adjusted(-1, -1, 1, 1))
        self.pixmap.setPos(x, y)
        pm = self.pixmap.pixmap()
        self.pixmap.setScale(size / pm.width() if not pm.isNull() else 1.0)
        if self.bias is not None:
            b = max(3.0, size * 0.2)
            self.bias.setRect(x - b - 2, y + size - b, b, b)

    def set_pixmap(self, pm: QPixmap) -> None:
        self.pixmap.setPixmap(pm)
        self.pixmap.setScale(self.rect.width() / pm.width() if pm.width() else 1.0)


class NetworkView(QWidget):
    """TensorFlow-Playground-style diagram of the network, updated live from snapshots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setBackgroundBrush(QColor("white"))
        self.view.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.view.setMouseTracking(True)
        self.view.viewport().installEventFilter(self)
        self.header = QLabel(_HINT)
        self.header.setStyleSheet("color: #333333; padding: 2px 4px;")
        self.gradients_box = QCheckBox("show gradients")
        self.gradients_box.setToolTip("Draw the backward pass: each layer's links sized by the norm of its "
                                      "last weight gradient (log scale), the norm under the column.")
        self.gradients_box.toggled.connect(self.set_show_gradients)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 4, 0)
        top.addWidget(self.header, 1)
        top.addWidget(self.gradients_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._show_gradients = False
        self._snapshot: Snapshot | None = None
        self._reset_items()

    # ------------------------------------------------------------------ public

    def set_show_gradients(self, on: bool) -> None:
        """Links show each layer's last gradient norm (``True``) or the weights."""
        self._show_gradients = bool(on)
        if self.gradients_box.isChecked() != self._show_gradients:
            self.gradients_box.setChecked(self._show_gradients)
        for t in self.grad_labels:
            t.setVisible(self._show_gradients)
        self._keys = [np.full(k.shape, -1) for k in self._keys]  # force every pen to be set again
        if self._snapshot is not None:
            self._update_links(self._snapshot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Update thumbnails, bias marks and links; items are rebuilt only for a new architecture."""
        key = (tuple(snapshot.layer_sizes), tuple(snapshot.spec.features), snapshot.spec.network.activations,
               snapshot.output_activation, snapshot.dataset.classes)
        if key != self._key:
            self._build(snapshot)
            self._key = key
        self._snapshot = snapshot
        self._update_links(snapshot)
        self._update_biases(snapshot)
        self._update_thumbnails(snapshot)
        if self._hovered is not None:
            self._show_zoom(*self._hovered)

    def clear(self) -> None:
        """Remove every item."""
        self.scene.clear()
        self._reset_items()
        self._snapshot = None
        self.header.setText(_HINT)

    def link_widths(self, layer: int) -> np.ndarray:
        """Current pen widths (out, in) of the links into ``layer`` + 1 (for tests and tools)."""
        return np.array([[p.pen().widthF() for p in row] for row in self.links[layer]])

    def hover_text_at(self, pos: QPointF) -> str:
        """What the header says with the mouse at scene position ``pos`` (and show the zoom there)."""
        s = self._snapshot
        hit = self._neuron_at(pos)
        if s is not None and hit is not None:
            self._show_zoom(*hit)
            return self._neuron_text(s, *hit)
        self._hide_zoom()
        link = self._link_at(pos)
        if s is not None and link is not None:
            layer, j, i = link
            src = self._name(0, i) if layer == 0 else f"layer {layer} neuron {i + 1}"
            dst = "output" if layer == len(s.weights) - 1 else f"layer {layer + 1}"
            w = float(s.weights[layer][j, i])
            return f"weight {src} → {dst} neuron {j + 1}: w = {w:.4g}"
        return _HINT

    # ------------------------------------------------------------------ building

    def _reset_items(self) -> None:
        self._key: tuple | None = None
        self.neurons: list[list[_Neuron]] = []
        self.links: list[list[list[QGraphicsPathItem]]] = []
        self._keys: list[np.ndarray] = []
        self.titles: list[QGraphicsSimpleTextItem] = []
        self.grad_labels: list[QGraphicsSimpleTextItem] = []
        self.feature_labels: list[QGraphicsSimpleTextItem] = []
        self._hovered: tuple[int, int] | None = None
        self._size = 24.0
        self._zoom = QGraphicsPixmapItem()
        self._zoom_frame = QGraphicsRectItem()

    def _build(self, s: Snapshot) -> None:
        self.scene.clear()
        self._reset_items()
        sizes = s.layer_sizes
        for c, n in enumerate(sizes):
            self.neurons.append([_Neuron(self.scene, with_bias=c > 0) for _ in range(n)])
            if c == 0:
                title = f"inputs\n{n} features"
            elif c == len(sizes) - 1:
                title = f"output\n{s.output_activation}"
            else:
                title = f"layer {c}\n{n} {s.spec.network.activations[c - 1]}"
            t = self.scene.addSimpleText(title)
            t.setBrush(QColor("#333333"))
            self.titles.append(t)
            g = self.scene.addSimpleText("")
            g.setBrush(QColor(_GRADIENT_COLOR))
            g.setVisible(self._show_gradients)
            self.grad_labels.append(g)
        for f in s.spec.features:
            t = self.scene.addSimpleText(FEATURE_LABELS.get(f, f))
            t.setBrush(QColor("#333333"))
            self.feature_labels.append(t)
        for layer in range(len(sizes) - 1):
            rows = [[self.scene.addPath(QPainterPath()) for _ in range(sizes[layer])]
                    for _ in range(sizes[layer + 1])]
            self.links.append(rows)
            self._keys.append(np.full((sizes[layer + 1], sizes[layer]), -1))
        self._zoom.setZValue(20)
        self._zoom.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._zoom_frame.setZValue(19)
        self._zoom_frame.setPen(QPen(QColor("#333333"), 1))
        self._zoom_frame.setBrush(QColor("white"))
        self.scene.addItem(self._zoom_frame)
        self.scene.addItem(self._zoom)
        self._hide_zoom()
        self._layout()

    def _layout(self) -> None:
        """Place every item for the viewport's current size (no item is created)."""
        if not self.neurons:
            return
        vw, vh = max(self.view.viewport().width(), 200), max(self.view.viewport().height(), 150)
        self.scene.setSceneRect(0, 0, vw, vh)
        left, right, top, bottom = 70.0, 16.0, 40.0, 26.0
        ncols = len(self.neurons)
        most = max(len(col) for col in self.neurons)
        pitch_y = (vh - top - bottom) / most
        gap_x = (vw - left - right) / max(ncols - 1, 1)
        size = float(np.clip(min(pitch_y * 0.72, gap_x * 0.4), 8.0, 56.0))
        self._size = size
        xs = [left + c * (vw - left - right - size) / max(ncols - 1, 1) for c in range(ncols)]
        for c, col in enumerate(self.neurons):
            y0 = top + (vh - top - bottom - len(col) * pitch_y) / 2 + (pitch_y - size) / 2
            for j, nrn in enumerate(col):
                nrn.place(xs[c], y0 + j * pitch_y, size)
            t = self.titles[c]
            t.setPos(xs[c] + size / 2 - t.boundingRect().width() / 2, 2)
            self.grad_labels[c].setPos(xs[c] + size / 2 - 24, vh - bottom + 4)
        for t, nrn in zip(self.feature_labels, self.neurons[0], strict=True):
            r = t.boundingRect()
            t.setPos(nrn.rect.left() - r.width() - 8, nrn.rect.center().y() - r.height() / 2)
        for layer, rows in enumerate(self.links):
            for j, row in enumerate(rows):
                b = self.neurons[layer + 1][j].rect
                for i, item in enumerate(row):
                    a = self.neurons[layer][i].rect
                    p0 = QPointF(a.right() + 1, a.center().y())
                    p1 = QPointF(b.left() - 1, b.center().y())
                    mid = (p0.x() + p1.x()) / 2
                    path = QPainterPath(p0)
                    path.cubicTo(QPointF(mid, p0.y()), QPointF(mid, p1.y()), p1)
                    item.setPath(path)

    # ------------------------------------------------------------------ per frame

    def _update_links(self, s: Snapshot) -> None:
        grads = np.asarray(s.grad_norms, dtype=float).ravel()
        if self._show_gradients and grads.size == len(self.links):
            logs = np.log10(np.maximum(grads, 1e-12))
            hi = float(logs.max())
            strength = np.clip((logs - (hi - 4.0)) / 4.0, 0.0, 1.0)  # four decades, top layer at full
            for c, g in enumerate(grads):
                self.grad_labels[c + 1].setText(f"‖∇W‖ {g:.2g}")
        scale = max(1.0, max((float(np.abs(w).max()) for w in s.weights if w.size), default=1.0))
        for layer, rows in enumerate(self.links):
            w = np.asarray(s.weights[layer])
            if self._show_gradients and grads.size == len(self.links):
                levels = np.full(w.shape, int(round(strength[layer] * (_LEVELS - 1))))
                keys = levels + 2 * _LEVELS  # a key range of its own: gradient pens
            else:
                levels = link_levels(w, scale)
                keys = levels + np.where(w >= 0, _LEVELS, 0)
            changed = np.argwhere(keys != self._keys[layer])
            for j, i in changed:
                item = rows[j][i]
                item.setPen(link_pen(int(levels[j, i]), 1 if w[j, i] >= 0 else -1,
                                     gradient=bool(keys[j, i] >= 2 * _LEVELS)))
                item.setZValue(-1.0 + levels[j, i] / _LEVELS)  # strong links above faint ones
            self._keys[layer] = keys

    def _update_biases(self, s: Snapshot) -> None:
        for c, b in enumerate(s.biases, start=1):
            for nrn, v in zip(self.neurons[c], np.asarray(b), strict=True):
                color = QColor(palette.POSITIVE if v >= 0 else palette.NEGATIVE)
                color.setAlphaF(float(np.clip(0.25 + 0.75 * abs(v), 0.25, 1.0)))
                nrn.bias.setBrush(color)  # type: ignore[union-attr]

    def _pixmaps(self, s: Snapshot, c: int, size: int) -> list[QPixmap]:
        """The thumbnails of column ``c`` at about ``size`` samples a side."""
        a = s.grid.neurons[c]  # type: ignore[union-attr]
        last = c == len(self.neurons) - 1
        if last and a.shape[2] > 1 and s.dataset.classes:  # softmax outputs: each class's probability
            return [to_pixmap(class_rgba(a[:, :, k], k, size)) for k in range(a.shape[2])]
        if last:  # one output neuron: the same picture as the boundary view
            return [to_pixmap(thumbnail_rgba(np.asarray(s.grid.output)[:, :, None], size)[0])]  # type: ignore
        # Inputs span very different ranges (x1 to ±6, x1² to 36): scale each to its own max.
        vmax = np.abs(a).max(axis=(0, 1)) if c == 0 else 1.0
        return [to_pixmap(rgba) for rgba in thumbnail_rgba(a, size, vmax)]

    def _update_thumbnails(self, s: Snapshot) -> None:
        if s.grid is None or len(s.grid.neurons) != len(self.neurons):
            return
        samples = int(min(24, max(8, self._size)))
        for c, col in enumerate(self.neurons):
            for nrn, pm in zip(col, self._pixmaps(s, c, samples), strict=True):
                nrn.set_pixmap(pm)

    # ------------------------------------------------------------------ hover

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:  # the viewport's, so its new size is known here
            self._layout()
            if self._snapshot is not None:
                self._update_thumbnails(self._snapshot)
        elif event.type() == QEvent.Type.MouseMove:
            self.header.setText(self.hover_text_at(self.view.mapToScene(event.position().toPoint())))
        elif event.type() == QEvent.Type.Leave:
            self._hide_zoom()
            self.header.setText(_HINT)
        return super().eventFilter(obj, event)

    def _neuron_at(self, pos: QPointF) -> tuple[int, int] | None:
        for c, col in enumerate(self.neurons):
            for j, nrn in enumerate(col):
                if nrn.rect.adjusted(-2, -2, 2, 2).contains(pos):
                    return c, j
        return None

    def _link_at(self, pos: QPointF, tolerance: float = 4.0) -> tuple[int, int, int] | None:
        """(layer, to, from) of the link nearest ``pos`` within ``tolerance`` px, if any."""
        for layer in range(len(self.links)):
            x0 = self.neurons[layer][0].rect.right() + 1
            x1 = self.neurons[layer + 1][0].rect.left() - 1
            if not x0 < pos.x() < x1:
                continue
            s = np.interp((pos.x() - x0) / (x1 - x0), _BEZIER_X, _BEZIER_Y)
            ya = np.array([n.rect.center().y() for n in self.neurons[layer]])
            yb = np.array([n.rect.center().y() for n in self.neurons[layer + 1]])
            ys = ya[None, :] + (yb[:, None] - ya[None, :]) * s
            d = np.abs(ys - pos.y())
            j, i = np.unravel_index(int(np.argmin(d)), d.shape)
            return (layer, int(j), int(i)) if d[j, i] <= tolerance else None
        return None

    def _name(self, c: int, j: int) -> str:
        if c == 0 and self._snapshot is not None:
            f = self._snapshot.spec.features[j]
            return f"input {FEATURE_LABELS.get(f, f)}"
        return f"neuron {j + 1}"

    def _neuron_text(self, s: Snapshot, c: int, j: int) -> str:
        last = c == len(self.neurons) - 1
        where = self._name(c, j) if c == 0 else f"{'output' if last else f'layer {c}'} neuron {j + 1}"
        text = where
        if s.grid is not None and len(s.grid.neurons) == len(self.neurons):
            a = s.grid.neurons[c][:, :, j]
            text += f" · output over the plane {float(a.min()):.3g} … {float(a.max()):.3g}"
        if c > 0:
            text += f" · bias {float(s.biases[c - 1][j]):.4g}"
        return text

    def _show_zoom(self, c: int, j: int) -> None:
        s = self._snapshot
        self._hovered = (c, j)
        if s is None or s.grid is None or len(s.grid.neurons) != len(self.neurons):
            return
        pm = self._pixmaps(s, c, 96)[j]
        side = 120.0
        r = self.neurons[c][j].rect
        sr = self.scene.sceneRect()
        x = r.right() + 8 if r.right() + 8 + side < sr.right() else r.left() - 8 - side
        y = float(np.clip(r.center().y() - side / 2, sr.top(), max(sr.top(), sr.bottom() - side)))
        self._zoom.setPixmap(pm)
        self._zoom.setScale(side / pm.width())
        self._zoom.setPos(x, y)
        self._zoom_frame.setRect(x - 1, y - 1, side + 2, side + 2)
        self._zoom.setVisible(True)
        self._zoom_frame.setVisible(True)

    def _hide_zoom(self) -> None:
        self._hovered = None
        self._zoom.setVisible(False)
        self._zoom_frame.setVisible(False)


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(NetworkView))
