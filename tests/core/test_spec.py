"""The experiment spec: lossless JSON round trip and clear validation messages."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.spec import (
    ACTIVATIONS,
    FEATURES,
    LOSSES,
    OPTIMIZERS,
    DataSpec,
    ExperimentSpec,
    NetworkSpec,
    OptimizerSpec,
    SpecError,
    TrainingSpec,
)


def test_defaults_are_tensorflow_playgrounds():
    s = ExperimentSpec()
    assert s.network.hidden == (4, 2) and s.network.activations == ("tanh", "tanh")
    assert s.training.optimizer.learning_rate == 0.03 and s.training.batch_size == 10
    assert s.training.loss == "mse" and s.network.init == "playground"
    assert s.features == ("x1", "x2") and s.data.noise == 0.0 and s.data.train_ratio == 0.5
    assert DataSpec(name="circle").n_points == 500 and DataSpec(name="plane").n_points == 1200


specs = st.builds(
    ExperimentSpec,
    data=st.builds(DataSpec, name=st.sampled_from(["circle", "xor", "spiral", "gauss"]),
                   points=st.one_of(st.none(), st.integers(4, 5000)),
                   noise=st.floats(0, 0.5), train_ratio=st.floats(0.1, 0.9), seed=st.integers(0, 2**40)),
    features=st.lists(st.sampled_from(FEATURES), min_size=1, unique=True).map(tuple),
    network=st.integers(0, 5).flatmap(lambda n: st.builds(
        NetworkSpec, hidden=st.tuples(*[st.integers(1, 64)] * n),
        activations=st.tuples(*[st.sampled_from(ACTIVATIONS)] * n))),
    training=st.builds(TrainingSpec, loss=st.sampled_from(LOSSES),
                       optimizer=st.builds(OptimizerSpec, name=st.sampled_from(OPTIMIZERS),
                                           learning_rate=st.floats(1e-6, 10)),
                       batch_size=st.integers(1, 500), shuffle=st.booleans()),
    seed=st.integers(0, 2**40),
)


@given(specs)
def test_json_round_trip_is_lossless(spec):
    text = spec.to_json()
    again = ExperimentSpec.from_json(text)
    assert again == spec
    assert again.to_json() == text


@pytest.mark.parametrize("change,field,words", [
    (lambda d: d["training"]["optimizer"].update(learning_rate=-1), "training.optimizer.learning_rate", "> 0"),
    (lambda d: d["training"]["optimizer"].update(learning_rate=math.nan), "learning_rate", "finite"),
    (lambda d: d["network"].update(hidden=[4, 0], activations=["tanh", "tanh"]), "network.hidden[1]", "from 1"),
    (lambda d: d["network"].update(activations=["tanh", "bogus"]), "network.activations[1]", "one of"),
    (lambda d: d["data"].update(noise=0.81), "data.noise", "<= 0.8"),
    (lambda d: d["data"].update(train_ratio=math.inf), "data.train_ratio", "finite"),
    (lambda d: d["data"].update(name="spirall"), "data.name", "one of"),
    (lambda d: d["training"].update(batch_size=0), "training.batch_size", "from 1"),
    (lambda d: d["training"].update(batch_size=2.5), "training.batch_size", "whole number"),
    (lambda d: d.update(features=[]), "features", "at least one"),
    (lambda d: d.update(features=["x3"]), "features", "one of"),
    (lambda d: d["training"].update(loss="hinge"), "training.loss", "one of"),
    (lambda d: d["training"].update(regularization_rate=-0.1), "training.regularization_rate", ">= 0"),
    (lambda d: d["network"].update(init="ones"), "network.init", "one of"),
    (lambda d: d["training"].update(shuffle="yes"), "training.shuffle", "true or false"),
    (lambda d: d.update(format_version=99), "format_version", "newer"),
    (lambda d: d.update(colour="red"), "unknown field", "colour"),
])
def test_invalid_specs_name_the_field_and_the_allowed_values(change, field, words):
    d = ExperimentSpec().to_dict()
    change(d)
    with pytest.raises(SpecError) as err:
        ExperimentSpec.from_dict(json.loads(json.dumps(d, allow_nan=True)))
    assert field in str(err.value) and words in str(err.value)
    assert "\n" not in str(err.value)


def test_regression_needs_mse():
    with pytest.raises(SpecError, match="training.loss: regression needs mse"):
        ExperimentSpec(data=DataSpec(name="plane"), training=TrainingSpec(loss="cross_entropy"))


def test_features_are_kept_in_canonical_order():
    assert ExperimentSpec(features=("sin_x1", "x1")).features == ("x1", "sin_x1")


def test_not_json_is_a_spec_error():
    with pytest.raises(SpecError, match="not valid JSON"):
        ExperimentSpec.from_json("{nope")


def test_switched_off_neurons_round_trip_sorted_and_are_left_out_of_the_file_when_none():
    spec = ExperimentSpec(network=NetworkSpec((4, 3), ("tanh", "relu"), switched_off=((1, 2), (0, 3), (1, 2))))
    assert spec.network.switched_off == ((0, 3), (1, 2))
    d = json.loads(spec.to_json())
    assert d["network"]["switched_off"] == [[0, 3], [1, 2]]
    assert ExperimentSpec.from_json(spec.to_json()) == spec
    # none switched off: written as before, and a file written before (no such field) opens with none
    plain = ExperimentSpec().to_dict()
    assert "switched_off" not in plain["network"]
    assert ExperimentSpec.from_dict(plain).network.switched_off == ()


@pytest.mark.parametrize("off,words", [
    ([[2, 0]], "network.switched_off[0][0] (layer): must be from 0 to 1, got 2"),
    ([[0, 0], [1, 3]], "network.switched_off[1][1] (neuron): must be from 0 to 2, got 3"),
    ([[0]], "network.switched_off[0]: must be a [layer, neuron] pair"),
    ([[0, 1.5]], "whole number"),
    ("0,1", "network.switched_off: must be a list"),
])
def test_invalid_switched_off_neurons_are_named(off, words):
    d = ExperimentSpec(network=NetworkSpec((4, 3), ("tanh", "tanh"))).to_dict()
    d["network"]["switched_off"] = off
    with pytest.raises(SpecError) as err:
        ExperimentSpec.from_dict(d)
    assert words in str(err.value)
