"""Drawing pieces of the network diagram: neuron thumbnails, bias marks and the layer of links.

The links are the expensive part: Qt's raster engine needs ~0.1 ms per wide
antialiased, translucent curve, and a 6 × 8 network has 344 of them. So all
links are painted into one cached image, only when their quantised look
changed, in opaque colours premixed with the white background (three times
cheaper than alpha blending), faint ones first so the strong ones lie on top;
and a big network draws only its strongest :data:`LINK_BUDGET` links.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from playground.core.snapshot import Snapshot
from playground.ui import palette

GRADIENT_COLOR = "#c2185b"
LEVELS = 24  # quantisation steps of a link's strength (shared pens; unchanged looks are not redrawn)
MAX_WIDTH = 6.0
LINK_BUDGET = 400  # at most this many links are drawn (the strongest of each layer)
#: The link image's largest size in device pixels (16 MB): zoomed in further, only the part on
#: screen (and a margin) is drawn, at the view's scale; a bigger part, coarser.
MAX_LINK_PIXELS = 4_000_000
_LINK_MARGIN = 0.25  # of the visible part, each side: a short scroll needs no new image
#: "Show gradients": log10 of the gradients (or norms) drawn thinnest and thickest.
GRADIENT_DECADES = (-5.0, 0.0)
# A link is a cubic Bézier with both control points at mid-x; as fractions of the way across,
# x(t) = 1.5·t(1 − t) + t³ and y(t) = 3t² − 2t³. Sampled once to find the link under the mouse.
_T = np.linspace(0.0, 1.0, 65)
BEZIER_X = 1.5 * _T * (1 - _T) + _T**3
BEZIER_Y = 3 * _T**2 - 2 * _T**3


def link_levels(values: np.ndarray, scale: float) -> np.ndarray:
    """Quantised strength 0 … LEVELS−1 of |values| / scale (monotonic in |value|; NaN: 0, ±inf: the top)."""
    t = np.abs(values)  # in place from here: a big layer's looks take a few passes, not a dozen
    t = t if t.dtype.kind == "f" else t.astype(float)
    t /= max(scale, 1e-12)
    np.minimum(t, 1.0, out=t)
    np.fmax(t, 0.0, out=t)  # NaN -> 0 (fmax takes the number)
    t *= LEVELS - 1
    return np.rint(t, out=t).astype(np.intp)


def gradient_levels(values: np.ndarray) -> np.ndarray:
    """Quantised strength 0 … LEVELS−1 of |values| on the absolute log scale :data:`GRADIENT_DECADES`.

    An absolute scale (not relative to the largest): a vanishing layer is thin beside a healthy
    one, and a converged network (all gradients small) looks calm rather than maxed out.
    """
    logs = np.log10(np.maximum(np.abs(np.nan_to_num(np.asarray(values, dtype=float))), 1e-12))
    lo, hi = GRADIENT_DECADES
    return np.rint(np.clip((logs - lo) / (hi - lo), 0.0, 1.0) * (LEVELS - 1)).astype(np.intp)


def link_width(level: np.ndarray | int) -> np.ndarray:
    """Pen width in px, 1 … MAX_WIDTH, for a strength level."""
    return 1.0 + (MAX_WIDTH - 1.0) * np.asarray(level, dtype=float) / (LEVELS - 1)


def link_looks(s: Snapshot, gradient: bool,
               shown: Sequence[int] | None = None) -> tuple[list[np.ndarray], list[np.ndarray], bool]:
    """Each link's look: levels (out, in), colour sign (out, in) per layer, and one-colour flag.

    Weights: level by |w| against the largest |w| of all (at least 1), colour by w's sign.
    ``gradient``: level by |∂L/∂w| (log scale), blue where −∂L/∂w ≥ 0 (a descent step raises the
    weight); a snapshot without per-weight gradients sizes each layer's links by its gradient norm,
    in the one gradient colour. ``shown``: the first how many units of each column are drawn; then
    only their links get a look (the top-left (shown[k + 1], shown[k]) block of each layer: 16 × 256
    neurons have a million links, of which a few hundred are drawn).
    """
    def drawn(arrays) -> list[np.ndarray]:
        arrays = [np.asarray(a) for a in arrays]
        if shown is None or len(shown) != len(arrays) + 1:
            return arrays
        return [a[:shown[k + 1], :shown[k]] for k, a in enumerate(arrays)]

    if gradient and [np.shape(g) for g in s.gradients] == [np.shape(w) for w in s.weights]:
        grads = drawn(s.gradients)
        return [gradient_levels(g) for g in grads], [g <= 0 for g in grads], False
    weights = drawn(s.weights)
    positive = [w >= 0 for w in weights]
    if gradient:
        norms = gradient_levels(np.asarray(s.grad_norms, dtype=float).ravel())
        return [np.full(w.shape, norms[k]) for k, w in enumerate(weights)], positive, True
    # the largest |w| of every link, drawn or not (max and −min: no |w| array of a million)
    scale = max(1.0, max((max(float(w.max()), -float(w.min())) for w in map(np.asarray, s.weights) if w.size),
                         default=1.0))
    return [link_levels(w, scale) for w in weights], positive, False


def link_pen(level: int, positive: bool, gradient: bool = False) -> QPen:
    """Width and depth of colour grow with ``level``; the colour is premixed with white (opaque)."""
    t = level / (LEVELS - 1)
    color = QColor(GRADIENT_COLOR if gradient else palette.POSITIVE if positive else palette.NEGATIVE)
    a = 0.12 + 0.88 * t**0.8
    mixed = QColor.fromRgbF(1 - a + a * color.redF(), 1 - a + a * color.greenF(), 1 - a + a * color.blueF())
    pen = QPen(mixed, float(link_width(level)))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def link_path(p0: QPointF, p1: QPointF) -> QPainterPath:
    """The curve from ``p0`` (right of a neuron) to ``p1`` (left of the next), horizontal at both ends."""
    mid = (p0.x() + p1.x()) / 2
    path = QPainterPath(p0)
    path.cubicTo(QPointF(mid, p0.y()), QPointF(mid, p1.y()), p1)
    return path


class LinkLayer(QGraphicsPixmapItem):
    """Every link of the network, shown as one pixmap; :meth:`render` redraws it.

    A plain pixmap item: the view paints it in C++, with no call into Python (each such call
    takes the GIL from the training thread). ``anchors[layer]`` holds where the links from
    column ``layer`` start (right of each neuron) and where they end (left of each neuron of
    the next column); a link's curve is made when it is first drawn (16 × 256 neurons have a
    million links, of which at most :data:`LINK_BUDGET` are drawn).
    """

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[list[QPointF], list[QPointF]]] = []
        self.shown: list[int] | None = None
        self._paths: dict[tuple[int, int, int], QPainterPath] = {}
        self.levels: list[np.ndarray] = []  # (out, in) strength per link
        self.positive: list[np.ndarray] = []  # (out, in) bool: the weight's sign
        self.gradient = False
        self._rect = QRectF()
        self._pens: dict[tuple[int, bool, bool], QPen] = {}
        self.background = QColor("white")  # the view's background (set by the theme)
        #: The view's zoom and the scene part on screen (set by the view before a render): the image is
        #: made at zoom × device pixel ratio, so that links stay sharp zoomed in and on high-DPI screens.
        self.zoom = 1.0
        self.visible: QRectF | None = None
        self.region = QRectF()  # the scene part the image covers
        self.scale = 1.0  # its device pixels per scene unit
        self.setZValue(-1)  # opaque: below every other item

    def set_geometry(self, rect: QRectF, anchors: list[tuple[list[QPointF], list[QPointF]]],
                     shown: list[int] | None = None) -> None:
        """New size and link ends (after a layout); call :meth:`render` to draw them. ``shown``: the
        first how many units of each column are drawn (links of the others are left out)."""
        self.shown = shown
        self._rect = QRectF(rect)
        self.setPos(self._rect.topLeft())
        self.anchors = anchors
        self._paths = {}

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """(out, in) links from each column to the next."""
        return [(len(ends), len(starts)) for starts, ends in self.anchors]

    def path(self, layer: int, j: int, i: int) -> QPainterPath:
        """The curve from neuron i of column ``layer`` to neuron j of the next (made once per layout)."""
        key = (layer, j, i)
        p = self._paths.get(key)
        if p is None:
            starts, ends = self.anchors[layer]
            p = self._paths[key] = link_path(starts[i], ends[j])
        return p

    def set_links(self, levels: list[np.ndarray], positive: list[np.ndarray], gradient: bool) -> bool:
        """Store each link's look; ``True`` when anything changed (the image then needs a render)."""
        same = (gradient == self.gradient and len(levels) == len(self.levels)
                and all(np.array_equal(a, b) for a, b in zip(levels, self.levels, strict=True))
                and all(np.array_equal(a, b) for a, b in zip(positive, self.positive, strict=True)))
        self.levels, self.positive, self.gradient = levels, positive, gradient
        return not same

    def widths(self, layer: int) -> np.ndarray:
        """Pen widths (out, in) of the links from column ``layer`` to the next."""
        return link_width(self.levels[layer])

    def drawn(self, layer: int) -> np.ndarray:
        """Which links (out, in) are drawn: those between drawn units, all of them or a layer's
        strongest share of :data:`LINK_BUDGET`."""
        blocks = [lv[:self._rows(k), :self._rows(k - 1)] for k, lv in enumerate(self.levels)]
        block, total = blocks[layer], sum(b.size for b in blocks)
        mask = np.zeros(self.levels[layer].shape, dtype=bool)
        if total <= LINK_BUDGET:
            mask[:block.shape[0], :block.shape[1]] = True
            return mask
        keep = max(block.shape[0], int(np.ceil(LINK_BUDGET * block.size / total)))
        order = np.argsort(block, axis=None, kind="stable")[::-1][:keep]
        flat = np.zeros(block.size, dtype=bool)
        flat[order] = True
        mask[:block.shape[0], :block.shape[1]] = flat.reshape(block.shape)
        return mask

    def _rows(self, k: int) -> int | None:
        """How many units of the column after weight layer ``k`` are drawn (None: all)."""
        ok = self.shown is not None and len(self.shown) == len(self.levels) + 1
        return self.shown[k + 1] if ok else None  # type: ignore[index]

    def covers(self, visible: QRectF) -> bool:
        """Whether the image holds every link in the scene part ``visible`` (else it needs a render)."""
        return self.region.contains(visible.intersected(self._rect))

    def _target(self, device_pixel_ratio: float) -> tuple[QRectF, float]:
        """The scene part to draw and its device pixels per scene unit: the whole at zoom × ratio
        when that fits :data:`MAX_LINK_PIXELS`, else the part on screen with a margin (coarser
        only when even that does not fit)."""
        scale = max(self.zoom, 0.05) * device_pixel_ratio
        region = QRectF(self._rect)
        if region.width() * region.height() * scale**2 > MAX_LINK_PIXELS and self.visible is not None:
            v = self.visible
            region = v.adjusted(-_LINK_MARGIN * v.width(), -_LINK_MARGIN * v.height(),
                                _LINK_MARGIN * v.width(), _LINK_MARGIN * v.height()).intersected(self._rect)
        area = region.width() * region.height()
        if area * scale**2 > MAX_LINK_PIXELS:
            scale = float(np.sqrt(MAX_LINK_PIXELS / area))
        return region, scale

    def render(self, device_pixel_ratio: float = 1.0) -> bool:
        """Paint every drawn link into the cached image, faint ones first; ``False`` if nothing to draw yet."""
        region, scale = self._target(device_pixel_ratio)
        w, h = int(np.ceil(region.width() * scale)), int(np.ceil(region.height() * scale))
        if w <= 0 or h <= 0 or not self.anchors or len(self.levels) != len(self.anchors):
            return False
        # Opaque on white (the view's background): painting it is then a plain copy, not a blend.
        image = QImage(w, h, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(scale)
        image.fill(self.background)
        links = []
        for layer, lv in enumerate(self.levels):
            for j, i in np.argwhere(self.drawn(layer)):
                links.append((int(lv[j, i]), layer, int(j), int(i)))
        links.sort()
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-region.topLeft())
        for level, layer, j, i in links:
            key = (level, bool(self.positive[layer][j, i]), self.gradient)
            pen = self._pens.get(key)
            if pen is None:
                pen = self._pens[key] = link_pen(*key)
            painter.setPen(pen)
            painter.drawPath(self.path(layer, j, i))
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)  # drawn one image pixel a device pixel at this zoom
        self.setPixmap(pixmap)
        self.setPos(region.topLeft())
        self.region, self.scale = region, scale
        return True
