"""Gradient flow: the norm of each layer's weight gradient over time (log scale) and right now (bars).

In a deep sigmoid network the gradient shrinks by a factor at every layer on
its way back from the output, so the first layers' lines sit decades below the
output's and their weights barely move: vanishing gradients, made visible.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import History, Snapshot
from playground.ui import theme
from playground.ui.widgets.gradient_badges import GradientBadges
from playground.ui.widgets.plot_style import (
    TEXT,
    EpochAxis,
    Throttle,
    decade_ticks,
    header_label,
    legend_label,
    padded,
    plot_widget,
    set_legend,
    set_range_if_changed,
    style_plot,
)

_EXPLANATION = (
    "How strongly the loss pulls on each layer's weights: the norm ‖∂L/∂W‖ of each layer's weight "
    "gradient, per epoch (log scale, smoothed; hover for exact values), and for the last epoch as bars.\n"
    "Backpropagation multiplies the gradient by each layer's weights and activation slope on its way "
    "back from the output. With many sigmoid or tanh layers these factors are below 1, so the first "
    "layers' gradients shrink by decades (vanishing gradients) and those layers hardly learn; "
    "with large weights they can also explode. ReLU, good initialisation or Adam help."
)
#: Redraws a second at most while training (the latest snapshot is always drawn, a little late).
MAX_FPS = 6
_FLOOR = 1e-12  # norms below this (exact zeros: dead layers) are not drawn on the log axis
#: Lines are smoothed over len(history) / SMOOTHING_POINTS rows (hover shows the raw values).
SMOOTHING_POINTS = 100


def smooth_log(y: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average of log10(y) over ``window`` rows, back in linear units: (m,) or
    (m, k) -> the same shape, each column on its own.

    Per-epoch norms jump by a decade from batch to batch; averaging their logs keeps the level
    (a geometric mean) and lets lines decades apart be told apart. NaN (no gradient) is skipped.
    """
    y = np.asarray(y, dtype=float)
    logs = np.log10(np.where(y > _FLOOR, y, np.nan))
    m = len(y)
    if window <= 1 or m < 3:
        return 10.0**logs
    ok = np.isfinite(logs)
    # Centred window sums from cumulative sums: O(m) whatever the window (np.convolve is O(m·window)).
    half = window // 2
    lo = np.clip(np.arange(m) - half, 0, m)
    hi = np.clip(np.arange(m) + window - half, 0, m)
    zero = np.zeros((1,) + y.shape[1:])
    csum = np.concatenate([zero, np.cumsum(np.where(ok, logs, 0.0), axis=0)])
    ccount = np.concatenate([zero, np.cumsum(ok, axis=0)])
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 10.0 ** ((csum[hi] - csum[lo]) / (ccount[hi] - ccount[lo]))
    out[~ok] = np.nan
    return out


