"""Undo in the window: the Edit menu, its shortcuts, the undo history, and edits made through the panels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from window_helpers import make_window, settle, wait_snapshot

from playground.ui.main_window import MainWindow
from playground.ui.widgets.snapshot_view import SnapshotView


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    yield w
    w.close()


def _focus(qtbot, w: MainWindow) -> None:
    w.activateWindow()
    qtbot.waitActive(w)
    w.setFocus()


def _pick_rate(w: MainWindow, value: float) -> None:
    combo = w.experiment.training.learning_rate
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def test_the_edit_menu_undoes_and_redoes_with_the_step_named(qtbot, window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Edit") == titles.index("&File") + 1
    assert not window.undo_action.isEnabled()
    _pick_rate(window, 0.3)
    assert window.undo_action.text() == "Undo learning rate 0.03 → 0.3"
    assert window.undo_action.toolTip() and window.redo_action.toolTip() and window.undo_history_action.toolTip()
    listing = window.shortcuts_text()
    assert "Ctrl+Z:  Undo the last edit" in listing and "Ctrl+Shift+Z or Ctrl+Y:  Redo" in listing
    _focus(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.spec.training.optimizer.learning_rate == 0.03
    assert window.experiment.training.learning_rate.currentData() == 0.03  # the panel shows it
    assert window.redo_action.text() == "Redo learning rate 0.03 → 0.3"
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.spec.training.optimizer.learning_rate == 0.3
    window.undo_action.trigger()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    s = wait_snapshot(qtbot, window, lambda s: s.spec.training.optimizer.learning_rate == 0.3)
    assert s.spec == window.spec


def test_panel_edits_are_undone_and_the_panels_follow(qtbot, window):
    features = window.experiment.features.buttons
    features["sin_x1"].click()
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes[0] == 3)
    window.experiment.network.neuron_spins[0].setValue(6)
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes == (3, 6, 1))
    assert window.undo_stack.count() == 2
    window.undo_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes == (3, 4, 1))
    assert window.experiment.network.neuron_spins[0].value() == 4
    window.undo_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes == (2, 4, 1))
    assert not features["sin_x1"].isChecked()
    assert window.status.currentMessage() == "Undone: +input sin(X₁) (the run before it is back, as it was)"


def test_reset_says_what_it_did_keeps_the_run_and_can_be_undone(qtbot, window):
    assert all(isinstance(view, SnapshotView) for view in window.views)  # what the window draws
    assert not isinstance(window.experiment.network, SnapshotView)
    window.step_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    window.reset_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 0)
    assert window.status.currentMessage() == "Reset: new random weights"
    assert len(window.session.runs) == 1
    window.undo_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)


def test_the_undo_history_lists_every_step_and_goes_back_to_one(qtbot, window):
    assert window.undo_dock.isHidden()
    window.undo_history_action.trigger()
    assert window.undo_dock.isVisible()
    _pick_rate(window, 0.3)
    window.experiment.training.batch_size.setValue(5)
    model = window.undo_view.model()
    assert model.rowCount() == 3  # the start, and two steps
    assert model.index(1, 0).data() == "learning rate 0.03 → 0.3"
    window.undo_view.setCurrentIndex(model.index(0, 0))  # back to the start: both undone
    assert window.spec.training.batch_size == 10 and window.spec.training.optimizer.learning_rate == 0.03
    settle(qtbot, window)


def test_data_and_loss_from_the_panels_are_undone(qtbot, window):
    from playground.ui.widgets.data_panel import PICKER_DATASETS

    window.step_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    window.experiment.data.picker.button(PICKER_DATASETS.index("xor")).click()
    wait_snapshot(qtbot, window, lambda s: s.spec.data.name == "xor" and s.epoch == 0)
    assert len(window.session.runs) == 1
    loss = window.experiment.training.loss
    loss.setCurrentIndex(loss.findData("bce"))
    wait_snapshot(qtbot, window, lambda s: s.spec.training.loss == "bce")
    assert window.undo_action.text() == "Undo loss mse → bce"
    window.undo_action.trigger()
    window.undo_action.trigger()
    s = wait_snapshot(qtbot, window, lambda s: s.spec.data.name == "gauss")
    assert s.epoch == 1 and s.spec.training.loss == "mse"
    assert window.experiment.data.data.name == "gauss" and loss.currentData() == "mse"
