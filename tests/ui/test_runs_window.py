"""Runs in the real window: what starts a new run keeps the old one; compare overlays it; restore brings it back."""

from __future__ import annotations

import numpy as np
from file_helpers import step_to
from PySide6.QtCore import Qt
from window_helpers import settle, wait_snapshot

from playground.core.io.project import SUFFIX
from playground.ui.dialogs import DISCARD, PROJECT_FILTER
from playground.ui.widgets.runs_panel import COMPARE, NAME


def test_reset_and_a_new_architecture_keep_the_run_so_far(qtbot, win):
    w, _ = win
    assert len(w.session.runs) == 0
    w.reset_action.trigger()  # nothing trained yet: nothing to keep
    wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    assert len(w.session.runs) == 0
    trained = step_to(qtbot, w, 2)
    w.reset_action.trigger()
    assert len(w.session.runs) == 1 and w.session.runs[0].name == "Run 1" and w.session.runs[0].epoch == 2
    np.testing.assert_array_equal(w.session.runs[0].weights["layers.0.weight"], trained.weights[0])
    wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    step_to(qtbot, w, 1)
    w.set_spec(w.spec.replace(network=w.spec.network.__class__.uniform((2, 2), "tanh")), "architecture changed")
    assert [r.epoch for r in w.session.runs.runs] == [2, 1]
    w.reset_action.trigger()  # the new architecture has not trained: not kept
    assert len(w.session.runs) == 2
    assert w.runs_ui.panel.table.rowCount() == 2


def test_compare_overlays_a_run_and_restore_brings_it_back(qtbot, win):
    w, _ = win
    step_to(qtbot, w, 3)
    w.reset_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    run = w.session.runs[0]
    w.runs_ui.panel.table.item(0, COMPARE).setCheckState(Qt.CheckState.Checked)
    assert len(w.runs_ui.overlays.curves) == 1 and "Run&nbsp;1" in w.loss_plot.legend.text()
    assert len(w.runs_ui.strip.tiles) == 1
    step_to(qtbot, w, 1)
    w.runs_ui.dock.raise_()
    qtbot.mouseDClick(w.runs_ui.strip.tiles[0], Qt.MouseButton.LeftButton)  # restores that run
    last = len(run.weights) // 2 - 1
    s = wait_snapshot(qtbot, w, lambda s: np.array_equal(s.weights[last], run.weights[f"layers.{last}.weight"]))
    assert s.epoch == 3 and list(s.history.epochs) == [1, 2, 3]  # the run as it ended, its curve on the chart
    qtbot.waitUntil(lambda: w.loss_plot.test_curve.getData()[0] is not None
                    and w.loss_plot.test_curve.getData()[0].tolist() == [1, 2, 3])
    assert [r.epoch for r in w.session.runs.runs] == [3, 1]  # the run it replaced is kept
    w.reset_action.trigger()  # the restored run, untrained since, is not kept twice
    assert len(w.session.runs) == 2
    settle(qtbot, w)


def test_runs_are_saved_in_the_experiment_file_and_reopen_into_the_panel(qtbot, tmp_path, win):
    w, dialogs = win
    step_to(qtbot, w, 2)
    w.reset_action.trigger()
    w.session.runs.rename(0, "baseline")
    w.session.runs.set_pinned(0, True)
    assert w.isWindowModified()
    dialogs.save_answers.append((str(tmp_path / "with runs"), PROJECT_FILTER))
    assert w.files.save() and not dialogs.errors
    saved = tmp_path / f"with runs{SUFFIX}"
    w.session.runs.remove(0)
    assert len(w.session.runs) == 0 and w.isWindowModified()  # deleting a run is a change to save
    dialogs.change_answers.append(DISCARD)
    assert w.files.open(str(saved))
    assert [(r.name, r.pinned, r.epoch) for r in w.session.runs.runs] == [("baseline", True, 2)]
    assert w.runs_ui.panel.table.item(0, NAME).text() == "baseline"
    assert not w.isWindowModified()
    step_to(qtbot, w, 3)
    dialogs.change_answers.append(DISCARD)
    assert w.files.open(str(saved))  # again: the run so far is kept, the file's run is added beside it
    assert [(r.name, r.epoch) for r in w.session.runs.runs] == [("baseline", 2), ("Run 2", 3), ("baseline (2)", 2)]


def test_the_runs_menu_and_keep_current_run(qtbot, win):
    w, _ = win
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("&View") < titles.index("&Runs") < titles.index("&Help")
    menu = w.runs_ui.menu
    assert [a.text() for a in menu.actions() if a.text()] == ["Runs", "Keep current run", "What if…"]
    assert all(a.toolTip() for a in menu.actions() if a.text())
    assert "Ctrl+K" in w.shortcuts_text() and "Ctrl+Shift+W" in w.shortcuts_text()
    step_to(qtbot, w, 1)
    w.runs_ui.keep_action.trigger()
    w.runs_ui.keep_action.trigger()  # the same state twice: kept once
    assert len(w.session.runs) == 1 and "already" in w.status.currentMessage()
