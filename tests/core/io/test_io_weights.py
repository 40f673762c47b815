"""Weight files: .npz and .json round trips, predictions from the file alone, bad files, safe writes."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
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
from playground.core.features import expand_features
from playground.core.io import atomic, weights
from playground.core.io.weights import (
    WeightFile,
    WeightFileError,
    export_weights,
    load_weights_into,
    predict,
    read_weight_file,
    weight_file_from_trainer,
    write_weights,
)

DATA = Path(__file__).resolve().parents[2] / "data"
POINTS = grid_points(15)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_round_trip_is_exact_and_the_file_alone_predicts_like_the_app(kind, suffix, tmp_path):
    trainer = make_trainer(kind, (5, 3), ("gelu", "elu"), ALL_FEATURES)
    randomize_weights(trainer)
    path = tmp_path / f"w{suffix}"
    export_weights(path, trainer)
    wf = read_weight_file(path)
    for name, value in trainer.network.state_dict().items():
        assert np.array_equal(wf.state[name], value), name
    assert wf.metadata == weight_file_from_trainer(trainer).metadata
    np.testing.assert_allclose(predict(wf, POINTS), app_forward(trainer, POINTS), rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid",
                                        "softplus", "swish", "gelu"])
def test_predict_matches_the_app_for_every_activation(activation):
    trainer = make_trainer("mse_k3", (4, 4), activation, ("x1", "x2", "x1x2"))
    randomize_weights(trainer, scale=1.5)
    np.testing.assert_allclose(predict(weight_file_from_trainer(trainer), POINTS),
                               app_forward(trainer, POINTS), rtol=0, atol=1e-12)


def test_predict_takes_its_activations_from_the_engine_table(monkeypatch):
    """The file's forward pass has no activation formulas of its own: change the table and it follows."""
    trainer = make_trainer("regression", (3,), "softplus")
    randomize_weights(trainer)
    wf = weight_file_from_trainer(trainer)
    before = predict(wf, POINTS)

    def doubled(z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.multiply(np.logaddexp(0.0, z), 2.0, out=out)

    monkeypatch.setitem(ACTIVATIONS, "softplus", dataclasses.replace(ACTIVATIONS["softplus"], forward=doubled))
    hidden = 2.0 * np.logaddexp(0.0, expand_features(POINTS, wf.features) @ wf.weight(0).T + wf.bias(0))
    want = hidden @ wf.weight(1).T + wf.bias(1)
    assert not np.allclose(want, before)
    np.testing.assert_allclose(predict(wf, POINTS), want, rtol=1e-13, atol=1e-13)


def test_metadata_says_everything_needed():
    trainer = make_trainer("bce_k3", (4,), "swish", ("x1", "sin_x2"))
    trainer.train(2)
    meta = weight_file_from_trainer(trainer).metadata
    assert meta["features"] == ["x1", "sin_x2"]
    assert meta["layer_sizes"] == [2, 4, 3]
    assert meta["activations"] == ["swish"]
    assert (meta["output_activation"], meta["loss"], meta["problem"], meta["classes"]) == \
        ("sigmoid", "bce", "classification", 3)
    assert meta["epoch"] == 2 and meta["format_version"] == weights.FORMAT_VERSION
    assert meta["spec"] == trainer.spec.to_dict()
    json.dumps(meta)  # plain JSON


def test_npz_has_pytorch_names_shapes_and_a_metadata_string_without_pickle(tmp_path):
    trainer = make_trainer("cross_entropy_k4", (6, 5), "relu", ("x1", "x2", "x1_sq"))
    path = tmp_path / "w.npz"
    export_weights(path, trainer)
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(["metadata", "layers.0.weight", "layers.0.bias", "layers.1.weight",
                                            "layers.1.bias", "layers.2.weight", "layers.2.bias"])
        assert npz["layers.0.weight"].shape == (6, 3) and npz["layers.1.weight"].shape == (5, 6)
        assert npz["layers.2.bias"].shape == (4,)
        assert json.loads(str(npz["metadata"]))["layer_sizes"] == [3, 6, 5, 4]


def test_json_is_readable_with_metadata_and_nested_lists(tmp_path):
    trainer = make_trainer("regression", (2,), "tanh")
    path = tmp_path / "w.json"
    export_weights(path, trainer)
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == weights.FORMAT_NAME
    assert doc["state"]["layers.0.weight"] == trainer.network.state_dict()["layers.0.weight"].tolist()
    assert doc["metadata"]["output_activation"] == "linear"
    assert len(text.splitlines()) < 120  # rows on one line each, not one number per line


def test_weight_file_arrays_are_read_only_copies():
    trainer = make_trainer()
    wf = weight_file_from_trainer(trainer)
    with pytest.raises(ValueError):
        wf.state["layers.0.weight"][0, 0] = 1.0
    trainer.train(1)
    assert not np.array_equal(wf.state["layers.0.weight"], trainer.network.state_dict()["layers.0.weight"])


@pytest.mark.parametrize("name", ["weights_v1_xor.json", "weights_v1_xor.npz"])
def test_format_1_samples_load_forever(name):
    """tests/data/weights_v1_xor.* were written once (xor, x1 x2 x1x2, 3 gelu, bce, 5 epochs).

    Never regenerate them: they prove that format 1 keeps loading."""
    wf = read_weight_file(DATA / name)
    assert wf.layer_sizes == (3, 3, 1) and wf.features == ("x1", "x2", "x1x2")
    assert wf.metadata["activations"] == ["gelu"] and wf.metadata["output_activation"] == "sigmoid"
    out = predict(wf, np.array([[2.0, 2.0], [-2.0, 2.0]]))
    assert out.shape == (2, 1) and ((0 < out) & (out < 1)).all()
    other_name = "weights_v1_xor.npz" if name.endswith("json") else "weights_v1_xor.json"
    other = read_weight_file(DATA / other_name)
    for key in wf.state:
        assert np.array_equal(wf.state[key], other.state[key])


# --------------------------------------------------------------------------- importing into a trainer


def test_load_weights_into_a_matching_network(tmp_path):
    source = make_trainer("mse_binary", (4, 3), "tanh", seed=1)
    source.train(3)
    export_weights(tmp_path / "w.npz", source)
    target = make_trainer("mse_binary", (4, 3), "tanh", seed=2)
    load_weights_into(target, read_weight_file(tmp_path / "w.npz"))
    assert np.array_equal(target.network.params, source.network.params)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"hidden": (5, 3)}, r"w\.npz: layer sizes \[2, 4, 3, 1\] do not match this network's \[2, 5, 3, 1\]"),
    ({"features": ("x1_sq", "x2_sq")}, "features"),
    ({"activations": "relu"}, "activations"),
    ({"kind": "bce_binary"}, "output activation"),
])
def test_load_weights_into_a_different_network_is_refused_and_changes_nothing(kwargs, message, tmp_path):
    export_weights(tmp_path / "w.npz", make_trainer("mse_binary", (4, 3), "tanh"))
    target = make_trainer(**{"kind": "mse_binary", "hidden": (4, 3), "activations": "tanh", **kwargs})
    before = target.network.params.copy()
    with pytest.raises(WeightFileError, match=message):
        load_weights_into(target, read_weight_file(tmp_path / "w.npz"), source=str(tmp_path / "w.npz"))
    assert np.array_equal(target.network.params, before)


