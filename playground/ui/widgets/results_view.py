"""Results per class: confusion matrices of the training and test points (classification), or
predicted against target values with R² (regression), live from the snapshots.

Rows are the true classes, columns the predicted ones, labelled as the files number them
(0 … K−1) in the class colours; each cell shows its count and its share of the row.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedLayout, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.class_results import Results, per_class_accuracy, row_percentages
from playground.core.snapshot import Snapshot
from playground.ui import palette
from playground.ui.widgets.plot_style import TEXT, Throttle, header_label, legend_label, plot_widget, style_plot

MAX_FPS = 8
#: The scatter shows at most this many points (an even sample of larger sets), so a draw stays cheap.
MAX_SCATTER_POINTS = 5000
_GOOD = QColor("#2e7d32")
_BAD = QColor("#c62828")


def format_r2(value: float | None) -> str:
    """R² with three decimals; ``–`` when undefined."""
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f} %"


def result_texts(snapshot: Snapshot) -> tuple[str, str]:
    """The status bar's result field and its tooltip: accuracy (per class in the tooltip) for
    classification, R² for regression; train first, then test, each named."""
    r = snapshot.results
    if r is not None and r.confusion_train is None:
        return (f"R² train {format_r2(r.r2_train)} · test {format_r2(r.r2_test)}",
                "R², the share of the targets' variance the network explains: 1 is exact, 0 is no better "
                "than predicting the mean.")
    if snapshot.train_accuracy is None and snapshot.test_accuracy is None:
        return "Accuracy –", "Share of training and of test points classified correctly."
    text = f"Accuracy train {_percent(snapshot.train_accuracy)} · test {_percent(snapshot.test_accuracy)}"
    lines = ["Share of each class's points classified correctly (train · test):"]
    if r is not None and r.confusion_train is not None:
        train, test = per_class_accuracy(r.confusion_train), per_class_accuracy(r.confusion_test)
        lines += [f"class {k}: {_percent(a)} · {_percent(b)}" for k, (a, b) in enumerate(zip(train, test,
                                                                                              strict=True))]
    return text, "\n".join(lines)


def row_labels(classes: int) -> list[str]:
    """The matrix's row labels; for more than two classes with each class's point shape, as the plots
    draw its points."""
    return [f"{palette.CLASS_GLYPHS[i]} true {i}" if classes > 2 else f"true {i}" for i in range(classes)]


class ConfusionMatrix(QWidget):
    """One confusion matrix, painted: a cell's tint is its share of the row (green on the diagonal,
    red off it), its text the count and the percentage."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.matrix: np.ndarray | None = None
        self.setMinimumSize(160, 140)
        self.setToolTip(f"{title}: rows are the true classes, columns the predicted ones; each cell shows "
                        f"how many points and what share of the true class.")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(260, 240)

    def set_matrix(self, matrix: np.ndarray | None) -> None:
        """Show ``matrix`` (K, K); one equal to the shown one (most frames late in a run) is not painted again."""
        same = matrix is self.matrix or (matrix is not None and self.matrix is not None
                                         and np.array_equal(matrix, self.matrix))
        self.matrix = matrix
        if not same:
            self.update()

    def cell_text(self, i: int, j: int) -> str:
        """The text of row ``i`` (true class), column ``j`` (predicted): count and row percentage."""
        assert self.matrix is not None
        pct = row_percentages(self.matrix)[i, j]
        return f"{int(self.matrix[i, j]):,}\n" + ("–" if math.isnan(pct) else f"{pct:.0f} %")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        fm = p.fontMetrics()
        line = fm.height()
        p.setPen(QColor(TEXT))
        bold = QFont(p.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(0, 0, self.width(), line + 4), Qt.AlignmentFlag.AlignCenter, self.title)
        p.setFont(self.font())
        m = self.matrix
        if m is None or m.size == 0:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no points")
            p.end()
            return
        k = m.shape[0]
        # Rows: title, "predicted", the column classes, then the cells; the row labels in bold.
        labels = row_labels(k)
        label_width = max(QFontMetricsF(bold).horizontalAdvance(t) for t in labels) + 8
        top = 3 * line + 8
        size = max(8.0, min((self.width() - label_width - 4) / k, (self.height() - top - 4) / k))
        left = max(label_width, (self.width() - size * k + label_width) / 2 - label_width / 2)
        p.drawText(QRectF(left, line + 4, size * k, line), Qt.AlignmentFlag.AlignCenter, "predicted")
        pct = row_percentages(m)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, min(self.font().pointSizeF(), size / 4.2)))
        for i in range(k):
            y = top + i * size
            p.setPen(QColor(palette.CLASS_COLORS[i]))
            p.setFont(bold)
            p.drawText(QRectF(0, y, left - 6, size), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       labels[i])
            p.drawText(QRectF(left + i * size, 2 * line + 5, size, line), Qt.AlignmentFlag.AlignCenter, str(i))
            p.setFont(small)
            for j in range(k):
                share = 0.0 if math.isnan(pct[i, j]) else pct[i, j] / 100.0
                base = _GOOD if i == j else _BAD
                tint = QColor(base)
                tint.setAlphaF(0.08 + 0.72 * share if share > 0 else 0.0)
                rect = QRectF(left + j * size, y, size, size)
                p.fillRect(rect, tint)
                p.setPen(QColor("#d0d0d0"))
                p.drawRect(rect)
                p.setPen(QColor("white") if share > 0.6 else QColor(TEXT))
                if size >= 26:
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.cell_text(i, j))
        p.end()


