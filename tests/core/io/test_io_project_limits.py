"""Experiment files at the edges: diverged runs save and reopen, counts are bounded, the largest
experiment the app allows saves under the opening limit and reopens exactly."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from io_test_helpers import same_values

from playground.core.dataset import Dataset
from playground.core.history import MAX_HISTORY_ROWS, MetricHistory
from playground.core.io import project
from playground.core.io.packed import pack
from playground.core.io.project import ProjectError, dumps_project, load_project, loads_project, save_project
from playground.core.spec import (
    FEATURES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_POINTS,
    DataSpec,
    ExperimentSpec,
    NetworkSpec,
    OptimizerSpec,
    TrainingSpec,
)
from playground.core.trainer import Trainer, TrainingDiverged
from playground.core.trainer_state import MAX_COUNT


def _diverging(batch_size: int = 60, optimizer: str = "sgd") -> Trainer:
    spec = ExperimentSpec(data=DataSpec("plane", points=60), network=NetworkSpec.uniform((8, 8), "relu", "he"),
                          training=TrainingSpec(optimizer=OptimizerSpec(optimizer, 100.0), batch_size=batch_size))
    return Trainer(spec)


def _calmer(trainer: Trainer) -> None:
    training = trainer.spec.training
    trainer.set_training(dataclasses.replace(training, optimizer=OptimizerSpec("adam", 0.001)))


# --------------------------------------------------------------------------- diverged runs


@pytest.mark.parametrize("batch_size", [60, 1], ids=["full-batch", "per-row"])
def test_a_diverged_run_saves_its_last_finite_state_and_reopens_with_what_diverged(batch_size, tmp_path):
    trainer = _diverging(batch_size)
    with pytest.raises(TrainingDiverged) as err:
        trainer.train(200)
    path = tmp_path / "diverged.playground.json"
    save_project(path, trainer)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["state"]["diverged"] == {"epoch": err.value.epoch, "message": str(err.value)}
    reopened = load_project(path)
    assert reopened.divergence is not None and reopened.divergence.message == str(err.value)
    assert np.array_equal(reopened.network.params, trainer.network.params)
    assert reopened.epoch == trainer.epoch == err.value.epoch - 1
    # Both continue the same way once the learning rate is smaller; training clears the record.
    for t in (trainer, reopened):
        _calmer(t)
        t.train(3)
    assert np.array_equal(reopened.network.params, trainer.network.params)
    assert reopened.get_state()["diverged"] is None and np.isfinite(reopened.train_loss)


def test_non_finite_gradients_of_the_last_batch_are_not_saved():
    trainer = _diverging(batch_size=6)
    trainer.train(1)
    trainer.step_batch()
    trainer.grad[:] = np.inf  # what a saturated network's overflowing backward pass leaves
    assert trainer.get_state()["gradients"] is None
    reopened = loads_project(dumps_project(trainer))
    assert all((g == 0).all() for g in reopened.weight_gradients())
    assert np.array_equal(reopened.network.params, trainer.network.params)


def test_a_non_finite_optimizer_state_is_saved_as_a_fresh_one():
    trainer = _diverging(optimizer="adam")
    trainer.train(1)
    trainer.optimizer.state["v"][:] = np.inf  # overflowed second moments with finite weights
    reopened = loads_project(dumps_project(trainer))
    assert not reopened.optimizer.state["v"].any() and reopened.optimizer.t == 0
    assert np.array_equal(reopened.network.params, trainer.network.params)


def test_a_file_that_cannot_be_made_is_named_in_the_message(tmp_path, monkeypatch):
    def broken(trainer: Trainer) -> dict:
        return {"x": float("nan")}
    monkeypatch.setattr(project, "project_dict", broken)
    path = tmp_path / "x.playground.json"
    with pytest.raises(ProjectError, match=r"^.*x\.playground\.json: cannot save: ") as info:
        save_project(path, _diverging())
    assert str(path) in str(info.value) and not path.exists()


# --------------------------------------------------------------------------- bounded numbers


@pytest.fixture(scope="module")
def small_doc() -> dict:
    spec = ExperimentSpec(data=DataSpec("xor", points=20), network=NetworkSpec.uniform((3,), "tanh"),
                          training=TrainingSpec(optimizer=OptimizerSpec("adam", 0.01), batch_size=5))
    trainer = Trainer(spec)
    trainer.train(2)
    return json.loads(dumps_project(trainer))


def _with(doc: dict, *path_and_value: object) -> str:
    doc = json.loads(json.dumps(doc))
    *keys, value = path_and_value
    node = doc
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return json.dumps(doc)


@pytest.mark.parametrize("keys", [("state", "epoch"), ("state", "batches"), ("state", "init_count"),
                                  ("state", "optimizer", "t")])
def test_counts_beyond_the_limit_are_refused_on_opening(small_doc, keys):
    with pytest.raises(ProjectError, match=f"state.{'.'.join(keys[1:])} must be in \\[0, {MAX_COUNT}\\]"):
        loads_project(_with(small_doc, *keys, 2**63 - 1), source="big.playground.json")


def test_the_largest_allowed_counts_open_and_train_on(small_doc):
    text = small_doc
    for keys in (("state", "epoch"), ("state", "batches"), ("state", "init_count"), ("state", "optimizer", "t")):
        text = json.loads(_with(text, *keys, MAX_COUNT))
    trainer = loads_project(json.dumps(text))
    trainer.train(1)
    trainer.reset_weights()
    assert trainer.init_count == MAX_COUNT + 1 and np.isfinite(trainer.train_loss)


def test_a_huge_format_version_is_not_echoed_in_full(small_doc):
    with pytest.raises(ProjectError, match="newer version") as info:
        loads_project(_with(small_doc, "format_version", 10**400), source="new.playground.json")
    assert len(str(info.value)) < 200


def test_a_dataset_larger_than_the_app_allows_is_refused(small_doc):
    x = pack(np.zeros((MAX_POINTS + 1, 2)))
    with pytest.raises(ProjectError, match=r"dataset.x_train has shape \(100001, 2\), needs \(0..100,000, 2\)"):
        loads_project(_with(small_doc, "dataset", "x_train", x))


# --------------------------------------------------------------------------- the largest experiment


def _largest_network_with_the_longest_history() -> Trainer:
    """16 × 256 neurons on every feature with 8 classes and Adam, a full history of random numbers."""
    spec = ExperimentSpec(data=DataSpec("blobs", points=16, classes=8), features=FEATURES,
                          network=NetworkSpec.uniform((MAX_NEURONS,) * MAX_HIDDEN_LAYERS, "tanh"),
                          training=TrainingSpec(loss="cross_entropy", optimizer=OptimizerSpec("adam", 1e-4),
                                                batch_size=4))
    trainer = Trainer(spec)
    trainer.step_batch()
    rng = np.random.default_rng(0)
    m, n_layers = MAX_HISTORY_ROWS, trainer.network.n_layers
    columns = {c: rng.random(m) for c in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}
    # Random bits: numbers that do not compress, the worst case for the file's size.
    trainer.history = MetricHistory.from_dict({"epochs": np.arange(1, m + 1), **columns,
                                               "grad_norms": rng.random((m, n_layers))}, n_layers)
    trainer.epoch = m  # as if it had trained that long
    return trainer


def _largest_data() -> Trainer:
    rng = np.random.default_rng(1)
    n_train = MAX_POINTS // 2
    x = rng.normal(size=(MAX_POINTS, 2))
    y = rng.normal(size=MAX_POINTS)
    ds = Dataset(x[:n_train], y[:n_train], x[n_train:], y[n_train:], "regression", 0, "big.csv")
    spec = ExperimentSpec(data=DataSpec("custom", problem="regression"), network=NetworkSpec.uniform((2,), "tanh"),
                          training=TrainingSpec(batch_size=MAX_POINTS))
    trainer = Trainer(spec, ds)
    trainer.step_batch()
    return trainer


def test_the_largest_experiment_the_app_allows_saves_under_the_opening_limit_and_reopens(tmp_path):
    sizes = 0
    for name, make in (("history", _largest_network_with_the_longest_history), ("data", _largest_data)):
        trainer = make()
        path = tmp_path / f"{name}.playground.json"
        save_project(path, trainer)
        sizes += path.stat().st_size
        reopened = load_project(path)
        assert np.array_equal(reopened.network.params, trainer.network.params)
        for column in ("epochs", "train_loss", "test_accuracy", "grad_norms"):
            assert np.array_equal(reopened.history.column(column), trainer.history.column(column),
                                  equal_nan=column != "epochs"), column
        for key, value in trainer.optimizer.state.items():
            assert np.array_equal(reopened.optimizer.state[key], value), key
        assert reopened.dataset.same_points(trainer.dataset)
        assert (reopened.epoch, reopened.batches) == (trainer.epoch, trainer.batches)
        for t in (trainer, reopened):  # and it resumes exactly
            t.step_batch()
        assert np.array_equal(reopened.network.params, trainer.network.params)
        del trainer, reopened
    # Every part of a file grows on its own (network, history, data), so the largest possible
    # file is at most the sum of these two, which must open with room to spare.
    assert sizes < 0.8 * project.MAX_FILE_BYTES, sizes


def test_format_1_files_still_open_and_save_as_the_current_format(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "data" / "project_v1_spiral.playground.json"
    trainer = load_project(sample)
    path = tmp_path / "now.playground.json"
    save_project(path, trainer)
    assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == project.FORMAT_VERSION
    assert same_values(load_project(path).get_state(), trainer.get_state())


def test_a_history_past_the_states_epoch_is_refused(small_doc):
    doc = json.loads(_with(small_doc, "state", "epoch", 1))
    with pytest.raises(ProjectError, match="history goes past its epoch 1"):
        loads_project(json.dumps(doc))


def test_a_format_1_history_longer_than_the_cap_opens_thinned(small_doc, monkeypatch):
    from playground.core import history
    from playground.core.io import project_arrays
    for module in (history, project_arrays):
        monkeypatch.setattr(module, "MAX_HISTORY_ROWS", 4)
    spec = ExperimentSpec(data=DataSpec("xor", points=20), network=NetworkSpec.uniform((3,), "tanh"),
                          training=TrainingSpec(batch_size=20))
    trainer = Trainer(spec)
    trainer.train(3)
    n_layers = trainer.network.n_layers
    doc = json.loads(dumps_project(trainer))
    m = 11  # what format 1 could hold: every epoch, more than the cap
    doc["format_version"], doc["state"]["epoch"] = 1, m
    doc["state"]["history"] = {"epochs": list(range(1, m + 1)), "grad_norms": [[0.5] * n_layers] * m,
                               **{c: [float(e) for e in range(1, m + 1)]
                                  for c in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}}
    reopened = loads_project(json.dumps(doc))
    assert reopened.history.every == 4 and reopened.history.column("epochs").tolist() == [4, 8]
    assert reopened.history.column("train_loss").tolist() == [4.0, 8.0]


def test_a_number_with_thousands_of_digits_is_a_bad_file_not_a_crash():
    with pytest.raises(ProjectError, match="thousands of digits") as info:
        loads_project('{"format_version": ' + "9" * 5000 + "}", source="digits.playground.json")
    assert str(info.value).startswith("digits.playground.json: ") and len(str(info.value)) < 200


def test_a_file_that_would_not_open_again_is_not_written(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(MAX_POINTS + 1, 2))
    ds = Dataset(x[:10], np.zeros(10), x[10:], np.zeros(MAX_POINTS - 9), "regression", 0, "too many.csv")
    spec = ExperimentSpec(data=DataSpec("custom", problem="regression"), network=NetworkSpec.uniform((2,), "tanh"))
    path = tmp_path / "big.playground.json"
    with pytest.raises(ProjectError, match=r"big\.playground\.json: cannot save: the dataset holds 100,001 points"):
        save_project(path, Trainer(spec, ds))
    monkeypatch.setattr(project, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ProjectError, match=r"big\.playground\.json: cannot save: the file would take 0 MB; "
                                           r"experiment files over 0 MB cannot be opened"):
        save_project(path, _diverging())
    assert not path.exists()


@pytest.mark.parametrize(("value", "message"), [
    ({"epoch": 3}, "object with epoch and message"),
    ({"epoch": -1, "message": "x"}, "diverged.epoch must be in"),
    ({"epoch": 3, "message": "<img src='/etc/x.png'>"}, "one line of plain text"),
    ({"epoch": 3, "message": "two\nlines"}, "one line of plain text"),
    ({"epoch": 3, "message": "x" * 1001}, "one line of plain text"),
])
def test_a_bad_divergence_record_is_refused(small_doc, value, message):
    with pytest.raises(ProjectError, match=message):
        loads_project(_with(small_doc, "state", "diverged", value))
