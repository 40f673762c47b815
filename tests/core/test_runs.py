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


def test_a_snapshots_read_only_weights_are_shared_and_writable_ones_copied():
    import dataclasses

    from playground.core.dataset import shared_or_frozen_copy
    from playground.core.runs import snapshot_weights

    trainer = make_trainer(hidden=(3,))
    snapshot = trainer.snapshot(grid_resolution=None)
    weights = snapshot_weights(snapshot)  # the worker's snapshot: read-only copies
    assert weights["layers.0.weight"] is snapshot.weights[0] and weights["layers.1.bias"] is snapshot.biases[1]
    writable = [np.array(w) for w in snapshot.weights]
    copied = snapshot_weights(dataclasses.replace(snapshot, weights=tuple(writable)))
    for mine, kept in zip(writable, (copied["layers.0.weight"], copied["layers.1.weight"]), strict=True):
        assert not np.shares_memory(mine, kept) and not kept.flags.writeable
        np.testing.assert_array_equal(mine, kept)
    # a read-only view of writable memory is copied too (its owner could still change it); a view of
    # read-only memory is shared
    owner = np.arange(6.0)
    view = owner[1:]
    view.setflags(write=False)
    assert not np.shares_memory(shared_or_frozen_copy(view), owner)
    frozen = shared_or_frozen_copy(owner)
    assert shared_or_frozen_copy(frozen[2:]).base is frozen
