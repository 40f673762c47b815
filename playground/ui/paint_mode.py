"""Draw mode: paint your own points on the output view.

With Draw on, a left click adds a point of the chosen class (or, for regression, of the value
the slider gives), a left drag sprays points around the cursor, a right drag (or Shift with the
left button) erases near it. A stroke is one step on the session's undo stack (``paint_commands``);
when it ends, the session gives the points to the training worker, which goes on with the same
weights (``Session.set_dataset``; a new class redraws the output layer and starts a new run). While
the drawn points cannot be trained on, nothing is sent and Play says what is missing. The view's
range never changes during a stroke; "Fit to data" fits it to the points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.core.data_swap import drawn_data
from playground.core.dataset import Dataset
from playground.core.painted_data import PaintedPoints, spray
from playground.core.snapshot import Snapshot
from playground.core.spec import MAX_CLASSES
from playground.core.training_errors import check_trainable
from playground.ui import palette
from playground.ui.paint_commands import PointsStep
from playground.ui.training import WorkerRequestError

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

#: The brush's radius as a share of the visible width (spray and erase).
BRUSH_SHARE = 0.04
#: The drawn points' size (px) as dots (see ``palette.class_point_size`` for shapes).
OVERLAY_POINT_SIZE = 8
#: Most class buttons shown on one row with Spray and the whole-set actions (more wrap to two rows).
ONE_ROW_CLASSES = 4
#: A class button's least width (px): a digit and its border.
CLASS_BUTTON_WIDTH = 24


class PaintBar(QWidget):
    """Draw toggle, class (or value) choice, spray density and the whole-set actions."""

    def __init__(self, draw_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(3)
        self._second_row = QHBoxLayout()
        rows.addLayout(row)
        rows.addLayout(self._second_row)
        self._first_row = row
        draw = QToolButton()
        draw.setDefaultAction(draw_action)
        draw.setObjectName("draw_button")
        draw.setStyleSheet(f"QToolButton {{ padding: 2px 8px; }} QToolButton:checked {{ background: {palette.ACCENT};"
                           f" color: white; border-radius: 3px; }}")
        row.addWidget(draw)
        self.classes = QButtonGroup(self)
        self.class_buttons: list[QToolButton] = []
        for k in range(MAX_CLASSES):
            b = QToolButton()
            b.setText(str(k))
            b.setCheckable(True)
            b.setToolTip(f"Draw points of class {k} (as files number them); with more than two classes its "
                         f"points are drawn as {palette.CLASS_GLYPHS[k]}")
            b.setMinimumWidth(CLASS_BUTTON_WIDTH)
            b.setStyleSheet(f"QToolButton {{ color: {palette.ink_on(palette.CLASS_COLORS[k])};"
                            f" background: {palette.CLASS_COLORS[k]}; border-radius: 3px;"
                            f" padding: 1px 3px; font-weight: bold; border: 2px solid transparent; }}"
                            f"QToolButton:checked {{ border: 2px solid {palette.ACCENT}; }}")
            self.classes.addButton(b, k)
            self.class_buttons.append(b)
            row.addWidget(b)
        self.class_buttons[0].setChecked(True)
        self.value_label = QLabel()
        self.value = QSlider(Qt.Orientation.Horizontal)
        self.value.setRange(-100, 100)
        self.value.setValue(100)
        self.value.setMaximumWidth(110)
        self.value.setMinimumWidth(50)
        self.value.setToolTip("The value of the points drawn for regression (−1 … +1).")
        self.value.valueChanged.connect(lambda v: self.value_label.setText(f"{v / 100:+.2f}"))
        self.value_label.setText("+1.00")
        row.addWidget(self.value)
        row.addWidget(self.value_label)
        row.addStretch(1)
        # Spray and the whole-set actions: one widget, beside the classes or on a row of its own.
        self.tools = QWidget()
        tools = QHBoxLayout(self.tools)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(3)
        density_label = QLabel("Spray")
        self.density = QSlider(Qt.Orientation.Horizontal)
        self.density.setRange(1, 20)
        self.density.setValue(3)
        self.density.setMaximumWidth(70)
        self.density.setMinimumWidth(40)
        self.density.setToolTip("How many points a drag sprays at each step of the mouse.")
        density_label.setToolTip(self.density.toolTip())
        tools.addWidget(density_label)
        tools.addWidget(self.density)
        tools.addStretch(1)
        self.clear = QToolButton()
        self.clear.setText("Clear")
        self.clear.setToolTip("Remove every point (one undo step).")
        self.resplit = QToolButton()
        self.resplit.setText("Re-split")
        self.resplit.setToolTip("Draw a new random split into training and test points at the training ratio.")
        self.fit = QToolButton()
        self.fit.setText("Fit")
        self.fit.setToolTip("Fit to data: fit the view to the points (drawing far out grows it, erasing does "
                            "not shrink it).")
        for b in (self.clear, self.resplit, self.fit):
            tools.addWidget(b)
        row.addWidget(self.tools)
        # As for two classes until the first points arrive: all eight buttons would make the window's
        # minimum width wider than a small screen before the first snapshot.
        self.show_problem(True, 2)

    @property
    def wrapped(self) -> bool:
        """Whether Spray and the whole-set actions sit on a second row (many classes)."""
        return self._second_row.indexOf(self.tools) >= 0

    def show_problem(self, classification: bool, classes: int) -> None:
        """Offer classes 0 … K (a new one up to 8) for classification, the value slider for regression."""
        shown = min(classes, MAX_CLASSES - 1) + 1 if classification else 0
        for k, b in enumerate(self.class_buttons):
            b.setVisible(k < shown)
        if classification and self.classes.checkedId() >= shown:
            self.class_buttons[0].setChecked(True)
        self.value.setVisible(not classification)
        self.value_label.setVisible(not classification)
        # Many class buttons and the tools on one row would make the window wider than a small screen.
        wrap = shown > ONE_ROW_CLASSES
        if wrap != self.wrapped:
            (self._first_row if self.wrapped else self._second_row).removeWidget(self.tools)
            (self._second_row if wrap else self._first_row).addWidget(self.tools)


class PaintMode(QObject):
    """Draw mode of ``window``'s output view (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.boundary
        self.points: PaintedPoints | None = None
        self._origin: PaintedPoints | None = None  # the points as the last dataset from outside brought them
        self._known: Dataset | None = None  # the worker's dataset the points were last taken from or sent as
        self._before: PaintedPoints | None = None  # the points when the stroke under way began
        self._erasing = False
        self._rng = np.random.default_rng(0)
        self.draw_action = QAction("Draw", window)
        self.draw_action.setObjectName("draw_mode")
        self.draw_action.setCheckable(True)
        self.draw_action.setShortcut(QKeySequence("D"))
        self.draw_action.setToolTip("Draw mode (D): click adds a point, drag sprays, right-drag or Shift-drag "
                                    "erases")
        self.draw_action.toggled.connect(self._on_draw_toggled)
        self.bar = PaintBar(self.draw_action)
        self.bar.clear.clicked.connect(self.clear)
        self.bar.resplit.clicked.connect(self.resplit)
        self.bar.fit.clicked.connect(self.fit_to_data)
        self.overlay = pg.ScatterPlotItem(size=OVERLAY_POINT_SIZE, pxMode=True)
        self.overlay.setZValue(12)
        self.overlay.setVisible(False)
        self.view.plot.addItem(self.overlay)
        self.view.plot.viewport().installEventFilter(self)
        window.controller.snapshot_ready.connect(self._on_snapshot)
        window.experiment.data.blank_requested.connect(self.start_blank)

    # ------------------------------------------------------------------ state

    @property
    def pending(self) -> bool:
        """Whether drawn points are waiting because they cannot be trained on yet."""
        return self.points is not None and self.points.missing() is not None

    @property
    def drawn(self) -> bool:
        """Whether the points differ from those the last dataset brought (a split alone is no drawing)."""
        p, o = self.points, self._origin
        return p is not None and (o is None or not (np.array_equal(p.x, o.x) and np.array_equal(p.y, o.y)))

    def play_blocked(self) -> str | None:
        """What Play must say instead of training, or None."""
        return self.points.missing() if self.pending else None  # type: ignore[union-attr]

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        # Drawn points that cannot be trained on yet wait while the worker keeps its dataset; a new
        # dataset (loaded, generated, opened, restored) replaces them. The same points again (a
        # stroke undone onto generated points makes them anew) leave what is drawn alone.
        d = snapshot.dataset
        if d is self._known or self._before is not None:
            return
        known, self._known = self._known, d
        if known is not None and d.same_points(known):
            return
        self.points = self._origin = PaintedPoints.from_dataset(d)
        self._refresh()

    def _refresh(self) -> None:
        p = self.points
        if p is None:
            return
        self.window.experiment.data.set_points_drawn(self.drawn)
        self.bar.show_problem(p.is_classification, p.classes)
        if self.draw_action.isChecked():  # the overlay is drawn only while it shows
            self._draw_overlay()
        if self.window.experiment.data.custom_button.isVisibleTo(self.window.experiment.data) or len(p) == 0:
            self.window.experiment.data.show_custom_points(p.x, p.y, p.is_classification, self._domain())

    def _domain(self) -> tuple[float, float, float, float]:
        g = self.view._grid
        return g.domain if g is not None else (-6.0, 6.0, -6.0, 6.0)

    # ------------------------------------------------------------------ edits

    def show_points(self, points: PaintedPoints, worker: Dataset | None, view_only: bool) -> None:
        """Show ``points`` (a stroke done or undone); ``worker``: the points the worker trains on with
        them (snapshots of those leave the drawing alone). ``view_only``: the worker's points did not
        change, so the Data panel shows the drawn set's settings while it cannot be trained on."""
        self.points = points
        if worker is not None:
            self._known = worker
        self._refresh()
        w = self.window
        if view_only:
            data = w.spec.data
            if points.missing() is not None:
                data = drawn_data(data, points.problem, points.classes)
                if w.controller.running:  # not on the old points the plane no longer shows
                    w.controller.pause()
                w.status.note(points.missing())
            w.experiment.data.set_data(data)
            w.files.mark_modified()

    def _commit(self, before: PaintedPoints, after: PaintedPoints, text: str) -> None:
        """One stroke as one undo step: given to the session when the points can be trained on."""
        if after.same_as(before):
            return
        w, known = self.window, self._known
        if after.missing() is not None:
            self.points = after  # shown now: the session may push the step a moment later
            w.session.push_step(PointsStep(self, text, before, after, (known, known)))
            return
        dataset = after.to_dataset("custom")
        data = drawn_data(w.spec.data, dataset.problem, dataset.classes)
        try:
            check_trainable(w.spec.replace(data=data), dataset)
        except ValueError as exc:  # a classification loss for regression points, or too much work
            self.points = before
            self._refresh()
            w.status.note(f"Not applied: {exc}")
            return
        self.points = after
        w.session.set_dataset(dataset, text, data,
                              lambda inner: PointsStep(self, text, before, after, (known, dataset), inner))

    def start_blank(self) -> None:
        """An empty plane to draw on (classification), in Draw mode."""
        if self.points is None:
            return
        self.draw_action.setChecked(True)
        self._commit(self.points, PaintedPoints.blank("classification", 2), "Blank plane")

    def clear(self) -> None:
        if self.points is not None:
            self._commit(self.points, self.points.cleared(), "Clear points")

    def resplit(self) -> None:
        if self.points is not None:
            self._commit(self.points, self.points.resplit(self.window.spec.data.train_ratio, self._rng),
                         "Re-split points")

    def fit_to_data(self) -> None:
        """Fit the pictures' domain to the points again (drawing only grows it) and show all of it."""
        try:
            self.window.controller.fetch("fit_domain")
        except WorkerRequestError as exc:
            self.window.status.note(f"Not applied: {exc}")
            return
        s = self.window.controller.last_snapshot
        if s is not None and s.grid is not None:
            x0, x1, y0, y1 = s.grid.domain
            self.view.plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    # ------------------------------------------------------------------ mouse

    def _on_draw_toggled(self, on: bool) -> None:
        self.overlay.setVisible(on)
        self.view.train_points.setVisible(not on)
        self.view.test_points.setVisible(not on and self.view._show_test)
        if on:
            self._refresh()
            self.window.status.note("Draw: click adds a point, drag sprays, right-drag or Shift-drag erases; "
                                    "D leaves Draw mode")

    def _to_data(self, pos: QPointF) -> tuple[float, float]:
        vb = self.view.plot.getPlotItem().getViewBox()
        p = vb.mapSceneToView(self.view.plot.mapToScene(pos.toPoint()))
        return float(p.x()), float(p.y())

    def _radius(self) -> float:
        (x0, x1), _ = self.view.plot.getPlotItem().getViewBox().viewRange()
        return BRUSH_SHARE * (x1 - x0)

    def _value(self) -> float:
        assert self.points is not None
        if self.points.is_classification:
            return float(max(0, self.bar.classes.checkedId()))
        return self.bar.value.value() / 100.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if not self.draw_action.isChecked() or self.points is None or kind not in (
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease,
                QEvent.Type.MouseButtonDblClick):
            return super().eventFilter(watched, event)
        assert isinstance(event, QMouseEvent)
        at = self._to_data(event.position())
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and self._before is None:
            self._before = self.points
            self._erasing = (event.button() == Qt.MouseButton.RightButton
                             or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            self._stroke_at(at, first=True)
        elif kind == QEvent.Type.MouseMove and self._before is not None:
            self._stroke_at(at, first=False)
        elif kind == QEvent.Type.MouseButtonRelease and self._before is not None:
            before, self._before = self._before, None
            self._commit(before, self.points, "Erase points" if self._erasing else "Draw points")
        return True  # pyqtgraph must not pan or zoom under the brush

    def _stroke_at(self, at: tuple[float, float], first: bool) -> None:
        p = self.points
        assert p is not None
        if self._erasing:
            p = p.erased(at, self._radius())
        elif first:
            p = p.added(np.array([at]), self._value(), self.window.spec.data.train_ratio)
        else:
            p = p.added(spray(at, self._radius(), self.bar.density.value(), self._rng), self._value(),
                        self.window.spec.data.train_ratio)
        self.points = p
        self._draw_overlay()

    def _draw_overlay(self) -> None:
        p = self.points
        if p is None:
            return
        # Shared pens and brushes, one per colour (pyqtgraph renders one symbol per distinct object).
        if p.is_classification:
            colours = [pg.mkColor(c) for c in palette.CLASS_COLORS]
            index = np.asarray(p.y, dtype=np.intp)
        else:
            lut = palette.diverging_lut()
            colours = [pg.mkColor(*map(int, c)) for c in lut]
            index = np.rint((np.clip(p.y, -1.0, 1.0) + 1.0) * 0.5 * (len(lut) - 1)).astype(np.intp)
        fills = np.array([pg.mkBrush(c) for c in colours], dtype=object)
        rings = np.array([pg.mkPen(c, width=2) for c in colours], dtype=object)
        outline, white = pg.mkPen("w", width=1.2), pg.mkBrush(255, 255, 255, 210)
        brushes = np.where(p.train, fills[index], white)
        pens = np.where(p.train, outline, rings[index])
        symbols = palette.class_symbols(index, p.classes) if p.is_classification else "o"
        size = palette.class_point_size(OVERLAY_POINT_SIZE, p.classes if p.is_classification else 0)
        self.overlay.setData(pos=p.x, brush=brushes, pen=pens, symbol=symbols, size=size)


def install(window: MainWindow) -> PaintMode:
    """Add Draw mode to ``window``'s output view; its bar goes above the view."""
    paint = PaintMode(window)
    window.boundary_box.layout().insertWidget(1, paint.bar)
    return paint