# --------------------------------------------------------------------------- bad files


@pytest.fixture(scope="module")
def good() -> WeightFile:
    return weight_file_from_trainer(make_trainer("mse_binary", (3,), "tanh"))


def _json_file(tmp_path: Path, good: WeightFile, edit) -> Path:
    doc = json.loads(weights.weights_json_text(good))
    edit(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["state"].pop("layers.1.bias"), "layers.1.bias are missing"),
    (lambda d: d["state"].update({"layers.5.weight": [[1.0]]}), "unexpected entries layers.5.weight"),
    (lambda d: d["state"].update({"layers.0.weight": [[1.0, 2.0]]}), r"layers.0.weight has shape \(1, 2\)"),
    (lambda d: d["state"].update({"layers.0.bias": ["a", "b", "c"]}), "layers.0.bias must be a list of numbers"),
    (lambda d: d["metadata"].pop("features"), "metadata is missing features"),
    (lambda d: d["metadata"].update({"format_version": 2}), "newer version"),
    (lambda d: d["metadata"].update({"features": ["x1", "x3"]}), "metadata.features"),
    (lambda d: d["metadata"].update({"layer_sizes": [3, 3, 1]}), "starts with 3 inputs but 2 features"),
    (lambda d: d["metadata"].update({"activations": ["tanh", "relu"]}), "metadata.activations"),
    (lambda d: d["metadata"].update({"output_activation": "softmax"}), "needs 1 tanh output"),
    (lambda d: d["metadata"].update({"spec": {"seed": -1}}), "metadata.spec"),
    (lambda d: d.pop("state"), "needs \"metadata\" and \"state\""),
])
def test_bad_json_weight_files_name_the_file_and_the_problem(edit, message, good, tmp_path):
    path = _json_file(tmp_path, good, edit)
    with pytest.raises(WeightFileError, match=message) as info:
        read_weight_file(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999"])
def test_non_finite_weights_are_refused(number, good, tmp_path):
    path = _json_file(tmp_path, good, lambda d: d["state"]["layers.0.bias"].__setitem__(0, "@@"))
    path.write_text(path.read_text(encoding="utf-8").replace('"@@"', number), encoding="utf-8")
    with pytest.raises(WeightFileError, match="NaN|Infinity|infinity"):
        read_weight_file(path)


def test_npz_with_nan_wrong_shape_or_no_metadata_is_refused(good, tmp_path):
    meta = np.array(json.dumps(good.metadata))
    arrays = {k: np.array(v) for k, v in good.state.items()}
    path = tmp_path / "w.npz"
    np.savez(path, metadata=meta, **{**arrays, "layers.0.bias": np.array([np.nan, 0.0, 0.0])})
    with pytest.raises(WeightFileError, match="layers.0.bias contains NaN"):
        read_weight_file(path)
    np.savez(path, metadata=meta, **{**arrays, "layers.1.weight": np.zeros((2, 3))})
    with pytest.raises(WeightFileError, match=r"layers.1.weight has shape \(2, 3\)"):
        read_weight_file(path)
    np.savez(path, **arrays)
    with pytest.raises(WeightFileError, match="no metadata entry"):
        read_weight_file(path)
    np.savez(path, metadata=np.array([1, 2]), **arrays)
    with pytest.raises(WeightFileError, match="metadata entry must be a JSON string"):
        read_weight_file(path)
    np.savez(path, metadata=meta, **{**arrays, "layers.0.bias": np.array(["a", "b", "c"])})
    with pytest.raises(WeightFileError, match="layers.0.bias holds text .*must be floating-point numbers"):
        read_weight_file(path)


def test_npz_holding_pickled_objects_is_refused_without_unpickling(good, tmp_path):
    path = tmp_path / "evil.npz"
    buf = io.BytesIO()
    np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.npy", buf.getvalue())
    with pytest.raises(WeightFileError, match="pickle"):
        read_weight_file(path)


@pytest.mark.parametrize(("content", "suffix", "message"), [
    (b"not a zip", ".npz", "not a readable .npz archive"),
    (b"\x93NUMPY\x01\x00v\x00", ".npz", "not a readable .npz archive"),
    (b"{\"metadata\": ", ".json", "not valid JSON"),
    (b"\xff\xfe", ".json", "not UTF-8"),
    (b"[]", ".json", "must be a JSON object"),
])
def test_garbage_files_are_refused(content, suffix, message, tmp_path):
    path = tmp_path / f"g{suffix}"
    path.write_bytes(content)
    with pytest.raises(WeightFileError, match=message):
        read_weight_file(path)


def test_truncated_npz_is_refused(tmp_path):
    path = tmp_path / "t.npz"
    export_weights(path, make_trainer())
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(WeightFileError, match=r"t\.npz: "):
        read_weight_file(path)


def test_missing_file_wrong_suffix_and_size_limit(tmp_path, monkeypatch):
    with pytest.raises(WeightFileError, match=r"none\.npz: cannot read \(no such file"):
        read_weight_file(tmp_path / "none.npz")
    with pytest.raises(WeightFileError, match="not '.onnx'"):
        read_weight_file(tmp_path / "m.onnx")
    path = tmp_path / "w.json"
    export_weights(path, make_trainer())
    monkeypatch.setattr(weights, "MAX_FILE_BYTES", 10)
    with pytest.raises(WeightFileError, match="refused"):
        read_weight_file(path)


# --------------------------------------------------------------------------- writing safely


def test_unknown_suffix_writes_nothing(tmp_path):
    with pytest.raises(WeightFileError, match=r"unknown weight format '\.txt'; use \.npz, \.json, \.onnx"):
        export_weights(tmp_path / "w.txt", make_trainer())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".npz", ".json", ".onnx"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(suffix, tmp_path, monkeypatch):
    path = tmp_path / f"w{suffix}"
    export_weights(path, make_trainer())
    old = path.read_bytes()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(atomic.os, "replace", full_disk)
    with pytest.raises(WeightFileError, match="cannot write .no space left on device"):
        export_weights(path, make_trainer("regression"))
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == [path.name]


def test_writing_over_a_folder_is_refused(tmp_path):
    (tmp_path / "w.npz").mkdir()
    with pytest.raises(WeightFileError, match="is a folder"):
        write_weights(tmp_path / "w.npz", weight_file_from_trainer(make_trainer()))
