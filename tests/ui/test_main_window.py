"""The real main window, driven offscreen: transport, live changes, rebuilds, failures, closing."""

from __future__ import annotations

import numpy as np
import pytest
from builders import diverging_spec, make_spec
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_helpers import make_window, qt_warnings, settle, trained_epochs, wait_snapshot

from playground.ui.main_window import MainWindow, default_spec
from playground.ui.training import live_worker_threads
from playground.ui.widgets.data_panel import PICKER_DATASETS


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    yield w
    w.close()


def _button(w: MainWindow, name: str):
    return next(b for b in w.transport.buttons if b.objectName() == f"button_{name}")


def test_play_advances_epochs_and_the_loss_falls(qtbot, window):
    first = window.controller.last_snapshot
    qtbot.mouseClick(_button(window, "play"), Qt.MouseButton.LeftButton)
    s = wait_snapshot(qtbot, window, lambda s: s.epoch >= 100)
    assert s.test_loss < 0.5 * first.test_loss
    assert window.play_action.text() == "Pause"
    window.play_action.trigger()
    last = settle(qtbot, window)
    assert window.transport.epoch_label.text() == f"Epoch {last.epoch:07,d}"
    assert window.status.fields["epoch"].text() == f"Epoch {last.epoch:,}"


def test_pause_stops_the_epoch(qtbot, window):
    window.play_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch >= 20)
    window.play_action.trigger()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=2000)
    epoch = settle(qtbot, window).epoch
    assert trained_epochs(window.controller) == epoch  # asked after the pause: the worker stopped there
    assert settle(qtbot, window).epoch == epoch
    assert window.play_action.text() == "Play"


def test_keyboard_shortcuts(qtbot, window):
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_S)
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_snapshot(qtbot, window, lambda s: s.epoch == 2)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.running, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_R)
    wait_snapshot(qtbot, window, lambda s: s.epoch == 0)


def test_step_is_exactly_one_epoch(qtbot, window):
    for expected in (1, 2, 3):
        qtbot.mouseClick(_button(window, "step"), Qt.MouseButton.LeftButton)
        wait_snapshot(qtbot, window, lambda s, e=expected: s.epoch == e)
    assert settle(qtbot, window).epoch == 3


def test_step_batch_is_one_update(qtbot, window):
    batches = window.controller.last_snapshot.batches
    window.step_batch_action.trigger()
    s = wait_snapshot(qtbot, window, lambda s: s.batches == batches + 1)
    assert s.epoch == 0  # 100 training points = 10 batches: the epoch is not finished
    assert settle(qtbot, window).batches == batches + 1  # and not more


def test_reset_goes_to_epoch_zero_with_new_weights(qtbot, window):
    w0 = window.controller.last_snapshot.weights[0].copy()
    window.play_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch >= 30)
    window.reset_action.trigger()
    s = wait_snapshot(qtbot, window, lambda s: s.epoch == 0)
    assert not window.controller.running
    assert not np.array_equal(s.weights[0], w0)
    assert "Reset" in window.status.currentMessage()


def test_learning_rate_change_applies_live_and_keeps_weights(qtbot, window):
    window.play_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch >= 20)
    generation = window.controller.generation
    combo = window.experiment.training.learning_rate
    combo.setCurrentIndex(combo.findData(0.3))
    combo.activated.emit(combo.currentIndex())
    s = wait_snapshot(qtbot, window, lambda s: s.spec.training.optimizer.learning_rate == 0.3)
    assert window.controller.generation == generation  # not rebuilt
    assert s.epoch > 20 and window.controller.running
    assert window.spec.training.optimizer.learning_rate == 0.3
    assert "applies now" in window.status.currentMessage()
    window.play_action.trigger()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=2000)
    # Free entry of any rate; bad text is refused with a message and the old value shown.
    combo.setEditText("0.0123")
    combo.lineEdit().editingFinished.emit()
    wait_snapshot(qtbot, window, lambda s: s.spec.training.optimizer.learning_rate == 0.0123)
    combo.setEditText("fast")
    combo.lineEdit().editingFinished.emit()
    assert "not a number" in window.status.currentMessage()
    assert combo.currentText() == "0.0123"


def test_weights_survive_a_live_change(qtbot, window):
    window.step_action.trigger()
    s1 = wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    window.experiment.training.batch_size.setValue(5)
    s2 = wait_snapshot(qtbot, window, lambda s: s.spec.training.batch_size == 5)
    np.testing.assert_array_equal(s1.weights[0], s2.weights[0])
    assert s2.epoch == 1


