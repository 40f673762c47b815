"""app.run and opening experiment files."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from window_helpers import easy_spec, isolated_settings, wait_snapshot

from playground.core.io.project import save_project
from playground.core.trainer import Trainer
from playground.ui.app import APP_NAME, ORG_NAME, open_window, run
from playground.ui.main_window import MainWindow


def _close_soon(seen: list, wait_for_training: bool) -> QTimer:
    """Close the app's window once it shows a snapshot (and trains, if asked), recording what it showed.

    The deadline only keeps a window that never trains from running forever (the test then fails
    on what it recorded); it is generous for a loaded machine.
    """
    deadline = time.monotonic() + 60

    def check() -> None:
        for w in QApplication.topLevelWidgets():
            if not (isinstance(w, MainWindow) and w.isVisible()) or w.controller.last_snapshot is None:
                continue
            if wait_for_training and not w.controller.running and time.monotonic() < deadline:
                continue
            seen.append((w.controller.running, w.status.currentMessage()))
            w.close()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    return timer


def test_run_shows_the_window_autoplays_and_returns_zero(qtbot, tmp_path):
    isolated_settings(tmp_path)
    seen: list = []
    timer = _close_soon(seen, wait_for_training=True)
    interval = sys.getswitchinterval()
    try:
        assert run(play=True) == 0
        assert sys.getswitchinterval() == 0.001
    finally:
        timer.stop()
        sys.setswitchinterval(interval)
    assert seen and seen[0][0] is True  # training had started
    assert seen[0][1].startswith("Training")  # and the status bar said so
    app = QApplication.instance()
    assert (app.applicationName(), app.organizationName()) == (APP_NAME, ORG_NAME)


def test_run_with_a_missing_file_says_so(qtbot, tmp_path):
    isolated_settings(tmp_path)
    seen: list = []
    timer = _close_soon(seen, wait_for_training=False)
    interval = sys.getswitchinterval()
    try:
        assert run(str(tmp_path / "nope.playground.json")) == 0
    finally:
        timer.stop()
        sys.setswitchinterval(interval)
    assert "Cannot open the experiment" in seen[0][1] and "nope.playground.json" in seen[0][1]
    assert seen[0][0] is False


def test_open_window_continues_a_saved_experiment(qtbot, tmp_path):
    isolated_settings(tmp_path)
    trainer = Trainer(easy_spec(hidden=(3,)))
    trainer.train(7)
    path = tmp_path / "run.playground.json"
    save_project(path, trainer)
    w, note = open_window(str(path))
    try:
        w.show()
        s = wait_snapshot(qtbot, w, lambda s: s.epoch == 7)
        assert s.spec == trainer.spec and s.layer_sizes == (2, 3, 1)
        assert "Opened run.playground.json at epoch 7" == note
        assert "run.playground.json" in w.windowTitle()
        w.step_action.trigger()
        wait_snapshot(qtbot, w, lambda s: s.epoch == 8)
    finally:
        w.close()


def test_loaded_custom_points_are_kept_until_a_generator_is_picked(qtbot, tmp_path):
    import numpy as np

    from playground.core.dataset import Dataset
    from playground.core.spec import DataSpec, ExperimentSpec
    from playground.ui.widgets.data_panel import PICKER_DATASETS

    isolated_settings(tmp_path)
    rng = np.random.default_rng(0)
    x = rng.uniform(-5, 5, (40, 2))
    y = (x[:, 0] > 0).astype(np.int64)
    data = Dataset(x[:30], y[:30], x[30:], y[30:], "classification", 2, "mine.csv")
    trainer = Trainer(ExperimentSpec(data=DataSpec(name="custom", problem="classification")), data)
    path = tmp_path / "custom.playground.json"
    save_project(path, trainer)
    w, _ = open_window(str(path))
    try:
        w.show()
        s = wait_snapshot(qtbot, w, lambda s: True)
        assert s.dataset.n_train == 30
        panel = w.experiment.data
        assert not panel.noise.isEnabled() and "loaded points" in panel.title.text()
        panel.picker.button(PICKER_DATASETS.index("circle")).click()
        s = wait_snapshot(qtbot, w, lambda s: s.dataset.name == "circle")
        assert panel.noise.isEnabled()
    finally:
        w.close()


def test_garbage_is_collected_on_the_ui_thread_only_and_start_up_objects_are_frozen(qtbot):
    import gc

    from playground.ui.app import collect_garbage_on_this_thread

    was_enabled = gc.isenabled()
    collector = collect_garbage_on_this_thread()
    try:
        assert not gc.isenabled()  # no collection in whichever thread happens to allocate
        assert gc.get_freeze_count() > 0  # what exists now is left out of every later collection
        assert collector.timer.isActive()
    finally:
        collector.timer.stop()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
    assert gc.get_freeze_count() == 0
