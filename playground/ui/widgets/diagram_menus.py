"""The network diagram's context menus: everything that applies to an input, a neuron, a column or a link.

Menu items that the spec limits forbid are disabled, with the spec's reason as their tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from playground.core.activations import ACTIVATIONS
from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    Edit,
    RemoveLayer,
    RemoveNeuron,
    SetActivation,
    ToggleFeature,
    apply_edit,
)
from playground.core.features import FEATURE_LABELS, FEATURE_TOOLTIPS
from playground.core.spec import FEATURES, ExperimentSpec, SpecError

if TYPE_CHECKING:
    from playground.ui.widgets.network_view import NetworkView


def refusal(spec: ExperimentSpec, edit: Edit) -> str | None:
    """Why ``edit`` cannot be applied to ``spec`` (the spec's own message), or None when it can."""
    try:
        apply_edit(spec, edit)
    except SpecError as exc:
        return str(exc)
    return None


class DiagramMenus:
    """The menus of :class:`~playground.ui.widgets.diagram_editor.DiagramEditor` (its base)."""

    view: NetworkView
    spec: ExperimentSpec | None

    def _add(self, menu: QMenu, text: str, slot, reason: str | None = None, checked: bool | None = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if reason is not None:
            action.setEnabled(False)
            action.setToolTip(f"Not possible: {reason}")
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
        return action

    def _edit_action(self, menu: QMenu, text: str, edit: Edit) -> QAction:
        return self._add(menu, text, lambda: self.view.edit_requested.emit(edit), refusal(self.spec, edit))

    def activation_menu(self, layer: int) -> QMenu:
        """The activations for hidden layer ``layer``, the current one checked."""
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        current = self.spec.network.activations[layer]  # type: ignore[union-attr]
        for key, act in ACTIVATIONS.items():
            a = self._add(menu, act.label, lambda _=False, key=key: self.view.edit_requested.emit(
                SetActivation(layer, key)), checked=key == current)
            a.setToolTip(act.tooltip)
        return menu

    def menu_at(self, pos: QPointF) -> QMenu | None:
        """The context menu for what is at scene position ``pos`` (None: nothing there)."""
        feature = self.feature_at(pos)
        if feature is not None:
            return self.feature_menu(feature)
        hit = self.view._neuron_at(pos)
        if hit is not None:
            return self.neuron_menu(*hit)
        link = self.view._link_at(pos)
        if link is not None:
            return self.link_menu(*link)
        c = self.column_at(pos)
        return self.column_menu(c) if c is not None else None

    def column_at(self, pos: QPointF) -> int | None:
        """The column whose header or neurons are under ``pos`` (nearest centre within half a gap)."""
        centres = self.view._col_centres
        if not centres:
            return None
        c = min(centres, key=lambda k: abs(centres[k] - pos.x()))
        return c if abs(centres[c] - pos.x()) <= max(self.view.column_gap / 2, 12.0) else None

    def feature_menu(self, feature: str) -> QMenu:
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        on = feature in self.spec.features  # type: ignore[union-attr]
        a = self._edit_action(menu, f"Use {FEATURE_LABELS[feature]} as an input", ToggleFeature(feature))
        a.setCheckable(True)
        a.setChecked(on)
        a.setStatusTip(FEATURE_TOOLTIPS[feature])
        return menu

    def neuron_menu(self, c: int, j: int) -> QMenu:
        if c == 0:
            return self.feature_menu(self.spec.features[j])  # type: ignore[union-attr]
        if not self.is_hidden(c):
            return self.column_menu(c)
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        layer = c - 1
        off = (layer, j) in set(self.spec.network.switched_off)  # type: ignore[union-attr]
        self._add(menu, "Switch on" if off else "Switch off (hold its output at 0)\tAlt+click",
                  lambda: self.toggle_switch(layer, j))
        self._edit_action(menu, f"Remove neuron {j + 1}", RemoveNeuron(layer, j))
        self._edit_action(menu, "Add a neuron after it", AddNeuron(layer, j + 1))
        menu.addSeparator()
        self._fill_column(menu, layer)
        return menu

    def column_menu(self, c: int) -> QMenu:
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        if c == 0:
            for f in FEATURES:
                menu.addActions(self.feature_menu(f).actions())
        elif self.is_hidden(c):
            self._fill_column(menu, c - 1)
        else:
            self._edit_action(menu, "Insert a hidden layer before the output", AddLayer(c - 1))
        return menu

    def _fill_column(self, menu: QMenu, layer: int) -> None:
        n = self.spec.network.hidden[layer]  # type: ignore[union-attr]
        self._edit_action(menu, f"Add a neuron to layer {layer + 1}", AddNeuron(layer))
        self._edit_action(menu, "Remove the last neuron", RemoveNeuron(layer, n - 1))
        acts = menu.addMenu("Activation")
        acts.setToolTipsVisible(True)
        acts.addActions(self.activation_menu(layer).actions())
        self._edit_action(menu, "Insert a layer before it", AddLayer(layer))
        self._edit_action(menu, "Insert a layer after it", AddLayer(layer + 1))
        self._edit_action(menu, f"Remove layer {layer + 1}\tDel", RemoveLayer(layer))

    def link_menu(self, layer: int, out: int, inp: int) -> QMenu:
        menu = QMenu(self.view)
        self._add(menu, "Edit weight…", lambda: self.edit_weight(layer, out, inp))
        self._add(menu, "Set weight to 0", lambda: self.view.weight_edit_requested.emit(layer, out, inp, 0.0))
        return menu