class ResultsView(QWidget):
    """Confusion matrices (train, test) for classification; predicted vs target for regression."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throttle = Throttle(self._draw, MAX_FPS, self)
        self.train_matrix = ConfusionMatrix("Train")
        self.test_matrix = ConfusionMatrix("Test")
        matrices = QWidget()
        row = QHBoxLayout(matrices)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.train_matrix)
        row.addWidget(self.test_matrix)

        self.scatter_plot = plot_widget()
        style_plot(self.scatter_plot.getPlotItem())
        self.scatter_plot.setLabel("bottom", "target", color=TEXT)
        self.scatter_plot.setLabel("left", "predicted", color=TEXT)
        self.scatter_plot.setToolTip("Every point's predicted value against its target; on the diagonal the "
                                     "prediction is exact.")
        self.diagonal = pg.PlotDataItem(pen=pg.mkPen("#9e9e9e", width=1, style=Qt.PenStyle.DashLine))
        self.train_scatter = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(palette.POSITIVE))
        self.test_scatter = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(palette.NEGATIVE))
        for item in (self.diagonal, self.train_scatter, self.test_scatter):
            self.scatter_plot.addItem(item)
        scatter = QWidget()
        col = QVBoxLayout(scatter)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.scatter_plot, 1)
        col.addWidget(legend_label([("train", palette.POSITIVE), ("test", palette.NEGATIVE)]))

        self.header = header_label("no training yet", rich=True)
        self.stack = QStackedLayout()
        self.stack.addWidget(matrices)
        self.stack.addWidget(scatter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(self.stack, 1)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot``'s results at most :data:`MAX_FPS` times a second."""
        self.throttle(snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        r: Results | None = snapshot.results
        if r is None:
            return
        if r.confusion_train is not None:
            self.stack.setCurrentIndex(0)
            self.train_matrix.set_matrix(r.confusion_train)
            self.test_matrix.set_matrix(r.confusion_test)
            self.header.setText(f"epoch <b>{snapshot.epoch:,}</b>&nbsp;&nbsp;·&nbsp;&nbsp;rows: true class, "
                                f"columns: predicted")
            return
        self.stack.setCurrentIndex(1)
        ds = snapshot.dataset
        n = ds.n_train
        for item, target, predicted in ((self.train_scatter, ds.y_train, r.predicted[:n]),
                                        (self.test_scatter, ds.y_test, r.predicted[n:])):
            step = max(1, -(-len(target) // MAX_SCATTER_POINTS))
            item.setData(target[::step], predicted[::step])
        values = np.concatenate([ds.y_train, ds.y_test])
        lo, hi = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
        self.diagonal.setData([lo, hi], [lo, hi])
        sep = "&nbsp;&nbsp;·&nbsp;&nbsp;"
        self.header.setText(f"epoch <b>{snapshot.epoch:,}</b>{sep}R² train <b>{format_r2(r.r2_train)}</b>{sep}"
                            f"test <b>{format_r2(r.r2_test)}</b>")

    def clear(self) -> None:
        self.throttle.cancel()
        self.train_matrix.set_matrix(None)
        self.test_matrix.set_matrix(None)
        self.train_scatter.setData([], [])
        self.test_scatter.setData([], [])
        self.header.setText("no training yet")


if __name__ == "__main__":  # the view on its own with sample data
    from PySide6.QtWidgets import QApplication

    from playground.core.spec import DataSpec, ExperimentSpec
    from playground.core.trainer import Trainer

    app = QApplication([])
    trainer = Trainer(ExperimentSpec(data=DataSpec("blobs", classes=4)))
    trainer.train(20)
    view = ResultsView()
    view.show_snapshot(trainer.snapshot(grid_resolution=None))
    view.resize(560, 300)
    view.show()
    app.exec()
