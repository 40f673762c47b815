"""Architecture edits keep the weights of every neuron and link that remains (architecture_edit)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    RemoveLayer,
    RemoveNeuron,
    SetActivation,
    ToggleFeature,
    apply_edit,
    carry_weights,
)
from playground.core.features import expand_features
from playground.core.losses import output_head
from playground.core.network import Network
from playground.core.spec import MAX_NEURONS, ExperimentSpec, NetworkSpec, SpecError

SPEC = ExperimentSpec(features=("x1", "x2", "x1x2"), network=NetworkSpec((3, 4, 2), ("tanh", "relu", "sigmoid")))
POINTS = np.random.default_rng(7).uniform(-6, 6, size=(50, 2))


def network(spec: ExperimentSpec, state: dict[str, np.ndarray] | None = None) -> Network:
    head = output_head(spec.problem, spec.training.loss, spec.data.classes)
    net = Network((len(spec.features), *spec.network.hidden, head.n_outputs), spec.network.activations, head)
    if state is None:
        net.initialize(spec.network.init, np.random.default_rng(1))
        net.params += np.random.default_rng(2).normal(0, 0.3, net.n_params)  # "trained": biases differ too
    else:
        net.load_state_dict(state)
    return net


def outputs(spec: ExperimentSpec, state: dict[str, np.ndarray]) -> np.ndarray:
    return network(spec, state).forward(expand_features(POINTS, spec.features))


def carried(edit, spec: ExperimentSpec = SPEC, seed: int = 3):
    old = network(spec).state_dict()
    return old, carry_weights(spec, old, edit, np.random.default_rng(seed)), apply_edit(spec, edit)


def assert_same(a: np.ndarray, b: np.ndarray) -> None:
    """Bit for bit."""
    assert a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize("layer,index", [(0, 0), (0, 1), (1, 3), (2, 1)])
def test_a_removed_neurons_row_and_column_are_gone_and_the_rest_is_unchanged(layer, index):
    old, new, spec = carried(RemoveNeuron(layer, index))
    assert spec.network.hidden[layer] == SPEC.network.hidden[layer] - 1
    assert_same(new[f"layers.{layer}.weight"], np.delete(old[f"layers.{layer}.weight"], index, axis=0))
    assert_same(new[f"layers.{layer}.bias"], np.delete(old[f"layers.{layer}.bias"], index))
    assert_same(new[f"layers.{layer + 1}.weight"], np.delete(old[f"layers.{layer + 1}.weight"], index, axis=1))
    assert_same(new[f"layers.{layer + 1}.bias"], old[f"layers.{layer + 1}.bias"])
    for key in old:
        if key not in (f"layers.{layer}.weight", f"layers.{layer}.bias", f"layers.{layer + 1}.weight"):
            assert_same(new[key], old[key])


@pytest.mark.parametrize("layer,index", [(0, None), (0, 0), (1, 2), (2, None), (2, 0)])
def test_a_new_neuron_has_drawn_incoming_weights_and_zero_outgoing_ones_so_the_output_does_not_change(layer, index):
    old, new, spec = carried(AddNeuron(layer, index))
    k = SPEC.network.hidden[layer] if index is None else index
    assert spec.network.hidden[layer] == SPEC.network.hidden[layer] + 1
    w, b = new[f"layers.{layer}.weight"], new[f"layers.{layer}.bias"]
    assert_same(np.delete(w, k, axis=0), old[f"layers.{layer}.weight"])
    assert_same(np.delete(b, k), old[f"layers.{layer}.bias"])
    # drawn with the spec's initialiser (TensorFlow Playground's: U(-0.5, 0.5), bias 0.1)
    assert np.all(np.abs(w[k]) <= 0.5) and np.any(w[k] != 0) and b[k] == 0.1
    nxt = new[f"layers.{layer + 1}.weight"]
    assert np.all(nxt[:, k] == 0)
    assert_same(np.delete(nxt, k, axis=1), old[f"layers.{layer + 1}.weight"])
    np.testing.assert_allclose(outputs(spec, new), outputs(SPEC, old), rtol=0, atol=1e-12)


@pytest.mark.parametrize("index", [0, 1, 3])
def test_an_inserted_layer_is_drawn_on_both_sides_and_the_neurons_after_it_keep_their_biases(index):
    old, new, spec = carried(AddLayer(index, neurons=5))
    assert spec.network.hidden == (*SPEC.network.hidden[:index], 5, *SPEC.network.hidden[index:])
    # the activation of the layer before it (or, first, of the layer after it)
    assert spec.network.activations[index] == SPEC.network.activations[max(0, index - 1)]
    for i in range(index):  # blocks before the new layer
        assert_same(new[f"layers.{i}.weight"], old[f"layers.{i}.weight"])
        assert_same(new[f"layers.{i}.bias"], old[f"layers.{i}.bias"])
    incoming, outgoing = new[f"layers.{index}.weight"], new[f"layers.{index + 1}.weight"]
    assert incoming.shape[0] == 5 and outgoing.shape[1] == 5
    assert np.all(np.abs(incoming) <= 0.5) and np.all(np.abs(outgoing) <= 0.5) and np.all(outgoing != 0)
    assert np.all(new[f"layers.{index}.bias"] == 0.1)
    assert_same(new[f"layers.{index + 1}.bias"], old[f"layers.{index}.bias"])
    for i in range(index + 1, len(SPEC.network.hidden) + 1):  # blocks after it, one index further on
        assert_same(new[f"layers.{i + 1}.weight"], old[f"layers.{i}.weight"])
        assert_same(new[f"layers.{i + 1}.bias"], old[f"layers.{i}.bias"])


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_removed_layer_is_bridged_by_drawn_links_and_the_neurons_after_it_keep_their_biases(index):
    old, new, spec = carried(RemoveLayer(index))
    assert spec.network.hidden == SPEC.network.hidden[:index] + SPEC.network.hidden[index + 1:]
    assert len(new) == len(old) - 2
    for i in range(index):
        assert_same(new[f"layers.{i}.weight"], old[f"layers.{i}.weight"])
        assert_same(new[f"layers.{i}.bias"], old[f"layers.{i}.bias"])
    bridge = new[f"layers.{index}.weight"]
    assert bridge.shape == old[f"layers.{index + 1}.weight"].shape[:1] + old[f"layers.{index}.weight"].shape[1:]
    assert np.all(np.abs(bridge) <= 0.5) and np.all(bridge != 0)
    assert_same(new[f"layers.{index}.bias"], old[f"layers.{index + 1}.bias"])
    for i in range(index + 1, len(SPEC.network.hidden)):
        assert_same(new[f"layers.{i}.weight"], old[f"layers.{i + 1}.weight"])
        assert_same(new[f"layers.{i}.bias"], old[f"layers.{i + 1}.bias"])


def test_removing_the_only_hidden_layer_links_the_inputs_to_the_outputs():
    spec = SPEC.replace(network=NetworkSpec((3,), ("tanh",)))
    old, new, edited = carried(RemoveLayer(0), spec)
    assert edited.network.hidden == () and set(new) == {"layers.0.weight", "layers.0.bias"}
    assert new["layers.0.weight"].shape == (1, 3)
    assert_same(new["layers.0.bias"], old["layers.1.bias"])


def test_a_feature_switched_on_gets_a_zero_column_so_the_output_does_not_change():
    old, new, spec = carried(ToggleFeature("x1_sq"))
    assert spec.features == ("x1", "x2", "x1_sq", "x1x2")  # the canonical order: a column in the middle
    w = new["layers.0.weight"]
    assert np.all(w[:, 2] == 0)
    assert_same(np.delete(w, 2, axis=1), old["layers.0.weight"])
    for key in old:
        if key != "layers.0.weight":
            assert_same(new[key], old[key])
    np.testing.assert_allclose(outputs(spec, new), outputs(SPEC, old), rtol=0, atol=1e-12)


def test_a_feature_switched_off_loses_its_column_only():
    old, new, spec = carried(ToggleFeature("x2"))
    assert spec.features == ("x1", "x1x2")
    assert_same(new["layers.0.weight"], np.delete(old["layers.0.weight"], 1, axis=1))
    for key in old:
        if key != "layers.0.weight":
            assert_same(new[key], old[key])


def test_a_new_activation_keeps_every_weight():
    old, new, spec = carried(SetActivation(1, "elu"))
    assert spec.network.activations == ("tanh", "elu", "sigmoid")
    assert old.keys() == new.keys()
    for key in old:
        assert_same(new[key], old[key])


def test_new_weights_follow_the_specs_initialiser_and_the_generator():
    spec = SPEC.replace(network=NetworkSpec((3, 4, 2), ("tanh",) * 3, init="xavier"))
    _, a, _ = carried(AddNeuron(1), spec, seed=5)
    _, b, _ = carried(AddNeuron(1), spec, seed=5)
    _, c, _ = carried(AddNeuron(1), spec, seed=6)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["layers.1.weight"], c["layers.1.weight"])
    assert a["layers.1.bias"][4] == 0.0  # Xavier's bias, not the trained ones'
    assert np.all(np.abs(a["layers.1.weight"][4]) <= np.sqrt(6 / (3 + 5)))  # for the new layer's fan-in/out


def test_switched_off_neurons_move_with_the_edit_and_go_with_their_neuron_or_layer():
    spec = SPEC.replace(network=NetworkSpec((3, 4, 2), ("tanh",) * 3, switched_off=((0, 2), (1, 1), (2, 0))))
    assert apply_edit(spec, AddNeuron(1, 0)).network.switched_off == ((0, 2), (1, 2), (2, 0))
    assert apply_edit(spec, RemoveNeuron(1, 1)).network.switched_off == ((0, 2), (2, 0))
    assert apply_edit(spec, RemoveNeuron(0, 0)).network.switched_off == ((0, 1), (1, 1), (2, 0))
    assert apply_edit(spec, AddLayer(1)).network.switched_off == ((0, 2), (2, 1), (3, 0))
    assert apply_edit(spec, RemoveLayer(0)).network.switched_off == ((0, 1), (1, 0))
    assert apply_edit(spec, ToggleFeature("sin_x1")).network.switched_off == spec.network.switched_off


@pytest.mark.parametrize("spec,edit,words", [
    (SPEC, RemoveNeuron(2, 5), "network.hidden[2]: there is no neuron 5"),
    (SPEC, AddNeuron(3), "network.hidden: there is no hidden layer 3"),
    (SPEC, RemoveLayer(-1), "there is no hidden layer -1"),
    (SPEC, AddLayer(4), "there is no hidden layer 4"),
    (SPEC, AddLayer(0, neurons=0), "at least 1 neuron"),
    (SPEC.replace(network=NetworkSpec((1,), ("tanh",))), RemoveNeuron(0, 0), "remove the layer instead"),
    (SPEC.replace(network=NetworkSpec((MAX_NEURONS,), ("tanh",))), AddNeuron(0), "network.hidden[0]"),
    (SPEC.replace(features=("x1",)), ToggleFeature("x1"), "features: choose at least one"),
    (SPEC, ToggleFeature("x3"), "no feature 'x3'"),
    (SPEC, SetActivation(0, "bogus"), "network.activations[0]"),
])
def test_an_edit_that_does_not_fit_says_what_and_where(spec, edit, words):
    with pytest.raises(SpecError) as err:
        carry_weights(spec, network(spec).state_dict(), edit, np.random.default_rng(0))
    assert words in str(err.value)


def test_weights_that_do_not_fit_the_old_spec_are_named():
    state = network(SPEC).state_dict()
    state["layers.1.weight"] = state["layers.1.weight"][:, :2]
    with pytest.raises(ValueError, match=r"layers\.1\.weight has shape \(4, 2\), this network needs \(4, 3\)"):
        carry_weights(SPEC, state, AddNeuron(0), np.random.default_rng(0))
    state = network(SPEC).state_dict()
    del state["layers.2.bias"]
    with pytest.raises(ValueError, match=r"layers\.2\.bias is missing"):
        carry_weights(SPEC, state, AddNeuron(0), np.random.default_rng(0))
