"""Loss history as CSV: columns, exact numbers, empty fields for missing values, atomic writes."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from io_test_helpers import make_trainer

from playground.core.io.history_csv import HistoryCsvError, history_columns, write_history_csv
from playground.core.snapshot import History


def _read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_classification_history_round_trips_exactly(tmp_path):
    trainer = make_trainer("mse_binary", hidden=(4, 3))
    trainer.train(12)
    history = trainer.history.view()
    path = tmp_path / "loss.csv"
    write_history_csv(path, history)
    rows = _read(path)
    assert tuple(rows[0]) == history_columns(3)
    assert history_columns(3)[-3:] == ("grad_norm_layer_0", "grad_norm_layer_1", "grad_norm_layer_2")
    assert [int(r["epoch"]) for r in rows] == list(range(1, 13))
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        np.testing.assert_array_equal([float(r[key]) for r in rows], getattr(history, key))
    grads = np.array([[float(r[f"grad_norm_layer_{i}"]) for i in range(3)] for r in rows])
    np.testing.assert_array_equal(grads, history.grad_norms)


def test_regression_has_empty_accuracy_fields(tmp_path):
    trainer = make_trainer("regression", hidden=(3,))
    trainer.train(3)
    path = tmp_path / "loss.csv"
    write_history_csv(path, trainer.history.view())
    rows = _read(path)
    assert len(rows) == 3
    assert all(r["train_accuracy"] == "" and r["test_accuracy"] == "" for r in rows)
    assert all(math.isfinite(float(r["test_loss"])) for r in rows)


def test_empty_history_is_just_the_header(tmp_path):
    empty = History(*(np.zeros(0) for _ in range(5)), grad_norms=np.zeros((0, 2)))
    path = tmp_path / "loss.csv"
    write_history_csv(path, empty)
    assert path.read_text() == ",".join(history_columns(2)) + "\n"


def test_unwritable_target_names_the_file_and_keeps_the_old_one(tmp_path):
    trainer = make_trainer()
    trainer.train(2)
    with pytest.raises(HistoryCsvError, match="no-such-folder.*cannot write"):
        write_history_csv(tmp_path / "no-such-folder" / "loss.csv", trainer.history.view())
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(HistoryCsvError, match="is a folder"):
        write_history_csv(folder, trainer.history.view())
    assert folder.is_dir() and list(tmp_path.iterdir()) == [folder]
