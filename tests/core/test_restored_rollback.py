"""A divergence right after a state restored (or weights loaded) in the middle of an epoch rolls back
to exactly that state: the rollback copy is kept when a state is restored, not only when an epoch
starts, so it never holds another run's weights or unset memory."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_spec, set_learning_rate
from tfpg_fixtures import l1_link_trainer

from playground.core import engines
from playground.core.spec import ExperimentSpec
from playground.core.trainer import Trainer, TrainingDiverged

BATCHES_BEFORE = 3  # batches of the epoch run before its state is taken


def _linear_spec(lr: float = 0.01) -> ExperimentSpec:
    """A linear regression network in batches of 5: at learning rate 100 it overflows within a few batches."""
    return make_spec("plane", (8, 8), "linear", lr=lr, batch=5, points=200)


def _diverge_within_the_epoch(trainer: Trainer) -> None:
    """Step batches until the run diverges, which must happen before the epoch under way ends."""
    with pytest.raises(TrainingDiverged):
        for _ in range(len(trainer.batch_calls)):
            trainer.step_batch()
            assert trainer.batch_index != 0, "the epoch ended before the run diverged"


def _mid_epoch_state(spec: ExperimentSpec, engine: str) -> dict:
    source = Trainer(spec, engine=engine)
    source.train(1)
    for _ in range(BATCHES_BEFORE):
        source.step_batch()
    state = source.get_state()
    assert state["batch_index"] == BATCHES_BEFORE
    return state


@pytest.mark.parametrize("engine", ["numpy", "kernel"])
def test_a_divergence_after_a_state_restored_mid_epoch_rolls_back_to_that_state(engine):
    if engine == "kernel":
        assert engines.prepare_kernel(), engines.kernel_failure()
    spec = _linear_spec()
    state = _mid_epoch_state(spec, engine)
    restored = Trainer(spec, engine=engine)
    restored.train(2)  # its rollback copy holds this run's weights at its second epoch's start
    restored.set_state(state)
    assert restored.engine == engine and restored.batch_index == BATCHES_BEFORE
    weights = restored.network.params.copy()
    set_learning_rate(restored, 100.0)
    _diverge_within_the_epoch(restored)
    np.testing.assert_array_equal(restored.network.params, weights)


def test_a_divergence_after_weights_loaded_mid_epoch_rolls_back_to_them():
    spec = _linear_spec()
    trainer = Trainer(spec)
    trainer.train(1)
    for _ in range(BATCHES_BEFORE):
        trainer.step_batch()
    loaded = Trainer(spec.replace(seed=5)).network.state_dict()  # other weights, loaded in mid-epoch
    trainer.load_weights(loaded)
    weights = trainer.network.params.copy()
    set_learning_rate(trainer, 100.0)
    _diverge_within_the_epoch(trainer)
    np.testing.assert_array_equal(trainer.network.params, weights)


def test_a_link_experiment_restored_mid_epoch_rolls_back_to_its_dead_links_too():
    trainer = l1_link_trainer(batch_size=10)
    trainer.train(5)  # L1 has killed links by now
    for _ in range(BATCHES_BEFORE):
        trainer.step_batch()
    state = trainer.get_state()
    restored = l1_link_trainer(batch_size=10)  # every link alive, its rollback copy never filled
    restored.set_state(state)
    weights, dead = restored.network.params.copy(), restored.page.dead.dead()
    assert len(dead) and restored.batch_index == BATCHES_BEFORE
    set_learning_rate(restored, 30.0)
    _diverge_within_the_epoch(restored)
    np.testing.assert_array_equal(restored.network.params, weights)
    np.testing.assert_array_equal(restored.page.dead.dead(), dead)
