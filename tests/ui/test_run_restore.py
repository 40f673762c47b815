"""Restoring a kept run brings it back as it ended: weights, epoch, loss history and optimizer state;
training goes on from its epoch, and undoing the restore puts the run before it back exactly."""

from __future__ import annotations

import dataclasses

import numpy as np
from session_helpers import state, train
from window_helpers import wait_snapshot as wait

from playground.core.spec import DataSpec


def test_a_restored_run_goes_on_from_its_epoch_with_its_history_and_optimizer(qtbot, adam_session):
    train(qtbot, adam_session, 3)
    ended = state(adam_session)
    adam_session.set_data(DataSpec(name="xor", points=200))  # a new run: the trained one is kept
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "xor")
    train(qtbot, adam_session, 1)
    xor_run = state(adam_session)
    run = adam_session.runs[0]
    assert run.optimizer is not None  # kept paused: its optimizer's state came with it
    with qtbot.waitSignal(adam_session.message) as said:
        adam_session.runs.request_restore(0)
    assert "epoch 3" in said.args[0] and "optimizer state" in said.args[0]
    snap = wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "gauss")
    assert snap.epoch == 3 and snap.batches == ended.state["batches"]
    np.testing.assert_array_equal(snap.history.epochs, [1, 2, 3])  # the loss chart shows its curve
    np.testing.assert_array_equal(snap.history.test_loss, ended.state["history"]["test_loss"])
    got = state(adam_session)
    for key, w in ended.weights.items():
        np.testing.assert_array_equal(got.weights[key], w, err_msg=key)
    for key, v in ended.state["optimizer"].items():
        np.testing.assert_array_equal(got.state["optimizer"][key], v, err_msg=key)
    train(qtbot, adam_session, 1)  # and goes on from there
    assert list(adam_session.controller.last_snapshot.history.epochs) == [1, 2, 3, 4]
    adam_session.undo_stack.undo()  # the restore, undone: the xor run exactly as it was
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "xor")
    back = state(adam_session)
    assert back.spec == xor_run.spec and back.state["epoch"] == xor_run.state["epoch"] == 1
    for group in ("weights", "optimizer"):
        for key, v in xor_run.state[group].items():
            np.testing.assert_array_equal(back.state[group][key], v, err_msg=f"{group}.{key}")


def test_a_run_kept_without_its_optimizer_restores_with_a_fresh_one_and_its_history(qtbot, adam_session):
    train(qtbot, adam_session, 2)
    adam_session.set_data(DataSpec(name="xor", points=200))
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "xor")
    # A run whose optimizer state is not known (read from a file, or kept while it trained on)
    run = dataclasses.replace(adam_session.runs[0], optimizer=None)
    adam_session.restore_run(run)
    snap = wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "gauss")
    assert snap.epoch == run.epoch == 2 and list(snap.history.epochs) == [1, 2]
    assert state(adam_session).state["optimizer"]["t"] == 0  # fresh
