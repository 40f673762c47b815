"""Weight heatmaps: one per layer, rows = neurons, columns = inputs, biases in a strip beside them.

Every layer shares one symmetric colour scale, ±max |w| over all weights and
biases (rounded up to a nice step), shown by a colour bar; so a layer whose
weights barely moved looks pale next to one that grew. Plots are built once per
architecture (and re-wrapped into rows on resize); each frame only replaces the
images' colours, at most :data:`MAX_FPS` times a second.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.features import FEATURE_LABELS
from playground.core.snapshot import Snapshot
from playground.ui import palette, theme
from playground.ui.widgets.draw_steps import DrawStep
from playground.ui.widgets.plot_style import AXIS, TEXT, Throttle, header_label, nice_ceiling, style_plot

#: Redraws a second at most while training (the latest snapshot is always drawn, a little late).
MAX_FPS = 6
#: A network with at most this many layers gets its plots at once; a deeper one's come one per turn of
#: the event loop after the turn that removes the old ones (a plot takes some 10-15 ms to make, and
#: removing a deep network's plots as long as a few: all in one turn would freeze the window).
PLOTS_AT_ONCE = 3
_HINT = "hover a cell to read its weight"


def _tick_font() -> QFont:
    """The axes' small font (made on use: fonts want a QApplication)."""
    font = QFont()
    font.setPointSizeF(8)
    return font

_BIAS_GAP = 0.35  # the bias strip sits this far (in cells) right of the weight matrix
_ROW_OVERHEAD = (34.0, 44.0)  # px a plot spends beside (left axis, spacing) and above/below its cells
#: A heatmap cell is never drawn shorter than this (px): a small panel scrolls instead.
MIN_CELL = 5
_ROW_CHROME = 56  # px a row of plots takes besides its cells (title, axis, labels), as drawn


def min_canvas_height(sizes: tuple[int, ...], rows: list[list[int]]) -> int:
    """The canvas height (px) at which every row of plots has cells at least :data:`MIN_CELL` high."""
    return int(sum(max(sizes[i + 1] for i in row) * MIN_CELL + _ROW_CHROME for row in rows))


def diverging_colormap() -> pg.ColorMap:
    """The shared palette as a pyqtgraph colour map (−1 orange, 0 grey, +1 blue)."""
    return pg.ColorMap(pos=[0.0, 0.5, 1.0], color=[palette.NEGATIVE, palette.NEUTRAL, palette.POSITIVE])


def layer_title(index: int, n_layers: int) -> str:
    """``layer 1`` … for hidden layers, ``output`` for the last one."""
    return "output" if index == n_layers - 1 else f"layer {index + 1}"


def _index_ticks(n: int) -> list[list[tuple[float, str]]]:
    """Ticks at cell centres 0 … n−1 labelled 1 … n, in levels (1 and every 5th, even, the rest)
    so that pyqtgraph drops the finer levels' labels when a plot is too small for them. Over
    :data:`_EVERY_TICK` cells only 1 and every 10th, then every 5th (a tick a cell would be a grey
    smear, and pyqtgraph lays out every tick in Python: 256 of them take ~10 ms an axis)."""
    levels: list[list[tuple[float, str]]] = [[], [], []]
    for i in range(n):
        k = i + 1
        if n > _EVERY_TICK:
            if k == 1 or k % 5 == 0:
                levels[0 if k == 1 or k % 10 == 0 else 1].append((float(i), str(k)))
            continue
        level = 0 if n <= 4 or k == 1 or k % 5 == 0 else 1 if k % 2 == 0 else 2
        levels[level].append((float(i), str(k)))
    return levels


_EVERY_TICK = 64


