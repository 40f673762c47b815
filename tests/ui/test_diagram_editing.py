"""Drawing on the network diagram: each item, clicked, asks for the right edit; limits disable items."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from diagram_helpers import shown_diagram
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    RemoveLayer,
    RemoveNeuron,
    SetActivation,
    ToggleFeature,
)
from playground.core.spec import FEATURES, MAX_HIDDEN_LAYERS
from playground.core.trainer import Trainer
from playground.ui.widgets.network_edit_items import EditButton
from playground.ui.widgets.network_view import NetworkView
from playground.ui.widgets.preview import sample_snapshot, sample_spec


@pytest.fixture(scope="module")
def snap():
    return sample_snapshot("binary", 3, (3, 2), grid_resolution=20)  # features x1, x2, sin x1, sin x2


def make_view(qtbot, s, width: int = 800, height: int = 460) -> tuple[NetworkView, list]:
    """A shown diagram of ``s`` and the list of every request it emits, in order."""
    w = shown_diagram(qtbot, s, width, height)
    got: list = []
    w.edit_requested.connect(got.append)
    w.weight_edit_requested.connect(lambda *a: got.append(("weight", *a)))
    w.neuron_switch_requested.connect(lambda *a: got.append(("switch", *a)))
    return w, got


def click(qtbot, w: NetworkView, at: QPointF, button=Qt.MouseButton.LeftButton,
          modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A real mouse click on the diagram at scene position ``at``."""
    qtbot.mouseClick(w.view.viewport(), button, modifier, w.view.mapFromScene(at))


def centre(item) -> QPointF:
    return item.sceneBoundingRect().center()


def buttons(w: NetworkView) -> list[EditButton]:
    return [i for i in w.scene.items() if isinstance(i, EditButton)]


def test_column_buttons_ask_for_their_edits(qtbot, snap):
    w, got = make_view(qtbot, snap)
    ed = w.editor
    assert len(ed.columns) == 2 and len(ed.add_layer) == 3
    assert len(buttons(w)) == 4 * 2 + 3  # −, +, ×, chip per hidden column; a "+ layer" before, between, after
    click(qtbot, w, centre(ed.columns[0].plus))
    click(qtbot, w, centre(ed.columns[1].minus))
    click(qtbot, w, centre(ed.columns[0].remove))
    click(qtbot, w, centre(ed.add_layer[1]))
    click(qtbot, w, centre(ed.add_layer[2]))
    assert got == [AddNeuron(0), RemoveNeuron(1, 1), RemoveLayer(0), AddLayer(1), AddLayer(2)]


def test_activation_chip_opens_a_menu_that_sets_the_activation(qtbot, snap):
    w, got = make_view(qtbot, snap)
    chip = w.editor.columns[1].chip
    assert chip.text == "Tanh"
    click(qtbot, w, centre(chip))
    menu = w.editor.last_menu
    assert menu is not None and menu.isVisible()
    checked = [a.text() for a in menu.actions() if a.isChecked()]
    assert checked == ["Tanh"]
    next(a for a in menu.actions() if a.text() == "ReLU").trigger()
    menu.close()
    assert got == [SetActivation(1, "relu")]


def test_limits_disable_items_with_a_reason(qtbot):
    s = sample_snapshot("binary", 0, (1,) * MAX_HIDDEN_LAYERS, grid_resolution=10)
    w, got = make_view(qtbot, s, 1400, 500)
    ed = w.editor
    assert all(not b.isEnabled() and "hidden layers" in b.toolTip() for b in ed.add_layer)
    minus = ed.columns[3].minus
    assert not minus.isEnabled() and "at least 1 neuron" in minus.toolTip()
    assert ed.columns[3].plus.isEnabled() and ed.columns[3].remove.isEnabled()
    click(qtbot, w, centre(minus))
    click(qtbot, w, centre(ed.add_layer[0]))
    assert got == []  # a disabled item asks for nothing
    click(qtbot, w, centre(ed.columns[3].plus))
    assert got == [AddNeuron(3)]


def test_every_feature_is_drawn_and_a_click_toggles_it(qtbot, snap):
    w, got = make_view(qtbot, snap)
    on = snap.spec.features
    off = [f for f in FEATURES if f not in on]
    assert len(w.neurons[0]) == len(on) and sorted(w.editor.off_features) == sorted(off)
    ghost = w.editor.off_features["x1_sq"]
    assert ghost.frame.isVisible() and ghost.label.isVisible() and ghost.picture is not None
    assert ghost.picture.opacity() < 0.5 and not ghost.picture.pixmap().isNull()  # faded, not hidden
    # Each in its own slot, in the canonical order, none on another.
    tops = {f: w.editor.feature_rect(f).top() for f in FEATURES}
    assert [tops[f] for f in FEATURES] == sorted(tops.values()) and len(set(tops.values())) == len(FEATURES)
    click(qtbot, w, ghost.rect.center())
    click(qtbot, w, w.neurons[0][1].rect.center())  # x2, on
    assert got == [ToggleFeature("x1_sq"), ToggleFeature("x2")]


def test_a_lone_feature_cannot_be_switched_off(qtbot):
    s = Trainer(sample_spec("binary", (2,)).replace(features=("x1",))).snapshot(grid_resolution=10)
    w, got = make_view(qtbot, s)
    menu = w.editor.feature_menu("x1")
    assert not menu.actions()[0].isEnabled() and "features" in menu.actions()[0].toolTip()


