"""The decision boundary: the network's output over the data domain as a heatmap, with the points on top.

Two classes and regression use the diverging palette (−1 orange … +1 blue,
regression clipped to [−1, 1]); K classes show each cell in its winning class's
colour, faded toward grey where the network is unsure. The heatmap is lightened
(as TensorFlow Playground draws it at alpha 160/255) so that the points, in full
colour, stand out. Per frame only the image's pixels change; the point items
are refilled only when the dataset itself changes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.dataset import Dataset
from playground.core.snapshot import GridOutput, Snapshot
from playground.ui import palette
from playground.ui.widgets.plot_style import header_label, plot_widget, style_plot

#: How much of the heatmap colour shows over white (TensorFlow Playground: 160/255).
HEATMAP_OPACITY = 160 / 255
_HINT = "hover the map to read the network's output"
#: Points drawn per turn of the event loop: pyqtgraph takes about 4 µs a point, so 100,000
#: points are drawn in turns of about 40 ms instead of one freeze of 0.4 s.
POINTS_PER_TURN = 10_000
#: Training points' and test rings' sizes (px) as dots (see ``palette.class_point_size`` for shapes).
POINT_SIZE, RING_SIZE = 7, 8


def lighten(rgba: np.ndarray, opacity: float = HEATMAP_OPACITY) -> np.ndarray:
    """RGBA uint8 (..., 4) blended over white with ``opacity``, returned opaque."""
    out = np.empty_like(rgba)
    out[..., :3] = np.rint(255.0 - (255.0 - rgba[..., :3]) * opacity)
    out[..., 3] = 255
    return out


def _nice_ticks(lo: float, hi: float) -> list[list[tuple[float, str]]]:
    """Integer ticks over [lo, hi] in two labelled levels (every other one, then the rest), so that
    pyqtgraph drops the second level's labels when the plot is small."""
    span = max(hi - lo, 1e-9)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if span / s <= 13)
    ticks = np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)
    levels: list[list[tuple[float, str]]] = [[], []]
    for v in ticks:
        levels[int(round(v / step)) % 2].append((float(v), f"{v:g}"))
    return levels


def heatmap_colors(grid: GridOutput, classes: int, discretize: bool = False,
                   lut: np.ndarray | None = None) -> np.ndarray:
    """A boundary heatmap's RGBA (N, N, 4) uint8, row 0 at the bottom; ``classes`` 0 for regression;
    ``lut`` the lightened diverging table (made when None)."""
    out = np.asarray(grid.output, dtype=float)
    if classes > 2 and grid.predicted is not None:
        conf = np.ones_like(out) if discretize else out
        return lighten(palette.class_confidence_rgba(grid.predicted, conf, classes))
    if discretize:
        v = np.where(out >= 0, 1.0, -1.0)
    else:
        v = np.clip(np.nan_to_num(out), -1.0, 1.0)  # regression may overshoot; NaN shows as 0
    lut = lighten(palette.diverging_lut()) if lut is None else lut
    idx = np.rint((v + 1.0) * 0.5 * (len(lut) - 1)).astype(np.intp)
    return palette.lookup_rgba(lut, idx)


