"""The weight and gradient histograms' dock, tabbed with the gradient flow's and fed like every view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from playground.ui.widgets.gradient_histograms import GradientHistogramsView

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


def install(window: MainWindow) -> GradientHistogramsView:
    """Add the histograms as ``window.histograms_dock`` beside the gradient flow; returns the view."""
    view = GradientHistogramsView()
    view.throttle.turns = window.gradient_view.throttle.turns  # drawn in other frames than the other views
    window.histograms_dock = window.make_dock("Histograms", "histograms_dock", view)
    window.histograms_dock.setToolTip("Weights and gradients of every layer as histograms")
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, window.histograms_dock)
    window.tabifyDockWidget(window.gradient_dock, window.histograms_dock)
    window.views = (*window.views, view)
    return view
