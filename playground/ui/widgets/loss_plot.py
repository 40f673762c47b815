"""Live loss curves: train and test loss per epoch, and accuracy (classification) in a small plot below.

The history in a snapshot is already thinned to a few thousand rows, and the
curves downsample to the screen and clip to the view, so the plot stays fast
and readable after 100,000 epochs; it redraws at most :data:`MAX_FPS` times a
second. Values are printed with four significant digits (TensorFlow
Playground's three decimals read 0.000 once a net is good).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.snapshot import History, Snapshot
from playground.ui import palette
from playground.ui.widgets.plot_style import (
    TEXT,
    EpochAxis,
    Throttle,
    decade_ticks,
    header_label,
    legend_label,
    nice_ceiling,
    padded,
    plot_widget,
    set_range_if_changed,
    style_plot,
)
from playground.ui.widgets.results_view import format_r2

#: The train curves' colour: the palette's train grey, lighter, so that the test curve stands out.
TRAIN_CURVE = QColor(palette.TRAIN_LOSS).lighter(160).name()
#: Redraws a second at most while training (the latest snapshot is always drawn, a little late).
MAX_FPS = 10
_AXIS_WIDTH = 52  # both plots' left axes equally wide, so their epochs line up


def format_value(v: float | None) -> str:
    """A loss with four significant digits (``0.0003456``, ``1.234e-07``); ``–`` when missing."""
    if v is None or not np.isfinite(v):
        return "–"
    return f"{v:.4g}"


def format_accuracy(v: float | None) -> str:
    """An accuracy in [0, 1] as a percentage with one decimal; ``–`` when missing."""
    if v is None or not np.isfinite(v):
        return "–"
    return f"{100.0 * v:.1f} %"


def _styled_plot(left_label: str) -> pg.PlotWidget:
    plot = plot_widget()
    item = plot.getPlotItem()
    style_plot(item)
    item.getAxis("left").setWidth(_AXIS_WIDTH)
    item.setLabel("left", left_label, color=TEXT)
    return plot


def loss_range(losses: np.ndarray, log: bool) -> tuple[float, float]:
    """The loss axis range in "nice" steps: [0, nice max] linear, whole decades (log10 units) log."""
    finite = losses[np.isfinite(losses)]
    if log:
        pos = finite[finite > 0]
        if not pos.size:
            return (-3.0, 0.0)
        lo, hi = float(np.floor(np.log10(pos.min()))), float(np.ceil(np.log10(pos.max())))
        return (lo, max(hi, lo + 1.0))
    return (0.0, nice_ceiling(float(finite.max()) * 1.05) if finite.size else 1.0)


def _curve(plot: pg.PlotWidget, color: str, name: str) -> pg.PlotDataItem:
    # One-pixel pens: Qt strokes wider lines about five times slower (measured: 16 vs 3.5 ms a frame
    # for 4,000 points). Mean downsampling to ~2 points a pixel; "peak" draws batch noise as a band.
    curve = plot.plot(pen=pg.mkPen(color, width=1), name=name, connect="finite")
    curve.setDownsampling(auto=True, method="mean")
    curve.opts["autoDownsampleFactor"] = 2.0
    curve.setClipToView(True)
    return curve


class LossPlot(QWidget):
    """Train and test loss per epoch; accuracy below for classification.

    A header line shows the latest values, or the values under the mouse while
    it hovers the plots (a vertical line marks that epoch).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self._epoch_axis = EpochAxis()
        self._ticks: tuple | None = None  # (loss range, log) the axis ticks were made for
        self._history: History | None = None
        self._latest = "no training yet"
        self._hover_index: int | None = None
        self._hover_epoch: float | None = None
        self._log = False
        self._accuracy_low: float | None = None

        # Two lines or more: epoch, both losses and both accuracies do not fit one line of a dock of
        # the default width (the test accuracy was cut off); see _fit_header.
        self.header = header_label(self._latest, lines=2, rich=True)

        self.plot = _styled_plot("loss")
        # TensorFlow Playground's grey (train) and black (test); the grey lightened, as 1-px lines
        # of the two read alike otherwise.
        train_color = TRAIN_CURVE
        self.legend_entries = [("train", train_color), ("test", palette.TEST_LOSS)]
        self.legend = legend_label(self.legend_entries)
        self._overlays: tuple[History, ...] = ()  # kept runs drawn beside the live curves (``run_overlays``)
        self.train_curve = _curve(self.plot, train_color, "train")
        self.test_curve = _curve(self.plot, palette.TEST_LOSS, "test")

        self.accuracy_plot = _styled_plot("acc. %")
        self.accuracy_plot.setLabel("bottom", "epoch", color=TEXT)
        self.accuracy_plot.setXLink(self.plot)
        self.train_accuracy_curve = _curve(self.accuracy_plot, train_color, "train")
        self.test_accuracy_curve = _curve(self.accuracy_plot, palette.TEST_LOSS, "test")
        # Tall enough under its epoch axis for two tick labels (0/40 … 100) to show.
        self.accuracy_plot.setMinimumHeight(84)
        self.accuracy_plot.setMaximumHeight(130)
        # Its tick labels need room at the ends of a short axis: the range follows its height.
        self.accuracy_plot.getViewBox().sigResized.connect(self._update_ranges)

        # Hover markers: a line across both plots at the hovered epoch, dots on the loss curves.
        self.hover_lines = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#999999", style=Qt.PenStyle.DotLine))
                            for _ in range(2)]
        self.plot.addItem(self.hover_lines[0], ignoreBounds=True)
        self.accuracy_plot.addItem(self.hover_lines[1], ignoreBounds=True)
        self.hover_dots = pg.PlotDataItem(pen=None, symbol="o", symbolSize=7, symbolPen=pg.mkPen("w"),
                                          symbolBrush=pg.mkBrush(palette.ACCENT))
        self.plot.addItem(self.hover_dots, ignoreBounds=True)
        self._set_hover_visible(False)
        for p in (self.plot, self.accuracy_plot):
            p.scene().sigMouseMoved.connect(self._on_mouse_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.accuracy_plot, 1)
        self._show_accuracy(True)
        self.setToolTip("Loss per epoch on the training set (grey) and the test set (black); "
                        "hover to read exact values.")

    # ------------------------------------------------------------------ public

    def set_log_scale(self, on: bool) -> None:
        """Show the loss axis logarithmic (``True``) or linear."""
        self._log = bool(on)
        self.plot.setLogMode(y=self._log)
        self.plot.setLabel("left", "loss (log)" if self._log else "loss", color=TEXT)
        self._update_ranges()
        self._update_hover_dots()

    def set_overlay_histories(self, histories: tuple[History, ...]) -> None:
        """Fit these histories (kept runs' curves drawn on the chart) in the axes too."""
        self._overlays = tuple(histories)
        self._update_ranges()

    def is_log_scale(self) -> bool:
        """Whether the loss axis is logarithmic."""
        return self._log

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_header()

    def _fit_header(self) -> None:
        """Give the header the lines its longest text needs at this width (3 in a narrow dock): its
        height changes with the width only, never with the figures it shows."""
        widest = self._values_text(100_000, 0.0123456, 0.0123456, 1.0, 1.0)
        doc = QTextDocument()
        doc.setDefaultFont(self.header.font())
        doc.setDocumentMargin(0)
        doc.setHtml(widest)
        doc.setTextWidth(max(self.header.contentsRect().width(), 1))
        line = QFontMetricsF(self.header.font()).lineSpacing()
        height = int(line * max(2, round(doc.size().height() / line))) + 6
        if height != self.header.height():
            self.header.setFixedHeight(height)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` at most :data:`MAX_FPS` times a second (the latest one is always drawn)."""
        self.throttle(snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot.history`` (curve data replaced in place, no items created)."""
        h = snapshot.history
        self._history = h
        x = np.asarray(h.epochs, dtype=float)
        self.train_curve.setData(x, h.train_loss)
        self.test_curve.setData(x, h.test_loss)
        classification = snapshot.dataset.problem == "classification"
        if classification:
            self.train_accuracy_curve.setData(x, 100.0 * np.asarray(h.train_accuracy))
            self.test_accuracy_curve.setData(x, 100.0 * np.asarray(h.test_accuracy))
        if self.accuracy_plot.isVisibleTo(self) != classification:
            self._show_accuracy(classification)
        self._update_ranges()
        self._latest = self._values_text(
            snapshot.epoch, snapshot.train_loss, snapshot.test_loss,
            snapshot.train_accuracy, snapshot.test_accuracy)
        r = snapshot.results
        if r is not None and r.confusion_train is None:  # regression: R² beside the loss
            self._latest += (f"&nbsp;&nbsp;·&nbsp;&nbsp;R² train <b>{format_r2(r.r2_train)}</b> "
                             f"test <b>{format_r2(r.r2_test)}</b>")
        if self._hover_epoch is not None:
            self.hover_epoch(self._hover_epoch)  # the history may have been thinned anew: look it up again
        else:
            self._clear_hover()

    def _show_accuracy(self, on: bool) -> None:
        """Show the accuracy plot (classification) or not (regression)."""
        self.accuracy_plot.setVisible(on)
        # The accuracy plot below shares the epoch axis and labels it: the loss plot then need not,
        # which leaves both plots more height.
        self.plot.getAxis("bottom").setStyle(showValues=not on)
        self.plot.setLabel("bottom", None if on else "epoch", color=TEXT)

    def _update_ranges(self) -> None:
        """Axes move in nice steps (epochs to the next 1-1.2-1.5-2-… mark), so they rarely need new ticks."""
        h = self._history
        if h is None:
            return
        last = float(h.epochs[-1]) if len(h.epochs) else 0.0
        shown = (h, *self._overlays)
        # Overlaid runs widen the axis to their end, but only the live run's epochs pace it.
        kept = max((nice_ceiling(float(x.epochs[-1])) for x in self._overlays if len(x.epochs)), default=0.0)
        y = loss_range(np.concatenate([c for x in shown for c in (x.train_loss, x.test_loss)]), self._log)
        ticks = (y, self._log)
        if ticks != self._ticks:  # whole decades in one style on the log axis; pyqtgraph's own otherwise
            self._ticks = ticks
            self.plot.getAxis("left").setTicks([decade_ticks(*y), []] if self._log else None)
        set_range_if_changed(self.plot.getPlotItem(), x=padded(0.0, max(self._epoch_axis.update(last), kept)),
                             y=padded(*y))
        acc = 100.0 * np.concatenate([h.train_accuracy, h.test_accuracy])
        acc = acc[np.isfinite(acc)]
        if acc.size:
            low = min(90.0, 10.0 * float(np.floor(acc.min() / 10)))
            if low != self._accuracy_low:
                # The ends labelled, the tens between only where there is room for them.
                self._accuracy_low = low
                inner = [(float(v), f"{v:g}") for v in np.arange(low + 10, 100, 10)]
                self.accuracy_plot.getAxis("left").setTicks([[(low, f"{low:g}"), (100.0, "100")], inner])
            set_range_if_changed(self.accuracy_plot.getPlotItem(), y=padded(low, 100.0, self._accuracy_padding()))

    def _accuracy_padding(self) -> float:
        """Padding (fraction of the span) that keeps the end labels inside the accuracy axis.

        pyqtgraph drops a tick label that sticks out of its axis, and the labels sit centred on
        their ticks: the ticks at the ends need half a label's height of room.
        """
        axis = self.accuracy_plot.getAxis("left")
        room = 0.4 * QFontMetricsF(axis.font()).height() + 1.0  # pyqtgraph counts 0.8 of a line
        height = self.accuracy_plot.getViewBox().height()
        if height <= 4 * room:
            return 0.1  # too short for labels anyway
        return max(0.1, room / (height - 2 * room))

    def clear(self) -> None:
        """Remove every curve's data."""
        self.throttle.cancel()
        self._history = None
        for c in (self.train_curve, self.test_curve, self.train_accuracy_curve, self.test_accuracy_curve):
            c.setData([], [])
        self._latest = "no training yet"
        self._clear_hover()

    def hover_text(self) -> str:
        """The header line: the hovered epoch's values, or the latest ones (plain text)."""
        return self.header.text().replace("&nbsp;", " ").replace("<b>", "").replace("</b>", "")

    def hover_epoch(self, epoch: float) -> str:
        """Show the values at the recorded epoch nearest ``epoch`` in the header, and return them."""
        h = self._history
        if h is None or len(h.epochs) == 0:
            self._clear_hover()
            return self.hover_text()
        i = int(np.clip(np.searchsorted(h.epochs, epoch), 0, len(h.epochs) - 1))
        if i > 0 and abs(h.epochs[i - 1] - epoch) <= abs(h.epochs[i] - epoch):
            i -= 1
        self._hover_index = i
        self._hover_epoch = float(epoch)
        self._update_hover_dots()
        return self.hover_text()

    # ------------------------------------------------------------------ hover

    @staticmethod
    def _values_text(epoch: int, train: float, test: float, train_acc: float | None,
                     test_acc: float | None) -> str:
        # The line breaks (in a narrow dock) only between figures, never inside one.
        sep = "&nbsp;&nbsp;·&nbsp; "
        parts = [f"epoch <b>{int(epoch):,}</b>", f"train <b>{format_value(train)}</b>",
                 f"test <b>{format_value(test)}</b>"]
        if train_acc is not None and np.isfinite(train_acc):
            # Labelled like the status bar: train first, then test, each named.
            parts.append(f"acc. train <b>{format_accuracy(train_acc)}</b> test <b>{format_accuracy(test_acc)}</b>")
        return sep.join(part.replace(" ", "&nbsp;") for part in parts)

    def _on_mouse_moved(self, pos: QPointF) -> None:
        for plot in (self.plot, self.accuracy_plot):
            if plot.isVisible() and plot.sceneBoundingRect().contains(pos):
                vb = plot.getPlotItem().getViewBox()
                if vb.sceneBoundingRect().contains(pos):
                    self.hover_epoch(vb.mapSceneToView(pos).x())
                    return
        self._clear_hover()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._clear_hover()
        super().leaveEvent(event)

    def _update_hover_dots(self) -> None:
        h, i = self._history, self._hover_index
        if h is None or i is None or i >= len(h.epochs):
            self._clear_hover()
            return
        e = float(h.epochs[i])
        for line in self.hover_lines:
            line.setPos(e)
        ys = np.array([h.train_loss[i], h.test_loss[i]], dtype=float)
        self.hover_dots.setData([e, e], ys)
        self.hover_dots.setLogMode(False, self._log)
        self._set_hover_visible(True)
        self.header.setText(self._values_text(int(h.epochs[i]), h.train_loss[i], h.test_loss[i],
                                              h.train_accuracy[i], h.test_accuracy[i]))

    def _clear_hover(self) -> None:
        self._hover_index = None
        self._hover_epoch = None
        self._set_hover_visible(False)
        self.header.setText(self._latest)

    def _set_hover_visible(self, on: bool) -> None:
        for item in (*self.hover_lines, self.hover_dots):
            item.setVisible(on)


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(LossPlot))
