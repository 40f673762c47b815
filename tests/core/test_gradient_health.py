"""Vanishing and exploding gradient warnings: the rule on made-up norms, and on real deep stacks."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.gradient_health import EXPLODING, VANISHING, WINDOW, gradient_warnings
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.core.trainer import Trainer


def _norms(*ratios: float, epochs: int = 30) -> np.ndarray:
    """(epochs, k + 1) norms: the output layer's jumping around 1, each other layer at its ratio of it."""
    rng = np.random.default_rng(0)
    out = 10.0 ** rng.uniform(-0.5, 0.5, epochs)
    return np.column_stack([out * r for r in ratios] + [out])


def test_a_layer_is_flagged_by_its_median_ratio_to_the_output_layer():
    warnings = gradient_warnings(_norms(VANISHING / 2, 0.5, EXPLODING * 2))
    assert [(w.layer, w.kind) for w in warnings] == [(0, "vanishing"), (2, "exploding")]
    assert warnings[0].ratio == pytest.approx(VANISHING / 2)
    assert warnings[0].message.startswith("Layer 1: vanishing gradient, 5.0e-04 × the output layer's")
    assert "ReLU" in warnings[0].message and "lower learning rate" in warnings[1].message
    assert gradient_warnings(_norms(VANISHING * 1.01, EXPLODING / 1.01)) == []


def test_the_median_ignores_single_epochs_and_older_ones():
    g = _norms(0.1, 0.1)
    g[-3:, 0] = 1e-9  # three odd epochs out of the last twenty: the median stays put
    g[:-WINDOW, 1] = 1e-9  # long ago
    assert gradient_warnings(g) == []
    g[-11:, 0] = 1e-9  # most of the window
    assert [w.layer for w in gradient_warnings(g)] == [0]


def test_a_gradient_that_stops_being_finite_is_flagged():
    g = _norms(0.1, 0.1)
    g[-1, 1] = np.inf
    assert [(w.layer, w.kind) for w in gradient_warnings(g)] == [(1, "not finite")]
    g[-1, 2] = np.nan  # the output layer's too: nothing to compare the others with
    assert [(w.layer, w.kind) for w in gradient_warnings(g)] == [(1, "not finite"), (2, "not finite")]
    assert gradient_warnings(np.zeros((0, 3))) == []


def _deep_stack(activation: str, seed: int) -> Trainer:
    spec = ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform((8,) * 8, activation),
                          training=TrainingSpec(optimizer=OptimizerSpec("sgd", 0.03), batch_size=10), seed=seed)
    trainer = Trainer(spec)
    trainer.train(WINDOW)
    return trainer


@pytest.mark.parametrize("seed", [0, 1])
def test_an_8_layer_sigmoid_stack_vanishes_and_a_relu_stack_does_not(seed):
    sigmoid = gradient_warnings(_deep_stack("sigmoid", seed).history.column("grad_norms"))
    assert {w.kind for w in sigmoid} == {"vanishing"} and 0 in {w.layer for w in sigmoid}
    assert gradient_warnings(_deep_stack("relu", seed).history.column("grad_norms")) == []


def test_snapshots_carry_the_last_epochs_norms_unthinned(monkeypatch):
    from playground.core import trainer as trainer_module

    monkeypatch.setattr(trainer_module, "HISTORY_POINTS_IN_SNAPSHOT", 10)  # the history view is thinned
    trainer = _deep_stack("relu", 0)
    trainer.train(15)
    s = trainer.snapshot(grid_resolution=None)
    assert len(s.history.epochs) <= 11
    assert np.array_equal(s.recent_grad_norms, trainer.history.column("grad_norms")[-WINDOW:])
