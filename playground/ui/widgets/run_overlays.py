"""Kept runs' loss curves on the live loss chart: test loss solid, train loss dashed, each run in its colour.

The overlaid runs are immutable, so their curves are set once when the choice
changes, never per frame. They sit under the live curves, follow the chart's
log scale (pyqtgraph applies it to every data item of the plot) and its axes
(``LossPlot.set_overlay_histories``), and each run's name joins the legend.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.runs import Run
from playground.ui.widgets.loss_plot import LossPlot
from playground.ui.widgets.plot_style import set_legend
from playground.ui.widgets.run_colors import run_color


class RunOverlays:
    """Draws the given runs' curves on ``plot`` (a :class:`LossPlot`); :meth:`show_runs` replaces them."""

    def __init__(self, plot: LossPlot) -> None:
        self.plot = plot
        self.runs: tuple[Run, ...] = ()
        self.curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []  # (test, train) per run

    def show_runs(self, runs: tuple[Run, ...]) -> None:
        """Overlay exactly ``runs`` (in this order), with their current names in the legend."""
        target = self.plot.plot.getPlotItem()
        for test, train in self.curves:
            target.removeItem(test)
            target.removeItem(train)
        self.curves = []
        self.runs = tuple(runs)
        for run in self.runs:
            color = run_color(run)
            x = np.asarray(run.history.epochs, dtype=float)
            test = pg.PlotDataItem(x, run.history.test_loss, pen=pg.mkPen(color, width=1), connect="finite")
            train = pg.PlotDataItem(x, run.history.train_loss, connect="finite",
                                    pen=pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))
            for curve in (test, train):
                target.addItem(curve)  # first: clipping to the view needs the view
                curve.setDownsampling(auto=True, method="mean")
                curve.setClipToView(True)
                curve.setZValue(-1)  # under the live curves
            self.curves.append((test, train))
        self.plot.set_overlay_histories(tuple(r.history for r in self.runs))
        entries = list(self.plot.legend_entries)
        entries += [(html.escape(r.name), run_color(r)) for r in self.runs]
        set_legend(self.plot.legend, entries)
        if self.runs:
            self.plot.legend.setToolTip("Grey and black: the current run (train, test). Coloured: kept runs, "
                                        "test loss solid, train loss dashed.")
        else:
            self.plot.legend.setToolTip("")
