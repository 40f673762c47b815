"""Importing weights is an edit like the others: a new run from the file's weights (the trained run kept
in the runs), one undoable step that the banner names; undo brings the trained run back exactly."""

from __future__ import annotations

import numpy as np
from file_helpers import same_arrays, step_to, weights_of
from window_helpers import easy_spec, wait_snapshot

from playground.core.io.weights import weight_file_from_trainer, write_weights
from playground.core.trainer import Trainer


def test_imported_weights_are_a_new_run_and_undo_brings_the_trained_one_back(qtbot, tmp_path, win):
    w, dialogs = win
    theirs_trainer = Trainer(easy_spec().replace(seed=7))
    theirs_trainer.train(2)
    write_weights(tmp_path / "theirs.npz", weight_file_from_trainer(theirs_trainer))
    theirs = dict(theirs_trainer.network.state_dict())
    step_to(qtbot, w, 3)
    trained = w.controller.fetch("checkpoint")
    dialogs.open_answers.append(str(tmp_path / "theirs.npz"))
    assert w.exports.import_weights(), dialogs.errors
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    assert same_arrays(weights_of(w), theirs) and len(s.history.epochs) == 0  # a new run from them
    assert w.session.undo_stack.undoText() == "import weights from theirs.npz"
    assert [r.epoch for r in w.session.runs] == [3]  # the trained run is kept
    assert w.banner.isVisible() and "theirs.npz" in w.banner.text and "new run" in w.banner.text
    w.session.undo_stack.undo()
    wait_snapshot(qtbot, w, lambda s: s.epoch == 3)
    back = w.controller.fetch("checkpoint")
    for group in ("weights", "optimizer"):
        for key, v in trained.state[group].items():
            np.testing.assert_array_equal(back.state[group][key], v, err_msg=f"{group}.{key}")
    w.session.undo_stack.redo()  # and redo imports the same weights again
    wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    assert same_arrays(weights_of(w), theirs)


def test_weights_that_do_not_fit_are_refused_and_leave_no_step(qtbot, tmp_path, win):
    w, dialogs = win
    wrong = Trainer(easy_spec(hidden=(5,)))
    write_weights(tmp_path / "wrong.json", weight_file_from_trainer(wrong))
    mine = weights_of(w)
    dialogs.open_answers.append(str(tmp_path / "wrong.json"))
    assert not w.exports.import_weights()
    assert "layer sizes [2, 5, 1] do not match this network's [2, 4, 1]" in dialogs.errors[0][1]
    assert w.session.undo_stack.count() == 0 and same_arrays(weights_of(w), mine)
