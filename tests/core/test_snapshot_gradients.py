"""Snapshot.gradients: each layer's mean weight gradient of the last mini-batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from builders import make_spec

from playground.core.spec import ExperimentSpec, OptimizerSpec
from playground.core.trainer import Trainer


def xor_spec(optimizer: str, batch: int = 250, hidden: tuple[int, ...] = (4, 3)) -> ExperimentSpec:
    """XOR in a fixed row order (250 training rows: one full batch by default)."""
    return make_spec("xor", hidden, optimizer=optimizer, batch=batch, shuffle=False)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_gradients_are_the_mean_weight_gradient_before_the_step(optimizer):
    t = Trainer(xor_spec(optimizer))
    x, targets = t.x_train[:, :-1], t.head.encode(t.dataset.y_train)
    _, g = t.network.loss_and_gradient(x, targets)
    expected = [b[:, :-1] for b in t.network.block_views(g)]
    t.step_epoch()
    snap = t.snapshot(grid_resolution=None)
    assert len(snap.gradients) == len(snap.weights) == 3
    for got, want, w in zip(snap.gradients, expected, snap.weights, strict=True):
        assert got.shape == w.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert any(np.ptp(gr) > 0 for gr in snap.gradients)  # not one value per layer


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_gradient_norms_match_grad_norms_after_mini_batches(optimizer):
    t = Trainer(xor_spec(optimizer, batch=32))
    t.step_epoch()  # the last batch is shorter (250 = 7·32 + 26): its own 1/rows scale
    t.step_batch()
    snap = t.snapshot(grid_resolution=None)
    norms = [np.linalg.norm(gr) for gr in snap.gradients]
    np.testing.assert_allclose(norms, snap.grad_norms, rtol=1e-12)


def test_gradients_are_read_only_copies():
    t = Trainer(xor_spec("sgd", batch=10))
    t.train(1)
    snap = t.snapshot(grid_resolution=None)
    before = [gr.copy() for gr in snap.gradients]
    for gr in snap.gradients:
        assert not gr.flags.writeable
    t.train(1)
    for gr, old in zip(snap.gradients, before, strict=True):
        np.testing.assert_array_equal(gr, old)


def test_fresh_trainer_has_zero_gradients():
    snap = Trainer(xor_spec("sgd")).snapshot(grid_resolution=None)
    assert [gr.shape for gr in snap.gradients] == [w.shape for w in snap.weights]
    assert all(not gr.any() for gr in snap.gradients)


def _shown(t: Trainer) -> tuple[np.ndarray, list[np.ndarray]]:
    """What the gradient displays read: the per-layer norms and the mean weight gradients."""
    return t.grad_norms(), t.weight_gradients()


def _assert_same_display(t: Trainer, before: tuple[np.ndarray, list[np.ndarray]]) -> None:
    norms, grads = _shown(t)
    np.testing.assert_array_equal(norms, before[0])
    for got, want in zip(grads, before[1], strict=True):
        np.testing.assert_array_equal(got, want)


OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]


@pytest.mark.parametrize("new", OPTIMIZERS)
@pytest.mark.parametrize("old", OPTIMIZERS)
def test_changing_the_optimizer_while_paused_keeps_the_shown_gradients(old, new):
    """Nothing was trained, so the gradient norms a learner reads must not move (they did by the
    batch size, e.g. ×10 for SGD → Adam at batch 10)."""
    t = Trainer(xor_spec(old, batch=32))
    t.step_epoch()  # 250 = 7·32 + 26 rows: the last batch has its own scale
    before = _shown(t)
    t.set_training(replace(t.spec.training, optimizer=OptimizerSpec(new, 0.1)))
    _assert_same_display(t, before)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("change", ["l2", "learning_rate", "batch_size"])
def test_changing_a_setting_in_the_middle_of_an_epoch_keeps_the_shown_gradients(optimizer, change):
    t = Trainer(xor_spec(optimizer, batch=32))
    t.step_batch()  # a full batch of 32 rows, paused before the epoch's shorter last batch
    before = _shown(t)
    training = t.spec.training
    changed = {"l2": replace(training, regularization="l2", regularization_rate=0.01),
               "learning_rate": replace(training, optimizer=replace(training.optimizer, learning_rate=0.3)),
               "batch_size": replace(training, batch_size=10)}[change]
    t.set_training(changed)
    _assert_same_display(t, before)
    t.step_batch()  # the next batch shows its own gradient again, at the new plan's scale
    norms = [np.linalg.norm(g) for g in t.weight_gradients()]
    np.testing.assert_allclose(norms, t.grad_norms(), rtol=1e-12)
