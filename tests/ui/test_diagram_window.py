"""The diagram's requests applied to the window's experiment end to end: the spec, the side panel and the model."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from window_helpers import settle, wait_snapshot

from playground.core.architecture_edit import AddNeuron, RemoveLayer


def click(qtbot, w, at, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    v = w.network_view.view
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, modifier, v.mapFromScene(at))


def test_diagram_edits_change_the_experiment_and_the_panels_follow(qtbot, win):
    w, _ = win
    nv = w.network_view
    before = settle(qtbot, w)
    click(qtbot, w, nv.editor.columns[0].plus.sceneBoundingRect().center())
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (2, 5, 1))
    np.testing.assert_array_equal(s.weights[0][:4], before.weights[0])  # the weights that remain are kept
    assert w.spec.network.hidden == (5,) and w.experiment.network.network.hidden == (5,)
    assert [len(c) for c in nv.neurons] == [2, 5, 1] and len(nv.editor.columns) == 1
    click(qtbot, w, nv.editor.off_features["x1x2"].rect.center())
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (3, 5, 1))
    assert s.spec.features == ("x1", "x2", "x1x2") == w.experiment.features.features
    assert w.experiment.features.buttons["x1x2"].isChecked()
    click(qtbot, w, nv.editor.add_layer[1].sceneBoundingRect().center())
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (3, 5, 2, 1))
    assert len(nv.editor.columns) == 2 and w.experiment.network.network.hidden == (5, 2)
    nv.edit_requested.emit(AddNeuron(7))  # not in this network: refused in one line, nothing changes
    assert "Not applied" in w.status.currentMessage() and "no hidden layer 7" in w.status.currentMessage()
    assert w.spec.network.hidden == (5, 2)
    nv.edit_requested.emit(RemoveLayer(1))
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (3, 5, 1))
    w.session.undo_stack.undo()  # a diagram edit is an undo step like any other
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (3, 5, 2, 1))


def test_a_typed_weight_and_a_switched_off_neuron_reach_the_running_model(qtbot, win):
    w, _ = win
    nv = w.network_view
    before = settle(qtbot, w)
    nv.editor.edit_weight(0, 2, 1)
    ed = nv.editor.weight_editor
    ed.field.setText("0.625")
    qtbot.keyClick(ed.field, Qt.Key.Key_Return)
    s = settle(qtbot, w)
    assert s.weights[0][2, 1] == 0.625 and s.epoch == before.epoch  # the run goes on: no reset
    assert w.isWindowModified()
    n = nv.neurons[1][3]
    click(qtbot, w, n.rect.center(), Qt.KeyboardModifier.AltModifier)
    s = wait_snapshot(qtbot, w, lambda s: s.spec.network.switched_off == ((0, 3),))
    assert w.spec.network.switched_off == ((0, 3),) and s.epoch == before.epoch
    assert np.all(s.grid.neurons[1][3] == 0)
    qtbot.waitUntil(lambda: list(nv.editor.marks) == [(0, 3)])  # shown once the timers had their pass
    w.step_action.trigger()
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == before.epoch + 1)
    assert s.weights[0][2, 1] != 0.625 and s.spec.network.switched_off == ((0, 3),)  # trained on from there
    click(qtbot, w, n.rect.center(), Qt.KeyboardModifier.AltModifier)
    wait_snapshot(qtbot, w, lambda s: s.spec.network.switched_off == ())
    assert nv.editor.marks == {} and w.spec.network.switched_off == ()


def test_arrow_keys_on_the_diagram_move_its_focus_not_the_training(qtbot, win):
    w, _ = win
    nv = w.network_view
    before = settle(qtbot, w)
    nv.view.setFocus()
    qtbot.waitUntil(nv.view.hasFocus)
    qtbot.keyClick(nv.view, Qt.Key.Key_Right)  # elsewhere in the window Right is "Step"
    qtbot.keyClick(nv.view, Qt.Key.Key_Plus)
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (2, 5, 1))
    assert nv.editor.focus[0] == 1 and s.epoch == before.epoch == 0
    w.step_action.trigger()  # the action itself still works
    wait_snapshot(qtbot, w, lambda s: s.epoch == 1)


def test_the_worker_makes_images_of_the_drawn_neurons_only(qtbot, tmp_path):
    from builders import easy_spec
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path, easy_spec((30,)))
    try:
        nv = w.network_view
        s = wait_snapshot(qtbot, w, lambda s: [len(a) for a in s.grid.neurons] == [2, 23, 1])
        assert nv.shown == [2, 23, 1] and s.layer_sizes == (2, 30, 1)
        click(qtbot, w, nv.editor.more[1].sceneBoundingRect().center())  # paused: a new picture anyway
        s = wait_snapshot(qtbot, w, lambda s: [len(a) for a in s.grid.neurons] == [2, 30, 1])
        qtbot.waitUntil(lambda: all(not n.pixmap.pixmap().isNull() for n in nv.neurons[1]))
        assert s.epoch == 0
    finally:
        close_quietly(w, dialogs)


def test_the_shortcut_list_tells_the_diagram_keys(win):
    w, _ = win
    text = w.shortcuts_text()
    assert "network diagram" in text and "Alt+click" in text and "Ctrl+T:  Show the training settings" in text
