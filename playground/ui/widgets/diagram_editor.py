"""Drawing on the network diagram: the editing items of a :class:`NetworkView` and what clicks mean.

The editor never changes anything itself: every gesture becomes a request signal of the
view (``edit_requested`` with a core architecture edit, ``weight_edit_requested``,
``neuron_switch_requested``), and whoever owns the experiment applies it; the next
snapshot shows the result. A gesture the spec limits forbid is a disabled item whose
tooltip says why (found by trying the edit on the spec: one rule, the spec's).

Gestures: "+"/"−" above a hidden column add or remove a neuron, the activation chip
opens a menu, "×" removes the column, "+ layer" targets insert a layer; a click on an
input (on or off) toggles it; a click on a link opens the weight editor; Alt+click on a
hidden neuron switches it off or on; a right click opens a context menu for what is
under the mouse. Keyboard: see :mod:`~playground.ui.widgets.diagram_keys`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QGraphicsPixmapItem, QMenu

from playground.core.activations import ACTIVATIONS
from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    RemoveLayer,
    RemoveNeuron,
    ToggleFeature,
)
from playground.core.features import FEATURE_LABELS, expand_features
from playground.core.grid import grid_points
from playground.core.spec import FEATURES, ExperimentSpec
from playground.ui.widgets.diagram_layout import MAX_SHOWN
from playground.ui.widgets.diagram_menus import DiagramMenus, refusal
from playground.ui.widgets.link_editor import WeightEditor
from playground.ui.widgets.network_edit_items import (
    BUTTON_HEIGHT,
    EditButton,
    OffFeature,
    focus_frame,
    switched_off_mark,
)
from playground.ui.widgets.network_items import atlas_pixmaps, thumbnail_rgba

if TYPE_CHECKING:
    from playground.core.snapshot import Snapshot
    from playground.ui.widgets.network_view import NetworkView

#: Rows of the header above the neurons: title, the −/+/× buttons, the activation chip.
HEADER_ROWS = (2.0, 20.0, 38.0)
#: Where the neurons may start: under the header.
HEADER_HEIGHT = HEADER_ROWS[-1] + BUTTON_HEIGHT + 6


class ColumnControls:
    """The editing items above hidden layer ``layer`` (0-based among the hidden layers)."""

    def __init__(self, editor: DiagramEditor, spec: ExperimentSpec, layer: int) -> None:
        view = editor.view
        n = spec.network.hidden[layer]
        self.layer = layer
        self.minus = EditButton("−", f"Remove the last neuron of layer {layer + 1}",
                                lambda: view.edit_requested.emit(RemoveNeuron(layer, n - 1)), width=BUTTON_HEIGHT)
        self.plus = EditButton("+", f"Add a neuron to layer {layer + 1}",
                               lambda: view.edit_requested.emit(AddNeuron(layer)), width=BUTTON_HEIGHT)
        self.remove = EditButton("×", f"Remove layer {layer + 1} (Delete)",
                                 lambda: view.edit_requested.emit(RemoveLayer(layer)), width=BUTTON_HEIGHT)
        act = spec.network.activations[layer]
        self.chip = EditButton(ACTIVATIONS[act].label, f"Layer {layer + 1}'s activation: click to change it",
                               lambda: editor.popup(editor.activation_menu(layer)), chip=True)
        self.minus.set_disabled_reason(refusal(spec, RemoveNeuron(layer, n - 1)))
        self.plus.set_disabled_reason(refusal(spec, AddNeuron(layer)))
        self.items = (self.minus, self.plus, self.remove, self.chip)
        for item in self.items:
            view.scene.addItem(item)

    def place(self, centre: float, width: float) -> None:
        """Lay the items out in a block ``width`` wide centred on ``centre``."""
        left = centre - width / 2
        self.minus.setPos(left, HEADER_ROWS[1])
        self.plus.setPos(left + BUTTON_HEIGHT + 2, HEADER_ROWS[1])
        self.remove.setPos(left + width - BUTTON_HEIGHT, HEADER_ROWS[1])
        self.chip.set_width(min(width, self.chip.full_width))
        self.chip.setPos(centre - self.chip.boundingRect().width() / 2, HEADER_ROWS[2])


class DiagramEditor(DiagramMenus, QObject):
    """The editing items and gestures of ``view`` (a :class:`NetworkView`)."""

    def __init__(self, view: NetworkView) -> None:
        super().__init__(view)
        self.view = view
        self.spec: ExperimentSpec | None = None
        self.columns: list[ColumnControls] = []
        self.add_layer: list[EditButton] = []
        self.off_features: dict[str, OffFeature] = {}
        self.marks: dict[tuple[int, int], object] = {}
        self.more: dict[int, EditButton] = {}
        self._marked: set[tuple[int, int]] | None = None
        self.focus: tuple[int, int | None] = (0, None)  # (column, neuron or None for the whole column)
        self.frame = None
        self.weight_editor = WeightEditor(view)
        #: The domain and side the switched-off features were last drawn at (kept over a rebuild).
        self.off_picture: tuple[tuple[float, float, float, float], int] | None = None
        self.weight_editor.accepted.connect(view.weight_edit_requested.emit)
        self.last_menu: QMenu | None = None

    # ------------------------------------------------------------------ building

    def reset(self) -> None:
        """Forget every item (the scene was cleared)."""
        self.columns, self.add_layer, self.off_features, self.marks = [], [], {}, {}
        self.more: dict[int, EditButton] = {}  # column -> its "+k more" marker
        self._marked: set[tuple[int, int]] | None = None  # the switched-off neurons the marks show
        self.frame = None

    def build(self, s: Snapshot) -> None:
        """Make the editing items of ``s``'s architecture (after the view made its own)."""
        self.reset()
        spec = self.spec = s.spec
        scene = self.view.scene
        self.columns = [ColumnControls(self, spec, k) for k in range(len(spec.network.hidden))]
        for k in range(len(spec.network.hidden) + 1):
            b = EditButton("+ layer", f"Insert a hidden layer of 2 neurons here (position {k + 1})",
                           lambda k=k: self.view.edit_requested.emit(AddLayer(k)))
            b.set_disabled_reason(refusal(spec, AddLayer(k)))
            scene.addItem(b)
            self.add_layer.append(b)
        for c, n in enumerate(s.layer_sizes[1:-1], start=1):
            if n > MAX_SHOWN:
                b = EditButton(f"+{n - MAX_SHOWN + 1} more", f"Show all {n} neurons of layer {c}",
                               # later: expanding rebuilds the items, this button among them
                               lambda c=c: QTimer.singleShot(0, lambda: self.view.expand(c)))
                scene.addItem(b)
                self.more[c] = b
        for f in FEATURES:
            if f not in spec.features:
                self.off_features[f] = OffFeature(scene, FEATURE_LABELS[f])
        self.frame = focus_frame()
        scene.addItem(self.frame)
        self.update(s)

    def update(self, s: Snapshot) -> None:
        """Per snapshot: the switched-off marks (rebuilt only when the set changes)."""
        self.spec = s.spec
        off = set(s.spec.network.switched_off)
        if off == self._marked:
            return
        self._marked = off
        for item in self.marks.values():
            self.view.scene.removeItem(item)  # type: ignore[arg-type]
        self.marks = {}
        for layer, k in sorted(off):
            col = self.view.neurons[layer + 1] if layer + 1 < len(self.view.neurons) else []
            if k < len(col) and col[k].drawn:  # not one behind its layer's "+k more" marker
                mark = switched_off_mark(col[k].rect)
                mark.setToolTip(f"Layer {layer + 1} neuron {k + 1} is switched off: its output is held at 0")
                self.view.scene.addItem(mark)
                self.marks[(layer, k)] = mark

    def draw_off_features(self, domain: tuple[float, float, float, float], size: int) -> None:
        """Give each switched-off feature a faded thumbnail of what it would feed in, over ``domain``."""
        self.off_picture = (domain, size)
        if not self.off_features:
            return
        names = list(self.off_features)
        values = expand_features(grid_points(domain, size), names).T.reshape(len(names), size, size)
        pixmaps = atlas_pixmaps(thumbnail_rgba(values, size, np.abs(values).max(axis=(1, 2))))
        for f, pm in zip(names, pixmaps, strict=True):
            off = self.off_features[f]
            if off.picture is None:
                item = QGraphicsPixmapItem()
                item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
                self.view.scene.addItem(item)
                off.set_picture(item)
            off.picture.setPixmap(pm)
            off.place(off.rect.x(), off.rect.y(), off.rect.width())

    def place(self, slot_rect, centres: dict[int, float], gap: float, scene_rect: QRectF) -> None:
        """Position every editing item; ``slot_rect(feature)`` is an input slot's square."""
        width = max(3 * BUTTON_HEIGHT + 4, gap - BUTTON_HEIGHT - 12)
        for k, col in enumerate(self.columns):
            col.place(centres[k + 1], width)
        y = scene_rect.bottom() - 2 * BUTTON_HEIGHT - 6
        for k, b in enumerate(self.add_layer):
            mid = (centres[k] + centres[k + 1]) / 2
            b.set_width(min(b.full_width, gap - 8))
            b.setPos(mid - b.boundingRect().width() / 2, y)
        for f, off in self.off_features.items():
            r = slot_rect(f)
            off.place(r.x(), r.y(), r.width())
        for c, b in self.more.items():
            shown = self.view.shown[c]
            b.setVisible(shown < len(self.view.neurons[c]))
            r = self.view.neurons[c][shown - 1].rect if shown else QRectF()
            b.set_width(min(b.full_width, gap - 8))
            b.setPos(r.center().x() - b.boundingRect().width() / 2, r.bottom() + 4)
        for (layer, k), mark in self.marks.items():
            mark.setRect(self.view.neurons[layer + 1][k].rect)  # type: ignore[attr-defined]
        self.show_focus()

    # ------------------------------------------------------------------ gestures

    def press(self, pos: QPointF, button: Qt.MouseButton, modifiers: Qt.KeyboardModifier,
              global_pos: QPoint | None = None) -> None:
        """A mouse press on the scene at ``pos`` that no item took."""
        if self.spec is None:
            return
        if button == Qt.MouseButton.RightButton:
            self.popup(self.menu_at(pos), global_pos)
            return
        if button != Qt.MouseButton.LeftButton:
            return
        feature = self.feature_at(pos)
        if feature is not None:
            self.view.edit_requested.emit(ToggleFeature(feature))
            return
        hit = self.view._neuron_at(pos)
        if hit is not None:
            c, j = hit
            self.focus = (c, j)
            self.show_focus()
            if modifiers & Qt.KeyboardModifier.AltModifier and self.is_hidden(c):
                self.toggle_switch(c - 1, j)
            return
        link = self.view._link_at(pos)
        if link is not None:
            self.edit_weight(*link, global_pos)

    def is_hidden(self, c: int) -> bool:
        return 0 < c < len(self.view.neurons) - 1

    def feature_at(self, pos: QPointF) -> str | None:
        """The input feature (on or off) whose square is at ``pos``."""
        for f, off in self.off_features.items():
            if off.rect.adjusted(-2, -2, 2, 2).contains(pos):
                return f
        hit = self.view._neuron_at(pos)
        if hit is not None and hit[0] == 0 and self.spec is not None:
            return self.spec.features[hit[1]]
        return None

    def feature_rect(self, feature: str) -> QRectF:
        """Where input ``feature`` (on or off) is drawn."""
        if feature in self.off_features:
            return self.off_features[feature].rect
        return self.view.neurons[0][self.spec.features.index(feature)].rect  # type: ignore[union-attr]

    def toggle_switch(self, layer: int, k: int) -> None:
        """Ask to switch hidden neuron ``k`` of hidden layer ``layer`` off (when on) or on (when off)."""
        off = (layer, k) not in set(self.spec.network.switched_off)  # type: ignore[union-attr]
        self.view.neuron_switch_requested.emit(layer, k, off)

    def edit_weight(self, layer: int, out: int, inp: int, global_pos: QPoint | None = None) -> None:
        """Open the weight editor on the link from unit ``inp`` to unit ``out`` of weight layer ``layer``."""
        s = self.view._snapshot
        if s is None:
            return
        grads = s.gradients
        grad = float(grads[layer][out, inp]) if len(grads) == len(s.weights) else None
        title = self.view.link_name(layer, out, inp)
        self.weight_editor.open(layer, out, inp, float(s.weights[layer][out, inp]), grad, title,
                                global_pos if global_pos is not None else QCursor.pos())

    def popup(self, menu: QMenu | None, global_pos: QPoint | None = None) -> None:
        """Show ``menu`` (without waiting for it: nothing blocks the window)."""
        if menu is None:
            return
        self.last_menu = menu
        menu.popup(global_pos if global_pos is not None else QCursor.pos())

    # ------------------------------------------------------------------ focus

    def show_focus(self) -> None:
        """Draw the focus frame around the focused column or neuron (only while the diagram has focus)."""
        frame = self.frame
        if frame is None or not self.view.neurons:
            return
        c, j = self.focus
        c = min(c, len(self.view.neurons) - 1)
        col = self.view.neurons[c]
        if j is not None and j < len(col):
            rect = col[j].rect.adjusted(-4, -4, 4, 4)
        else:
            top, bottom = col[0].rect, col[-1].rect
            rect = QRectF(top.left(), top.top(), top.width(), bottom.bottom() - top.top()).adjusted(-6, -6, 6, 6)
            self.focus = (c, None)
        frame.setRect(rect)
        frame.setVisible(self.view.view.hasFocus())
