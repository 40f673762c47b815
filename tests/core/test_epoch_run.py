"""Full-batch epochs compiled into runs (core/epoch_run.py) do exactly what single epochs do."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import make_spec

from playground.core.spec import ExperimentSpec, OptimizerSpec
from playground.core.trainer import EPOCHS_PER_RUN, Trainer, TrainingDiverged


def full_batch_spec(lr: float = 0.03, activation: str = "tanh", dataset: str = "spiral",
                    optimizer: str = "sgd") -> ExperimentSpec:
    return make_spec(dataset, (8, 8), activation, optimizer=optimizer, lr=lr, batch=10_000, shuffle=False, seed=3)


def one_at_a_time(t: Trainer, epochs: int) -> None:
    for _ in range(epochs):
        t.step_epoch()


def assert_same_state(a: Trainer, b: Trainer) -> None:
    np.testing.assert_array_equal(a.network.params, b.network.params)
    assert (a.epoch, a.batches) == (b.epoch, b.batches)
    assert a.metrics() == b.metrics()
    ha, hb = a.history.view(), b.history.view()
    np.testing.assert_array_equal(ha.epochs, hb.epochs)
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "grad_norms"):
        np.testing.assert_array_equal(getattr(ha, name), getattr(hb, name))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_runs_of_epochs_equal_single_epochs(optimizer):
    epochs = 3 * EPOCHS_PER_RUN + 5  # whole runs, then single epochs
    a, b = Trainer(full_batch_spec(optimizer=optimizer)), Trainer(full_batch_spec(optimizer=optimizer))
    assert a.train(epochs) == epochs
    one_at_a_time(b, epochs)
    assert_same_state(a, b)
    assert len(a.history) == epochs


def test_divergence_inside_a_run_rolls_back_like_a_single_epoch():
    spec = full_batch_spec(lr=5.0, activation="relu", dataset="plane")
    a, b = Trainer(spec), Trainer(spec)
    with pytest.raises(TrainingDiverged) as in_run:
        a.train(1000)
    with pytest.raises(TrainingDiverged) as single:
        one_at_a_time(b, 1000)
    assert in_run.value.epoch == single.value.epoch and str(in_run.value) == str(single.value)
    assert in_run.value.epoch % EPOCHS_PER_RUN not in (0, 1)  # neither a run's first nor last epoch
    assert_same_state(a, b)
    assert np.isfinite(a.network.params).all() and a.epoch == in_run.value.epoch - 1


def test_huge_but_finite_weights_do_not_stop_a_run():
    """‖params‖² overflows; the run then looks at the weights themselves, which are finite."""
    t = Trainer(full_batch_spec())
    t.network.params[0] = 1e200
    t.set_training(dataclasses.replace(t.spec.training, optimizer=OptimizerSpec("sgd", 1e-5)))
    assert t.train(2 * EPOCHS_PER_RUN) == 2 * EPOCHS_PER_RUN
    assert np.isinf(t.metrics_calc.raw[-1]) and np.isfinite(t.network.params).all()


def test_train_for_stops_at_max_epochs_inside_runs():
    t = Trainer(full_batch_spec())
    assert t.train_for(10.0, max_epochs=EPOCHS_PER_RUN + 3) == EPOCHS_PER_RUN + 3
    assert t.epoch == EPOCHS_PER_RUN + 3 and len(t.history) == t.epoch


def test_keep_going_is_asked_between_runs():
    t = Trainer(full_batch_spec())
    asked = []
    done = t.train(10 * EPOCHS_PER_RUN, keep_going=lambda: len(asked) < 3 and not asked.append(t.epoch))
    # (the evaluation of the new weights already left the forward pass a run starts from)
    assert asked == [0, EPOCHS_PER_RUN, 2 * EPOCHS_PER_RUN] and done == 3 * EPOCHS_PER_RUN


def test_first_diverged_reads_the_loss_then_the_weights_behind_an_overflowed_sum():
    from playground.core.epoch_run import EpochRun

    t = Trainer(full_batch_spec())
    params = t.network.params.copy()
    run = EpochRun(3, [], t.metrics_calc, params)
    run.rows[:] = 0.5
    run.squares[:] = 1.0
    run.backups[:] = 1.0
    assert run.first_diverged() is None
    run.squares[0] = np.inf  # overflowed, but the weights after epoch 0 (backup 1) are finite
    assert run.first_diverged() is None
    run.backups[1, 3] = np.inf
    assert run.first_diverged() == 0
    run.backups[1, 3] = 1.0
    run.squares[2] = np.inf  # the last epoch: its weights are the current ones
    assert run.first_diverged() is None
    params[5] = -np.inf
    assert run.first_diverged() == 2
    run.rows[1, 0] = np.nan  # a NaN training loss comes first
    assert run.first_diverged() == 1
