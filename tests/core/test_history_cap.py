"""The loss history's cap: every epoch up to MAX_HISTORY_ROWS, then every 2nd, 4th … epoch; never more rows."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import history
from playground.core.history import MetricHistory
from playground.core.io.project import dumps_project, loads_project
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, TrainingSpec
from playground.core.trainer import Trainer


@pytest.fixture
def cap_8(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(history, "MAX_HISTORY_ROWS", 8)
    return 8


def _row(epoch: int, n_layers: int = 2) -> np.ndarray:
    return np.full(4 + n_layers, float(epoch))


def test_rows_never_exceed_the_cap_and_older_epochs_are_thinned_evenly(cap_8):
    h = MetricHistory(2)
    for epoch in range(1, 41):
        h.append_row(epoch, _row(epoch))
        assert len(h) <= cap_8
    epochs = h.column("epochs")
    assert h.every == 8 and epochs.tolist() == [8, 16, 24, 32, 40]
    assert np.array_equal(h.column("train_loss"), epochs.astype(float))  # each row stayed with its epoch


def test_every_epoch_is_kept_up_to_the_cap(cap_8):
    h = MetricHistory(2)
    for epoch in range(1, cap_8 + 1):
        h.append_row(epoch, _row(epoch))
    assert h.every == 1 and h.column("epochs").tolist() == list(range(1, cap_8 + 1))


def test_runs_of_rows_are_thinned_like_single_rows(cap_8):
    one, run = MetricHistory(2), MetricHistory(2)
    for epoch in range(1, 51):
        one.append_row(epoch, _row(epoch))
    for first in range(1, 51, 5):
        run.append_rows(first, np.stack([_row(e) for e in range(first, first + 5)]))
    assert one.every == run.every
    assert np.array_equal(one.column("epochs"), run.column("epochs"))
    assert np.array_equal(one.column("grad_norms"), run.column("grad_norms"))


def test_a_thinned_history_saves_reopens_and_goes_on_as_if_never_stopped(cap_8):
    spec = ExperimentSpec(data=DataSpec("xor", points=20), network=NetworkSpec.uniform((3,), "tanh"),
                          training=TrainingSpec(batch_size=20))
    a = Trainer(spec)
    a.train(29)
    assert a.history.every > 1
    b = loads_project(dumps_project(a))
    assert b.history.every == a.history.every
    a.train(40)
    b.train(40)
    for name in ("epochs", "train_loss", "test_accuracy", "grad_norms"):
        assert np.array_equal(a.history.column(name), b.history.column(name), equal_nan=True), name


@pytest.mark.parametrize(("columns", "message"), [
    ({"every": 3, "epochs": [3]}, "power of two"),
    ({"every": 0, "epochs": []}, "power of two"),
    ({"every": 2**41, "epochs": []}, "power of two"),
    ({"every": 2, "epochs": [2, 3]}, "increasing multiples of 2"),
    ({"every": 1, "epochs": [2, 2]}, "increasing multiples of 1"),
    ({"every": 1, "epochs": [0]}, "from 1"),
])
def test_inconsistent_saved_histories_are_refused(columns, message):
    m = len(columns["epochs"])
    full = {**columns, **{c: [0.0] * m for c in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}}
    with pytest.raises(ValueError, match=message):
        MetricHistory.from_dict({**full, "grad_norms": np.zeros((m, 2))}, 2)


def test_a_saved_history_longer_than_the_cap_is_refused(cap_8):
    m = cap_8 + 1
    columns = {c: np.zeros(m) for c in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}
    with pytest.raises(ValueError, match="at most 8 epochs"):
        MetricHistory.from_dict({"epochs": np.arange(1, m + 1), **columns, "grad_norms": np.zeros((m, 2))}, 2)
