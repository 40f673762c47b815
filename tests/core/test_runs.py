"""Runs kept for comparison: built from a snapshot, summarised in one line."""

import numpy as np

from playground.core.runs import Run, spec_summary
from tests.builders import make_trainer


def test_run_from_snapshot_holds_the_final_weights_and_metrics():
    trainer = make_trainer()
    trainer.train(5)
    snapshot = trainer.snapshot(grid_resolution=None)
    run = Run.from_snapshot(snapshot, "first")
    assert run.name == "first" and run.epoch == 5 and run.spec == trainer.spec
    state = trainer.network.state_dict()
    assert set(run.weights) == set(state)
    for key, value in state.items():
        np.testing.assert_array_equal(run.weights[key], value)
        assert not run.weights[key].flags.writeable
    assert run.train_loss == trainer.train_loss
    assert run.renamed("second").name == "second" and run.name == "first"
    assert run.with_pinned(True).pinned and not run.pinned


def test_spec_summary_names_what_tells_runs_apart():
    trainer = make_trainer()
    text = spec_summary(trainer.spec)
    assert trainer.spec.data.name in text
    assert "×".join(map(str, trainer.spec.network.hidden)) in text
    assert f"batch {trainer.spec.training.batch_size}" in text
