"""Known training results (the engine learns what it should)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.core.trainer import Trainer


def test_xor_with_four_tanh_units_exceeds_95_percent():
    spec = ExperimentSpec(data=DataSpec(name="xor"), features=("x1", "x2"), network=NetworkSpec.uniform((4,)),
                          training=TrainingSpec(optimizer=OptimizerSpec("sgd", 0.03), batch_size=10))
    t = Trainer(spec)
    t.train(300)
    assert t.test_accuracy > 0.95


@pytest.mark.parametrize("shuffle", [False, True], ids=["tf-order", "reshuffled"])
def test_spiral_6x8_tanh_reaches_low_loss_on_most_seeds(shuffle):
    """TensorFlow Playground's own engine: median train loss 0.019 over 5 seeds after 1000 epochs."""
    losses = []
    for seed in range(5):
        spec = ExperimentSpec(
            data=DataSpec(name="spiral", seed=seed), network=NetworkSpec.uniform((8,) * 6, "tanh"),
            training=TrainingSpec(loss="mse", optimizer=OptimizerSpec("sgd", 0.03), batch_size=10, shuffle=shuffle),
            seed=seed)
        t = Trainer(spec)
        t.train(1000)
        losses.append(t.train_loss)
    assert sum(loss < 0.05 for loss in losses) >= 3, losses
    assert np.median(losses) < 0.05


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.1), ("momentum", 0.05), ("nesterov", 0.05),
                                          ("rmsprop", 0.01), ("adam", 0.01), ("adamw", 0.01)])
def test_every_optimizer_learns_circle(optimizer, lr):
    spec = ExperimentSpec(data=DataSpec(name="circle"), features=("x1", "x2"), network=NetworkSpec.uniform((6,)),
                          training=TrainingSpec(optimizer=OptimizerSpec(optimizer, lr), batch_size=10))
    t = Trainer(spec)
    t.train(150)
    assert t.test_accuracy > 0.9, t.metrics()


@pytest.mark.parametrize("classes", [3, 5])
def test_cross_entropy_learns_many_classes(classes):
    spec = ExperimentSpec(data=DataSpec(name="blobs", classes=classes), network=NetworkSpec.uniform((8,), "relu"),
                          training=TrainingSpec(loss="cross_entropy", optimizer=OptimizerSpec("adam", 0.01)))
    t = Trainer(spec)
    t.train(60)
    assert t.test_accuracy > 0.9, t.metrics()


def test_regression_fits_the_plane():
    spec = ExperimentSpec(data=DataSpec(name="plane"), network=NetworkSpec.uniform((4,), "linear"),
                          training=TrainingSpec(optimizer=OptimizerSpec("sgd", 0.01)))
    t = Trainer(spec)
    t.train(50)
    assert t.test_loss < 1e-3
