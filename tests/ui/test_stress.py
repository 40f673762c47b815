"""300 random UI actions in quick succession while training: no crash, deadlock or warning; consistent end."""

from __future__ import annotations

import random

from PySide6.QtWidgets import QApplication
from window_helpers import make_window, qt_warnings, settle, wait_snapshot

from playground.ui.training import live_worker_threads
from playground.ui.widgets.data_panel import PICKER_DATASETS

ACTIONS = 300
SMALL_DATASETS = ("gauss", "circle", "xor", "moons", "blobs", "plane")


def _actions(w):
    ex = w.experiment
    lr_combo = ex.training.learning_rate

    def set_lr() -> None:
        lr_combo.setCurrentIndex(random.randrange(2, 8))  # 0.001 … 0.3
        lr_combo.activated.emit(lr_combo.currentIndex())

    def pick_dataset() -> None:
        ex.data.picker.button(PICKER_DATASETS.index(random.choice(SMALL_DATASETS))).click()

    def neurons() -> None:
        spins = ex.network.neuron_spins
        if spins:
            random.choice(spins).setValue(random.randint(1, 6))

    def layers() -> None:
        n = len(ex.network.network.hidden)
        (ex.network.add_layer if n < 3 and random.random() < 0.6 else ex.network.remove_layer).click()

    return [
        w.play_action.trigger, w.play_action.trigger, w.step_action.trigger, w.step_batch_action.trigger,
        w.reset_action.trigger, set_lr, pick_dataset, neurons, layers,
        lambda: ex.training.batch_size.setValue(random.choice((1, 5, 10, 30))),
        lambda: ex.data.points.setValue(random.choice((60, 100, 200))),
    ]


def test_random_actions_while_training(qtbot, tmp_path, qtlog):
    random.seed(1234)
    w = make_window(qtbot, tmp_path)
    try:
        actions = _actions(w)
        w.play_action.trigger()
        for i in range(ACTIONS):
            random.choice(actions)()
            if i % 3 == 0:
                QApplication.processEvents()
            if i % 50 == 0:
                qtbot.wait(5)  # part of the workload: let the worker send a few snapshots
        # The worker is alive and answers: reset and get the matching epoch-0 picture of the current spec.
        w.reset_action.trigger()
        wait_snapshot(qtbot, w, lambda s: s.epoch == 0, timeout=10_000)
        s = settle(qtbot, w, timeout=10_000)
        spec, running, ex = w.spec, w.controller.running, w.experiment
        shown = (ex.data.data, ex.features.features, ex.network.network, ex.training.training)
        w.step_action.trigger()
        stepped = wait_snapshot(qtbot, w, lambda s: s.epoch == 1, timeout=10_000)
    finally:
        w.close()
    assert w.controller.is_shut_down and not live_worker_threads()
    assert s.epoch == 0 and not running
    assert s.spec == spec and s.layer_sizes[1:-1] == spec.network.hidden
    assert shown == (spec.data, spec.features, spec.network, spec.training)
    assert stepped.spec == spec
    assert not qt_warnings(qtlog)
