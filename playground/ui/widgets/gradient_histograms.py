"""Per-layer histograms of the weights (top row) and of their last mini-batch gradients (bottom row).

Beside the gradient flow's norms, the distributions say why: weights that all sit near zero, or
spread wide; gradients narrow as a needle in a vanishing layer (mind its axis' scale), wide in an
exploding one. Each plot has its own range, symmetric about zero, so every shape stays readable.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui.widgets.gradient_badges import GradientBadges
from playground.ui.widgets.gradient_flow import layer_colors, layer_names
from playground.ui.widgets.plot_style import TEXT, Throttle, header_label, style_plot

_EXPLANATION = (
    "Histograms per layer: how the weights are spread (top row), and the gradient ∂L/∂W the last "
    "mini-batch gave them (bottom row). Each plot has its own scale, symmetric about 0: a vanishing "
    "layer's gradients are a narrow spike at a tiny scale; an exploding one's are wide. Weights "
    "crowding at 0 (L1) or growing without bound (a learning rate too high) show up here too."
)
#: Redraws a second at most while training.
MAX_FPS = 4
BINS = 31  # odd: one bin is centred on 0
_TOP = 1.35  # the plots' height: the tallest bar reaches 1, the scale labels hang below the top


def _small_font() -> QFont:
    font = QFont()
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
    return font


def symmetric_histogram(values: np.ndarray, bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``values`` (any shape) in ``bins`` equal bins over [−m, m], m their largest finite
    magnitude (1 when all are 0): (bins + 1,) edges and (bins,) counts; non-finite values are left out."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    m = float(np.abs(v).max()) if v.size else 0.0
    m = m if m > 0 else 1.0
    counts, edges = np.histogram(v, bins=bins, range=(-m, m))
    return edges, counts


def step_outline(x: np.ndarray, heights: np.ndarray) -> tuple[QPainterPath, QPainterPath]:
    """A histogram's top line and its filled area: ``x`` (bins + 1,) bin edges, ``heights`` (bins,).

    The line steps along the bars' tops, from the first bar's top left to the last's top right; the
    area goes down to 0 at both ends (as a step curve filled to 0).
    """
    xs = np.repeat(np.asarray(x, dtype=float), 2)  # x0 x0 x1 x1 … xn xn
    ys = np.concatenate(([0.0], np.repeat(np.asarray(heights, dtype=float), 2), [0.0]))
    return pg.arrayToQPath(xs[1:-1], ys[1:-1]), pg.arrayToQPath(xs, ys)


class GradientHistogramsView(QWidget):
    """Two rows of histograms, weights above gradients, a slot per weight layer.

    Each row is one plot (cheap to build and draw however deep the network): layer ``i``'s
    histogram fills the slot [i, i + 1], its values mapped from [−m, m] (m written above the slot)
    and its counts scaled to the slot's height.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self.header = header_label("no weights yet")
        self.badges = GradientBadges()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.plots: list[pg.PlotItem] = []
        for row, what in enumerate(("weights", "∂L/∂W")):
            plot = self.graphics.addPlot(row=row, col=0)
            style_plot(plot, grid=False)
            plot.setLabel("left", what, color=TEXT)
            plot.getAxis("left").setStyle(showValues=False)
            plot.setYRange(0.0, _TOP, padding=0)  # room above the bars for the scale labels
            self.plots.append(plot)
        #: Per row (weights, gradients), per layer: its outline and area, scale label, last counts and scale m.
        #: Plain path items: the view paints them without calling into Python, and a new histogram is one
        #: ``setPath`` each (a plot curve's bookkeeping cost as much as the rest of a frame).
        self.curves: list[list[QGraphicsPathItem]] = [[], []]
        self.areas: list[list[QGraphicsPathItem]] = [[], []]
        self.scale_labels: list[list[pg.TextItem]] = [[], []]
        self.counts: list[list[np.ndarray]] = [[], []]
        self.scales: list[list[float]] = [[], []]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.badges)
        layout.addWidget(self.graphics, 1)
        self.setToolTip(_EXPLANATION)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` at most :data:`MAX_FPS` times a second (the latest one is always drawn)."""
        self.throttle(snapshot)

    def clear(self) -> None:
        """Remove every histogram."""
        self.throttle.cancel()
        for plot, curves, areas, labels in zip(self.plots, self.curves, self.areas, self.scale_labels, strict=True):
            for item in (*areas, *curves, *labels):
                plot.removeItem(item)
        self.curves, self.areas, self.scale_labels = [[], []], [[], []], [[], []]
        self.counts, self.scales = [[], []], [[], []]
        self.badges.clear()
        self.header.setText("no weights yet")

    def _build(self, n: int) -> None:
        self.clear()
        names = layer_names(n)
        for row, plot in enumerate(self.plots):
            for _ in range(n):
                area, line = QGraphicsPathItem(), QGraphicsPathItem()
                area.setPen(pg.mkPen(None))
                line.setBrush(pg.mkBrush(None))
                for item in (area, line):
                    plot.addItem(item)
                self.areas[row].append(area)
                self.curves[row].append(line)
                label = pg.TextItem(color=TEXT, anchor=(0.5, 0.0))
                label.setFont(_small_font())
                plot.addItem(label)
                self.scale_labels[row].append(label)
            plot.getAxis("bottom").setTicks([[(i + 0.5, name if row else "") for i, name in enumerate(names)], []])
            plot.setXRange(0.0, float(n), padding=0.01)
        self.restyled()

    def restyled(self) -> None:
        """Colour each layer's histogram (the output layer's is the theme's text colour)."""
        for lines, areas in zip(self.curves, self.areas, strict=True):
            if not lines:  # not built yet: built in the theme's colours
                continue
            for line, area, color in zip(lines, areas, layer_colors(len(lines)), strict=True):
                fill = pg.mkColor(color)
                fill.setAlpha(150)  # see-through, so the output layer's black reads as a grey fill too
                area.setBrush(pg.mkBrush(fill))
                line.setPen(pg.mkPen(color, width=1))

    def _draw(self, snapshot: Snapshot) -> None:
        n = len(snapshot.weights)
        if n != len(self.curves[0]):
            self._build(n)
        stepped = len(snapshot.gradients) == n
        rows = (snapshot.weights, snapshot.gradients if stepped else (np.zeros(0),) * n)
        for row, arrays in enumerate(rows):
            self.counts[row], self.scales[row] = [], []
            for i, values in enumerate(arrays):
                edges, counts = symmetric_histogram(values)
                m = float(edges[-1])
                top = max(1.0, float(counts.max()))
                # slot i: [−m, m] -> [i + 0.05, i + 0.95]; counts -> [0, 1]
                line, area = step_outline(i + 0.5 + 0.45 * edges / m, counts / top)
                self.curves[row][i].setPath(line)
                self.areas[row][i].setPath(area)
                label, text = self.scale_labels[row][i], f"±{m:.2g}" if counts.any() else ""
                if label.toPlainText() != text:  # laying a text out again costs more than comparing it
                    label.setText(text)
                    label.setPos(i + 0.5, _TOP)
                self.counts[row].append(counts)
                self.scales[row].append(m)
        self.badges.show_snapshot(snapshot)
        where = "gradients of the last mini-batch" if stepped else "no gradients yet"
        self.header.setText(f"epoch {snapshot.epoch:,}: weights above, {where} below (± the range of each)")


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(GradientHistogramsView))
