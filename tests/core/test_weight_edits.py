"""Switched-off neurons and typed-in weights: the run continues with the edit (weight_edits, network masks)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import make_spec
from test_gradients import make_case, numeric_gradient

from playground.core.architecture_edit import AddNeuron, edited_trainer
from playground.core.features import expand_features
from playground.core.io.weights import predict, weight_file_from_trainer
from playground.core.network import Network
from playground.core.spec import SpecError
from playground.core.trainer import Trainer
from playground.core.weight_edits import MAX_TYPED_WEIGHT, set_switched_off, set_weight

OFF = ((0, 1), (1, 0), (1, 2))  # two neurons of the last hidden layer: its mask holds several zeros


def zeroed_outgoing(trainer: Trainer, off=OFF) -> list[np.ndarray]:
    """The trainer's weights with the switched-off neurons' outgoing columns set to 0."""
    weights = [w.copy() for w in trainer.network.weights]
    for layer, k in off:
        weights[layer + 1][:, k] = 0.0
    return weights


def plain_forward(trainer: Trainer, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The output for points ``x`` (n, 2) of a network with ``weights`` and all neurons on."""
    net = trainer.network
    plain = Network(net.sizes, [a.name for a in net.hidden_activations], net.head)
    np.copyto(plain.params, net.params)
    for w, mine in zip(weights, plain.weights, strict=True):
        mine[...] = w
    return plain.forward(expand_features(x, trainer.spec.features))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_a_switched_off_neuron_outputs_zero_and_contributes_nothing(activation):
    t = Trainer(make_spec(hidden=(3, 4), activation=activation))
    t.train(3)
    set_switched_off(t, OFF)
    x = t.dataset.x_train
    t.network.forward(expand_features(x, t.spec.features))
    ws = t.network.workspace(len(x))  # the buffers of that pass
    assert np.all(ws.acts[0][1] == 0) and np.all(ws.acts[1][[0, 2]] == 0) and np.any(ws.acts[1][1] != 0)
    np.testing.assert_allclose(t.network.forward(expand_features(x, t.spec.features)),
                               plain_forward(t, zeroed_outgoing(t), x), rtol=0, atol=1e-12)


@pytest.mark.parametrize("batched", [True, False], ids=["tanh-batched-derivatives", "mixed-activations"])
def test_backpropagation_with_switched_off_neurons_matches_central_differences(batched):
    net, x, t = make_case("tanh", "classification", "cross_entropy", 3, (4, 3, 5))
    if not batched:
        net = type(net)(net.sizes, ("elu", "tanh", "relu"), net.head)
        net.initialize("xavier", np.random.default_rng(3))
    net.set_switched_off([(0, 2), (1, 0), (2, 4)])
    loss, grad = net.loss_and_gradient(x, t)
    np.testing.assert_allclose(grad, numeric_gradient(net, x, t), rtol=1e-5, atol=1e-7)
    assert np.all(grad[net.frozen()] == 0)  # exactly: no loss gradient reaches them


@pytest.mark.parametrize("optimizer,regularization,batch", [
    ("sgd", "l2", 10), ("momentum", "l1", 10), ("nesterov", "none", 500), ("rmsprop", "l2", 10),
    ("adam", "none", 10), ("adamw", "l2", 500),
])
def test_a_switched_off_neurons_weights_receive_no_update_and_the_others_train(optimizer, regularization, batch):
    t = Trainer(make_spec(hidden=(3, 4), optimizer=optimizer, lr=0.01, regularization=regularization,
                          regularization_rate=0.01, batch=batch))
    t.train(3)  # the optimizer has a velocity / moments for every parameter now
    others = {k: v.copy() for k, v in t.optimizer.state.items()}
    set_switched_off(t, OFF)
    frozen = t.network.frozen()
    for k, v in t.optimizer.state.items():  # kept for every other parameter
        assert np.array_equal(v[~frozen], others[k][~frozen])
    before = t.network.params.copy()
    t.train(3)
    t.step_batch()
    assert np.array_equal(t.network.params[frozen], before[frozen])
    assert not np.array_equal(t.network.params[~frozen], before[~frozen])
    assert t.spec.network.switched_off == OFF


def test_switching_a_neuron_on_again_brings_it_back_with_its_weights():
    t = Trainer(make_spec(hidden=(3, 4), shuffle=False))
    t.train(2)
    x = t.dataset.x_test
    weights = [w.copy() for w in t.network.weights]
    weight_mask = t.network.weight_mask.copy()
    loss_on = t.test_loss
    set_switched_off(t, OFF)
    assert t.test_loss != loss_on  # the metrics are those of the network without them, at once
    set_switched_off(t, [])
    assert t.spec.network.switched_off == () and t.test_loss == loss_on
    assert np.array_equal(t.network.weight_mask, weight_mask) and not t.network.frozen().any()
    assert all(np.array_equal(a, b) for a, b in zip(t.network.weights, weights, strict=True))
    np.testing.assert_allclose(t.network.forward(expand_features(x, t.spec.features)),
                               plain_forward(t, weights, x), rtol=0, atol=1e-12)


def test_the_grid_shows_a_switched_off_neuron_as_zero_and_the_run_continues():
    t = Trainer(make_spec(hidden=(3, 4)))
    t.train(2)
    epoch, history = t.epoch, len(t.history)
    assert np.any(t.evaluate_grid(20).neurons[1][1] != 0)
    set_switched_off(t, OFF)
    grid = t.evaluate_grid(20)
    assert np.all(grid.neurons[1][1] == 0) and np.all(grid.neurons[2][0] == 0) and np.any(grid.neurons[2][1] != 0)
    assert (t.epoch, len(t.history)) == (epoch, history)


