"""Runs in experiment files (format 3): exact round trips, shared points stored once, the size budget,
thinned histories, older formats, and bad runs refused with one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_test_helpers import damage, document_paths, json_values, make_trainer

from playground.core.io import project, project_runs
from playground.core.io.project import (
    ProjectError,
    dumps_project_with_runs,
    load_project_with_runs,
    loads_project_with_runs,
)
from playground.core.runs import Run
from playground.core.snapshot import History
from playground.core.trainer import Trainer

DATA = Path(__file__).resolve().parents[2] / "data"


def _run(trainer: Trainer, name: str, epochs: int = 2) -> Run:
    trainer.train(epochs)
    return Run.from_snapshot(trainer.snapshot(grid_resolution=None), name)


@pytest.fixture(scope="module")
def experiment() -> tuple[Trainer, tuple[Run, ...]]:
    current = make_trainer("mse_binary", (3,))
    same_points = _run(make_trainer("mse_binary", (2, 2)), "same points")
    other = make_trainer("cross_entropy_k4", (5,), optimizer="adam")
    own = _run(other, "own points").with_pinned(True)
    shared = _run(other, "shares run 1's points", epochs=1)
    current.train(1)
    return current, (same_points, own, shared)


def _same_run(a: Run, b: Run) -> None:
    assert (a.name, a.pinned, a.spec, a.epoch, a.batches) == (b.name, b.pinned, b.spec, b.epoch, b.batches)
    assert a.dataset.same_points(b.dataset)
    assert a.weights.keys() == b.weights.keys()
    for k in a.weights:
        assert np.array_equal(a.weights[k], b.weights[k]), k
    for k in ("epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "grad_norms"):
        assert np.array_equal(getattr(a.history, k), getattr(b.history, k), equal_nan=True), k
    assert (a.train_loss, a.test_loss, a.train_accuracy, a.test_accuracy) == \
        (b.train_loss, b.test_loss, b.train_accuracy, b.test_accuracy)


def test_runs_round_trip_exactly_and_points_are_stored_once(experiment, tmp_path):
    current, runs = experiment
    text, left_out = dumps_project_with_runs(current, runs)
    assert left_out == 0
    doc = json.loads(text)
    assert doc["format_version"] == 3 == project.FORMAT_VERSION
    assert [r["dataset"] if isinstance(r["dataset"], str) or "run" in r["dataset"] else "own"
            for r in doc["runs"]] == ["current", "own", {"run": 1}]
    path = tmp_path / "runs.playground.json"
    path.write_text(text, encoding="utf-8")
    trainer, reopened = load_project_with_runs(path)
    assert trainer.epoch == current.epoch
    assert len(reopened) == 3
    for a, b in zip(runs, reopened, strict=True):
        _same_run(a, b)
    assert reopened[0].dataset is trainer.dataset and reopened[2].dataset is reopened[1].dataset
    assert project.load_project(path).epoch == current.epoch  # the plain reader opens it too


def test_a_long_history_is_stored_thinned_to_its_cap_with_the_last_epoch(experiment):
    current, runs = experiment
    m = 5001
    h = History(epochs=np.arange(1, m + 1), train_loss=np.linspace(1, 0, m), test_loss=np.linspace(2, 1, m),
                train_accuracy=np.full(m, np.nan), test_accuracy=np.full(m, np.nan),
                grad_norms=np.ones((m, runs[0].history.grad_norms.shape[1])))
    long = Run(**{**runs[0].__dict__, "history": h, "epoch": m, "key": -1})
    _, (back,) = loads_project_with_runs(dumps_project_with_runs(current, (long,))[0])
    assert len(back.history.epochs) <= project_runs.RUN_HISTORY_ROWS
    assert back.history.epochs[-1] == m and back.history.test_loss[-1] == h.test_loss[-1]
    assert back.train_accuracy is None or back.train_accuracy == long.train_accuracy


def test_runs_beyond_the_budget_are_left_out_pinned_first_then_newest(experiment, monkeypatch):
    current, runs = experiment
    one = project_runs._estimate(runs[1])
    monkeypatch.setattr(project, "RUNS_MAX_BYTES", one + 10)
    text, left_out = dumps_project_with_runs(current, runs)
    _, kept = loads_project_with_runs(text)
    assert left_out == 2 and [r.name for r in kept] == ["own points"]  # the pinned one


def test_the_runs_never_push_a_file_past_the_size_limit(experiment, monkeypatch):
    current, runs = experiment
    plain = len(project.dumps_project(current))
    monkeypatch.setattr(project, "MAX_FILE_BYTES", plain + 2**20 + project_runs._estimate(runs[0]) + 100)
    text, left_out = dumps_project_with_runs(current, runs)
    assert len(text) <= project.MAX_FILE_BYTES and left_out >= 1
    assert len(loads_project_with_runs(text)[1]) == 3 - left_out


def test_the_format_2_sample_opens_with_no_runs_and_saves_as_format_3(experiment):
    """tests/data/project_v2_circle.playground.json was written once by format 2; never regenerate it.

    circle (2,600 points, noise 0.1, data seed 5), features x1 x2 x1_sq x2_sq, 5 + 3 tanh, adam
    lr 0.01, batch 16, seed 4, saved after 4 epochs and 1 batch.
    """
    path = DATA / "project_v2_circle.playground.json"
    assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == 2
    trainer, runs = load_project_with_runs(path)
    assert runs == ()
    assert (trainer.epoch, trainer.batch_index, trainer.batches) == (4, 1, 329)
    assert trainer.dataset.n_train + trainer.dataset.n_test == 2600
    assert trainer.train_loss == pytest.approx(0.03363851889974516, rel=1e-9)
    text, _ = dumps_project_with_runs(trainer, experiment[1][:1])
    again, kept = loads_project_with_runs(text)
    assert json.loads(text)["format_version"] == 3 and [r.name for r in kept] == ["same points"]
    assert np.array_equal(again.network.params, trainer.network.params)
    trainer.train(1)
    assert trainer.epoch == 5 and np.isfinite(trainer.train_loss)


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.update(name=""), r"runs\[0\]\.name must be text"),
    (lambda r: r.update(pinned=1), r"runs\[0\]\.pinned must be true or false"),
    (lambda r: r["weights"].pop("layers.0.bias"), r"runs\[0\]\.weights must hold exactly"),
    (lambda r: r["weights"].update({"layers.0.bias": [1.0]}), r"runs\[0\]\.weights\.layers\.0\.bias has shape"),
    (lambda r: r.update(dataset={"run": 3}), r"runs\[0\]\.dataset\.run"),
    (lambda r: r.update(epoch=0), r"runs\[0\]\.history\.epochs must be increasing"),
    (lambda r: r["spec"]["network"].update(hidden=[0]), r"runs\[0\]\.spec"),
    (lambda r: r.update(final=[1, 2]), r"runs\[0\]\.final must be a packed array"),
])
def test_a_bad_run_is_refused_with_one_line_naming_it(experiment, change, message):
    current, runs = experiment
    doc = json.loads(dumps_project_with_runs(current, runs[:1])[0])
    change(doc["runs"][0])
    with pytest.raises(ProjectError, match=message) as err:
        loads_project_with_runs(json.dumps(doc), "x.playground.json")
    assert "\n" not in str(err.value) and str(err.value).startswith("x.playground.json: ")


def test_runs_in_an_older_format_are_not_read(experiment):
    current, runs = experiment
    doc = json.loads(dumps_project_with_runs(current, runs[:1])[0])
    doc["format_version"] = 2
    assert loads_project_with_runs(json.dumps(doc))[1] == ()


@pytest.fixture(scope="module")
def text_with_runs(experiment) -> str:
    return dumps_project_with_runs(*experiment)[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(data=st.data(), delete=st.booleans())
def test_any_damaged_run_value_raises_only_project_error(text_with_runs, data, delete):
    doc = json.loads(text_with_runs)
    path = data.draw(st.sampled_from([p for p in document_paths(doc["runs"], ("runs",)) if len(p) > 1]))
    damage(doc, path, data.draw(json_values), delete)
    try:
        loads_project_with_runs(json.dumps(doc), "fuzz.playground.json")
    except ProjectError as exc:
        assert str(exc).startswith("fuzz.playground.json: ") and "\n" not in str(exc)
