"""Experiment files: exact save/open round trips, continuing bit for bit, and every kind of bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from io_test_helpers import make_trainer, same_values

from playground.core.dataset import Dataset
from playground.core.io import atomic, packed, project
from playground.core.io.project import ProjectError, dumps_project, load_project, loads_project, save_project
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec
from playground.core.trainer import Trainer

DATA = Path(__file__).resolve().parents[2] / "data"


def _same_state(a: Trainer, b: Trainer) -> None:
    assert a.spec == b.spec
    assert a.dataset.same_points(b.dataset) and a.dataset.name == b.dataset.name
    assert np.array_equal(a.network.params, b.network.params)
    sa, sb = a.get_state(), b.get_state()
    for key in ("epoch", "batches", "batch_index", "init_count", "shuffle_rng", "epoch_order", "history"):
        assert same_values(sa[key], sb[key]), key
    assert sa["optimizer"].keys() == sb["optimizer"].keys()
    for key, value in sa["optimizer"].items():
        assert np.array_equal(value, sb["optimizer"][key]), key
    assert a.metrics() == b.metrics()


def _roundtrip(trainer: Trainer, tmp_path: Path) -> Trainer:
    path = tmp_path / "run.playground.json"
    save_project(path, trainer)
    return load_project(path)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("kind", ["mse_binary", "cross_entropy_k4", "regression", "bce_k3"])
def test_save_then_open_restores_everything(kind, tmp_path):
    trainer = make_trainer(kind, (5, 3), ("relu", "gelu"), optimizer="adam")
    trainer.train(4)
    reopened = _roundtrip(trainer, tmp_path)
    _same_state(trainer, reopened)
    # The last batch's gradients too: the gradient views show them before the next step.
    for a, b in zip(trainer.weight_gradients(), reopened.weight_gradients(), strict=True):
        assert np.array_equal(a, b)
    assert any(g.any() for g in reopened.weight_gradients())


@pytest.mark.parametrize(("optimizer", "shuffle", "regularization"), [
    ("adam", True, "none"), ("sgd", False, "none"), ("momentum", True, "l2"),
    ("nesterov", True, "l1"), ("rmsprop", False, "l2"), ("adamw", True, "none"),
])
def test_continuing_mid_epoch_gives_the_numbers_of_never_stopping(optimizer, shuffle, regularization,
                                                                  tmp_path):
    trainer = make_trainer("mse_binary", (6, 4), "tanh", optimizer=optimizer, shuffle=shuffle,
                           batch_size=3, lr=0.01, regularization=regularization)
    trainer.train(2)
    trainer.step_batch()
    trainer.step_batch()
    assert trainer.batch_index == 2
    reopened = _roundtrip(trainer, tmp_path)
    _same_state(trainer, reopened)
    for t in (trainer, reopened):
        t.step_batch()
        t.train(3)
    assert np.array_equal(trainer.network.params, reopened.network.params)
    assert same_values(trainer.get_state()["history"], reopened.get_state()["history"])
    assert trainer.get_state()["shuffle_rng"] == reopened.get_state()["shuffle_rng"]


def test_continuing_from_an_epoch_boundary_gives_the_same_numbers(tmp_path):
    trainer = make_trainer("cross_entropy_k4", (8,), "swish", optimizer="adam", batch_size=5)
    trainer.train(3)
    reopened = _roundtrip(trainer, tmp_path)
    trainer.train(4)
    reopened.train(4)
    _same_state(trainer, reopened)


def test_a_float32_trainer_reopens_as_float32_and_continues_identically(tmp_path):
    spec = make_trainer("bce_k3", (5,), "relu", optimizer="rmsprop").spec
    trainer = Trainer(spec, dtype=np.float32)
    trainer.train(2)
    trainer.step_batch()
    reopened = _roundtrip(trainer, tmp_path)
    assert reopened.network.params.dtype == np.float32
    _same_state(trainer, reopened)
    trainer.train(2)
    reopened.train(2)
    assert np.array_equal(trainer.network.params, reopened.network.params)


def test_custom_data_survives(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, (30, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    ds = Dataset(x[:20], y[:20], x[20:], y[20:], "classification", 2, "my points.csv")
    spec = ExperimentSpec(data=DataSpec("custom", problem="classification"),
                          network=NetworkSpec.uniform((3,), "tanh"), training=TrainingSpec(batch_size=4))
    trainer = Trainer(spec, ds)
    trainer.train(2)
    reopened = _roundtrip(trainer, tmp_path)
    assert reopened.dataset.name == "my points.csv"
    assert np.array_equal(reopened.dataset.x_train, x[:20])
    assert np.array_equal(reopened.dataset.y_test, y[20:])
    _same_state(trainer, reopened)


def test_floats_are_written_exactly_and_the_file_is_plain_json(tmp_path):
    trainer = make_trainer("regression", (3,), "elu")
    trainer.train(1)
    path = tmp_path / "r.playground.json"
    save_project(path, trainer)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format_version"] == project.FORMAT_VERSION
    w = np.array(doc["state"]["weights"]["layers.0.weight"])
    assert np.array_equal(w, trainer.network.state_dict()["layers.0.weight"])
    assert doc["dataset"]["y_train"] == trainer.dataset.y_train.tolist()
    def not_json(name: str) -> float:
        raise AssertionError(f"{name} is not JSON")
    json.loads(path.read_text(encoding="utf-8"), parse_constant=not_json)  # NaN may only hide in packed bytes


# --------------------------------------------------------------------------- stored samples


def test_format_1_sample_loads_forever():
    """tests/data/project_v1_spiral.playground.json was written once by format 1; never regenerate it.

    It is spiral (40 points, noise 0.1), features x1 x2 sin_x1 cos_x2, layers 4 tanh + 3 relu, xavier,
    adam lr 0.01, batch 7, shuffle, seed 3, saved after 3 epochs and 2 batches.
    """
    path = DATA / "project_v1_spiral.playground.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    trainer = load_project(path)
    assert trainer.spec.network.hidden == (4, 3) and trainer.spec.network.activations == ("tanh", "relu")
    assert trainer.spec.features == ("x1", "x2", "sin_x1", "cos_x2")
    assert trainer.spec.training.optimizer.name == "adam"
    assert (trainer.epoch, trainer.batch_index, trainer.batches) == (3, 2, 11)
    assert trainer.dataset.x_train.tolist() == doc["dataset"]["x_train"]
    for name, value in trainer.network.state_dict().items():
        assert value.tolist() == doc["state"]["weights"][name]
    assert trainer.history.to_dict()["train_loss"].tolist() == doc["state"]["history"]["train_loss"]
    assert trainer.train_loss == pytest.approx(0.43802729290001163, rel=1e-9)
    trainer.train(2)
    assert trainer.epoch == 5 and np.isfinite(trainer.train_loss)


# --------------------------------------------------------------------------- bad files


def _as_format_1(node: object) -> object:
    """A format-2 document as format 1 wrote it: packed arrays as lists (NaN as null), no history step."""
    if packed.is_packed(node):
        values = packed.unpack(node, "x", node["dtype"], (None,) * len(node["shape"]), 10**6).tolist()
        return json.loads(json.dumps(values).replace("NaN", "null"))
    if isinstance(node, dict):
        out = {k: _as_format_1(v) for k, v in node.items() if k not in ("every", "diverged")}
        return {**out, "format_version": 1} if "format_version" in node and "spec" in node else out
    return node


@pytest.fixture(scope="module")
def good_doc() -> dict:
    """A format-1 document (every array a list)."""
    trainer = make_trainer("mse_binary", (3,), "tanh", optimizer="adam", batch_size=4)
    trainer.train(1)
    trainer.step_batch()
    return _as_format_1(json.loads(dumps_project(trainer)))


def _edited(doc: dict, path: str, value: object) -> str:
    doc = json.loads(json.dumps(doc))
    *parents, last = path.split("/")
    node = doc
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return json.dumps(doc)


_DELETE = object()


@pytest.mark.parametrize(("path", "value", "message"), [
    ("format_version", project.FORMAT_VERSION + 1, "newer version"),
    ("format_version", "1", "format_version must be a whole number"),
    ("format_version", _DELETE, "no format_version"),
    ("format", "neural-network-playground weights", "not an experiment file"),
    ("dtype", "float16", "dtype must be one of float64, float32"),
    ("spec/training/optimizer/learning_rate", -1, "learning_rate"),
    ("spec/network/hidden", [5],
     r"state.weights.layers.0.weight has shape \(3, 2\), the spec.s network needs \(5, 2\)"),
    ("spec/training/loss", "cross_entropy", "state.weights.layers.1.weight has shape"),
    ("state/weights/layers.0.weight/0/1", "0.5", "list of lists of numbers"),
    ("state/weights/layers.0.weight", [[0.1, 0.2]], "has shape"),
    ("state/weights/layers.1.bias", _DELETE, "layers.1.bias missing"),
    ("state/weights/layers.9.bias", [1.0], "unexpected layers.9.bias"),
    ("state/optimizer/m", [0.0], "has shape"),
    ("state/optimizer/t", 1.5, "state.optimizer.t must be a whole number"),
    ("state/epoch", "3", "state.epoch must be a whole number"),
    ("state/epoch", 2.0, "state.epoch must be a whole number"),
    ("state/epoch", -1, "state.epoch must be in"),
    ("state/batch_index", 99, "out of range"),
    ("state/epoch_order/0", 99999, "permutation"),
    ("state/shuffle_rng/state/inc", "x", "shuffle_rng.state.inc"),
    ("state/shuffle_rng", None, "PCG64"),
    ("state/history/train_loss", [], "history.train_loss must list"),
    ("state/history/grad_norms", [[1.0, 2.0, 3.0]], "grad_norms has shape"),
    ("state/gradients/layers.0.weight", [[1.0]], "state.gradients.layers.0.weight has shape"),
    ("state/gradients", {}, "state.gradients: layers.0.weight"),
    ("state", [], "\"state\" must be a JSON object"),
    ("dataset/y_train/0", 0.5, "whole numbers"),
    ("dataset/y_train/0", 7, "class indices"),
    ("dataset/x_train/0", [1.0], "rows have different lengths"),
    ("dataset/x_test/0/0", True, "list of lists of numbers"),
    ("dataset/problem", "regression",
     "the spec describes classification data but the dataset holds regression"),
    ("dataset/classes", 9, "dataset.classes must be in"),
    ("dataset", _DELETE, "\"dataset\" is missing"),
])
def test_bad_content_is_refused_with_a_message_naming_it(good_doc, path, value, message):
    with pytest.raises(ProjectError, match=message) as info:
        loads_project(_edited(good_doc, path, value), source="exp.playground.json")
    assert str(info.value).startswith("exp.playground.json: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("number", "message"), [
    ("NaN", "holds NaN"), ("Infinity", "holds Infinity"), ("1e400", "layers.0.bias contains NaN or infinity"),
])
def test_non_finite_weights_in_the_file_are_refused(good_doc, number, message):
    text = _edited(good_doc, "state/weights/layers.0.bias/0", "@@").replace('"@@"', number)
    with pytest.raises(ProjectError, match=message):
        loads_project(text)


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"), ("hello", "not valid JSON"), ("[1, 2]", "not an object"),
    ('{"format_version": 1}', "missing"),
])
def test_not_an_experiment_file(text, message):
    with pytest.raises(ProjectError, match=message):
        loads_project(text)


def test_truncated_file_says_so(good_doc, tmp_path):
    text = json.dumps(good_doc, indent=1)
    path = tmp_path / "cut.playground.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ProjectError, match="truncated"):
        load_project(path)


@pytest.mark.parametrize("tail", ["1.5e-", "-", "2.", "1e", "tru", "nul", '"layers.0.we', "0.125"])
def test_a_file_cut_inside_a_number_literal_or_string_says_truncated(tail):
    """Wherever a cut falls (a file's numbers differ between machines), it reads as truncated,
    not as a delimiter missing before the number's cut exponent."""
    with pytest.raises(ProjectError, match="truncated"):
        loads_project('{"format_version": 3, "state": {"weights": [0.5, ' + tail)


def test_every_cut_of_a_file_says_truncated(good_doc):
    text = json.dumps(good_doc)
    for cut in range(1, len(text) - 1, max(1, len(text) // 400)):
        with pytest.raises(ProjectError, match="truncated"):
            loads_project(text[:cut])


def test_missing_file_folder_and_binary_file(tmp_path):
    with pytest.raises(ProjectError, match=r"nope\.playground\.json: cannot read \(no such file"):
        load_project(tmp_path / "nope.playground.json")
    with pytest.raises(ProjectError, match="folder"):
        load_project(tmp_path)
    binary = tmp_path / "b.playground.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProjectError, match="not UTF-8"):
        load_project(binary)


def test_huge_file_is_refused_before_reading(tmp_path, monkeypatch):
    sparse = tmp_path / "huge.playground.json"
    with open(sparse, "wb") as f:
        f.truncate(project.MAX_FILE_BYTES + 1)  # sparse: no disk space, nothing read
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(ProjectError, match="MB; experiment files over 256 MB are refused"):
        load_project(sparse)
    assert read == []


def test_size_limit_applies_to_real_files(tmp_path, monkeypatch):
    path = tmp_path / "e.playground.json"
    save_project(path, make_trainer())
    monkeypatch.setattr(project, "MAX_FILE_BYTES", 100)
    with pytest.raises(ProjectError, match="refused"):
        load_project(path)


def test_a_failed_open_leaves_the_current_experiment_untouched(good_doc, tmp_path):
    current = make_trainer("mse_binary", (3,), "tanh", optimizer="adam", batch_size=4)
    current.train(2)
    before = (current.network.params.copy(), current.get_state()["history"], current.epoch)
    path = tmp_path / "bad.playground.json"
    path.write_text(_edited(good_doc, "state/weights/layers.0.bias/0", 1e400), encoding="utf-8")
    with pytest.raises(ProjectError):
        load_project(path)
    assert np.array_equal(current.network.params, before[0])
    assert same_values(current.get_state()["history"], before[1]) and current.epoch == before[2]


# --------------------------------------------------------------------------- saving safely


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "keep.playground.json"
    save_project(path, make_trainer())
    old = path.read_bytes()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(atomic.os, "replace", full_disk)
    message = r"keep\.playground\.json: cannot write \(no space left on device\)"
    with pytest.raises(ProjectError, match=message):
        save_project(path, make_trainer("regression"))
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["keep.playground.json"]


def test_saving_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(ProjectError, match="cannot write"):
        save_project(tmp_path / "no" / "x.playground.json", make_trainer())
    assert list(tmp_path.iterdir()) == []
