""""What if…": one setting changed, the first run kept and overlaid, the copy from the same initial weights."""

from __future__ import annotations

import numpy as np
import pytest
from builders import easy_spec
from file_helpers import step_to
from paint_helpers import grow_the_plane
from window_helpers import settle, wait_snapshot

from playground.ui import what_if
from playground.ui.what_if import WhatIfDialog, what_if_spec


def test_what_if_spec_changes_one_setting_and_refuses_bad_or_unchanged_values():
    spec = easy_spec()
    assert what_if_spec(spec, "learning_rate", "0.3").training.optimizer.learning_rate == 0.3
    assert what_if_spec(spec, "optimizer", "adam").training.optimizer.name == "adam"
    assert what_if_spec(spec, "batch_size", "32").training.batch_size == 32
    assert what_if_spec(spec, "activation", "relu").network.activations == ("relu",)
    assert what_if_spec(spec, "activation", "relu").replace(network=spec.network) == spec
    for setting, value, message in (("learning_rate", "fast", "not a number"),
                                    ("batch_size", "0", "batch_size"),
                                    ("learning_rate", "0.03", "already 0.03")):
        with pytest.raises(ValueError, match=message):
            what_if_spec(spec, setting, value)


def test_the_dialog_offers_another_value_than_the_current_one(qtbot):
    dialog = WhatIfDialog(easy_spec())
    qtbot.addWidget(dialog)
    key, value = dialog.change()
    assert key == "learning_rate" and value != "0.03" and dialog.current.text() == "0.03"
    dialog.setting.setCurrentIndex(dialog.setting.findData("optimizer"))
    assert dialog.change() == ("optimizer", "momentum") and not dialog.value.isEditable()
    assert "same initial weights" in what_if.DESIGN_TEXT


def test_what_if_keeps_the_first_run_and_trains_a_copy_from_the_same_start(qtbot, win, monkeypatch):
    w, _ = win
    start = {k: v.copy() for k, v in w.runs_ui.start_weights.items()}  # the first snapshot's, at epoch 0
    w.runs_ui.what_if_action.trigger()  # untrained: nothing to compare yet
    assert len(w.session.runs) == 0 and "train the current run first" in w.status.currentMessage()
    step_to(qtbot, w, 3)
    monkeypatch.setattr(what_if, "ask_change", lambda window: ("learning_rate", "0.3"))
    starts = []  # the checkpoints the copies start from
    original = w.controller.restore
    monkeypatch.setattr(w.controller, "restore", lambda cp, *a: starts.append(cp) or original(cp, *a))
    w.runs_ui.what_if_action.trigger()
    (copy,) = starts
    assert copy.spec.training.optimizer.learning_rate == 0.3 and w.spec == copy.spec
    assert copy.state.get("epoch", 0) == 0 and not copy.state.get("history")
    for key, value in start.items():
        np.testing.assert_array_equal(copy.weights[key], value)
    first = w.session.runs[0]
    assert len(w.session.runs) == 1 and first.pinned and first.epoch == 3
    assert w.runs_ui.panel.compared() == (first,) and len(w.runs_ui.overlays.curves) == 1
    assert "same initial weights" in w.banner.text
    qtbot.waitUntil(lambda: w.controller.running, timeout=2000)  # the copy trains at once
    wait_snapshot(qtbot, w, lambda s: s.epoch >= 1)
    w.play_action.trigger()
    qtbot.waitUntil(lambda: not w.controller.running, timeout=2000)
    settle(qtbot, w)
    w.undo_action.trigger()  # "What if…" is one undoable step: the first run comes back
    wait_snapshot(qtbot, w, lambda s: s.spec == first.spec and s.epoch == 3)
    w.redo_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.spec == copy.spec and s.epoch == 0)
    step_to(qtbot, w, 1)
    # A run whose start is not known (opened mid-run): the copy starts from new weights, and says so.
    w.runs_ui.start_weights = None
    monkeypatch.setattr(what_if, "ask_change", lambda window: ("batch_size", "32"))
    w.runs_ui.what_if_action.trigger()
    assert starts[-1].state is None and "from new weights" in w.banner.text
    # Undo and redo kept the runs they replaced too; the first run and the one kept for this
    # "What if…" are pinned and compared.
    runs = w.session.runs.runs
    assert runs[0].pinned and runs[-1].pinned and runs[-1].spec == copy.spec and runs[-1].epoch == 1
    assert len(w.runs_ui.overlays.curves) == 2
    qtbot.waitUntil(lambda: w.controller.running, timeout=2000)
    w.play_action.trigger()
    qtbot.waitUntil(lambda: not w.controller.running, timeout=2000)
    settle(qtbot, w)


def test_the_copy_keeps_the_plane_that_drawing_grew(qtbot, win, monkeypatch):
    w, _ = win
    grown = grow_the_plane(qtbot, w)
    step_to(qtbot, w, 2)
    monkeypatch.setattr(what_if, "ask_change", lambda window: ("learning_rate", "0.3"))
    w.runs_ui.what_if_action.trigger()
    w.play_action.trigger()
    qtbot.waitUntil(lambda: not w.controller.running, timeout=2000)
    assert w.controller.fetch("checkpoint").picture_domain == grown
    assert wait_snapshot(qtbot, w, lambda s: s.grid is not None).grid.domain == grown
