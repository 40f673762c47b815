"""Full-batch epochs, which start from the forward pass the last metrics pass left, do exactly what
single epochs do."""

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
    """Epochs as single batch steps, each with its own forward pass."""
    for _ in range(epochs):
        t.step_batch()


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Equal up to rounding: BLAS may sum a product over 250 columns (a batch) and over 500 (both
    sets, the metrics pass the fast path starts from) in another order."""
    close = {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(a.network.params, b.network.params, **close)
    assert (a.epoch, a.batches) == (b.epoch, b.batches)
    ha, hb = a.history.view(), b.history.view()
    np.testing.assert_array_equal(ha.epochs, hb.epochs)
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "grad_norms"):
        np.testing.assert_allclose(getattr(ha, name), getattr(hb, name), **close)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_equals_single_epochs(optimizer):
    epochs = 3 * EPOCHS_PER_RUN + 5
    a, b = Trainer(full_batch_spec(optimizer=optimizer)), Trainer(full_batch_spec(optimizer=optimizer))
    assert a.train_for(60.0, max_epochs=epochs) == epochs
    one_at_a_time(b, epochs)
    assert_same_state(a, b)
    assert len(a.history) == epochs


def test_divergence_rolls_back_to_the_last_finite_weights():
    spec = full_batch_spec(lr=5.0, activation="relu", dataset="plane")
    a, b = Trainer(spec), Trainer(spec)
    with pytest.raises(TrainingDiverged) as trained:
        a.train(1000)
    with pytest.raises(TrainingDiverged) as single:
        one_at_a_time(b, 1000)
    assert trained.value.epoch == single.value.epoch and str(trained.value) == str(single.value)
    assert_same_state(a, b)
    assert np.isfinite(a.network.params).all() and a.epoch == trained.value.epoch - 1


def test_huge_but_finite_weights_do_not_stop_a_run():
    """‖params‖² overflows; the run then looks at the weights themselves, which are finite."""
    t = Trainer(full_batch_spec())
    t.network.params[0] = 1e200
    t.set_training(dataclasses.replace(t.spec.training, optimizer=OptimizerSpec("sgd", 1e-5)))
    assert t.train(2 * EPOCHS_PER_RUN) == 2 * EPOCHS_PER_RUN
    assert np.isinf(t.metrics_calc.raw[-1]) and np.isfinite(t.network.params).all()


def test_train_for_stops_at_max_epochs():
    t = Trainer(full_batch_spec())
    assert t.train_for(10.0, max_epochs=EPOCHS_PER_RUN + 3) == EPOCHS_PER_RUN + 3
    assert t.epoch == EPOCHS_PER_RUN + 3 and len(t.history) == t.epoch


def test_keep_going_is_asked_before_every_epoch():
    t = Trainer(full_batch_spec())
    asked = []
    done = t.train(10, keep_going=lambda: len(asked) < 3 and not asked.append(t.epoch))
    assert asked == [0, 1, 2] and done == 3
