""""What if…": train a copy of the current experiment with one setting changed, and compare the two.

The design, said to the user too: the current run is kept (pinned, its curves
overlaid on the loss chart) and a copy with the one change then trains from
the *same initial weights* the first run started from, after the first (not
interleaved). Its live curves grow beside the first run's overlaid ones.
When the first run's start is unknown (it was opened from a file mid-run),
the copy starts from new weights and the note says so.

The changes offered keep the network's shape (learning rate, optimizer,
batch size, hidden activation), so the first run's initial weights fit the copy.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from playground.core.activations import ACTIVATIONS
from playground.core.checkpoint import Checkpoint, weights_only
from playground.core.optimizers import OPTIMIZER_LABELS
from playground.core.spec import LEARNING_RATE_STEPS, MAX_POINTS, ExperimentSpec, SpecError
from playground.ui.widgets.form_helpers import format_number, parse_positive

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow
    from playground.ui.runs_ui import RunsUi

#: The settings "What if…" can change, with their labels.
SETTINGS = {"learning_rate": "Learning rate", "optimizer": "Optimizer", "batch_size": "Batch size",
            "activation": "Hidden activation"}
DESIGN_TEXT = ("The current run is kept (pinned, overlaid on the loss chart); a copy with this one change "
               "then trains from the same initial weights, after the first.")


def current_value(spec: ExperimentSpec, setting: str) -> str:
    """The setting's value in ``spec`` as the dialog shows it."""
    t = spec.training
    if setting == "learning_rate":
        return format_number(t.optimizer.learning_rate)
    if setting == "optimizer":
        return t.optimizer.name
    if setting == "batch_size":
        return str(t.batch_size)
    acts = set(spec.network.activations)
    return acts.pop() if len(acts) == 1 else "mixed"


def choices(setting: str) -> list[tuple[str, str]]:
    """(value, label) pairs the dialog offers for ``setting``."""
    if setting == "learning_rate":
        return [(format_number(v), format_number(v)) for v in LEARNING_RATE_STEPS]
    if setting == "optimizer":
        return list(OPTIMIZER_LABELS.items())
    if setting == "batch_size":
        return [(str(v), str(v)) for v in (1, 4, 10, 16, 32, 64, 128, 256)]
    return [(name, a.label) for name, a in ACTIVATIONS.items()]


def what_if_spec(spec: ExperimentSpec, setting: str, value: str) -> ExperimentSpec:
    """``spec`` with one setting changed; ``ValueError`` (one line) for a bad or unchanged value."""
    if setting not in SETTINGS:
        raise ValueError(f"what if: unknown setting {setting!r}")
    t, o = spec.training, spec.training.optimizer
    try:
        if setting == "learning_rate":
            optimizer = dataclasses.replace(o, learning_rate=parse_positive(value, "learning rate", 100.0))
            new = spec.replace(training=dataclasses.replace(t, optimizer=optimizer))
        elif setting == "optimizer":
            new = spec.replace(training=dataclasses.replace(t, optimizer=dataclasses.replace(o, name=value)))
        elif setting == "batch_size":
            try:
                size = int(value.strip())
            except ValueError:
                raise ValueError(f"batch size: {value!r} is not a whole number") from None
            new = spec.replace(training=dataclasses.replace(t, batch_size=size))
        else:
            if not spec.network.hidden:
                raise ValueError("hidden activation: the network has no hidden layer")
            acts = (value,) * len(spec.network.hidden)
            new = spec.replace(network=dataclasses.replace(spec.network, activations=acts))
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    if new == spec:
        raise ValueError(f"{SETTINGS[setting].lower()} is already {value}: pick another value to compare")
    if setting == "batch_size" and new.training.batch_size > MAX_POINTS:
        raise ValueError(f"batch size must be at most {MAX_POINTS:,}")
    return new


class WhatIfDialog(QDialog):
    """Asks which setting to change and to what; :meth:`change` gives ``(setting, value)``."""

    def __init__(self, spec: ExperimentSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What if…")
        self.spec = spec
        self.setting = QComboBox()
        self.setting.setToolTip("The one setting the copy changes")
        for key, label in SETTINGS.items():
            self.setting.addItem(label, key)
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setToolTip("The copy's value (the current one is shown in brackets)")
        self.current = QLabel()
        self.setting.currentIndexChanged.connect(self._fill_values)
        form = QFormLayout()
        form.addRow("Change", self.setting)
        form.addRow("to", self.value)
        form.addRow("now", self.current)
        note = QLabel(DESIGN_TEXT)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train the copy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._fill_values()

    def _fill_values(self) -> None:
        key = self.setting.currentData()
        now = current_value(self.spec, key)
        self.value.clear()
        for value, label in choices(key):
            self.value.addItem(label, value)
        self.value.setEditable(key in ("learning_rate", "batch_size"))
        i = next((i for i in range(self.value.count()) if self.value.itemData(i) != now), 0)
        self.value.setCurrentIndex(i)
        self.current.setText(now)

    def change(self) -> tuple[str, str]:
        key = self.setting.currentData()
        data = self.value.currentData()
        text = self.value.currentText()
        matches = self.value.findText(text)
        return key, (data if matches >= 0 and data is not None else text)


def ask_change(window: MainWindow) -> tuple[str, str] | None:
    """Ask the user (a modal dialog); None when cancelled. Tests replace this function."""
    dialog = WhatIfDialog(window.spec, window)
    return dialog.change() if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_what_if(window: MainWindow, runs_ui: RunsUi) -> None:
    """Keep the current run (pinned, compared) and train a copy with one change from the same start,
    as one undoable step of the session."""
    session = window.session
    s = session.last_snapshot
    if s is None or s.generation != session.controller.generation or s.batches == 0:
        window.status.note("What if…: train the current run first, then compare a copy with one change")
        return
    start = runs_ui.start_weights if runs_ui.start_generation == s.generation else None
    answer = ask_change(window)
    if answer is None:
        return
    try:
        spec = what_if_spec(session.spec, *answer)
    except ValueError as exc:
        window.status.note(f"What if… not started: {exc}")
        return
    first = runs_ui.keep_current(pinned=True)
    if first is not None:
        runs_ui.panel.set_compared(first, True)
    setting, value = answer
    text = f"what if {SETTINGS[setting].lower()} were {value}"
    how = "from the same initial weights" if start is not None else \
        "from new weights (the first run's start is not known: it was opened mid-run)"
    checkpoint = Checkpoint(spec, session.dataset) if start is None else weights_only(spec, session.dataset, start)
    session.start_run(checkpoint, session.dataset, text, f"What if…: {text}, trained {how}")
    name = f"\u201c{first.name}\u201d" if first is not None else "The first run"
    window.banner.show_message(
        f"What if {SETTINGS[setting].lower()} were {value}? {name} is kept, pinned and overlaid; "
        f"the copy trains now {how}, after the first.", error=False)
    session.controller.play()
