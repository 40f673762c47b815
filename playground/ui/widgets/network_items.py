"""Drawing pieces of the network diagram: neuron thumbnails (images to pixmaps, one atlas at a
time), the neurons with their bias marks, and text fitted to a width. The links are
``link_layer``'s."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QImage, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from playground.ui import palette

_DIVERGING = palette.diverging_lut()


def thumbnail_rgba(a: np.ndarray, size: int, vmax: float | np.ndarray = 1.0) -> np.ndarray:
    """Neuron images (n, N, N) -> RGBA (n, r, r, 4) uint8, r ≈ ``size``, top row first, for QImage.

    ``vmax`` (scalar or (n,)) maps to full colour; values beyond it are clipped.
    """
    step = max(1, a.shape[1] // max(size, 1))
    v = np.array(a[:, ::-step, ::step], dtype=np.float32, order="C")  # rows: top first (a copy: scaled in place)
    v /= np.maximum(np.asarray(vmax, dtype=np.float32), 1e-12).reshape(-1, 1, 1)
    np.nan_to_num(v, copy=False)
    np.clip(v, -1.0, 1.0, out=v)
    v += 1.0
    v *= 0.5 * (len(_DIVERGING) - 1)
    v += 0.5
    idx = v.astype(np.intp)
    return palette.lookup_rgba(_DIVERGING, idx)


def class_rgba(p: np.ndarray, k: int, size: int) -> np.ndarray:
    """Class ``k``'s probability (N, N) -> RGBA (r, r, 4): grey at 0, the class colour at 1."""
    step = max(1, p.shape[0] // max(size, 1))
    t = np.clip(np.nan_to_num(np.asarray(p[::-step, ::step], dtype=np.float32)), 0.0, 1.0)[..., None]
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


def atlas_pixmaps(rgba: np.ndarray) -> list[QPixmap]:
    """RGBA thumbnails (n, h, w, 4) uint8 -> n QPixmaps, through one image conversion.

    Converting one strip instead of n little images keeps the UI thread's share of the
    GIL small (one thumbnail costs ~4 Python → Qt calls instead of ~8).
    """
    n, h, w = rgba.shape[:3]
    if n == 0:
        return []
    strip = np.ascontiguousarray(rgba.transpose(1, 0, 2, 3)).reshape(h, n * w, 4)
    atlas = QPixmap.fromImage(QImage(strip.data, n * w, h, 4 * n * w, QImage.Format.Format_RGBA8888))
    return [atlas.copy(k * w, 0, w, h) for k in range(n)]


_FRAME_PEN = QPen(QColor("#333333"), 1)
_FRAME_BRUSH = QBrush(QColor(palette.NEUTRAL))
_NO_PEN = QPen(Qt.PenStyle.NoPen)


class Neuron:
    """One neuron's items: a thumbnail, its frame and (not for inputs) a bias mark."""

    drawn = True

    def __init__(self, scene: QGraphicsScene, with_bias: bool) -> None:
        # Made by the scene (plain C++ items): an item made in Python is a PySide subclass whose every
        # virtual call (paint, bounding rect, item change) first looks for a Python override, which
        # made painting and polishing a 16 × 256 diagram's first frame about twice as slow.
        self.frame = scene.addRect(QRectF(), _FRAME_PEN, _FRAME_BRUSH)  # shared pen: hundreds of neurons at once
        self.frame.setZValue(1)
        self.pixmap = scene.addPixmap(QPixmap())
        self.pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.pixmap.setZValue(2)
        self.bias = scene.addRect(QRectF(), _NO_PEN) if with_bias else None
        self.bias_key = -1
        if self.bias is not None:
            self.bias.setZValue(3)
        self.rect = QRectF()
        self.ends = (0.0, 0.0, 0.0)  # where links meet it: left, right, middle height (plain numbers)
        self._scale = 1.0
        self._pixmap_width = 0  # of the picture shown (0: none), kept to spare a Qt call per neuron

    def place(self, x: float, y: float, size: float) -> None:
        self.rect = QRectF(x, y, size, size)
        self.ends = (x, x + size, y + size / 2)
        self.frame.setRect(x - 1, y - 1, size + 2, size + 2)
        self.pixmap.setPos(x, y)
        self._scale = size / self._pixmap_width if self._pixmap_width else 1.0
        self.pixmap.setScale(self._scale)
        if self.bias is not None:
            b = max(3.0, size * 0.2)
            self.bias.setRect(x - b - 2, y + size - b, b, b)

    def set_visible(self, on: bool) -> None:
        """Draw the neuron (``True``) or leave it out (a layer collapsed behind its "+k more" marker)."""
        if self.frame.isVisible() != on:
            for item in (self.frame, self.pixmap, self.bias):
                if item is not None:
                    item.setVisible(on)

    def set_pixmap(self, pm: QPixmap, scale: float | None = None) -> None:
        """Show ``pm`` over the neuron's square, scaled to fit it, or by ``scale`` when given."""
        self.pixmap.setPixmap(pm)
        self._pixmap_width = pm.width()
        if scale is None:
            scale = self.rect.width() / pm.width() if pm.width() else 1.0
        if scale != self._scale:  # most frames: same size, one Qt call saved per neuron
            self._scale = scale
            self.pixmap.setScale(scale)

    def set_bias(self, value: float) -> None:
        """Colour the bias mark by sign, deeper for larger |b| (brush set only when its look changes)."""
        strength = min(8, round(abs(value) * 8)) if value == value else 0  # NaN: faintest
        key = strength * 2 + (value >= 0)
        if key == self.bias_key or self.bias is None:
            return
        self.bias_key = key
        color = QColor(palette.POSITIVE if value >= 0 else palette.NEGATIVE)
        color.setAlphaF(0.25 + 0.75 * strength / 8)
        self.bias.setBrush(color)


class NeuronSlot:
    """A neuron that is not drawn (behind its layer's "+k more" marker): no items, only a place.

    A layer of 256 neurons would otherwise cost 768 graphics items that nobody sees.
    """

    pixmap = frame = bias = None
    drawn = False
    #: Its place (shared until placed: a 16 × 256 diagram makes ~3,700 slots in one turn; rects are
    #: replaced, never changed in place).
    rect = QRectF()
    ends = (0.0, 0.0, 0.0)

    def place(self, x: float, y: float, size: float) -> None:
        self.rect = QRectF(x, y, size, size)
        self.ends = (x, x + size, y + size / 2)

    def set_visible(self, on: bool) -> None:
        pass

    def set_pixmap(self, pm: QPixmap, scale: float | None = None) -> None:
        pass

    def set_bias(self, value: float) -> None:
        pass


def fit_text(item: QGraphicsSimpleTextItem, width: float) -> None:
    """Show as much of ``item``'s full text (kept in ``item.data(0)``) as fits ``width`` px, line by line.

    An elided text ends in "…"; a line with no room for one letter is left out.
    """
    full = item.data(0)
    if full is None:
        full = item.text()
        item.setData(0, full)
    metrics = QFontMetricsF(item.font())
    lines = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, max(width, 0.0)) for line in str(full).split("\n")]
    item.setText("\n".join(line for line in lines if line and line != "…"))
