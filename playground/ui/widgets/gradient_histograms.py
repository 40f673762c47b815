"""Per-layer histograms of the weights (top row) and of their last mini-batch gradients (bottom row).

Beside the gradient flow's norms, the distributions say why: weights that all sit near zero, or
spread wide; gradients narrow as a needle in a vanishing layer (mind its axis' scale), wide in an
exploding one. Each plot has its own range, symmetric about zero, so every shape stays readable.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import Snapshot
from playground.ui import theme
from playground.ui.widgets.gradient_badges import GradientBadges
from playground.ui.widgets.gradient_flow import layer_colors, layer_names
from playground.ui.widgets.histogram_row import HistogramRow
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
#: A layer with more weights than this is counted from a fixed random sample of this many (its range
#: ± is still the largest of all): exact counts of a 16 × 256 network's 2 million weights and
#: gradients took ~25 ms a draw, a sample's shape is the same to the eye.
SAMPLE = 16_384
_SAMPLED = (f"\n\nA layer with more than {SAMPLE:,} weights is counted from a fixed random sample of "
            f"{SAMPLE:,} of them; its range ± is the largest of all its values.")
_TOP = 1.35  # the plots' height: the tallest bar reaches 1, the scale labels hang below the top


def _small_font() -> QFont:
    font = QFont()
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
    return font


@functools.lru_cache(maxsize=64)
def sample_indices(size: int, n: int) -> np.ndarray:
    """``n`` distinct sorted indices into ``size`` values, the same on every call (a sampled histogram
    does not flicker from one draw to the next); read-only."""
    idx = np.sort(np.random.default_rng(size).choice(size, n, replace=False))
    idx.flags.writeable = False
    return idx


def symmetric_histogram(values: np.ndarray, bins: int = BINS, sample: int = SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``values`` (any shape) in ``bins`` equal bins over [−m, m], m their largest finite
    magnitude (1 when all are 0): (bins + 1,) edges and (bins,) counts; non-finite values are left out.

    Over ``sample`` values, the counts are of a fixed random ``sample`` of them (they sum to
    ``sample``); m is still the largest of all.
    """
    v = np.asarray(values).ravel()
    hi, lo = (float(v.max()), float(v.min())) if v.size else (0.0, 0.0)
    if not (np.isfinite(hi) and np.isfinite(lo)):  # rare (a run rolls back when it diverges): the slow way
        v = v[np.isfinite(v)]
        hi, lo = (float(v.max()), float(v.min())) if v.size else (0.0, 0.0)
    m = max(hi, -lo)
    m = m if m > 0 else 1.0
    if v.size > sample:
        v = v[sample_indices(v.size, sample)]
    # The bin of each value from one multiply-add: np.histogram's general path costs ~2× as much.
    # Every value lies in [−m, m], so only m itself (index ``bins``) needs clipping.
    index = (v * (bins / (2.0 * m)) + bins / 2.0).astype(np.intp)
    np.clip(index, 0, bins - 1, out=index)
    return np.linspace(-m, m, bins + 1), np.bincount(index, minlength=bins)


class GradientHistogramsView(QWidget):
    """Two rows of histograms, weights above gradients, a slot per weight layer.

    Each row is one plot with one item (:class:`HistogramRow`, cheap to build and draw however deep
    the network): layer ``i``'s histogram fills the slot [i, i + 1], its values mapped from [−m, m]
    (m written above the slot) and its counts scaled to the slot's height.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self.header = header_label("no weights yet")
        self.badges = GradientBadges()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.plots: list[pg.PlotItem] = []
        #: Per row (weights, gradients): the item drawing its histograms.
        self.rows: list[HistogramRow] = []
        font = _small_font()
        for row, what in enumerate(("weights", "∂L/∂W")):
            plot = self.graphics.addPlot(row=row, col=0, enableMenu=False)
            style_plot(plot, grid=False)
            plot.setLabel("left", what, color=TEXT)
            plot.getAxis("left").setStyle(showValues=False)
            plot.disableAutoRange()
            plot.setYRange(0.0, _TOP, padding=0)  # room above the bars for the scale labels
            item = HistogramRow(_TOP, font)
            plot.addItem(item)
            self.plots.append(plot)
            self.rows.append(item)
        #: Per row (weights, gradients), per layer: its last counts and scale m.
        self.counts: list[list[np.ndarray]] = [[], []]
        self.scales: list[list[float]] = [[], []]
        self.sampled = False  # whether a layer was counted from a sample (the tooltip says so)
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
        for item in self.rows:
            item.set_layers([], theme.current().color("text"))
        self.counts, self.scales = [[], []], [[], []]
        self._set_sampled(False)
        self.badges.clear()
        self.header.setText("no weights yet")

    def restyled(self) -> None:
        """The theme changed: the output layer and the labels follow the theme's text colour."""
        n = len(self.rows[0].polygons)
        for item in self.rows:
            item.set_layers(layer_colors(n) if n else [], theme.current().color("text"))

    def _build(self, n: int) -> None:
        self.clear()
        # "layer 10layer 11" would run together under narrow slots: deep networks get numbers
        names = layer_names(n) if n <= 8 else [str(i + 1) for i in range(n - 1)] + ["out"]
        for row, (plot, item) in enumerate(zip(self.plots, self.rows, strict=True)):
            item.set_layers(layer_colors(n), theme.current().color("text"))
            plot.getAxis("bottom").setTicks([[(i + 0.5, name if row else "") for i, name in enumerate(names)], []])
            plot.setXRange(0.0, float(n), padding=0.01)

    def _set_sampled(self, sampled: bool) -> None:
        if sampled != self.sampled:
            self.sampled = sampled
            self.setToolTip(_EXPLANATION + (_SAMPLED if sampled else ""))

    def _draw(self, snapshot: Snapshot) -> None:
        n = len(snapshot.weights)
        if n != len(self.rows[0].polygons):
            self._build(n)
        stepped = len(snapshot.gradients) == n
        rows = (snapshot.weights, snapshot.gradients if stepped else (np.zeros(0),) * n)
        for row, arrays in enumerate(rows):
            self.counts[row], self.scales[row] = [], []
            for i, values in enumerate(arrays):
                edges, counts = symmetric_histogram(values)
                m = float(edges[-1])
                self.rows[row].set_counts(i, counts, f"±{m:.2g}" if counts.any() else "")
                self.counts[row].append(counts)
                self.scales[row].append(m)
            self.rows[row].update()
        self._set_sampled(any(w.size > SAMPLE for w in snapshot.weights))
        self.badges.show_snapshot(snapshot)
        where = "gradients of the last mini-batch" if stepped else "no gradients yet"
        self.header.setText(f"epoch {snapshot.epoch:,}: weights above, {where} below (± the range of each)")


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(GradientHistogramsView))