def test_architecture_change_mid_run_keeps_the_trained_weights_in_a_new_run(qtbot, window):
    window.play_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch >= 20)
    generation = window.controller.generation
    window.experiment.network.add_layer.click()
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes == (2, 4, 4, 1))
    assert window.controller.generation == generation + 1
    assert window.spec.network.hidden == (4, 4)
    assert "+1 layer: trained weights kept, new run" in window.status.currentMessage()
    step = window.undo_stack.steps()[-1]
    assert step.before.state["epoch"] >= 20  # the trained first layer went on into the new run
    np.testing.assert_array_equal(step.after.weights["layers.0.weight"], step.before.weights["layers.0.weight"])
    assert len(window.session.runs) == 1  # the old run is kept for comparison
    assert window.controller.running  # training goes on with the new network
    spin = window.experiment.network.neuron_spins[0]
    spin.setValue(6)
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes == (2, 6, 4, 1))
    generation = window.controller.generation
    window.experiment.network.activation_combos[1].setCurrentIndex(
        window.experiment.network.activation_combos[1].findData("relu"))
    wait_snapshot(qtbot, window, lambda s: s.spec.network.activations == ("tanh", "relu"))
    assert window.controller.generation == generation + 1  # a new run (from epoch 0), not the old one's weights


def test_data_and_feature_changes_rebuild(qtbot, window):
    window.experiment.features.buttons["x1_sq"].click()
    wait_snapshot(qtbot, window, lambda s: s.layer_sizes[0] == 3)
    assert "+input X₁²: trained weights kept" in window.status.currentMessage()
    window.experiment.data.picker.button(PICKER_DATASETS.index("plane")).click()
    s = wait_snapshot(qtbot, window, lambda s: s.dataset.problem == "regression")
    assert s.spec.training.loss == "mse"
    window.experiment.training.loss.setCurrentIndex(window.experiment.training.loss.findData("bce"))
    assert window.spec.training.loss == "mse"  # refused for regression
    assert "regression needs mse" in window.status.currentMessage()


def test_last_feature_cannot_be_removed(qtbot, window):
    buttons = window.experiment.features.buttons
    buttons["x1"].click()
    wait_snapshot(qtbot, window, lambda s: s.spec.features == ("x2",))
    buttons["x2"].click()
    assert buttons["x2"].isChecked()
    assert "only input left" in window.status.currentMessage()
    assert window.spec.features == ("x2",)


def test_divergence_shows_a_message_and_pauses(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, diverging_spec())
    try:
        with qtbot.waitSignal(w.controller.failed, timeout=3000):
            w.play_action.trigger()
        qtbot.waitUntil(lambda: not w.controller.running, timeout=2000)
        assert w.banner.isVisible()
        assert "learning rate 10 is too high" in w.banner.text
        assert w.play_action.text() == "Play"
        s = settle(qtbot, w)
        assert all(np.isfinite(x).all() for x in s.weights)
        w.reset_action.trigger()
        assert not w.banner.isVisible()
    finally:
        w.close()


def test_stop_conditions_from_the_transport_bar(qtbot, window):
    window.transport.max_epochs.setValue(15)
    window.transport.stop_after.setChecked(True)
    window.play_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 15)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=2000)
    assert "15 epochs" in window.banner.text
    assert settle(qtbot, window).epoch == 15


def test_speed_control_paces_training(qtbot, window, virtual_clock):
    """10 epochs a second of the worker's clock: one at once, the next 0.1 s later."""
    window.transport.speed.setCurrentIndex(window.transport.speed.findData(10.0))
    window.play_action.trigger()
    qtbot.waitUntil(lambda: trained_epochs(window.controller) == 1, timeout=5000)
    reads = virtual_clock.reads
    qtbot.waitUntil(lambda: virtual_clock.reads > reads + 5, timeout=5000)  # it looked at the clock again
    assert trained_epochs(window.controller) == 1
    virtual_clock.advance(0.1)
    qtbot.waitUntil(lambda: trained_epochs(window.controller) == 2, timeout=5000)
    window.play_action.trigger()
    assert settle(qtbot, window).epoch == 2