def sample_rows(m: int, window: int) -> np.ndarray:
    """Rows to draw of an (m,) series smoothed over ``window`` rows: every quarter window, and the last.

    A smoothed line has no detail finer than its window, so drawing ~4 points a window looks the
    same as drawing them all and costs the UI thread a fraction of the time.
    """
    rows = np.arange(0, m, max(1, window // 4))
    return rows if m == 0 or rows[-1] == m - 1 else np.append(rows, m - 1)


def layer_names(n_layers: int) -> list[str]:
    """``layer 1`` … ``layer n−1``, ``output``."""
    return [f"layer {i + 1}" for i in range(n_layers - 1)] + ["output"]


#: Hidden layers' colours in turn: Okabe and Ito's qualitative palette (without its yellow, faint on
#: white), ordered so that neighbours differ by a CIELAB ΔE of at least 20 also under simulated
#: protanopia, deuteranopia and tritanopia (tests/ui/test_gradient_views.py checks it).
LAYER_COLORS = ("#e69f00", "#56b4e9", "#0072b2", "#cc79a7", "#d55e00", "#009e73")
#: Lines of the second and third round of colours (deep networks) are dashed, then dotted.
LAYER_LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)


def layer_colors(n_layers: int) -> list[str]:
    """One colour per weight layer: :data:`LAYER_COLORS` in turn for the hidden ones, then the theme's
    text colour for the output (near-black on light, near-white on dark)."""
    return [LAYER_COLORS[i % len(LAYER_COLORS)] for i in range(n_layers - 1)] + [output_color()]


def output_color() -> str:
    """The output layer's line: the theme's text colour, so that it reads on any background."""
    return theme.current().color("text")


def layer_line_style(layer: int, n_layers: int) -> Qt.PenStyle:
    """Solid for the first round of colours and the output layer, then dashed, then dotted."""
    if layer == n_layers - 1:
        return Qt.PenStyle.SolidLine
    return LAYER_LINE_STYLES[(layer // len(LAYER_COLORS)) % len(LAYER_LINE_STYLES)]


class GradientFlowView(QWidget):
    """One line per layer of ‖∂L/∂W‖ per epoch on a log axis, plus bars for the last epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self._epoch_axis = EpochAxis()
        self._decades: tuple[float, float] | None = None  # log10 range of the norm axis in this run
        self._decades_epoch = 0.0
        self._history: History | None = None
        self._latest = "no gradients yet"
        self.curves: list[pg.PlotDataItem] = []
        self.header = header_label(self._latest, lines=2)

        self.plot = plot_widget()
        style_plot(self.plot.getPlotItem())
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", "epoch", color=TEXT)
        self.plot.setLabel("left", "‖∂L/∂W‖", color=TEXT)
        self.plot.getAxis("left").setWidth(52)  # fixed: labels of new decades never re-lay the plots out
        self.legend = legend_label([])  # one entry per layer (see _build)
        self.badges = GradientBadges()  # vanishing / exploding layers, hidden while all is well

        self.bars_plot = plot_widget()
        style_plot(self.bars_plot.getPlotItem())
        self.bars_plot.setLogMode(y=True)  # bars are given in log10 units; the axis labels powers of 10
        self.bars_plot.setYLink(self.plot)
        self.bars_plot.getAxis("left").setStyle(showValues=False)
        self.bars_plot.getAxis("left").setWidth(4)
        self.bars_plot.setMaximumWidth(170)
        self.bars_plot.setMinimumWidth(60)
        # Same bottom label height as the line plot: the linked y axes then line up on screen.
        self.bars_plot.setLabel("bottom", "last epoch", color=TEXT)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        # The bars reach down to 1e-12: let the line plot alone choose the (linked) y range.
        self.bars_plot.addItem(self.bars, ignoreBounds=True)
        self.bars_plot.setMouseEnabled(False, False)

        self.hover_line = pg.InfiniteLine(angle=90,
                                          pen=pg.mkPen("#999999", style=Qt.PenStyle.DotLine))
        self.hover_line.setVisible(False)
        self.plot.addItem(self.hover_line, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        plots = QHBoxLayout()
        plots.setSpacing(0)
        plots.addWidget(self.plot, 3)
        plots.addWidget(self.bars_plot, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.legend)
        layout.addWidget(self.badges)
        layout.addLayout(plots, 1)
        self.setToolTip(_EXPLANATION)

    # ------------------------------------------------------------------ public

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` at most :data:`MAX_FPS` times a second (the latest one is always drawn)."""
        self.throttle(snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        """Replace the curves' and bars' data; curves are recreated only when the depth changes."""
        h = snapshot.history
        n = len(snapshot.layer_sizes) - 1
        g = np.asarray(h.grad_norms, dtype=float).reshape(len(h.epochs), -1) if len(h.epochs) else np.zeros((0, n))
        if n != len(self.curves):
            self._build(n)
        self._history = h
        x = np.asarray(h.epochs, dtype=float)
        window = max(1, len(x) // SMOOTHING_POINTS)
        rows = sample_rows(len(x), window)
        lines = smooth_log(g, window)[rows] if g.shape[1] == n else np.full((len(rows), n), np.nan)
        for i, c in enumerate(self.curves):
            c.setData(x[rows], lines[:, i])
        self._update_ranges(x, g)
        self._set_bars(np.asarray(snapshot.grad_norms, dtype=float))
        self.badges.show_snapshot(snapshot)
        self._latest = self._summary(np.asarray(snapshot.grad_norms, dtype=float))
        if not self.hover_line.isVisible():
            self.header.setText(self._latest)

    def _update_ranges(self, x: np.ndarray, g: np.ndarray) -> None:
        """Epochs to the next nice mark, norms in whole decades: the axes rarely need new ticks."""
        last = float(x[-1]) if len(x) else 0.0
        pos = g[np.isfinite(g) & (g > _FLOOR)]
        lo, hi = (float(np.floor(np.log10(pos.min()))), float(np.ceil(np.log10(pos.max())))) if pos.size \
            else (-3.0, 0.0)
        end = self._epoch_axis.update(last)
        if self._decades is not None and last >= self._decades_epoch:
            # Only widened within a run: the thinned history may drop and regain an extreme
            # sample, and each flip would re-tick the axes (the slowest thing this view draws).
            lo, hi = min(lo, self._decades[0]), max(hi, self._decades[1])
        if (lo, hi) != self._decades:
            self.plot.getAxis("left").setTicks([decade_ticks(lo, max(hi, lo + 1.0)), []])
        self._decades, self._decades_epoch = (lo, hi), last
        set_range_if_changed(self.plot.getPlotItem(), x=padded(0.0, end), y=padded(lo, max(hi, lo + 1.0)))

    def clear(self) -> None:
        """Remove every curve and bar."""
        self.throttle.cancel()
        for c in self.curves:
            self.plot.removeItem(c)
        set_legend(self.legend, [])
        self.badges.clear()
        self.curves = []
        self.bars.setOpts(x=[], height=[], y0=[], brushes=[])
        self._history = None
        self._latest = "no gradients yet"
        self.hover_line.setVisible(False)
        self.header.setText(self._latest)

    def hover_epoch(self, epoch: float) -> str:
        """Show every layer's gradient norm at the recorded epoch nearest ``epoch``; returns the text."""
        h = self._history
        if h is None or len(h.epochs) == 0:
            return self.header.text()
        i = int(np.clip(np.searchsorted(h.epochs, epoch), 0, len(h.epochs) - 1))
        if i > 0 and abs(h.epochs[i - 1] - epoch) <= abs(h.epochs[i] - epoch):
            i -= 1
        self.hover_line.setPos(float(h.epochs[i]))
        self.hover_line.setVisible(True)
        norms = np.asarray(h.grad_norms[i], dtype=float).ravel()
        names = layer_names(len(norms))
        text = f"epoch {int(h.epochs[i]):,}: " + "  ·  ".join(
            f"{name} {v:.3g}" for name, v in zip(names, norms, strict=True))
        self.header.setText(text)
        return text

    # ------------------------------------------------------------------ helpers

    def _build(self, n: int) -> None:
        # A new depth keeps the curves it can (restyled): making one costs ~3 ms, 17 of them froze a turn.
        kept, self.curves = self.curves[:n], self.curves[n:]
        self.clear()
        colors = layer_colors(n)
        entries = list(zip(layer_names(n), colors, strict=True))
        for i, (name, color) in enumerate(entries):
            # Thin and already sampled to a few hundred points (see sample_rows): fast to draw.
            pen = pg.mkPen(color, width=1.5, style=layer_line_style(i, n))
            if i < len(kept):
                kept[i].setPen(pen)
                kept[i].opts["name"] = name
                self.curves.append(kept[i])
            else:
                self.curves.append(self.plot.plot(pen=pen, name=name, connect="finite"))
        set_legend(self.legend, entries)
        self._brushes = [pg.mkBrush(c) for c in colors]
        labels = ["out" if i == n - 1 else str(i + 1) for i in range(n)]
        self.bars_plot.getAxis("bottom").setTicks([list(enumerate(labels)), []])
        self.bars_plot.setXRange(-0.6, n - 0.4, padding=0)

    def restyled(self) -> None:
        """The theme changed: the output layer's colour follows the theme's text colour."""
        if not self.curves:  # not built yet: built in the new colours
            return
        colors = layer_colors(len(self.curves))
        for curve, color in zip(self.curves, colors, strict=True):
            curve.setPen(pg.mkPen(color, width=1.5, style=curve.opts["pen"].style()))
        set_legend(self.legend, list(zip(layer_names(len(colors)), colors, strict=True)))
        self._brushes = [pg.mkBrush(c) for c in colors]

    def _set_bars(self, norms: np.ndarray) -> None:
        """Bars from far below the view up to each norm, in log10 units (the axis is in log mode)."""
        if norms.size != len(self.curves):
            return
        base = np.log10(_FLOOR)
        ok = norms > _FLOOR
        heights = np.where(ok, np.log10(np.where(ok, norms, 1.0)) - base, 0.0)
        self.bars.setOpts(x=np.arange(len(norms)), height=heights, y0=np.full(len(norms), base),
                          width=0.7, brushes=self._brushes, pen=pg.mkPen("w"))

    @staticmethod
    def _summary(norms: np.ndarray) -> str:
        if norms.size == 0 or not np.all(np.isfinite(norms)):
            return "no gradients yet"
        return "last epoch: " + "  ·  ".join(
            f"{name} {v:.3g}" for name, v in zip(layer_names(len(norms)), norms, strict=True))

    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if vb.sceneBoundingRect().contains(pos) and self._history is not None:
            self.hover_epoch(vb.mapSceneToView(pos).x())
        else:
            self.hover_line.setVisible(False)
            self.header.setText(self._latest)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.hover_line.setVisible(False)
        self.header.setText(self._latest)
        super().leaveEvent(event)


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(GradientFlowView))
