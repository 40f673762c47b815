"""A kept run rebuilt from its weights: the boundary it drew, and a state that continues it exactly."""

import numpy as np
import pytest

from playground.core.run_models import picture_cost, restore_state, run_boundary, run_network, start_state
from playground.core.runs import Run
from playground.core.trainer import Trainer
from tests.builders import easy_spec, make_trainer


def _run(trainer: Trainer, name: str = "r") -> Run:
    return Run.from_snapshot(trainer.snapshot(grid_resolution=None), name)


def test_a_runs_boundary_is_the_trainers_own_picture_of_the_same_weights():
    trainer = make_trainer()
    trainer.train(3)
    run = _run(trainer)
    grid = run_boundary(run, 20)
    live = trainer.evaluate_grid(20, with_neurons=False)
    assert grid.resolution == 20 and grid.domain == live.domain
    np.testing.assert_allclose(grid.output, live.output, atol=1e-5)  # both float32 grids
    assert picture_cost(run, 20) == run_network(run).n_params * 400


def test_restoring_a_run_continues_from_its_weights_epoch_and_history():
    trainer = Trainer(easy_spec(hidden=(3, 2)))
    trainer.train(4)
    run = _run(trainer)
    again = Trainer(run.spec, run.dataset)
    again.set_state(restore_state(run))
    assert (again.epoch, again.batches) == (4, trainer.batches)
    np.testing.assert_array_equal(again.network.params, trainer.network.params)
    np.testing.assert_array_equal(again.history.column("test_loss"), run.history.test_loss)
    assert again.train_loss == trainer.train_loss
    again.train(1)
    assert again.epoch == 5 and len(again.history) == 5


def test_run_keys_survive_renaming_and_tell_runs_apart():
    trainer = make_trainer()
    a, b = _run(trainer, "a"), _run(trainer, "b")
    assert a.key != b.key
    assert a.renamed("c").key == a.key and a.with_pinned(True).key == a.key


def test_a_start_state_trains_like_a_trainer_drawn_with_those_weights():
    first = Trainer(easy_spec())
    start = first.network.state_dict()
    faster = first.spec.replace(training=first.spec.training.__class__(
        loss=first.spec.training.loss, optimizer=first.spec.training.optimizer.__class__("sgd", 0.3),
        batch_size=first.spec.training.batch_size))
    copy = Trainer(faster, first.dataset)
    copy.set_state(start_state(faster, first.dataset, start))
    assert copy.epoch == 0 and len(copy.history) == 0
    np.testing.assert_array_equal(copy.network.params, first.network.params)
    with pytest.raises(ValueError):
        start_state(easy_spec(hidden=(5,)), first.dataset, start)
