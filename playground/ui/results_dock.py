"""The Results dock: confusion matrices or predicted-vs-target (``widgets.results_view``), tabbed
beside the weights, drawn from the snapshots like the other views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDockWidget

from playground.ui.widgets.results_view import ResultsView

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


def install(window: MainWindow) -> QDockWidget:
    """Create ``window.results_view`` in a dock (``window.results_dock``) tabbed with the weights."""
    window.results_view = ResultsView()
    dock = window.make_dock("Results", "results_dock", window.results_view)
    dock.setToolTip("Results per class: confusion matrices of the training and test points, or predicted "
                    "against target values for regression")
    window.tabifyDockWidget(window.gradient_dock, dock)
    window.weights_dock.raise_()
    window.views = (*window.views, window.results_view)
    window.results_dock = dock
    return dock
