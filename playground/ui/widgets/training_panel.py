"""The training panel: loss, optimizer and its own settings, learning rate, batch size, regularisation, shuffling.

Only the settings the chosen optimizer reads are shown (momentum for momentum
and Nesterov, β₁/β₂/ε for Adam and AdamW, ρ/ε for RMSProp, weight decay for AdamW).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from playground.core.losses import LOSS_LABELS, LOSS_TOOLTIPS
from playground.core.optimizers import OPTIMIZER_LABELS, OPTIMIZER_TOOLTIPS
from playground.core.spec import (
    LEARNING_RATE_STEPS,
    LOSSES,
    MAX_POINTS,
    OPTIMIZERS,
    REGULARIZATIONS,
    SpecError,
    TrainingSpec,
)
from playground.ui.widgets.form_helpers import fill_combo, format_number, parse_positive, select_data
from playground.ui.widgets.optimizer_settings import LABELS, OPTIMIZER_SETTINGS, USED_BY

#: TensorFlow Playground's regularisation rates.
REGULARIZATION_RATE_STEPS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
REGULARIZATION_TOOLTIPS = {
    "none": "No penalty on the weights.",
    "l1": "Adds rate × Σ|w| to the loss: pushes small weights to exactly zero.",
    "l2": "Adds rate × ½Σw² to the loss: keeps every weight small.",
}


def _rate_combo(steps: tuple[float, ...], tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for v in steps:
        combo.addItem(format_number(v), v)
    combo.setToolTip(tip)
    return combo


def _row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side in one form row; combo boxes share the room."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w, 1 if isinstance(w, (QComboBox, QSpinBox)) else 0)
    return row


class TrainingPanel(QWidget):
    """Edits a :class:`~playground.core.spec.TrainingSpec`; emits ``training_changed`` with the new one.

    Free text that is not a valid rate is refused with a one-line ``refused`` message and the
    previous value shown again.
    """

    training_changed = Signal(object)  # TrainingSpec
    refused = Signal(str)

    def __init__(self, training: TrainingSpec | None = None, problem: str = "classification",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._training = training or TrainingSpec()
        self._problem = problem

        self.loss = QComboBox()
        fill_combo(self.loss, LOSSES, LOSS_LABELS, LOSS_TOOLTIPS)
        self.loss.setToolTip("What the network minimises; changing it rebuilds the output layer.")
        self.loss.currentIndexChanged.connect(lambda _: self._change(loss=self.loss.currentData()))

        self.optimizer = QComboBox()
        fill_combo(self.optimizer, OPTIMIZERS, OPTIMIZER_LABELS, OPTIMIZER_TOOLTIPS)
        self.optimizer.setToolTip("How each step turns gradients into weight changes; applies live.")
        self.optimizer.currentIndexChanged.connect(lambda _: self._change_optimizer(
            name=self.optimizer.currentData()))

        self.learning_rate = _rate_combo(LEARNING_RATE_STEPS,
                                         "Step size of every update; pick a step or type any number.")
        self.learning_rate.activated.connect(lambda _: self._on_rate_entered())
        self.learning_rate.lineEdit().editingFinished.connect(self._on_rate_entered)

        # The optimizer's own settings: one editable combo each, rows shown for the optimizer that reads them.
        self.optimizer_settings: dict[str, QComboBox] = {}
        for setting in OPTIMIZER_SETTINGS:
            combo = _rate_combo(setting.steps, setting.tip)
            combo.setObjectName(f"optimizer_{setting.field}")
            combo.activated.connect(lambda _, f=setting.field: self._on_setting_entered(f))
            combo.lineEdit().editingFinished.connect(lambda f=setting.field: self._on_setting_entered(f))
            self.optimizer_settings[setting.field] = combo

        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, MAX_POINTS)
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setToolTip("Points per weight update; the last batch of an epoch may be smaller.")
        self.batch_size.valueChanged.connect(lambda v: self._change(batch_size=v))

        self.regularization = QComboBox()
        fill_combo(self.regularization, REGULARIZATIONS, REGULARIZATION_LABELS, REGULARIZATION_TOOLTIPS)
        self.regularization.setToolTip("A penalty on large weights that fights overfitting; applies live.")
        self.regularization.currentIndexChanged.connect(
            lambda _: self._change(regularization=self.regularization.currentData()))

        self.regularization_rate = _rate_combo(REGULARIZATION_RATE_STEPS,
                                               "Strength of the weight penalty; pick a step or type one.")
        self.regularization_rate.activated.connect(lambda _: self._on_reg_rate_entered())
        self.regularization_rate.lineEdit().editingFinished.connect(self._on_reg_rate_entered)

        self.shuffle = QCheckBox("shuffle")
        self.shuffle.setToolTip("Shuffle every epoch: visit the training points in a new random order each time.")
        self.shuffle.toggled.connect(lambda on: self._change(shuffle=on))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(4)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Loss", self.loss)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.learning_rate)
        for setting in OPTIMIZER_SETTINGS:
            form.addRow(setting.label, self.optimizer_settings[setting.field])
        # Paired rows: the panel then fits a 1000-px-high screen even with AdamW's four settings shown.
        form.addRow("Batch size", _row(self.batch_size, self.shuffle))
        rate_label = QLabel("rate")
        rate_label.setToolTip(self.regularization_rate.toolTip())
        form.addRow("Regularization", _row(self.regularization, rate_label, self.regularization_rate))
        self._form = form
        self.set_training(self._training, problem)

    # ------------------------------------------------------------------ public

    @property
    def training(self) -> TrainingSpec:
        return self._training

    def shown_settings(self) -> set[str]:
        """The optimizer settings on show (those the chosen optimizer reads)."""
        return {f for f, combo in self.optimizer_settings.items() if self._form.isRowVisible(combo)}

    def set_training(self, training: TrainingSpec, problem: str | None = None) -> None:
        """Show ``training`` (and which losses ``problem`` allows) without emitting ``training_changed``."""
        self._training = training
        if problem is not None:
            self._problem = problem
        model = self.loss.model()
        for i in range(self.loss.count()):
            allowed = self._problem == "classification" or self.loss.itemData(i) == "mse"
            model.item(i).setEnabled(allowed)
        select_data(self.loss, training.loss)
        select_data(self.optimizer, training.optimizer.name)
        select_data(self.regularization, training.regularization)
        for w, v in ((self.batch_size, training.batch_size), (self.shuffle, training.shuffle)):
            was = w.blockSignals(True)
            (w.setValue if isinstance(w, QSpinBox) else w.setChecked)(v)
            w.blockSignals(was)
        self._show_rate(self.learning_rate, training.optimizer.learning_rate)
        used = USED_BY.get(training.optimizer.name, ())
        for field, combo in self.optimizer_settings.items():
            self._show_rate(combo, getattr(training.optimizer, field))
            self._form.setRowVisible(combo, field in used)
        self._show_rate(self.regularization_rate, training.regularization_rate)
        self.regularization_rate.setEnabled(training.regularization != "none")

    # ------------------------------------------------------------------ changes

    @staticmethod
    def _show_rate(combo: QComboBox, value: float) -> None:
        was = combo.blockSignals(True)
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)
        combo.setEditText(format_number(value))
        combo.blockSignals(was)

    def _on_rate_entered(self) -> None:
        try:
            lr = parse_positive(self.learning_rate.currentText(), "learning rate", 100.0)
        except ValueError as exc:
            self.refused.emit(str(exc))
            self._show_rate(self.learning_rate, self._training.optimizer.learning_rate)
            return
        self._change_optimizer(learning_rate=lr)

    def _on_setting_entered(self, field: str) -> None:
        combo = self.optimizer_settings[field]
        text = combo.currentText().strip().replace(",", ".")
        try:
            value = float(text)
            optimizer = dataclasses.replace(self._training.optimizer, **{field: value})
        except (ValueError, SpecError) as exc:
            message = f"{LABELS[field]}: {text!r} is not a number" if not isinstance(exc, SpecError) else str(exc)
            self.refused.emit(message)
            self._show_rate(combo, getattr(self._training.optimizer, field))
            return
        self._change(optimizer=optimizer)

    def _on_reg_rate_entered(self) -> None:
        text = self.regularization_rate.currentText().strip()
        try:
            rate = 0.0 if text in ("0", "0.0") else parse_positive(text, "regularization rate", 10.0)
        except ValueError as exc:
            self.refused.emit(str(exc))
            self._show_rate(self.regularization_rate, self._training.regularization_rate)
            return
        self._change(regularization_rate=rate)

    def _change_optimizer(self, **changes: object) -> None:
        self._change(optimizer=dataclasses.replace(self._training.optimizer, **changes))

    def _change(self, **changes: object) -> None:
        try:
            training = dataclasses.replace(self._training, **changes)
        except SpecError as exc:
            self.refused.emit(str(exc))
            self.set_training(self._training)
            return
        if training == self._training:
            return
        self.set_training(training)
        self.training_changed.emit(training)


def describe_training_change(old: TrainingSpec, new: TrainingSpec) -> str:
    """A short phrase naming what changed between two training settings."""
    if new.optimizer.learning_rate != old.optimizer.learning_rate:
        return f"learning rate {new.optimizer.learning_rate:g}"
    if new.optimizer.name != old.optimizer.name:
        return f"optimizer {new.optimizer.name}"
    for setting in OPTIMIZER_SETTINGS:
        value = getattr(new.optimizer, setting.field)
        if value != getattr(old.optimizer, setting.field):
            return f"{setting.label} {value:g}"
    if new.batch_size != old.batch_size:
        return f"batch size {new.batch_size}"
    if (new.regularization, new.regularization_rate) != (old.regularization, old.regularization_rate):
        return f"regularization {new.regularization} {new.regularization_rate:g}"
    if new.shuffle != old.shuffle:
        return "shuffling " + ("on" if new.shuffle else "off")
    return "training settings changed"


if __name__ == "__main__":  # the panel on its own (docs/ARCHITECTURE.md, Style)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    panel = TrainingPanel()
    panel.training_changed.connect(print)
    panel.refused.connect(print)
    panel.show()
    app.exec()