def arrange_layers(sizes: tuple[int, ...], label_width: float, width: float, height: float
                   ) -> list[list[int]]:
    """Split the layers into rows of plots so that the smallest cell is as large as possible.

    Parameters
    ----------
    sizes : (n_inputs, *hidden, n_outputs); layer i is a (sizes[i+1], sizes[i] + bias) matrix
    label_width : px a first-layer column needs for its feature name (narrower columns are penalised)
    width, height : px available for the plots

    Returns
    -------
    lists of layer indices, one list per row, in order
    """
    n = len(sizes) - 1
    cols = [sizes[i] + 1 + _BIAS_GAP for i in range(n)]
    best: tuple[float, list[list[int]]] = (-1.0, [list(range(n))])
    for r in range(1, n + 1):
        rows: list[list[int]] = [[]]
        done = 0.0
        for i, c in enumerate(cols):  # contiguous rows of about equal total columns
            if rows[-1] and len(rows) < r and done + c / 2 > sum(cols) * len(rows) / r:
                rows.append([])
            rows[-1].append(i)
            done += c
        row_h = (height - len(rows) * _ROW_OVERHEAD[1]) / len(rows)
        score = float("inf")
        for row in rows:
            cell_w = (width - len(row) * _ROW_OVERHEAD[0]) / sum(cols[i] for i in row)
            for i in row:
                s = min(cell_w, row_h / sizes[i + 1])
                if i == 0 and cell_w < label_width:
                    s *= cell_w / label_width  # overlapping feature names are worth avoiding
                score = min(score, s)
        if score > best[0]:
            best = (score, rows)
    return best[1]


class _LayerPlot:
    """One layer's plot: the weight image (out, in) and the bias strip (out, 1)."""

    def __init__(self, plot: pg.PlotItem, n_out: int, n_in: int) -> None:
        self.plot = plot
        self.n_out, self.n_in = n_out, n_in
        self.weights = pg.ImageItem(axisOrder="row-major")
        self.bias = pg.ImageItem(axisOrder="row-major")
        plot.addItem(self.weights)
        plot.addItem(self.bias)
        vb = plot.getViewBox()
        vb.invertY(True)  # neuron 1 at the top
        vb.setMouseEnabled(False, False)
        vb.setRange(xRange=(-0.5, n_in + _BIAS_GAP + 0.5), yRange=(-0.5, n_out - 0.5), padding=0.02)

    def set_data(self, w: np.ndarray, b: np.ndarray) -> None:
        """New colours: weights (out, in, 4) and biases (out, 1, 4) RGBA uint8 (no lookup table at paint)."""
        first = self.weights.image is None
        self.weights.setImage(w, autoLevels=False)
        self.bias.setImage(b, autoLevels=False)
        if first:  # setRect needs the image's size: cell (r, c) is centred on (c, r)
            self.weights.setRect(QRectF(-0.5, -0.5, self.n_in, self.n_out))
            self.bias.setRect(QRectF(self.n_in - 0.5 + _BIAS_GAP, -0.5, 1, self.n_out))

    def cell_at(self, x: float, y: float) -> tuple[int, int | None] | None:
        """(row, column) under data point (x, y); column ``None`` is the bias; ``None`` outside."""
        r = int(np.floor(y + 0.5))
        if not 0 <= r < self.n_out:
            return None
        c = int(np.floor(x + 0.5))
        if 0 <= c < self.n_in:
            return r, c
        if self.n_in - 0.5 + _BIAS_GAP <= x <= self.n_in + 0.5 + _BIAS_GAP:
            return r, None
        return None


