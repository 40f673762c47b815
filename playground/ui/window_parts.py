"""Pieces of the main window: experiment dock, boundary and loss panels, banner, status bar."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.snapshot import Snapshot
from playground.core.spec import ExperimentSpec
from playground.ui import palette
from playground.ui.widgets.data_panel import DataPanel
from playground.ui.widgets.features_panel import FeaturesPanel
from playground.ui.widgets.network_panel import NetworkPanel
from playground.ui.widgets.results_view import result_texts
from playground.ui.widgets.training_panel import TrainingPanel

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

GRID_CHOICES = (50, 100, 150, 200, 300, 400)
NOTE_MS = 8000


def format_metric(value: float | None) -> str:
    """Four significant digits, never a misleading ``0.000``; ``–`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.4g}"


def _checkable_action(window: QWidget, text: str, tip: str) -> QAction:
    action = QAction(text, window)
    action.setCheckable(True)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


def _check_box_for(action: QAction) -> QCheckBox:
    """A check box that mirrors a checkable action both ways."""
    box = QCheckBox(action.text())
    box.setToolTip(action.toolTip())
    box.toggled.connect(action.setChecked)
    action.toggled.connect(box.setChecked)
    return box


# ---------------------------------------------------------------------- experiment dock


@dataclass
class ExperimentDock:
    """The left dock: data, features, network and training panels in a scroll area."""

    dock: QDockWidget
    data: DataPanel
    features: FeaturesPanel
    network: NetworkPanel
    training: TrainingPanel

    def show_spec(self, spec: ExperimentSpec) -> None:
        """Show ``spec`` in every panel without emitting changes."""
        self.data.set_data(spec.data)
        self.features.set_features(spec.features)
        self.network.set_network(spec.network)
        self.training.set_training(spec.training, spec.problem)


def experiment_dock(window: MainWindow) -> ExperimentDock:
    spec = window.spec
    data = DataPanel(spec.data)
    features = FeaturesPanel(spec.features)
    network = NetworkPanel(spec.network)
    training = TrainingPanel(spec.training, spec.problem)
    column = QWidget()
    lay = QVBoxLayout(column)
    lay.setContentsMargins(6, 6, 6, 6)
    for title, panel in (("Data", data), ("Features", features), ("Network", network),
                         ("Training", training)):
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(6, 4, 6, 6)
        inner.addWidget(panel)
        lay.addWidget(box)
    lay.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(column)
    scroll.setMinimumWidth(column.sizeHint().width() + 16)
    dock = QDockWidget("Experiment", window)
    dock.setObjectName("experiment_dock")
    dock.setWidget(scroll)
    return ExperimentDock(dock, data, features, network, training)


# ---------------------------------------------------------------------- view panels


def boundary_panel(window: MainWindow) -> QWidget:
    """The boundary view with its options row; creates the window's show-test and discretize actions."""
    window.show_test_action = _checkable_action(window, "Show test data",
                                                "Draw the test points (outlined) on the boundary too")
    window.discretize_action = _checkable_action(window, "Discretize output",
                                                 "Show the predicted class only, without shading")
    window.show_test_action.toggled.connect(window.boundary.set_show_test)
    window.discretize_action.toggled.connect(window.boundary.set_discretize)
    resolution = QComboBox()
    for n in GRID_CHOICES:
        resolution.addItem(f"{n} × {n}", n)
    resolution.setCurrentIndex(GRID_CHOICES.index(100))
    resolution.setToolTip("How finely the output is sampled for the boundary picture (finer is slower).")
    resolution.currentIndexChanged.connect(lambda _: window.controller.set_grid_resolution(
        resolution.currentData()))
    window.resolution_combo = resolution
    row = QHBoxLayout()
    row.addWidget(_check_box_for(window.show_test_action))
    row.addWidget(_check_box_for(window.discretize_action))
    row.addStretch(1)
    row.addWidget(QLabel("Grid"))
    row.addWidget(resolution)
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    title = QLabel("<b>Output</b> — the network's prediction over the plane, with the training points")
    title.setToolTip("Blue means the network says +1 (class 1), orange −1 (class 0); "
                     "the brighter, the surer.")
    title.setWordWrap(True)  # a narrow window wraps it rather than growing wider
    lay.addWidget(title)
    lay.addWidget(window.boundary, 1)
    lay.addLayout(row)
    return box


def loss_panel(window: MainWindow) -> QWidget:
    """The loss plot with a log-scale switch; creates the window's log-scale action."""
    window.log_scale_action = _checkable_action(window, "Log-scale loss",
                                                "Show the loss axis logarithmically")
    window.log_scale_action.toggled.connect(window.loss_plot.set_log_scale)
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(window.loss_plot, 1)
    lay.addWidget(_check_box_for(window.log_scale_action))
    return box


# ---------------------------------------------------------------------- banner and status bar


class Banner(QFrame):
    """A dismissable message above the views: errors in red, notices in blue."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.hide()

    def wrap(self, content: QWidget) -> QWidget:
        """``content`` with this banner above it."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self)
        lay.addWidget(content, 1)
        return box

    def show_message(self, text: str, error: bool) -> None:
        color, border = ("#fdecea", "#d93025") if error else ("#e8f1f8", palette.POSITIVE)
        self.setStyleSheet(f"QFrame#banner {{ background: {color}; border: 1px solid {border}; "
                           f"border-radius: 4px; }} QLabel {{ color: #202124; }}")
        self.label.setText(text)
        self.show()

    @property
    def text(self) -> str:
        return self.label.text()


class StatusBar(QStatusBar):
    """Epoch, train/test loss, accuracy and epochs per second, plus short notes on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QLabel] = {}
        tips = {
            "epoch": "Epochs trained so far.",
            "train": "Loss on the training points.",
            "test": "Loss on the test points, which are never trained on.",
            "accuracy": "Share of training and of test points classified correctly (R² for regression).",
            "rate": "Training speed in epochs per second.",
        }
        for key, tip in tips.items():
            label = QLabel()
            label.setToolTip(tip)
            label.setMinimumWidth(110)
            self.fields[key] = label
            self.addPermanentWidget(label)
        self.show_rate(0.0)

    def note(self, text: str) -> None:
        self.showMessage(text, NOTE_MS)

    def show_metrics(self, s: Snapshot, epochs_per_second: float) -> None:
        f = self.fields
        f["epoch"].setText(f"Epoch {s.epoch:,}")
        f["train"].setText(f"Train loss {format_metric(s.train_loss)}")
        f["test"].setText(f"Test loss {format_metric(s.test_loss)}")
        text, tip = result_texts(s)
        f["accuracy"].setText(text)
        f["accuracy"].setToolTip(tip)
        self.show_rate(epochs_per_second)

    def show_rate(self, epochs_per_second: float) -> None:
        self.fields["rate"].setText(f"{epochs_per_second:,.0f} epochs/s")