class BoundaryView(QWidget):
    """Heatmap of ``snapshot.grid.output`` with the training (and optionally test) points on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid: GridOutput | None = None
        self._classes = 0
        self._dataset: Dataset | None = None
        self._domain: tuple[float, ...] | None = None
        self._show_test = False
        self._discretize = False
        self._lut = lighten(palette.diverging_lut())
        self._pending: list[tuple[pg.ScatterPlotItem, dict]] = []  # point chunks still to draw
        self._drawer = QTimer(self)
        self._drawer.setInterval(0)
        self._drawer.timeout.connect(self._draw_next_points)

        self.header = header_label(_HINT)
        self.plot = plot_widget()
        # Bilinear scaling of the image: no blocky 100² staircase along the boundary.
        self.plot.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        item = self.plot.getPlotItem()
        style_plot(item, grid=False)
        item.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.test_points = pg.ScatterPlotItem(size=RING_SIZE, pxMode=True)
        self.test_points.setZValue(10)
        self.test_points.setVisible(False)
        self.train_points = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen("w", width=1.2), pxMode=True)
        self.train_points.setZValue(11)
        self.plot.addItem(self.test_points)
        self.plot.addItem(self.train_points)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.plot, 1)
        self.setToolTip("The network's output over the whole plane; points: training data "
                        "(white outline) and test data (ring).")

    # ------------------------------------------------------------------ public

    def set_show_test(self, on: bool) -> None:
        """Show the test points (drawn as rings) on top of the training points' layer."""
        self._show_test = bool(on)
        self.test_points.setVisible(self._show_test)

    def set_discretize(self, on: bool) -> None:
        """Threshold the output (at 0, or the winning class at full colour) instead of shading it."""
        self._discretize = bool(on)
        if self._grid is not None:
            self._draw_grid(self._grid)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw the output heatmap (pixels replaced in place) and, if the dataset changed, the points."""
        d = snapshot.dataset
        if d is not self._dataset:
            self._set_dataset(d)
        g = snapshot.grid
        if g is None:
            return
        resized = self._grid is None or g.resolution != self._grid.resolution  # a big network trains coarser
        self._grid = g
        self._draw_grid(g)
        if g.domain != self._domain or resized:
            # After setImage: the rectangle maps the image's current size onto the domain.
            x0, x1, y0, y1 = g.domain
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if g.domain != self._domain:
            self._domain = g.domain
            x0, x1, y0, y1 = g.domain
            self.plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            self.plot.getAxis("bottom").setTicks(_nice_ticks(x0, x1))
            self.plot.getAxis("left").setTicks(_nice_ticks(y0, y1))

    @property
    def drawing_points(self) -> bool:
        """Whether a big dataset's points are still being added, a chunk per event-loop turn."""
        return bool(self._pending)

    def clear(self) -> None:
        """Remove the heatmap and every point."""
        self._pending.clear()
        self._drawer.stop()
        self.image.clear()
        self.train_points.clear()
        self.test_points.clear()
        self._grid = None
        self._dataset = None
        self._domain = None
        self.header.setText(_HINT)

    def colors(self, grid: GridOutput) -> np.ndarray:
        """The heatmap's RGBA (N, N, 4) uint8 for ``grid``, row 0 at the bottom."""
        return heatmap_colors(grid, self._classes, self._discretize, self._lut)

    def hover_text_at(self, x: float, y: float) -> str:
        """What the header shows with the mouse at data coordinates (x, y)."""
        g = self._grid
        if g is None:
            return _HINT
        x0, x1, y0, y1 = g.domain
        n = g.resolution
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return _HINT
        j = min(int((x - x0) / (x1 - x0) * n), n - 1)
        i = min(int((y - y0) / (y1 - y0) * n), n - 1)
        v = float(g.output[i, j])
        where = f"x₁ = {x:.2f}, x₂ = {y:.2f}"
        if self._classes > 2 and g.predicted is not None:
            return f"{where}  →  class {int(g.predicted[i, j])} (p = {v:.3f})"
        if self._classes == 2:
            side = "blue, class 1" if v >= 0 else "orange, class 0"
            return f"{where}  →  output {v:.4g} ({side})"
        return f"{where}  →  output {v:.4g}"

    # ------------------------------------------------------------------ drawing

    def _draw_grid(self, g: GridOutput) -> None:
        self.image.setImage(self.colors(g), autoLevels=False, levels=(0, 255))

    def _set_dataset(self, d: Dataset) -> None:
        """Refill both scatter items. Pens and brushes are shared objects, one per colour:
        pyqtgraph renders one symbol per distinct pen/brush *object*, so a pen made per point
        would cost a rendered symbol (and its memory) per point."""
        self._dataset = d
        self._classes = d.classes if d.problem == "classification" else 0
        colours = self._colours()
        brushes = np.array([pg.mkBrush(c) for c in colours], dtype=object)
        rings = np.array([pg.mkPen(c, width=2) for c in colours], dtype=object)
        white = pg.mkBrush(255, 255, 255, 210)
        self._pending = []
        dot, ring = (palette.class_point_size(s, self._classes) for s in (POINT_SIZE, RING_SIZE))
        for item, x, style in ((self.train_points, d.x_train, {"brush": brushes[self._colour_index(d.y_train)],
                                                               "symbol": self._symbols(d.y_train), "size": dot}),
                               (self.test_points, d.x_test, {"pen": rings[self._colour_index(d.y_test)],
                                                             "brush": white, "symbol": self._symbols(d.y_test),
                                                             "size": ring})):
            item.clear()
            for lo in range(0, len(x), POINTS_PER_TURN):
                part = {k: v[lo:lo + POINTS_PER_TURN] if isinstance(v, np.ndarray) else v for k, v in style.items()}
                self._pending.append((item, {"pos": x[lo:lo + POINTS_PER_TURN], **part}))
        self._draw_next_points()  # a small dataset at once; a big one a chunk per turn
        if self._pending:
            self._drawer.start()

    def _draw_next_points(self) -> None:
        """Add the next chunk of points, or all of them when they are few."""
        while self._pending:
            item, chunk = self._pending.pop(0)
            item.addPoints(**chunk)
            if len(chunk["pos"]) >= POINTS_PER_TURN and self._pending:
                return
        self._drawer.stop()

    def _colours(self) -> list[QColor]:
        """One colour per class, or (regression) per step of the 256-step diverging scale."""
        if self._classes:
            return [QColor(*palette.class_rgb(k)) for k in range(self._classes)]
        return [QColor(*map(int, c)) for c in palette.diverging_lut()]

    def _symbols(self, y: np.ndarray) -> str | np.ndarray:
        """Each point's shape: its class's for more than two classes, else a dot."""
        return palette.class_symbols(y, self._classes)

    def _colour_index(self, y: np.ndarray) -> np.ndarray:
        """Each point's index into :meth:`_colours` (its class, or its target's step)."""
        if self._classes:
            return np.asarray(y, dtype=np.intp)
        steps = len(palette.diverging_lut())
        v = np.clip(np.asarray(y, dtype=float), -1.0, 1.0)
        return np.rint((v + 1.0) * 0.5 * (steps - 1)).astype(np.intp)

    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self.header.setText(_HINT)
            return
        p = vb.mapSceneToView(pos)
        self.header.setText(self.hover_text_at(p.x(), p.y()))

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.header.setText(_HINT)
        super().leaveEvent(event)


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(BoundaryView))