def test_a_neuron_that_is_not_there_cannot_be_switched_off_and_nothing_changes():
    t = Trainer(make_spec(hidden=(3, 4)))
    with pytest.raises(SpecError, match=r"network\.switched_off\[0\]\[1\] \(neuron\): must be from 0 to 2, got 3"):
        set_switched_off(t, [(0, 3)])
    assert t.spec.network.switched_off == () and t.network.switched_off == ()


@pytest.mark.parametrize("inp", [2, None], ids=["weight", "bias"])
def test_a_typed_weight_is_taken_at_once_and_keeps_the_optimizer_state(inp):
    t = Trainer(make_spec(hidden=(3, 4), optimizer="adam", batch=100))
    t.train(2)
    t.step_batch()  # within an epoch: the run goes on from there
    state = {k: v.copy() for k, v in t.optimizer.state.items()}
    before, loss, position = t.network.params.copy(), t.train_loss, (t.epoch, t.batch_index, t.optimizer.t)
    set_weight(t, 1, 3, inp, 2.5)
    column = 3 if inp is None else inp
    assert t.network.blocks[1][3, column] == 2.5
    changed = t.network.params != before
    assert changed.sum() == 1
    assert t.train_loss != loss  # the metrics are of the new weights
    assert (t.epoch, t.batch_index, t.optimizer.t) == position
    assert all(np.array_equal(v, state[k]) for k, v in t.optimizer.state.items())
    t.train(1)
    assert t.epoch == position[0] + 1


@pytest.mark.parametrize("args,words", [
    ((2, 0, 0, 1.0), "layer: must be a whole number from 0 to 1, got 2"),
    ((0, 3, 0, 1.0), "weight row (unit): must be a whole number from 0 to 2, got 3"),
    ((1, 0, -1, 1.0), "weight column (input): must be a whole number from 0 to 2, got -1"),
    ((0, 0, 0, float("nan")), "weight: must be a number from"),
    ((0, 0, 0, 2 * MAX_TYPED_WEIGHT), "weight: must be a number from -1e+06 to 1e+06"),
    ((0, 0, 0, "1"), "weight: must be a number"),
])
def test_a_typed_weight_that_does_not_fit_is_named_and_nothing_changes(args, words):
    t = Trainer(make_spec(hidden=(3,)))
    before = t.network.params.copy()
    with pytest.raises(ValueError) as err:
        set_weight(t, *args)
    assert words in str(err.value)
    assert np.array_equal(t.network.params, before)


def test_an_exported_weight_file_computes_what_the_network_with_switched_off_neurons_does():
    t = Trainer(make_spec(hidden=(3, 4)))
    t.train(2)
    set_switched_off(t, OFF)
    kept = [w.copy() for w in t.network.weights]
    x = t.dataset.x_test
    np.testing.assert_allclose(predict(weight_file_from_trainer(t), x),
                               t.network.forward(expand_features(x, t.spec.features)), rtol=0, atol=1e-12)
    assert all(np.array_equal(a, b) for a, b in zip(t.network.weights, kept, strict=True))  # the trainer's are kept


def test_an_architecture_edit_starts_a_new_run_from_the_carried_weights_on_the_same_points():
    t = Trainer(make_spec(hidden=(3, 4), optimizer="adam"))
    t.train(3)
    set_switched_off(t, [(1, 2)])
    before = t.network.params.copy()
    x = expand_features(t.dataset.x_test, t.spec.features)
    new = edited_trainer(t, AddNeuron(1, 0), np.random.default_rng(4))
    assert new.spec.network.hidden == (3, 5) and new.dataset is t.dataset
    assert new.spec.network.switched_off == ((1, 3),) and new.network.switched_off == ((1, 3),)
    assert (new.epoch, len(new.history)) == (0, 0)
    assert all(not v.any() for v in new.optimizer.state.values())  # a fresh optimizer
    np.testing.assert_allclose(new.network.forward(x), t.network.forward(x), rtol=0, atol=1e-12)
    assert np.array_equal(t.network.params, before) and t.epoch == 3  # the old run is untouched
    new.train(2)
    assert new.epoch == 2


def test_a_big_epoch_stopped_between_its_pieces_takes_the_switch_and_goes_on():
    t = Trainer(make_spec(hidden=(128, 128), batch=250))  # about 17,000 parameters: an epoch in pieces
    assert t._pieces is not None
    asked = []
    assert not t.step_epoch(lambda: asked.append(1) and False)  # stopped after its first piece
    set_switched_off(t, [(0, 5), (1, 127)])
    frozen, before = t.network.frozen(), t.network.params.copy()
    assert t.epoch == 1  # the stopped epoch was finished first: its batch had run
    t.train(2)
    assert t.epoch == 3 and np.array_equal(t.network.params[frozen], before[frozen])


def test_the_network_refuses_a_neuron_it_does_not_have():
    net = Trainer(make_spec(hidden=(3, 4))).network
    for pair in [(2, 0), (1, 4), (-1, 0)]:
        with pytest.raises(ValueError, match=rf"there is no hidden neuron {pair[1]} in hidden layer {pair[0]}"):
            net.set_switched_off([pair])
    assert net.switched_off == () and net.neuron_masks == [None, None]


def test_a_trainer_built_from_a_spec_with_switched_off_neurons_has_them_off():
    """As a saved experiment reopens: the spec's switched-off neurons are off from the first epoch."""
    spec = make_spec(hidden=(3, 4), shuffle=False)
    spec = spec.replace(network=dataclasses.replace(spec.network, switched_off=OFF))
    t = Trainer(spec)
    assert t.network.switched_off == spec.network.switched_off
    frozen = t.network.frozen()
    before = t.network.params[frozen].copy()
    t.train(3)
    assert frozen.any() and np.array_equal(t.network.params[frozen], before)
