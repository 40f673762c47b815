"""The backprop inspector in the window: its dock, picking examples, the diagram's and map's marks.

``install(window)`` adds the "Backprop inspector" dock. Clicking a training point on the
decision-boundary map (or Next example, or Mini-batch) pauses training and fetches that update
from the worker (``inspect``: computed on copies, the run unchanged); Next / Previous step through
its stages while the diagram lights the layer being computed, writes z and a (then δ) by each
neuron and draws ∂L/∂w (then the step) as the links. "Apply this step" asks the worker to perform
exactly that update (``apply_step``). Step batch says which batch of the epoch it ran and marks
its points on the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.inspector_text import stage_column, stage_links, stage_notes
from playground.ui.inspector_requests import InspectorAnswer
from playground.ui.training import WorkerRequestError
from playground.ui.view_menu import add_dock_toggle
from playground.ui.widgets.inspector_panel import InspectorPanel

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

#: A click on the map picks the nearest training point within this many pixels.
PICK_PIXELS = 12.0


class Inspector(QObject):
    """Owns the inspector dock and talks to the window's controller for it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = InspectorPanel()
        self.dock = window.make_dock("Backprop inspector", "inspector_dock", self.panel)
        self.dock.setToolTip("Follow one training update forward and back, stage by stage")
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # opened by the View menu, a click on a point, or a lesson
        # Rings around the inspected example's (or batch's) points on the decision-boundary map.
        self.marks = pg.ScatterPlotItem(size=16, pen=pg.mkPen("#1a1a1a", width=2.5), brush=None, pxMode=True)
        self.marks.setZValue(20)
        window.boundary.plot.addItem(self.marks)
        window.boundary.setToolTip(window.boundary.toolTip() + " Click a training point to follow its update in "
                                   "the backprop inspector.")
        self._row = -1  # the last inspected single example
        self._generation = -1

        p = self.panel
        p.next_example_requested.connect(self.inspect_next_example)
        p.batch_requested.connect(self.inspect_batch)
        p.apply_requested.connect(self.apply)
        p.stage_changed.connect(lambda _i: self._draw_marks())
        p.selection_changed.connect(lambda _s: self._draw_marks())
        window.network_view.neuron_clicked.connect(self._on_neuron_clicked)
        window.boundary.plot.scene().sigMouseClicked.connect(self._on_map_clicked)
        window.step_batch_action.triggered.connect(self._after_step_batch)  # after the window's own slot
        window.controller.running_changed.connect(self._on_running_changed)
        window.controller.snapshot_ready.connect(self._on_snapshot)

    # ------------------------------------------------------------------ picking

    def inspect_rows(self, rows: list[int]) -> bool:
        """Pause and inspect the update on training rows ``rows``; False (the status bar says why) if refused."""
        self._row = int(rows[0]) if len(rows) == 1 else self._row
        return self._inspect(list(rows))

    def inspect_next_example(self) -> bool:
        """The training point after the last one inspected."""
        s = self.window.controller.last_snapshot
        n = s.dataset.n_train if s is not None else 1
        return self.inspect_rows([(self._row + 1) % max(n, 1)])

    def inspect_batch(self) -> bool:
        """The mini-batch Step batch would run next."""
        return self._inspect(None)

    def pick_at(self, x: float, y: float, tolerance: float) -> int | None:
        """The training point nearest (x, y) in data units within ``tolerance``, or None."""
        s = self.window.controller.last_snapshot
        if s is None or s.dataset.n_train == 0:
            return None
        d = np.hypot(s.dataset.x_train[:, 0] - x, s.dataset.x_train[:, 1] - y)
        k = int(np.argmin(d))
        return k if d[k] <= tolerance else None

    def _inspect(self, rows: list[int] | None) -> bool:
        w = self.window
        w.controller.pause()
        self.dock.show()
        self.dock.raise_()
        try:
            answer = w.controller.fetch("inspect", rows)
        except WorkerRequestError as exc:
            w.status.note(f"Inspector: {exc}")
            return False
        assert isinstance(answer, InspectorAnswer)
        self._generation = w.controller.generation  # a reset or another experiment makes it stale
        self.panel.show_answer(answer)
        self.panel.select(None)
        self._draw_marks()
        w.status.note("Inspector: " + self.panel.describe(answer.inspection))
        return True

    # ------------------------------------------------------------------ applying

    def apply(self) -> bool:
        """Perform the inspected update on the run; show the same example (or the next batch) afterwards."""
        insp = self.panel.inspection
        if insp is None:
            return False
        w = self.window
        try:
            w.controller.fetch("apply_step", insp)
        except WorkerRequestError as exc:
            w.status.note(f"Not applied: {exc}")
            return False
        before = insp.loss
        again = self._inspect(None if insp.batch is not None else list(insp.rows))
        if again and insp.batch is None:
            after = self.panel.inspection.loss
            w.status.note(f"Applied one update on training point #{int(insp.rows[0]) + 1}: its loss "
                          f"{before:.4g} → {after:.4g}")
        elif again:
            k, n = insp.batch
            w.status.note(f"Applied mini-batch {k} of {n}; showing the next one")
        return True

    # ------------------------------------------------------------------ marks

    def _draw_marks(self) -> None:
        insp = self.panel.inspection
        view = self.window.network_view
        if insp is None:
            view.marks.clear()
            self.marks.clear()
            return
        stage = self.panel.stage_list[self.panel.stage]
        sel = self.panel.selection
        selected = (sel[1] + 1, sel[2]) if sel is not None and sel[0] == "neuron" else None
        view.marks.set_marks(stage_column(insp, stage), stage_notes(insp, stage), stage_links(insp, stage), selected)
        self.marks.setData(pos=np.asarray(insp.points))

    def _after_step_batch(self) -> None:
        try:
            last = self.window.controller.fetch("last_batch")
        except WorkerRequestError:
            return
        if last is None:
            return
        k, n, points = last
        self.marks.setData(pos=np.asarray(points))
        self.window.status.note(f"Step batch: ran mini-batch {k} of {n} ({len(points)} points, ringed on the map)")

    def _on_running_changed(self, running: bool) -> None:
        if running:  # the inspection and Step batch's rings belong to the paused run
            self.panel.set_stale("Training went on: pick a point or press Next example to inspect again.")
            self._draw_marks()
            self.marks.clear()

    def _on_snapshot(self, snapshot) -> None:
        insp = self.panel.inspection
        if insp is not None and (snapshot.batches != insp.batches or snapshot.generation != self._generation):
            # another update ran, or another run started: the marks are old
            self.panel.set_stale("The run moved on: pick a point or press Next example to inspect again.")
            self._draw_marks()

    def _on_neuron_clicked(self, column: int, neuron: int) -> None:
        if self.panel.inspection is not None and column > 0:
            self.panel.select(("neuron", column - 1, neuron))

    def _on_map_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.window.boundary.plot.getPlotItem().getViewBox()
        pos = event.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        per_pixel = vb.viewPixelSize()[0]
        row = self.pick_at(p.x(), p.y(), PICK_PIXELS * per_pixel)
        if row is not None:
            self.inspect_rows([row])


def install(window: MainWindow) -> Inspector:
    """Add the backprop inspector to ``window`` (its dock's toggle goes in the View menu)."""
    inspector = Inspector(window)
    add_dock_toggle(window, inspector.dock)
    return inspector
