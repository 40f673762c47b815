"""The loss surface view: the training loss on a plane of weight space as a heatmap with contour
lines, and optimizers' paths drawn on it.

The heatmap is log10 of the loss (a valley and a plateau both stay readable) in the viridis
colour map, dark where the loss is low. A path is a line through the weights the run passed,
from a white dot (its start) to a large dot (now). Rows of the grid may arrive a piece at a time;
rows not yet computed are blank.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.ui.widgets.plot_style import header_label, legend_label, plot_widget, set_legend, style_plot

#: Contour lines drawn at this many loss levels, evenly spaced in log10.
CONTOURS = 9
#: Path colours, one per run (SGD, momentum, Adam, …), readable on viridis.
PATH_COLORS = ("#e53935", "#fb8c00", "#00b8d4", "#d500f9", "#64dd17")
_HINT = "The training loss around the current weights; the line is the path the optimizer took."


class LossSurfaceView(QWidget):
    """Heatmap and contours of a loss grid (R, R) over α (R,) × β (R,), and paths (m, 2) on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = header_label(_HINT, lines=3)
        self.legend = legend_label([])
        self.plot = plot_widget()
        self.plot.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)  # no blocky 41² grid
        item = self.plot.getPlotItem()
        style_plot(item, grid=False)
        item.setLabel("bottom", "α (first direction)")
        item.setLabel("left", "β (second direction)")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self.contours = [pg.IsocurveItem(pen=pg.mkPen(255, 255, 255, 110, width=1)) for _ in range(CONTOURS)]
        for c in self.contours:
            c.setParentItem(self.image)
        self.paths: dict[str, tuple[pg.PlotDataItem, pg.ScatterPlotItem]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        self.grid: np.ndarray | None = None
        self.alphas: np.ndarray | None = None
        self.betas: np.ndarray | None = None

    def set_axes(self, alphas: np.ndarray, betas: np.ndarray) -> None:
        """A new grid over α (R,) × β (R,): blank until rows arrive."""
        self.alphas, self.betas = np.asarray(alphas), np.asarray(betas)
        self.grid = np.full((len(betas), len(alphas)), np.nan)
        da = (alphas[-1] - alphas[0]) / max(len(alphas) - 1, 1)
        db = (betas[-1] - betas[0]) / max(len(betas) - 1, 1)
        self._rect = QRectF(alphas[0] - da / 2, betas[0] - db / 2, alphas[-1] - alphas[0] + da,
                            betas[-1] - betas[0] + db)
        self._draw()
        self.plot.getPlotItem().setRange(xRange=(self._rect.left(), self._rect.right()),
                                         yRange=(self._rect.top(), self._rect.bottom()), padding=0)

    def set_rows(self, start: int, rows: np.ndarray) -> None:
        """Losses (k, R) of grid rows start … start + k (β index)."""
        if self.grid is None:
            return
        self.grid[start:start + len(rows)] = rows
        self._draw()

    def set_grid(self, alphas: np.ndarray, betas: np.ndarray, grid: np.ndarray) -> None:
        """A whole grid at once."""
        self.set_axes(alphas, betas)
        self.set_rows(0, grid)

    def set_paths(self, paths: dict[str, np.ndarray]) -> None:
        """One line per run, (m, 2) points each; the legend names them."""
        for line, dots in self.paths.values():
            self.plot.removeItem(line)
            self.plot.removeItem(dots)
        self.paths = {}
        entries = []
        for k, (name, path) in enumerate(paths.items()):
            color = PATH_COLORS[k % len(PATH_COLORS)]
            line = pg.PlotDataItem(path[:, 0], path[:, 1], pen=pg.mkPen(color, width=2))
            dots = pg.ScatterPlotItem([path[0, 0], path[-1, 0]], [path[0, 1], path[-1, 1]], size=[8, 13],
                                      brush=[pg.mkBrush("w"), pg.mkBrush(color)], pen=pg.mkPen("#222222"))
            for item in (line, dots):
                item.setZValue(10)
                self.plot.addItem(item)
            self.paths[name] = (line, dots)
            entries.append((name, color))
        set_legend(self.legend, entries if len(paths) > 1 else [])

    def _draw(self) -> None:
        g = self.grid
        if g is None:
            return
        with np.errstate(all="ignore"):
            logs = np.log10(np.where(np.isfinite(g) & (g > 0), g, np.nan))
        finite = logs[np.isfinite(logs)]
        if not finite.size:
            self.image.clear()
            return
        lo, hi = float(finite.min()), float(finite.max())
        hi = hi if hi > lo else lo + 1e-6
        shown = np.where(np.isfinite(logs), logs, hi)  # blank rows and overflow: the top colour
        self.image.setImage(shown, autoLevels=False, levels=(lo, hi))
        self.image.setRect(self._rect)
        complete = bool(np.isfinite(g).all())
        for k, curve in enumerate(self.contours):
            curve.setData(shown if complete else None, lo + (hi - lo) * (k + 1) / (CONTOURS + 1))