def _link_point(w: NetworkView, layer: int, j: int, i: int) -> QPointF:
    """A point a quarter of the way along the link from unit i of column ``layer`` to unit j of the next."""
    a, b = w.neurons[layer][i].rect, w.neurons[layer + 1][j].rect
    t = np.linspace(0, 1, 201)
    bx, by = 1.5 * t * (1 - t) + t**3, 3 * t**2 - 2 * t**3
    x = a.right() + 1 + 0.25 * (b.left() - a.right() - 2)
    return QPointF(x, a.center().y() + (b.center().y() - a.center().y()) * np.interp(0.25, bx, by))


def test_a_link_click_opens_its_weight_editor(qtbot, snap):
    w, got = make_view(qtbot, snap, 900, 500)
    click(qtbot, w, _link_point(w, 1, 1, 2))  # layer 1 neuron 3 → layer 2 neuron 2
    ed = w.editor.weight_editor
    assert ed.isVisible() and ed.link == (1, 1, 2)
    assert f"{snap.weights[1][1, 2]:.6g}" in ed.values.text()
    assert f"{snap.gradients[1][1, 2]:.3g}" in ed.values.text()
    ed.field.setText("abc")
    qtbot.keyClick(ed.field, Qt.Key.Key_Return)
    assert ed.isVisible() and "not a number" in ed.error.text() and got == []
    ed.field.setText("1e9")
    qtbot.keyClick(ed.field, Qt.Key.Key_Return)
    assert ed.isVisible() and got == []
    ed.field.setText("-0.75")
    qtbot.keyClick(ed.field, Qt.Key.Key_Return)
    assert not ed.isVisible() and got == [("weight", 1, 1, 2, -0.75)]
    click(qtbot, w, _link_point(w, 0, 0, 0))
    qtbot.keyClick(ed.field, Qt.Key.Key_Escape)
    assert not ed.isVisible() and len(got) == 1


def test_alt_click_switches_a_neuron_and_it_is_drawn_switched_off(qtbot, snap):
    w, got = make_view(qtbot, snap)
    n = w.neurons[1][2]
    click(qtbot, w, n.rect.center(), modifier=Qt.KeyboardModifier.AltModifier)
    click(qtbot, w, w.neurons[0][0].rect.center(), modifier=Qt.KeyboardModifier.AltModifier)  # an input: toggles
    assert got == [("switch", 0, 2, True), ToggleFeature("x1")]
    assert w.editor.marks == {}
    network = dataclasses.replace(snap.spec.network, switched_off=((0, 2),))
    w.show_snapshot(dataclasses.replace(snap, spec=snap.spec.replace(network=network)))
    assert list(w.editor.marks) == [(0, 2)] and w.editor.marks[(0, 2)].rect() == n.rect
    got.clear()
    click(qtbot, w, n.rect.center(), modifier=Qt.KeyboardModifier.AltModifier)
    assert got == [("switch", 0, 2, False)]
    w.show_snapshot(snap)
    assert w.editor.marks == {}


def test_context_menus_offer_what_applies_there(qtbot, snap):
    w, got = make_view(qtbot, snap)
    ed = w.editor

    def texts(menu) -> list[str]:
        return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]

    click(qtbot, w, w.neurons[2][1].rect.center(), Qt.MouseButton.RightButton)
    menu = ed.last_menu
    assert menu.isVisible() and texts(menu)[:3] == ["Switch off (hold its output at 0)", "Remove neuron 2",
                                                    "Add a neuron after it"]
    assert "Remove layer 2" in texts(menu) and "Activation" in texts(menu)
    menu.actions()[1].trigger()
    menu.close()
    click(qtbot, w, _link_point(w, 0, 1, 0), Qt.MouseButton.RightButton)
    assert texts(ed.last_menu) == ["Edit weight…", "Set weight to 0"]
    ed.last_menu.actions()[1].trigger()
    ed.last_menu.close()
    click(qtbot, w, w.editor.off_features["cos_x2"].rect.center(), Qt.MouseButton.RightButton)
    action = ed.last_menu.actions()[0]
    assert not action.isChecked() and "cos" in action.text()
    action.trigger()
    ed.last_menu.close()
    click(qtbot, w, QPointF(ed.columns[0].chip.sceneBoundingRect().center().x(), 8), Qt.MouseButton.RightButton)
    assert "Remove layer 1" in texts(ed.last_menu)  # a column's header
    ed.last_menu.close()
    assert got == [RemoveNeuron(1, 1), ("weight", 0, 1, 0, 0.0), ToggleFeature("cos_x2")]


def test_the_keyboard_moves_and_edits(qtbot, snap):
    w, got = make_view(qtbot, snap)
    w.view.setFocus()
    qtbot.waitUntil(w.view.hasFocus)
    ed = w.editor

    def key(k):
        qtbot.keyClick(w.view, k)

    key(Qt.Key.Key_Right)
    assert ed.focus == (1, None) and ed.frame.isVisible()
    assert ed.frame.rect().contains(w.neurons[1][0].rect) and ed.frame.rect().contains(w.neurons[1][-1].rect)
    key(Qt.Key.Key_Plus)
    key(Qt.Key.Key_Minus)
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Down)
    assert ed.focus == (1, 1) and ed.frame.rect().contains(w.neurons[1][1].rect)
    key(Qt.Key.Key_Delete)
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Up)
    key(Qt.Key.Key_Up)
    key(Qt.Key.Key_Delete)
    key(Qt.Key.Key_Left)
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    assert got == [AddNeuron(0), RemoveNeuron(0, 2), RemoveNeuron(0, 1), ("switch", 0, 1, True), RemoveLayer(0),
                   ToggleFeature("x1")]
    key(Qt.Key.Key_Menu)
    assert ed.last_menu is not None and ed.last_menu.isVisible()
    ed.last_menu.close()
    w.clearFocus()
    w.view.clearFocus()
    QApplication.processEvents()
    assert not ed.frame.isVisible()
