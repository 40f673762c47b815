"""ONNX export: the graph alone reproduces the app's forward pass, for every activation and output."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from io_test_helpers import (
    ALL_FEATURES,
    OUTPUT_KINDS,
    app_forward,
    grid_points,
    make_trainer,
    randomize_weights,
)

from playground.core.activations import ACTIVATIONS
from playground.core.io.onnx_export import OPSET, to_onnx, write_onnx
from playground.core.io.weights import WeightFileError, export_weights, weight_file_from_trainer

GRID = grid_points(50)


def _run(model: onnx.ModelProto, points: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"points": points.astype(np.float32)})[0]


def _parity(trainer, precision: str = "float64") -> float:
    model = to_onnx(weight_file_from_trainer(trainer), precision)
    onnx.checker.check_model(model, full_check=True)
    got = _run(model, GRID)
    want = app_forward(trainer, GRID)
    assert got.shape == want.shape == (len(GRID), trainer.network.sizes[-1])
    assert got.dtype == np.float32
    return float(np.abs(got - want).max())


@pytest.mark.parametrize("kind", OUTPUT_KINDS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_and_output_matches_the_app_three_hidden_layers(activation, kind):
    trainer = make_trainer(kind, (5, 4, 3), activation, ALL_FEATURES)
    randomize_weights(trainer, scale=0.8)
    assert _parity(trainer) < 1e-5


@pytest.mark.parametrize("kind", OUTPUT_KINDS)
@pytest.mark.parametrize("hidden", [(), (6,)])
def test_zero_and_one_hidden_layers_match_the_app(hidden, kind):
    trainer = make_trainer(kind, hidden, "relu", ALL_FEATURES)
    randomize_weights(trainer)
    assert _parity(trainer) < 1e-5


@pytest.mark.parametrize("features", [("x1", "x2"), ("x1_sq", "x2_sq"), ("x1x2",), ("cos_x2", "sin_x1")])
def test_feature_subsets_match_the_app(features):
    trainer = make_trainer("cross_entropy_k4", (4,), "tanh", features)
    randomize_weights(trainer)
    assert _parity(trainer) < 1e-5


def test_mixed_per_layer_activations_match_the_app():
    trainer = make_trainer("bce_k3", (6, 5, 4, 3), ("gelu", "elu", "leaky_relu", "softplus"), ALL_FEATURES)
    randomize_weights(trainer, scale=1.5)
    assert _parity(trainer) < 1e-5


def test_trained_weights_match_the_app():
    trainer = make_trainer("mse_binary", (6, 6), "tanh", ALL_FEATURES, optimizer="adam", lr=0.02)
    trainer.train(20)
    assert _parity(trainer) < 1e-5


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_graph_uses_single_precision_and_stays_close(activation):
    trainer = make_trainer("regression", (5, 4), activation, ALL_FEATURES)
    randomize_weights(trainer, scale=0.5)
    model = to_onnx(weight_file_from_trainer(trainer), "float32")
    types = {init.data_type for init in model.graph.initializer if init.name.startswith("layers.")}
    assert types == {onnx.TensorProto.FLOAT}
    assert not any(n.op_type == "Cast" for n in model.graph.node)
    got = _run(model, GRID)
    want = app_forward(trainer, GRID)
    scale = max(1.0, float(np.abs(want).max()))
    assert np.abs(got - want).max() < 1e-4 * scale


def test_softplus_and_elu_do_not_overflow_far_outside_the_domain():
    trainer = make_trainer("regression", (3,), "softplus")
    randomize_weights(trainer, scale=30.0)
    far = grid_points(7, -500.0, 500.0)
    for precision in ("float64", "float32"):
        got = _run(to_onnx(weight_file_from_trainer(trainer), precision), far)
        assert np.isfinite(got).all()
        want = app_forward(trainer, far)
        assert np.abs(got - want).max() < 1e-5 * max(1.0, float(np.abs(want).max()))


def test_model_interface_names_shapes_opset_and_metadata(tmp_path):
    trainer = make_trainer("cross_entropy_k4", (4, 3), "swish", ("x1", "x2", "sin_x1"))
    path = tmp_path / "model.onnx"
    export_weights(path, trainer)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    (inp,) = model.graph.input
    (out,) = model.graph.output
    assert inp.name == "points" and inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value or d.dim_param for d in inp.type.tensor_type.shape.dim] == ["N", 2]
    assert out.name == "output"
    assert [d.dim_value or d.dim_param for d in out.type.tensor_type.shape.dim] == ["N", 4]
    inits = {i.name: tuple(i.dims) for i in model.graph.initializer}
    assert inits["layers.0.weight"] == (4, 3) and inits["layers.2.bias"] == (4,)
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("Gemm") == 3 and "Sin" in ops and "Softmax" in ops
    props = {p.key: p.value for p in model.metadata_props}
    meta = json.loads(props["playground.metadata"])
    assert meta["features"] == ["x1", "x2", "sin_x1"]
    assert meta["layer_sizes"] == [3, 4, 3, 4]
    assert json.loads(props["playground.output_activation"]) == "softmax"
    assert "sin_x1" in model.doc_string and "softmax" in model.doc_string
    # The file on disk runs and gives the app's numbers.
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(["output"], {"points": GRID.astype(np.float32)})[0]
    assert np.abs(got - app_forward(trainer, GRID)).max() < 1e-5


def test_unknown_precision_is_refused():
    wf = weight_file_from_trainer(make_trainer())
    with pytest.raises(ValueError, match="precision"):
        to_onnx(wf, "float16")


def test_write_onnx_with_single_precision(tmp_path):
    trainer = make_trainer("bce_binary", (3,), "elu")
    write_onnx(tmp_path / "m32.onnx", weight_file_from_trainer(trainer), precision="float32")
    model = onnx.load(str(tmp_path / "m32.onnx"))
    assert {p.key: p.value for p in model.metadata_props}["playground.precision"] == "float32"
    assert "Elu" in [n.op_type for n in model.graph.node]


def test_onnx_write_failure_leaves_nothing(tmp_path):
    with pytest.raises(WeightFileError, match="cannot write"):
        export_weights(tmp_path / "missing" / "m.onnx", make_trainer())
    assert list(tmp_path.iterdir()) == []
