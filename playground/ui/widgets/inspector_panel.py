"""The backprop inspector's panel: one update of one example (or mini-batch), stage by stage.

It shows what an :class:`~playground.ui.inspector_requests.InspectorAnswer` holds: the stage's
values in a table (means over a batch's rows), the selected neuron's or weight's equations with
this example's numbers, and at the update stage the decision boundary before and after the step.
It computes nothing: every number is the core's (``core.inspector_text`` formats them). The
window's :class:`~playground.ui.inspector.Inspector` fetches answers and applies steps.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.inspector import Inspection, fmt
from playground.core.inspector_text import (
    neuron_equations,
    stage_table,
    stage_title,
    stages,
    weight_equations,
)
from playground.ui.inspector_requests import InspectorAnswer
from playground.ui.widgets.boundary_view import BoundaryView

#: "Play slowly": one stage every this many milliseconds.
PLAY_INTERVAL_MS = 1500
_EMPTY = ("Click a training point on the decision-boundary map, or press Next example, to follow one "
          "update of the network forward and back.")


def _button(text: str, tip: str, shortcut: str | None = None) -> QPushButton:
    b = QPushButton(text)
    if shortcut:
        b.setShortcut(QKeySequence(shortcut))
        tip += f" ({shortcut})"
    b.setToolTip(tip)
    return b


class InspectorPanel(QWidget):
    """Shows an inspection stage by stage; asks for examples and the step through signals."""

    next_example_requested = Signal()
    batch_requested = Signal()
    apply_requested = Signal()
    stage_changed = Signal(int)
    selection_changed = Signal(object)  # ("neuron", layer, j), ("link", layer, out, inp) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: InspectorAnswer | None = None
        self.stage = 0
        self.selection: tuple | None = None
        self._keys: list[tuple] = []

        self.next_example_button = _button("Next example", "Inspect the next training point's update (pauses "
                                           "training)")
        self.batch_button = _button("Mini-batch", "Inspect the mini-batch Step batch would run next: every value "
                                    "is the mean over its points (pauses training)")
        self.previous_button = _button("◀ Previous", "Go back one stage", "Ctrl+[")
        self.next_button = _button("Next ▶", "Go on to the next stage of the update", "Ctrl+]")
        self.play_button = _button("Play slowly", "Step through the stages by themselves, one every "
                                   f"{PLAY_INTERVAL_MS / 1000:g} s")
        self.play_button.setCheckable(True)
        self.apply_button = _button("Apply this step", "Perform exactly this update on the run: one counted "
                                    "training step, the optimizer's state advanced")
        self.row_box = QSpinBox()
        self.row_box.setToolTip("Which example of the batch the equations are written for")
        self.row_box.setPrefix("equations for example ")
        self.summary = QLabel(_EMPTY)
        self.summary.setWordWrap(True)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        bold = QFont()
        bold.setBold(True)
        self.title.setFont(bold)
        self.table = QTableWidget(0, 0)
        self.table.setToolTip("This stage's numbers (a batch: means over its points); select a row for its "
                              "equations")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._on_table_selection)
        self.equations = QLabel("Select a neuron (click it on the diagram) or a row to see its equations.")
        self.equations.setWordWrap(True)
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.equations.setFont(mono)
        self.equations.setToolTip("The selected neuron's or weight's equations with this example's numbers")
        self.before_view, self.after_view = BoundaryView(), BoundaryView()
        for view, text in ((self.before_view, "before this step"), (self.after_view, "after this step")):
            view.header.setText(text)
            view.setMinimumHeight(140)
            view.setToolTip(f"The decision boundary {text} (computed on a copy of the network)")
        previews = QGridLayout()
        previews.addWidget(self.before_view, 0, 0)
        previews.addWidget(self.after_view, 0, 1)
        self.previews = QWidget()
        self.previews.setLayout(previews)

        pick = QHBoxLayout()
        for w in (self.next_example_button, self.batch_button):
            pick.addWidget(w)
        pick.addStretch(1)
        steps = QHBoxLayout()
        for w in (self.previous_button, self.next_button, self.play_button):
            steps.addWidget(w)
        steps.addStretch(1)
        steps.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.summary)
        layout.addLayout(steps)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.row_box)
        layout.addWidget(self.equations)
        layout.addWidget(self.previews, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._on_play_tick)
        self.next_example_button.clicked.connect(self.next_example_requested)
        self.batch_button.clicked.connect(self.batch_requested)
        self.apply_button.clicked.connect(self.apply_requested)
        self.previous_button.clicked.connect(lambda: self.set_stage(self.stage - 1))
        self.next_button.clicked.connect(lambda: self.set_stage(self.stage + 1))
        self.play_button.toggled.connect(self._on_play_toggled)
        self.row_box.valueChanged.connect(lambda _v: self._show_equations())
        self.show_answer(None)

    # ------------------------------------------------------------------ public

    @property
    def inspection(self) -> Inspection | None:
        return self.answer.inspection if self.answer is not None else None

    @property
    def stage_list(self) -> list[tuple[str, int | None]]:
        return stages(self.inspection) if self.inspection is not None else []

    def show_answer(self, answer: InspectorAnswer | None, note: str = "") -> None:
        """Show a new inspection from its first stage (``None``: nothing inspected)."""
        self.answer = answer
        self.selection = None
        insp = self.inspection
        for w in (self.previous_button, self.next_button, self.play_button, self.apply_button):
            w.setEnabled(insp is not None)
        self.row_box.setVisible(insp is not None and insp.n_rows > 1)
        if insp is None:
            self.summary.setText(note or _EMPTY)
            self.title.setText("")
            self.table.setRowCount(0)
            self.previews.setVisible(False)
            self.play_button.setChecked(False)
            return
        self.row_box.setRange(1, insp.n_rows)
        self.row_box.setValue(1)
        self.summary.setText(self.describe(insp) + (f"  {note}" if note else ""))
        for view, grid in ((self.before_view, answer.before), (self.after_view, answer.after)):
            view.show_snapshot(SimpleNamespace(dataset=answer.dataset, grid=grid))
        self.stage = -1
        self.set_stage(0)

    def set_stale(self, note: str) -> None:
        """The run moved on (training played, settings changed): the inspection no longer applies."""
        if self.answer is not None:
            self.show_answer(None, note)

    def set_stage(self, index: int) -> None:
        """Go to stage ``index`` (clamped) and show its values."""
        insp = self.inspection
        if insp is None:
            return
        all_stages = self.stage_list
        index = max(0, min(index, len(all_stages) - 1))
        changed = index != self.stage
        self.stage = index
        stage = all_stages[index]
        self.title.setText(f"{index + 1} of {len(all_stages)} · {stage_title(insp, stage)}")
        headers, rows, self._keys = stage_table(insp, stage)
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(all_stages) - 1)
        self.previews.setVisible(stage[0] == "update")
        self._show_equations()
        if changed:
            self.stage_changed.emit(index)

    def select(self, selection: tuple | None) -> None:
        """Show the equations of ``("neuron", layer, j)`` or ``("link", layer, out, inp)`` (weight layers)."""
        self.selection = selection
        self._show_equations()
        self.selection_changed.emit(selection)

    def cell(self, row: int, column: int) -> str:
        """The text the table shows at (row, column)."""
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    @staticmethod
    def describe(insp: Inspection) -> str:
        """One line: which example or batch, and its loss."""
        if insp.batch is not None:
            k, n = insp.batch
            what = f"Mini-batch {k} of {n} ({insp.n_rows} points, marked on the map)"
        else:
            x1, x2 = insp.points[0]
            what = f"Training point #{int(insp.rows[0]) + 1} at ({fmt(float(x1))}, {fmt(float(x2))})"
        return f"{what} · loss {fmt(insp.loss)} · training paused"

    # ------------------------------------------------------------------ reacting

    def _show_equations(self) -> None:
        insp, sel = self.inspection, self.selection
        if insp is None or sel is None:
            self.equations.setText("Select a neuron (click it on the diagram) or a row to see its equations.")
            return
        if sel[0] == "neuron":
            lines = neuron_equations(insp, sel[1], sel[2], self.row_box.value() - 1)
        elif sel[3] < insp.update.old_w[sel[1]].shape[1]:
            lines = weight_equations(insp, sel[1], sel[2], sel[3])
        else:  # a bias: a neuron's own equations say ∂L/∂b = δ
            lines = neuron_equations(insp, sel[1], sel[2], self.row_box.value() - 1)
        self.equations.setText("\n".join(lines))

    def _on_table_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._keys):
            self.select(self._keys[rows[0].row()])

    def _on_play_toggled(self, on: bool) -> None:
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _on_play_tick(self) -> None:
        if self.stage >= len(self.stage_list) - 1:
            self.play_button.setChecked(False)
            return
        self.set_stage(self.stage + 1)
