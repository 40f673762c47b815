"""Where the network diagram puts things: columns, neuron pitch, zoom, and what is under the mouse.

Rules that keep the diagram readable at every size: columns are at least
:data:`MIN_GAP` apart and neurons :data:`MIN_PITCH` apart (a network too big for the
viewport makes the scene bigger, and the view zooms and scrolls instead of squeezing
text into text); a layer of more than :data:`MAX_SHOWN` neurons shows its first ones
and a "+k more" marker until it is expanded. Every text is elided to its column's
width, so no two texts overlap, and zooming scales the whole scene, so that stays true
at every zoom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF

from playground.core.spec import FEATURES
from playground.ui.widgets.link_layer import BEZIER_X, BEZIER_Y
from playground.ui.widgets.network_items import Neuron

#: The smallest column gap, neuron pitch and thumbnail, in scene px (at zoom 1).
MIN_GAP = 80.0
MIN_PITCH = 18.0
MIN_SIZE = 12.0
#: A layer of more neurons than this shows its first MAX_SHOWN − 1 and a "+k more" marker.
MAX_SHOWN = 24
#: Zoom limits and the factor of one step (a wheel notch or a button press).
ZOOM_RANGE = (0.2, 4.0)
ZOOM_STEP = 1.25
LEFT, RIGHT = 70.0, 16.0


def shown_counts(sizes: Sequence[int], expanded: set[int]) -> list[int]:
    """Neurons drawn per column (inputs, hidden layers, outputs); a column in ``expanded`` shows all."""
    return [n if c == 0 or c == len(sizes) - 1 or n <= MAX_SHOWN or c in expanded else MAX_SHOWN - 1
            for c, n in enumerate(sizes)]


def rows(sizes: Sequence[int], shown: Sequence[int]) -> list[int]:
    """Rows each column needs: every feature has a slot; a collapsed layer one more for its marker."""
    return [len(FEATURES), *(k + (k < n) for n, k in zip(sizes[1:], shown[1:], strict=True))]


def natural_size(rows_: Sequence[int], top: float, bottom: float) -> tuple[float, float]:
    """The smallest scene (width, height) that keeps the minimum gap and pitch."""
    return LEFT + RIGHT + (len(rows_) - 1) * MIN_GAP + MIN_SIZE, top + bottom + max(rows_) * MIN_PITCH


def fit_zoom(viewport: tuple[float, float], rows_: Sequence[int], top: float, bottom: float) -> float:
    """The zoom that shows the whole diagram in ``viewport`` (w, h), never above 1."""
    w, h = natural_size(rows_, top, bottom)
    return float(np.clip(min(1.0, viewport[0] / w, viewport[1] / h), *ZOOM_RANGE))


@dataclass(frozen=True)
class Geometry:
    """The scene's size and where columns and rows are (scene px)."""

    width: float
    height: float
    top: float
    bottom: float
    pitch: float  # from one neuron to the next in a column
    size: float  # a thumbnail's side
    xs: tuple[float, ...]  # each column's left edge

    @property
    def gap(self) -> float:
        return self.xs[1] - self.xs[0] if len(self.xs) > 1 else self.width

    def column_top(self, count: int, side: float) -> float:
        """The top of the first of ``count`` rows of a column (centred), for thumbnails of ``side``."""
        return self.top + (self.height - self.top - self.bottom - count * self.pitch) / 2 + (self.pitch - side) / 2


def geometry(viewport: tuple[float, float], zoom: float, rows_: Sequence[int], top: float,
             bottom: float) -> Geometry:
    """Lay ``rows_`` (rows per column) out in a scene that fills ``viewport`` at ``zoom``, or more."""
    need_w, need_h = natural_size(rows_, top, bottom)
    w = max(viewport[0] / zoom, 200.0, need_w)
    h = max(viewport[1] / zoom, 150.0, need_h)
    ncols, most = len(rows_), max(rows_)
    pitch = (h - top - bottom) / most
    gap = (w - LEFT - RIGHT) / max(ncols - 1, 1)
    size = float(np.clip(min(pitch * 0.72, gap * 0.4), MIN_SIZE, 56.0))
    xs = tuple(LEFT + c * (w - LEFT - RIGHT - size) / max(ncols - 1, 1) for c in range(ncols))
    return Geometry(w, h, top, bottom, pitch, size, xs)


def link_ends(column: Sequence[Neuron], shown: int, side: float) -> list[QPointF]:
    """Where links meet a column's neurons: right of them (``side`` 1) or left (−1). No link of a
    neuron behind "+k more" is drawn: those share one point (16 × 256 has 4,000 of them)."""
    ends = [QPointF(n.ends[1] + 1 if side > 0 else n.ends[0] - 1, n.ends[2]) for n in column[:shown]]
    return ends + [ends[-1] if ends else QPointF()] * (len(column) - shown)


def neuron_at(neurons: list[list[Neuron]], shown: Sequence[int], pos: QPointF) -> tuple[int, int] | None:
    """(column, neuron) of the drawn neuron at scene position ``pos``, if any."""
    for c, col in enumerate(neurons):
        for j, nrn in enumerate(col[:shown[c]]):
            if nrn.rect.adjusted(-2, -2, 2, 2).contains(pos):
                return c, j
    return None


def link_at(neurons: list[list[Neuron]], shown: Sequence[int], pos: QPointF,
            tolerance: float = 4.0) -> tuple[int, int, int] | None:
    """(layer, to, from) of the drawn link nearest ``pos`` within ``tolerance`` px, if any."""
    for layer in range(len(neurons) - 1):
        x0 = neurons[layer][0].rect.right() + 1
        x1 = neurons[layer + 1][0].rect.left() - 1
        if not x0 < pos.x() < x1:
            continue
        s = np.interp((pos.x() - x0) / (x1 - x0), BEZIER_X, BEZIER_Y)
        ya = np.array([n.rect.center().y() for n in neurons[layer][:shown[layer]]])
        yb = np.array([n.rect.center().y() for n in neurons[layer + 1][:shown[layer + 1]]])
        ys = ya[None, :] + (yb[:, None] - ya[None, :]) * s
        d = np.abs(ys - pos.y())
        j, i = np.unravel_index(int(np.argmin(d)), d.shape)
        return (layer, int(j), int(i)) if d[j, i] <= tolerance else None
    return None
