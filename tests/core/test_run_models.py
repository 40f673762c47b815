"""A kept run rebuilt from its weights: the boundary it drew."""

import numpy as np

from playground.core.run_models import picture_cost, run_boundary, run_network
from playground.core.runs import Run
from playground.core.trainer import Trainer
from tests.builders import make_trainer


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


def test_run_keys_survive_renaming_and_tell_runs_apart():
    trainer = make_trainer()
    a, b = _run(trainer, "a"), _run(trainer, "b")
    assert a.key != b.key
    assert a.renamed("c").key == a.key and a.with_pinned(True).key == a.key