def test_close_while_training_is_quick_and_clean(qtbot, tmp_path, qtlog, worker_polls):
    w = make_window(qtbot, tmp_path, default_spec())
    w.play_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch >= 10)
    w.close()
    # Joined (training would never end by itself), between two short pieces of work (the worker's CPU time)
    assert w.controller.is_shut_down and not live_worker_threads()
    assert worker_polls.longest_piece(0) < 1.0
    QApplication.processEvents()  # anything still queued from the worker must be ignored quietly
    assert not qt_warnings(qtlog)


def test_layout_and_view_options_persist(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.gradient_dock.close()
    w.log_scale_action.setChecked(True)
    w.show_test_action.setChecked(True)
    w.close()
    w2 = make_window(qtbot, tmp_path)
    try:
        assert not w2.gradient_dock.isVisible()
        assert w2.weights_dock.isVisible()
        assert w2.log_scale_action.isChecked()
        assert w2.show_test_action.isChecked()
        w2.reset_layout_action.trigger()
        assert w2.gradient_dock.isVisible() or not w2.gradient_dock.isHidden()
    finally:
        w2.close()


def test_every_control_has_a_tooltip(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox)
    missing = []
    for cls in kinds:
        for widget in window.findChildren(cls):
            if widget.parent() is None or type(widget).__name__ in ("QToolBarExtension", "QScrollBar"):
                continue
            if widget.objectName().startswith(("qt_", "Scroll")) or widget.inherits("QDockWidgetTitleButton"):
                continue
            if not widget.toolTip():
                missing.append(f"{type(widget).__name__} {widget.objectName()!r} {getattr(widget, 'text', str)()}")
    assert not missing, missing


def test_menus_hold_every_action_with_its_shortcut(window):
    texts = {a.text(): a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()}
    for name in ("Play", "Step", "Step batch", "Reset", "Quit"):
        assert name in texts, name
    assert texts["Play"].shortcut().toString() == "Space"
    assert [k.toString() for k in texts["Step"].shortcuts()] == ["S", "Right"]
    assert texts["Reset"].shortcut().toString() == "R"
    listing = window.shortcuts_text()
    assert "Space:  Start or pause training" in listing and "S or Right:" in listing


def test_default_experiment_learns(qtbot, tmp_path):
    spec = default_spec()
    assert spec.data.name == "spiral" and len(spec.network.hidden) == 2
    w = make_window(qtbot, tmp_path, spec)
    try:
        w.play_action.trigger()
        s = wait_snapshot(qtbot, w, lambda s: s.test_accuracy is not None and s.test_accuracy > 0.9,
                          timeout=20_000)
        assert s.epoch > 0
    finally:
        w.close()


def test_hidden_views_are_drawn_when_shown(qtbot, window, monkeypatch):
    calls: list[int] = []
    original = window.gradient_view.show_snapshot
    monkeypatch.setattr(window.gradient_view, "show_snapshot", lambda s: (calls.append(s.epoch), original(s)))
    assert window.gradient_view.visibleRegion().isEmpty()  # tabbed behind the weights at first start
    window.step_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    assert calls == []
    window.gradient_dock.raise_()
    qtbot.waitUntil(lambda: calls == [1], timeout=2000)


def test_the_experiment_panel_fits_the_screen_with_adamws_settings(qtbot, tmp_path):
    """At the window's size on a 1600 × 1000 screen, two hidden layers and AdamW (four settings of
    its own) need no scrolling in the Experiment panel."""
    w = make_window(qtbot, tmp_path, make_spec("spiral", (8, 8), optimizer="adamw"))
    try:
        w.resize(1520, 950)
        settle(qtbot, w)
        assert w.experiment.training.shown_settings() == {"beta1", "beta2", "epsilon", "weight_decay"}
        assert w.experiment.dock.widget().verticalScrollBar().maximum() == 0
    finally:
        w.close()


@pytest.mark.parametrize("size", [(1520, 950), (1024, 700)])
def test_the_loss_header_shows_all_its_figures_at_the_default_size(qtbot, window, size):
    from PySide6.QtGui import QTextDocument

    window.resize(*size)
    window.step_action.trigger()
    wait_snapshot(qtbot, window, lambda s: s.epoch == 1)
    header = window.loss_plot.header
    window.loss_plot.throttle.flush()
    qtbot.waitUntil(lambda: "test" in header.text() and "acc." in header.text())
    doc = QTextDocument()  # the header's text laid out in its width: it must fit its height
    doc.setDefaultFont(header.font())
    doc.setHtml(header.text())
    doc.setTextWidth(header.contentsRect().width())
    assert doc.size().height() <= header.contentsRect().height() + 1
