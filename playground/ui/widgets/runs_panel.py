"""The Runs panel: every kept run in a table, to compare, rename, pin, delete and restore.

One row per run of the :class:`~playground.ui.runs_list.RunsList`: a "compare"
check box with the run's colour (its curves go on the loss chart and its
boundary into the strip below), a pin, its name (editable in place), a one-line
summary of its experiment, its epochs and its final losses and accuracies.
The table is refilled from the list whenever the list changes; which runs are
compared is kept here by run key, so it survives renaming and reordering.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.runs import Run, spec_summary
from playground.ui.hidpi import device_pixmap
from playground.ui.runs_list import RunsList
from playground.ui.widgets.loss_plot import format_accuracy, format_value
from playground.ui.widgets.run_colors import run_color

COLUMNS = ("Compare", "Pin", "Name", "Experiment", "Epochs", "Train loss", "Test loss", "Train acc.", "Test acc.")
COMPARE, PIN, NAME, SUMMARY = 0, 1, 2, 3
EMPTY_TEXT = ("No runs yet.\n\nWhenever something starts a new run (Reset, a new architecture or new data, "
              "an opened file), the run so far is kept here: tick \u201cCompare\u201d to overlay its loss "
              "curves and see its decision boundary, double-click to restore it.")
_TIPS = {
    COMPARE: "Overlay this run's loss curves on the loss chart and show its boundary below",
    PIN: "Pinned runs are never dropped when old runs make room for new ones",
    NAME: "The run's name, shown in the loss chart's legend; click a selected name or press F2 to rename",
    SUMMARY: "What sets the run apart from the others listed (hover a run for its whole experiment)",
    4: "Epochs the run trained",
    5: "Loss on the training points at the end of the run",
    6: "Loss on the test points at the end of the run",
    7: "Accuracy on the training points at the end of the run",
    8: "Accuracy on the test points at the end of the run",
}


def distinct_summaries(summaries: list[str]) -> list[str]:
    """Each summary without the parts every run shares, so that what tells runs apart shows in a
    narrow column (all of it when fewer than two runs, or when nothing differs part by part)."""
    parts = [text.split(", ") for text in summaries]
    if len(parts) < 2 or len({len(p) for p in parts}) != 1:
        return list(summaries)
    differ = [i for i in range(len(parts[0])) if len({p[i] for p in parts}) > 1]
    if not differ:
        return list(summaries)
    return [", ".join(p[i] for i in differ) for p in parts]


def _swatch(color: str) -> QIcon:
    pixmap = device_pixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class RunsPanel(QWidget):
    """The kept runs as a table with buttons; ``compared_changed`` sends the ticked runs, in list order."""

    compared_changed = Signal(tuple)  # tuple[Run, ...]
    what_if_requested = Signal()

    def __init__(self, runs: RunsList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs = runs
        self._compared: set[int] = set()  # run keys
        self._filling = False

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for col, tip in _TIPS.items():
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line a run: long summaries are elided (the tooltip has all)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.table.setMinimumHeight(4 * (self.fontMetrics().lineSpacing() + 8))  # the header and three runs
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self._fit_columns_to_contents(True)
        self.table.setToolTip("Kept runs: double-click (or Enter) restores one, Delete removes it")
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemDoubleClicked.connect(lambda item: self.restore(item.row()))
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.delete_action = self._table_action("Delete run", QKeySequence.StandardKey.Delete, self.delete_selected)
        self.restore_action = self._table_action("Restore run", QKeySequence(Qt.Key.Key_Return),
                                                 self.restore_selected)

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666666; padding: 12px;")

        self.restore_button = self._button("Restore", "Make the selected run the current experiment "
                                           "(the current run is kept here) (double-click or Enter)",
                                           self.restore_selected)
        self.pin_button = self._button("Pin", "Pin or unpin the selected run: pinned runs are never dropped",
                                       self.toggle_pin_selected)
        self.delete_button = self._button("Delete", "Remove the selected run from the list (Delete)",
                                          self.delete_selected)
        self.what_if_button = self._button("What if…", "Train a copy of the current experiment with one "
                                           "setting changed, from the same start, after the first; "
                                           "both curves are overlaid", self.what_if_requested.emit)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(4, 2, 4, 2)
        for b in (self.restore_button, self.pin_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.what_if_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        runs.changed.connect(self._on_runs_changed)
        self._on_runs_changed()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _table_action(self, text: str, key, slot) -> QAction:
        action = QAction(text, self.table)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # only while the table has the focus
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    # ------------------------------------------------------------------ public

    def compared(self) -> tuple[Run, ...]:
        """The runs ticked "compare", in list order."""
        return tuple(r for r in self.runs.runs if r.key in self._compared)

    def set_compared(self, run: Run, on: bool) -> None:
        """Tick or untick ``run``'s "compare" box."""
        (self._compared.add if on else self._compared.discard)(run.key)
        self._on_runs_changed()

    def select(self, run: Run) -> None:
        """Select ``run``'s row (by key: the same run after renaming)."""
        row = next((i for i, r in enumerate(self.runs.runs) if r.key == run.key), None)
        if row is not None:
            self.table.selectRow(row)

    def selected_row(self) -> int | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return min(rows) if rows else None

    def restore(self, row: int) -> None:
        if 0 <= row < len(self.runs):
            self.runs.request_restore(row)

    def restore_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.restore(row)

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.runs.remove(row)
            if len(self.runs):
                self.table.selectRow(min(row, len(self.runs) - 1))

    def toggle_pin_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.runs.set_pinned(row, not self.runs[row].pinned)

    # ------------------------------------------------------------------ model -> table

    def _on_runs_changed(self) -> None:
        runs = self.runs.runs
        self._compared &= {r.key for r in runs}
        selected = self.selected_row()
        self._filling = True
        # Columns sized to their contents re-measure every row at each cell's change: fill first,
        # then measure once (50 runs took a second and a half to list, cell by cell).
        self._fit_columns_to_contents(False)
        try:
            self.table.setRowCount(len(runs))
            full = [spec_summary(run.spec) for run in runs]
            for row, (run, short) in enumerate(zip(runs, distinct_summaries(full), strict=True)):
                self._fill_row(row, run, short, full[row])
        finally:
            self._filling = False
            self._fit_columns_to_contents(True)
        if selected is not None and selected < len(runs):
            self.table.selectRow(selected)
        self.empty.setVisible(not runs)
        self.table.setVisible(bool(runs))
        self._update_buttons()
        self.compared_changed.emit(self.compared())

    def _fit_columns_to_contents(self, fit: bool) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if fit
                                    else QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)

    def _fill_row(self, row: int, run: Run, summary: str, full_summary: str) -> None:
        def cell(col: int, text: str, editable: bool = False, check: bool | None = None) -> QTableWidgetItem:
            # Items are updated in place, never replaced: this may run inside an item's own signal.
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, col, item)
            item.setText(text)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            if check is not None:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
                item.setCheckState(Qt.CheckState.Checked if check else Qt.CheckState.Unchecked)
            item.setFlags(flags)
            item.setToolTip(_TIPS[col])
            if col > SUMMARY:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return item

        compare = cell(COMPARE, "", check=run.key in self._compared)
        compare.setIcon(_swatch(run_color(run)))
        cell(PIN, "", check=run.pinned)
        cell(NAME, run.name, editable=True)
        cell(SUMMARY, summary).setToolTip(full_summary)
        cell(4, f"{run.epoch:,}")
        cell(5, format_value(run.train_loss))
        cell(6, format_value(run.test_loss))
        cell(7, format_accuracy(run.train_accuracy))
        cell(8, format_accuracy(run.test_accuracy))

    def _update_buttons(self) -> None:
        row = self.selected_row()
        for b in (self.restore_button, self.pin_button, self.delete_button):
            b.setEnabled(row is not None)
        if row is not None and row < len(self.runs):
            self.pin_button.setText("Unpin" if self.runs[row].pinned else "Pin")

    # ------------------------------------------------------------------ table -> model

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row, col = item.row(), item.column()
        if row >= len(self.runs):
            return
        run = self.runs[row]
        checked = item.checkState() == Qt.CheckState.Checked
        if col == COMPARE and checked != (run.key in self._compared):
            self.set_compared(run, checked)
        elif col == PIN:
            self.runs.set_pinned(row, checked)
        elif col == NAME:
            if item.text().strip():
                self.runs.rename(row, item.text())
            else:  # an empty name: put the old one back
                self._on_runs_changed()


def _preview() -> int:
    """The panel with three sample runs (learning rates 0.01, 0.03 and 0.1)."""
    import dataclasses
    import sys

    from PySide6.QtWidgets import QApplication

    from playground.core.trainer import Trainer
    from playground.ui.widgets.preview import sample_spec

    app = QApplication.instance() or QApplication(sys.argv)
    runs = RunsList()
    for i, lr in enumerate((0.01, 0.03, 0.1)):
        spec = sample_spec()
        training = dataclasses.replace(spec.training,
                                       optimizer=dataclasses.replace(spec.training.optimizer, learning_rate=lr))
        trainer = Trainer(spec.replace(training=training))
        trainer.train(200)
        runs.add(Run.from_snapshot(trainer.snapshot(grid_resolution=None), f"Run {i + 1}"))
    panel = RunsPanel(runs)
    panel.resize(800, 300)
    panel.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(_preview())
