"""Optimizer settings in the training panel (shown per optimizer, applied live); speed and grid remembered;
worker requests."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from file_helpers import close_quietly, file_window, step_to
from window_helpers import settle, trained_epochs, wait_snapshot

from playground.core.spec import OptimizerSpec, TrainingSpec
from playground.ui.training import WorkerRequestError
from playground.ui.widgets.optimizer_settings import USED_BY
from playground.ui.widgets.training_panel import TrainingPanel, describe_training_change


@pytest.mark.parametrize("name", list(USED_BY))
def test_only_the_optimizers_own_settings_are_shown(qtbot, name):
    panel = TrainingPanel(TrainingSpec(optimizer=OptimizerSpec(name=name)))
    qtbot.addWidget(panel)
    assert panel.shown_settings() == set(USED_BY[name])


def test_switching_optimizer_shows_its_settings(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    assert panel.shown_settings() == set()
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adamw"))
    assert panel.shown_settings() == {"beta1", "beta2", "epsilon", "weight_decay"}
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("momentum"))
    assert panel.shown_settings() == {"momentum"}


def test_entering_a_setting_emits_it_and_bad_text_is_refused(qtbot):
    panel = TrainingPanel(TrainingSpec(optimizer=OptimizerSpec(name="adam")))
    qtbot.addWidget(panel)
    seen, refused = [], []
    panel.training_changed.connect(seen.append)
    panel.refused.connect(refused.append)
    beta2 = panel.optimizer_settings["beta2"]
    beta2.setCurrentIndex(beta2.findData(0.99))
    beta2.activated.emit(beta2.currentIndex())
    assert seen[-1].optimizer.beta2 == 0.99 and seen[-1].optimizer.name == "adam"
    eps = panel.optimizer_settings["epsilon"]
    eps.setEditText("3e-7")
    eps.lineEdit().editingFinished.emit()
    assert seen[-1].optimizer.epsilon == 3e-7
    n = len(seen)
    eps.setEditText("tiny")
    eps.lineEdit().editingFinished.emit()
    assert refused[-1] == "ε: 'tiny' is not a number" and eps.currentText() == "3e-07"
    beta2.setEditText("2")
    beta2.lineEdit().editingFinished.emit()
    assert "beta2" in refused[-1] and beta2.currentText() == "0.99"
    assert len(seen) == n


def test_describe_training_change_names_optimizer_settings():
    old = TrainingSpec(optimizer=OptimizerSpec(name="momentum"))
    new = dataclasses.replace(old, optimizer=dataclasses.replace(old.optimizer, momentum=0.5))
    assert describe_training_change(old, new) == "Momentum μ 0.5"


def test_optimizer_setting_applies_live_in_the_window(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path)
    try:
        optimizer = w.experiment.training.optimizer
        optimizer.setCurrentIndex(optimizer.findData("momentum"))
        step_to(qtbot, w, 2)
        generation = w.controller.generation
        momentum = w.experiment.training.optimizer_settings["momentum"]
        momentum.setEditText("0.5")
        momentum.lineEdit().editingFinished.emit()
        s = wait_snapshot(qtbot, w, lambda s: s.spec.training.optimizer.momentum == 0.5)
        assert w.controller.generation == generation and s.epoch == 2  # weights kept
        assert "Momentum μ 0.9 → 0.5: applies now" in w.status.currentMessage()
        assert w.isWindowModified()
    finally:
        close_quietly(w, dialogs)


def test_speed_and_grid_resolution_are_remembered(qtbot, tmp_path, virtual_clock):
    w, dialogs = file_window(qtbot, tmp_path)
    w.transport.speed.setCurrentIndex(w.transport.speed.findData(30.0))
    w.resolution_combo.setCurrentIndex(w.resolution_combo.findData(150))
    wait_snapshot(qtbot, w, lambda s: s.grid.resolution == 150)
    close_quietly(w, dialogs)
    w2, dialogs2 = file_window(qtbot, tmp_path)
    try:
        assert w2.transport.speed_value() == 30.0
        assert w2.resolution_combo.currentData() == 150
        assert wait_snapshot(qtbot, w2, lambda s: s.grid.resolution == 150)
        w2.play_action.trigger()
        qtbot.waitUntil(lambda: trained_epochs(w2.controller) >= 1, timeout=5000)
        reads = virtual_clock.reads
        # 100 reads: 0.01 s of the worker's clock, less than an epoch's 1/30 s; flat out, dozens of epochs
        qtbot.waitUntil(lambda: virtual_clock.reads > reads + 100, timeout=20_000)
        w2.play_action.trigger()
        assert settle(qtbot, w2).epoch == 1  # paced at 30 epochs/s, not flat out
    finally:
        close_quietly(w2, dialogs2)


def test_worker_requests_answer_while_training_and_refuse_unknown_kinds(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path)
    try:
        w.play_action.trigger()
        wait_snapshot(qtbot, w, lambda s: s.epoch >= 5)
        history = w.controller.fetch("history")
        assert len(history.epochs) >= 5 and not history.epochs.flags.writeable
        assert w.controller.running
        with pytest.raises(WorkerRequestError, match="unknown request 'nope'"):
            w.controller.fetch("nope")
        with pytest.raises(WorkerRequestError, match="needs a WeightFile"):
            w.controller.fetch("check_weights", ("not weights", "x"))
        wait_snapshot(qtbot, w, lambda s: s.epoch >= history.epochs[-1] + 5)  # still training
    finally:
        close_quietly(w, dialogs)


def test_changing_the_optimizer_while_paused_keeps_the_shown_gradient_norms(qtbot, tmp_path):
    """Nothing was trained: the gradient numbers a learner reads stay as they were (they grew
    by the batch size, ×10, on SGD → Adam)."""
    w, dialogs = file_window(qtbot, tmp_path)
    try:
        w.step_action.trigger()
        before = wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
        combo = w.experiment.training.optimizer
        combo.setCurrentIndex(combo.findData("adam"))
        after = wait_snapshot(qtbot, w, lambda s: s.spec.training.optimizer.name == "adam")
        assert after.epoch == 1
        np.testing.assert_array_equal(after.grad_norms, before.grad_norms)
        for a, b in zip(after.gradients, before.gradients, strict=True):
            np.testing.assert_array_equal(a, b)
    finally:
        close_quietly(w, dialogs)
