"""The transport bar: Play/Pause, Step, Step batch, Reset, speed, stop conditions and the epoch counter."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QSpinBox,
    QToolBar,
    QToolButton,
    QWidget,
)

#: Speeds offered (epochs per second); 0 means as fast as possible.
SPEEDS = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
#: A pace at which a learner can watch learning happen (a first start's speed).
WATCH_SPEED = 30.0


def speed_label(eps: float) -> str:
    return "Max speed" if eps == 0 else f"{eps:g} epochs/s"


class TransportBar(QToolBar):
    """A tool bar with the training actions (shared with the menus) and the run settings.

    Parameters
    ----------
    actions : play/pause, step epoch, step batch and reset ``QAction``s (menus use the same objects)
    """

    speed_changed = Signal(float)  # epochs per second, 0 = as fast as possible
    stop_conditions_changed = Signal(object, object)  # max epochs or None, target test loss or None

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.buttons: list[QToolButton] = []
        for action in actions:
            self.addAction(action)
            button = self.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setObjectName(f"button_{action.objectName()}")
                button.setMinimumWidth(64)
                self.buttons.append(button)

        self.epoch_label = QLabel("Epoch 000,000")
        self.epoch_label.setObjectName("epoch_label")
        self.epoch_label.setToolTip("Epochs trained so far (one epoch = one pass over the training points).")
        self.epoch_label.setStyleSheet("font-size: 16pt; padding: 0 14px; color: #183d4e;")
        self.epoch_label.setMinimumWidth(200)
        self.addWidget(self.epoch_label)
        self.set_epoch(0)

        self.addSeparator()
        self.speed = QComboBox()
        for eps in SPEEDS:
            self.speed.addItem(speed_label(eps), eps)
        self.speed.setToolTip("Epochs to train per second; Max speed trains as fast as the CPU allows.")
        self.speed.currentIndexChanged.connect(lambda _: self.speed_changed.emit(self.speed.currentData()))
        self.addWidget(QLabel(" Speed "))
        self.addWidget(self.speed)
        # Max speed one click away, and back to the watched pace with the next click.
        self.max_button = QToolButton()
        self.max_button.setObjectName("button_max_speed")
        self.max_button.setText("Max")
        self.max_button.setCheckable(True)
        self.max_button.setToolTip("Train as fast as the CPU allows; click again for the speed chosen before.")
        self.max_button.toggled.connect(self._on_max_toggled)
        self.speed.currentIndexChanged.connect(self._sync_max_button)
        self._paced = 0.0  # the last paced speed, restored when Max is switched off
        self.addWidget(self.max_button)
        self._sync_max_button()

        self.addSeparator()
        self.stop_after = QCheckBox("Stop at epoch")
        self.stop_after.setToolTip("Pause automatically when this many epochs have been trained.")
        self.max_epochs = QSpinBox()
        self.max_epochs.setRange(1, 10_000_000)
        self.max_epochs.setValue(1000)
        self.max_epochs.setSingleStep(100)
        self.max_epochs.setKeyboardTracking(False)
        self.max_epochs.setToolTip("The epoch at which training pauses when 'Stop at epoch' is on.")
        self.stop_below = QCheckBox("Stop when test loss <")
        self.stop_below.setToolTip("Pause automatically once the test loss falls below this value.")
        self.target_loss = QDoubleSpinBox()
        self.target_loss.setDecimals(4)
        self.target_loss.setRange(0.0001, 100.0)
        self.target_loss.setSingleStep(0.01)
        self.target_loss.setValue(0.01)
        self.target_loss.setKeyboardTracking(False)
        self.target_loss.setToolTip("The test loss below which training pauses when that option is on.")
        for w in (self.stop_after, self.max_epochs, self.stop_below, self.target_loss):
            self.addWidget(w)
        for box in (self.stop_after, self.stop_below):
            box.toggled.connect(self._emit_stop_conditions)
        self.max_epochs.valueChanged.connect(self._emit_stop_conditions)
        self.target_loss.valueChanged.connect(self._emit_stop_conditions)
        self._sync_enabled()

    # ------------------------------------------------------------------ public

    def set_epoch(self, epoch: int) -> None:
        self.epoch_label.setText(f"Epoch {epoch:07,d}")

    def speed_value(self) -> float:
        return float(self.speed.currentData())

    def set_speed(self, eps: float) -> None:
        """Choose ``eps`` epochs a second (one of :data:`SPEEDS`; 0 = Max speed)."""
        self.speed.setCurrentIndex(SPEEDS.index(eps))

    def stop_conditions(self) -> tuple[int | None, float | None]:
        return (self.max_epochs.value() if self.stop_after.isChecked() else None,
                self.target_loss.value() if self.stop_below.isChecked() else None)

    # ------------------------------------------------------------------ internals

    def _on_max_toggled(self, on: bool) -> None:
        if on and self.speed_value() != 0.0:
            self.set_speed(0.0)
        elif not on and self.speed_value() == 0.0:
            self.set_speed(self._paced or WATCH_SPEED)

    def _sync_max_button(self) -> None:
        eps = self.speed_value()
        if eps:
            self._paced = eps
        self.max_button.blockSignals(True)
        self.max_button.setChecked(eps == 0.0)
        self.max_button.blockSignals(False)

    def _sync_enabled(self) -> None:
        self.max_epochs.setEnabled(self.stop_after.isChecked())
        self.target_loss.setEnabled(self.stop_below.isChecked())

    def _emit_stop_conditions(self) -> None:
        self._sync_enabled()
        self.stop_conditions_changed.emit(*self.stop_conditions())