class WeightsView(QWidget):
    """Heatmaps of every layer's weights and biases on one symmetric colour scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self._key: tuple | None = None
        self._features: tuple[str, ...] = ()
        self._snapshot: Snapshot | None = None
        self._arrangement: list[list[int]] = []
        self.layers: list[_LayerPlot] = []
        self._unbuilt: list[tuple[pg.GraphicsLayout, int, int]] = []  # (row, place, layer) plots still to make
        self._builder = DrawStep(self._build_next, lambda: self.throttle.turns, self)  # the next plot, in its turn
        self.vmax = 1.0
        self._lut = palette.diverging_lut()
        self.header = header_label(_HINT)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("w")
        self.canvas.ci.setSpacing(2)
        self.canvas.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.colorbar: pg.ColorBarItem | None = None
        self._made_colorbar: pg.ColorBarItem | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        # Heatmaps keep a minimum cell size; when the panel is too low for that, it scrolls.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.canvas)
        layout.addWidget(self.scroll, 1)
        self.setToolTip("Each layer's weights: a row per neuron, a column per input, the bias at the "
                        "right. Blue positive, orange negative; one scale for all layers.")

    # ------------------------------------------------------------------ public

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` at most :data:`MAX_FPS` times a second (the latest one is always drawn)."""
        self.throttle(snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        """Replace every image's data and the shared scale; rebuild only for a new architecture."""
        features = tuple(snapshot.spec.features)
        key = (tuple(snapshot.layer_sizes), features)
        if key != self._key:
            self._build(snapshot.layer_sizes, features)
            self._key = key
        self._snapshot = snapshot
        arrays = (*snapshot.weights, *snapshot.biases)
        vmax = max([float(np.max(np.abs(a))) for a in arrays if a.size] or [0.0])
        # The scale moves in nice steps (…, 1, 1.2, 1.5, 2, …) just above max |w|: colours and the
        # colour bar's ticks stay put between frames instead of flickering with every update.
        self.vmax = nice_ceiling(vmax) if np.isfinite(vmax) and vmax > 0 else 1.0
        for lp, w, b in zip(self.layers, snapshot.weights, snapshot.biases, strict=False):  # the plots made so far
            lp.set_data(self._rgba(w), self._rgba(np.reshape(b, (-1, 1))))
        if self.colorbar is not None and tuple(self.colorbar.levels()) != (-self.vmax, self.vmax):
            self.colorbar.setLevels(values=(-self.vmax, self.vmax))

    def _rgba(self, values: np.ndarray) -> np.ndarray:
        """Values (...,) -> RGBA (..., 4) uint8 on the ±vmax diverging scale (the palette's, table cached)."""
        v = np.clip(np.nan_to_num(np.asarray(values, dtype=float) / self.vmax), -1.0, 1.0)
        return palette.lookup_rgba(self._lut, ((v + 1.0) * (0.5 * (len(self._lut) - 1)) + 0.5).astype(np.intp))

    def clear(self) -> None:
        """Remove every plot."""
        self.throttle.cancel()
        self._builder.stop()
        self._unbuilt = []
        self.canvas.setUpdatesEnabled(True)
        self.canvas.clear()
        self.layers = []
        self.colorbar = None
        self._key = None
        self._snapshot = None
        self.header.setText(_HINT)

    def hover_text_at(self, layer: int, x: float, y: float) -> str:
        """The header text for data point (x, y) in ``layer``'s plot."""
        if self._snapshot is None or not 0 <= layer < len(self.layers):
            return _HINT
        cell = self.layers[layer].cell_at(x, y)
        if cell is None:
            return _HINT
        r, c = cell
        title = layer_title(layer, len(self.layers))
        if c is None:
            return f"{title} · neuron {r + 1} · bias = {float(self._snapshot.biases[layer][r]):.4g}"
        src = FEATURE_LABELS.get(self._features[c], self._features[c]) if layer == 0 else f"neuron {c + 1}"
        return f"{title} · neuron {r + 1} ← {src} · w = {float(self._snapshot.weights[layer][r, c]):.4g}"

    # ------------------------------------------------------------------ building

    def _arrangement_for_size(self, sizes: tuple[int, ...], features: tuple[str, ...]) -> list[list[int]]:
        metrics = QFontMetrics(_tick_font())
        label = max(metrics.horizontalAdvance(FEATURE_LABELS.get(f, f)) for f in features) + 6
        # The canvas fills the widget below the header; the canvas's own size may lag behind.
        return arrange_layers(sizes, label, self.width() - 90.0, self.height() - self.header.height())

    def _build(self, sizes: tuple[int, ...], features: tuple[str, ...]) -> None:
        self.clear()
        self._features = features
        self._arrangement = self._arrangement_for_size(sizes, features)
        for r, members in enumerate(self._arrangement):
            row = self.canvas.addLayout(row=r, col=0)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            row.setMinimumHeight(min_canvas_height(sizes, [members]))  # cells of at least MIN_CELL px
            self._unbuilt += [(row, k, i) for k, i in enumerate(members)]
        for _ in range(len(self._unbuilt) if len(self._unbuilt) <= PLOTS_AT_ONCE else 0):
            self._add_layer_plot(*self._unbuilt.pop(0), sizes, features)
        if self._unbuilt:  # not painted until complete: a repaint per plot would cost more than the plots
            self.canvas.setUpdatesEnabled(False)
            self._builder.start()
        if self._made_colorbar is None:  # made once and put back by every build (it takes ~10 ms to make)
            self._made_colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False,
                                                  width=12, pen=AXIS)
            for name in ("left", "right", "top", "bottom"):
                self._made_colorbar.getAxis(name).setTextPen(pg.mkPen(TEXT))
        self.colorbar = self._made_colorbar
        self.canvas.addItem(self.colorbar, row=0, col=1, rowspan=len(self._arrangement))
        self.canvas.ci.layout.setColumnFixedWidth(1, 64)
        self.canvas.setMinimumHeight(min_canvas_height(sizes, self._arrangement))
        theme.restyle_new(self.canvas)  # the new plots in the active theme's ink

    def finish_drawing(self) -> None:
        """Make every plot still to come now (before a picture of the view is taken)."""
        while self._unbuilt:
            self._build_next()

    def _build_next(self) -> None:
        """Make the next layer's plot and draw the last snapshot's weights in it."""
        if not self._unbuilt or self._key is None:
            self._builder.stop()
            self.canvas.setUpdatesEnabled(True)
            return
        self._add_layer_plot(*self._unbuilt.pop(0), *self._key)
        s, i = self._snapshot, len(self.layers) - 1
        if s is not None and i < len(s.weights):
            self.layers[i].set_data(self._rgba(s.weights[i]), self._rgba(np.reshape(s.biases[i], (-1, 1))))
        if self._unbuilt:
            self._builder.start()
        else:
            self._builder.stop()
            theme.restyle_new(self.canvas)  # the new plots in the active theme's ink
            self.canvas.setUpdatesEnabled(True)

    def _add_layer_plot(self, row: pg.GraphicsLayout, k: int, i: int, sizes: tuple[int, ...],
                        features: tuple[str, ...]) -> None:
        n_in, n_out = sizes[i], sizes[i + 1]
        plot = row.addPlot(row=0, col=k, enableMenu=False)  # no context menu: made and dropped cost ~6 ms
        style_plot(plot, grid=False)
        plot.setTitle(f"{layer_title(i, len(sizes) - 1)} ({n_in}→{n_out})", color=TEXT, size="9pt")
        plot.titleLabel.setMinimumWidth(10)  # a long title may be clipped rather than widen the layout
        plot.setMinimumWidth(50)
        lp = _LayerPlot(plot, n_out, n_in)
        if i == 0:  # every other feature name in a second level, dropped by pyqtgraph when crowded
            names = [(float(c), FEATURE_LABELS.get(f, f)) for c, f in enumerate(features)]
            bottom = [names[::2], names[1::2], []]
        else:
            bottom = _index_ticks(n_in)
        bottom[0].append((n_in + _BIAS_GAP, "b"))
        plot.getAxis("bottom").setTicks(bottom)
        plot.getAxis("left").setTicks(_index_ticks(n_out))
        font = _tick_font()
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=font, tickTextOffset=2)
        plot.getAxis("left").setWidth(24)
        row.layout.setColumnStretchFactor(k, round(10 * (n_in + 1 + _BIAS_GAP)))  # equal cell widths
        self.layers.append(lp)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._key is None or self._snapshot is None:
            return
        sizes, features = self._key
        if self._arrangement_for_size(sizes, features) != self._arrangement:
            snapshot = self._snapshot
            self._build(sizes, features)  # a new wrap of the layers into rows
            self._key = (sizes, features)
            self._draw(snapshot)

    def _on_mouse_moved(self, pos: QPointF) -> None:
        for i, lp in enumerate(self.layers):
            vb = lp.plot.getViewBox()
            if vb.sceneBoundingRect().contains(pos):
                p = vb.mapSceneToView(pos)
                self.header.setText(self.hover_text_at(i, p.x(), p.y()))
                return
        self.header.setText(_HINT)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.header.setText(_HINT)
        super().leaveEvent(event)


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(WeightsView))
