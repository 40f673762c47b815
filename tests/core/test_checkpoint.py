"""core.checkpoint: a run's whole state as a value, rebuilt bit for bit; the states edits lead to."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import make_spec, make_trainer

from playground.core.architecture_edit import AddLayer, AddNeuron, RemoveLayer, RemoveNeuron, apply_edit, carry_weights
from playground.core.checkpoint import (
    Checkpoint,
    build_trainer,
    carry_resized,
    resized,
    take_checkpoint,
    weights_only,
    with_dataset,
    with_fresh_optimizer,
)
from playground.core.datasets import make_dataset
from playground.core.spec import NetworkSpec


def assert_same_state(a: dict, b: dict) -> None:
    """Weights, optimizer state, counters and history equal, bit for bit."""
    for key in ("epoch", "batches", "batch_index", "init_count"):
        assert a[key] == b[key], key
    for group in ("weights", "optimizer", "history"):
        assert a[group].keys() == b[group].keys(), group
        for k in a[group]:
            np.testing.assert_array_equal(a[group][k], b[group][k], err_msg=f"{group}.{k}")


def test_a_checkpoint_rebuilds_the_run_exactly_and_it_goes_on_the_same():
    trainer = make_trainer("spiral", (6, 4), optimizer="adam", lr=0.01, batch=7)
    trainer.train(3)
    trainer.step_batch()  # in the middle of an epoch: its row order is part of the state
    cp = take_checkpoint(trainer)
    rebuilt = build_trainer(cp)
    assert_same_state(rebuilt.get_state(), trainer.get_state())
    trainer.train(2)
    rebuilt.train(2)
    assert_same_state(rebuilt.get_state(), trainer.get_state())


def test_a_checkpoint_is_read_only_and_independent_of_its_trainer():
    trainer = make_trainer(optimizer="adam")
    cp = take_checkpoint(trainer)
    w = cp.weights["layers.0.weight"]
    before = w.copy()
    trainer.train(2)
    np.testing.assert_array_equal(w, before)
    with pytest.raises(ValueError):
        w[0, 0] = 1.0
    assert cp.nbytes >= trainer.network.params.nbytes * 3  # weights, and Adam's two moments


def test_weights_only_is_a_new_run_from_those_weights_with_a_fresh_optimizer():
    trainer = make_trainer(optimizer="momentum")
    trainer.train(4)
    cp = weights_only(trainer.spec, trainer.dataset, trainer.network.state_dict())
    new = build_trainer(cp)
    assert new.epoch == 0 and len(new.history) == 0
    np.testing.assert_array_equal(new.network.params, trainer.network.params)
    assert all(not v.any() for v in new.optimizer.state.values())


def test_a_new_loss_keeps_the_hidden_weights_counters_and_history_and_redraws_a_reshaped_output():
    trainer = make_trainer("xor", (4,), optimizer="adam", loss="mse")
    trainer.train(3)
    before = take_checkpoint(trainer)
    spec = trainer.spec.replace(training=dataclasses.replace(trainer.spec.training, loss="cross_entropy"))
    new = build_trainer(with_fresh_optimizer(before, spec))
    assert new.spec.training.loss == "cross_entropy" and new.epoch == 3 and len(new.history) == 3
    np.testing.assert_array_equal(new.network.state_dict()["layers.0.weight"], before.weights["layers.0.weight"])
    assert new.network.state_dict()["layers.1.weight"].shape == (2, 4)  # two softmax outputs now
    assert all(not v.any() for v in new.optimizer.state.values())
    same_shape = spec.replace(training=dataclasses.replace(spec.training, loss="bce"))
    kept = build_trainer(with_fresh_optimizer(before, same_shape))
    np.testing.assert_array_equal(kept.network.params, trainer.network.params)


def test_new_points_keep_weights_optimizer_and_history():
    trainer = make_trainer("xor", optimizer="adam", batch=3)
    trainer.train(2)
    trainer.step_batch()
    other = make_dataset(dataclasses.replace(trainer.spec.data, points=60, seed=5))
    new = build_trainer(with_dataset(take_checkpoint(trainer), other))
    assert new.dataset is other and new.epoch == 2 and new.batch_index == 0
    np.testing.assert_array_equal(new.network.params, trainer.network.params)
    np.testing.assert_array_equal(new.optimizer.state["m"], trainer.optimizer.state["m"])


@pytest.mark.parametrize(("hidden", "edit"), [
    ((5, 3), AddNeuron(0)), ((4, 2), RemoveNeuron(1, 2)), ((4, 3, 2), AddLayer(2, 2)), ((4,), RemoveLayer(1)),
])
def test_a_side_panel_resize_is_the_same_as_the_edit_at_the_end(hidden, edit):
    trainer = make_trainer("xor", (4, 3), features=("x1", "x2", "sin_x1"))
    trainer.train(2)
    spec, state = trainer.spec, trainer.network.state_dict()
    network = NetworkSpec(hidden, ("tanh",) * len(hidden))
    new_spec, _mapping = resized(spec, network, spec.features)
    assert new_spec == apply_edit(spec, edit)
    got = carry_resized(Checkpoint(spec, None, {"weights": state}), network, spec.features,
                        np.random.default_rng(3))
    want = carry_weights(spec, state, edit, np.random.default_rng(3))
    assert got.spec == new_spec and got.state["weights"].keys() == want.keys()
    for key in want:
        np.testing.assert_array_equal(got.weights[key], want[key], err_msg=key)


def test_a_resize_moves_switched_off_neurons_and_toggles_features():
    spec = make_spec("xor", (4, 3), features=("x1", "x2"))
    spec = spec.replace(network=dataclasses.replace(spec.network, switched_off=((0, 1), (1, 2))))
    new_spec, mapping = resized(spec, NetworkSpec((4, 2), ("tanh", "tanh")), ("x1", "x2", "x1x2"))
    assert new_spec.network.switched_off == ((0, 1),)  # neuron 3 of layer 2 is gone
    assert new_spec.features == ("x1", "x2", "x1x2")
    assert mapping.units[0] == (0, 1, None)


def test_a_network_edit_keeps_the_plane_that_drawing_grew():
    from playground.core.data_swap import picture_domain
    from playground.core.painted_data import PaintedPoints

    trainer = make_trainer("xor", (4, 3), features=("x1", "x2"))
    trainer.train(1)
    before = take_checkpoint(trainer)
    far = PaintedPoints.from_dataset(trainer.dataset).added([[20.0, 0.0]], 1, 0.5).to_dataset()
    grown = far.domain()
    assert grown[1] > 20.0
    # the far point drawn, then erased again: the plane stays grown (it shrinks only on "Fit to data")
    drawn = with_dataset(with_dataset(before, far),
                         PaintedPoints.from_dataset(far).erased((20.0, 0.0), 1.0).to_dataset())
    assert drawn.picture_domain == grown and drawn.dataset.domain() != grown
    resized_run = carry_resized(drawn, NetworkSpec((5, 3), ("tanh", "tanh")), ("x1", "x2"), np.random.default_rng(0))
    edit = AddNeuron(0)
    weights = carry_weights(drawn.spec, drawn.weights, edit, np.random.default_rng(0))
    edited = weights_only(apply_edit(drawn.spec, edit), drawn.dataset, weights, drawn.picture_domain)
    for cp in (resized_run, edited):
        assert cp.picture_domain == grown
        rebuilt = build_trainer(cp)
        assert picture_domain(rebuilt) == grown and rebuilt.evaluate_grid(10).domain == grown
    assert weights_only(drawn.spec, drawn.dataset, drawn.weights).picture_domain is None  # unless given
