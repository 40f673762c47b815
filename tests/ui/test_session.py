"""The Session on its own (no window): every kind of edit does what the edit table says, and undo
and redo put back spec, weights and optimizer state exactly (compared bit for bit)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import easy_spec
from session_helpers import state, train
from window_helpers import wait_snapshot as wait  # works on anything with a controller

from playground.core.architecture_edit import AddNeuron, RemoveLayer, ToggleFeature, carry_weights
from playground.core.checkpoint import Checkpoint
from playground.core.datasets import make_dataset
from playground.core.spec import DataSpec
from playground.ui.session import Session


@pytest.fixture
def session(adam_session):
    return adam_session


def assert_same(a: Checkpoint, b: Checkpoint) -> None:
    """Same spec, and weights, optimizer state, counters and history bit for bit."""
    assert a.spec == b.spec
    for key in ("epoch", "batches", "batch_index", "init_count"):
        assert a.state[key] == b.state[key], key
    for group in ("weights", "optimizer", "history"):
        assert a.state[group].keys() == b.state[group].keys(), group
        for k in a.state[group]:
            np.testing.assert_array_equal(a.state[group][k], b.state[group][k], err_msg=f"{group}.{k}")


def lr(s: Session, value: float):
    return dataclasses.replace(s.spec.training, optimizer=dataclasses.replace(s.spec.training.optimizer,
                                                                                learning_rate=value))


def test_learning_rate_edits_merge_into_one_step_and_keep_weights_and_optimizer(qtbot, session):
    train(qtbot, session, 2)
    before = state(session)
    for value in (0.1, 0.12, 0.123):  # typing a rate: one step
        session.set_training(lr(session, value))
    assert session.undo_stack.count() == 1
    assert session.undo_stack.undoText() == "learning rate 0.01 → 0.123"
    after = state(session)
    assert after.spec.training.optimizer.learning_rate == 0.123
    assert_same(dataclasses.replace(after, spec=before.spec), before)  # weights and Adam's moments kept
    session.set_training(dataclasses.replace(session.spec.training, batch_size=5))  # another field: a new step
    assert session.undo_stack.count() == 2
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.spec == before.spec
    assert_same(state(session), before)
    session.undo_stack.redo()
    assert state(session).spec.training.optimizer.learning_rate == 0.123


def test_a_rate_typed_back_to_where_it_was_leaves_no_step(qtbot, session):
    session.set_training(lr(session, 0.3))
    session.set_training(lr(session, 0.01))
    assert session.undo_stack.count() == 0
    assert state(session).spec.training.optimizer.learning_rate == 0.01


def test_an_architecture_edit_keeps_the_remaining_weights_and_undo_redo_are_exact(qtbot, session):
    train(qtbot, session, 3)
    before = state(session)
    assert session.apply_architecture_edit(AddNeuron(0))
    snap = wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 5, 3, 1))
    assert snap.epoch == 0 and len(session.runs) == 1 and session.runs[0].epoch == 3
    edited = state(session)
    want = carry_weights(before.spec, before.weights, AddNeuron(0), np.random.default_rng(0))
    assert edited.weights.keys() == want.keys()
    for key, w in want.items():  # what remains is kept bit for bit, links from the new neuron are 0
        got = edited.weights[key]
        assert got.shape == w.shape
        rows = slice(0, 4) if key.startswith("layers.0.") else slice(None)  # the new neuron's own are drawn
        np.testing.assert_array_equal(got[rows], w[rows], err_msg=key)
    assert all(not v.any() for k, v in edited.state["optimizer"].items() if k != "t")  # a fresh optimizer
    train(qtbot, session, 2)
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 4, 3, 1))
    assert_same(state(session), before)  # no retraining: the old run as it was
    assert len(session.runs) == 2  # the run of the edited network that trained went to the runs too
    session.undo_stack.redo()
    wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 5, 3, 1))
    assert_same(state(session), edited)  # the weights the edit first drew


def test_undo_while_training_applies_between_steps_and_training_goes_on(qtbot, session):
    session.apply_architecture_edit(RemoveLayer(1))
    wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 4, 1))
    session.controller.play()
    wait(qtbot, session, lambda snap: snap.epoch >= 10)
    session.undo_stack.undo()
    snap = wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 4, 3, 1) and snap.epoch >= 3)
    assert session.controller.running and session.spec.network.hidden == (4, 3)
    assert np.isfinite(snap.train_loss)
    session.controller.pause()


def test_a_feature_toggle_is_an_architecture_edit(qtbot, session):
    before = state(session)
    session.apply_architecture_edit(ToggleFeature("sin_x1"))
    wait(qtbot, session, lambda snap: snap.layer_sizes[0] == 3)
    after = state(session)
    np.testing.assert_array_equal(after.weights["layers.0.weight"][:, :2], before.weights["layers.0.weight"])
    assert not after.weights["layers.0.weight"][:, 2].any()  # new input links start at 0: no jump
    assert session.undo_stack.undoText() == "+input sin(X₁)"


def test_an_edit_that_does_not_fit_is_refused_with_a_message(qtbot, session):
    with qtbot.waitSignal(session.message) as got:
        assert not session.apply_architecture_edit(RemoveLayer(7))
    assert "Not applied" in got.args[0] and "no hidden layer 7" in got.args[0]
    assert session.undo_stack.count() == 0


def test_reset_is_a_new_run_and_undo_brings_the_trained_one_back(qtbot, session):
    train(qtbot, session, 2)
    before = state(session)
    session.reset()
    wait(qtbot, session, lambda snap: snap.epoch == 0)
    first_draw = state(session)
    assert len(session.runs) == 1
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.epoch == 2)
    assert_same(state(session), before)
    session.undo_stack.redo()
    wait(qtbot, session, lambda snap: snap.epoch == 0)
    assert_same(state(session), first_draw)  # the same new weights again
    assert len(session.runs) == 1  # the restored run did not train again: not listed twice


def test_a_restored_run_that_trains_on_is_kept_again(qtbot, session):
    train(qtbot, session, 2)
    session.reset()
    wait(qtbot, session, lambda snap: snap.epoch == 0)
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.epoch == 2)
    train(qtbot, session, 1)
    session.undo_stack.redo()
    wait(qtbot, session, lambda snap: snap.epoch == 0)
    assert [run.epoch for run in session.runs] == [2, 3]


def test_new_data_settings_start_a_new_run_and_undo_restores_everything(qtbot, session):
    train(qtbot, session, 2)
    before = state(session)
    session.set_data(dataclasses.replace(session.spec.data, noise=0.3))
    snap = wait(qtbot, session, lambda snap: snap.spec.data.noise == 0.3)
    assert snap.epoch == 0 and len(session.runs) == 1
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.spec.data.noise == before.spec.data.noise)
    assert_same(state(session), before)


def test_a_typed_weight_and_a_switched_neuron_continue_the_run_and_undo_exactly(qtbot, session):
    train(qtbot, session, 2)
    before = state(session)
    assert session.set_weight(0, 1, 0, 2.5)
    got = state(session)
    assert got.weights["layers.0.weight"][1, 0] == 2.5 and got.state["epoch"] == 2
    np.testing.assert_array_equal(got.state["optimizer"]["m"], before.state["optimizer"]["m"])
    assert not session.set_weight(0, 9, 0, 1.0)  # no such neuron: refused, no step
    assert session.undo_stack.count() == 1
    session.set_neuron_switched_off(1, 2, True)
    assert session.spec.network.switched_off == ((1, 2),)
    assert state(session).spec.network.switched_off == ((1, 2),)
    session.undo_stack.undo()
    session.undo_stack.undo()
    restored = state(session)
    assert restored.spec == before.spec
    for key, w in before.weights.items():
        np.testing.assert_array_equal(restored.weights[key], w, err_msg=key)
    assert restored.state["epoch"] == 2


def test_a_new_loss_keeps_the_weights_and_continues_the_run(qtbot, session):
    train(qtbot, session, 2)
    before = state(session)
    session.set_training(dataclasses.replace(session.spec.training, loss="bce"))
    snap = wait(qtbot, session, lambda snap: snap.spec.training.loss == "bce")
    assert snap.epoch == 2 and len(session.runs) == 0
    after = state(session)
    for key, w in before.weights.items():
        np.testing.assert_array_equal(after.weights[key], w, err_msg=key)
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.spec.training.loss == "mse")


def test_painted_points_keep_the_weights_and_undo_brings_the_old_points_back(qtbot, session):
    old_points = session.controller.last_snapshot.dataset
    new_points = make_dataset(dataclasses.replace(session.spec.data, seed=99))
    session.set_dataset(new_points, "points painted")
    wait(qtbot, session, lambda snap: snap.dataset is new_points)
    assert session.dataset is new_points and session.undo_stack.undoText() == "points painted"
    session.undo_stack.undo()
    snap = wait(qtbot, session, lambda snap: snap.dataset is not new_points)
    np.testing.assert_array_equal(snap.dataset.x_train, old_points.x_train)


def test_restoring_a_run_is_an_undoable_edit(qtbot, session):
    train(qtbot, session, 2)
    session.set_data(DataSpec(name="xor", points=200))
    wait(qtbot, session, lambda snap: snap.spec.data.name == "xor")
    run = session.runs[0]
    session.runs.request_restore(0)
    wait(qtbot, session, lambda snap: snap.spec.data.name == "gauss")
    got = state(session)
    for key, w in run.weights.items():
        np.testing.assert_array_equal(got.weights[key], w, err_msg=key)
    assert session.undo_stack.undoText() == f"restore {run.name}"
    session.undo_stack.undo()
    wait(qtbot, session, lambda snap: snap.spec.data.name == "xor")


def test_opening_an_experiment_keeps_the_old_run_and_clears_the_history(qtbot, session):
    train(qtbot, session, 1)
    session.set_training(lr(session, 0.2))
    session.load_experiment(easy_spec((2,)))
    wait(qtbot, session, lambda snap: snap.layer_sizes == (2, 2, 1))
    assert session.undo_stack.count() == 0 and len(session.runs) == 1


def test_the_history_is_bounded_by_steps_and_by_memory_and_says_so_once(qtbot, session):
    stack = session.undo_stack
    stack.max_steps = 3
    messages = []
    session.message.connect(messages.append)
    for i in range(5):  # alternate fields, so that no two merge
        session.set_training(lr(session, 0.02 + i / 100) if i % 2 else
                             dataclasses.replace(session.spec.training, batch_size=4 + i))
    assert stack.count() == 3
    assert sum("Undo history is full" in m for m in messages) == 1
    stack.undo()
    stack.undo()
    stack.undo()
    assert not stack.canUndo()
    # The first two steps are forgotten, not undone: batch size 4 and rate 0.03 stay.
    assert session.spec.training.batch_size == 4 and session.spec.training.optimizer.learning_rate == 0.03
    stack.max_steps, stack.max_bytes = 200, 1
    session.apply_architecture_edit(AddNeuron(0))
    session.apply_architecture_edit(AddNeuron(0))
    assert stack.count() == 1 and stack.nbytes > 1  # the newest step always stays undoable
    assert sum("Undo history is full" in m for m in messages) == 1


def test_an_edit_arriving_while_another_waits_for_the_worker_comes_after_it(qtbot, session):
    """A fetch turns the event loop: a timer's edit there must not slip in before the edit under way."""
    from PySide6.QtCore import QTimer

    from playground.ui.edit_commands import RunStep, TrainingStep

    QTimer.singleShot(0, lambda: session.set_training(lr(session, 0.2)))
    assert session.apply_architecture_edit(AddNeuron(0))
    qtbot.waitUntil(lambda: session.undo_stack.count() == 2, timeout=2000)
    assert [type(s) for s in session.undo_stack.steps()] == [RunStep, TrainingStep]
    assert session.spec.network.hidden == (5, 3) and session.spec.training.optimizer.learning_rate == 0.2


def test_set_spec_with_other_switched_off_neurons_switches_them_on_the_same_run(qtbot, session):
    train(qtbot, session, 1)
    before = state(session)
    network = dataclasses.replace(session.spec.network, switched_off=((0, 0), (1, 1)))
    session.set_spec(session.spec.replace(network=network), "switches")
    got = state(session)
    assert got.spec.network.switched_off == ((0, 0), (1, 1)) and got.state["epoch"] == 1
    np.testing.assert_array_equal(got.weights["layers.0.weight"], before.weights["layers.0.weight"])
    session.undo_stack.undo()
    assert state(session).spec.network.switched_off == ()
