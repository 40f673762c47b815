"""File menu exports and imports through the real window: weights, code, data, loss history."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from fault_helpers import npz_claiming_huge_member
from file_helpers import close_quietly, file_window, same_arrays, step_to, weights_of
from PySide6.QtGui import QGuiApplication
from window_helpers import easy_spec, settle, wait_snapshot

from playground.core.io.csv_data import read_csv
from playground.core.io.weights import WeightFile, predict, read_weight_file
from playground.core.trainer import HISTORY_POINTS_IN_SNAPSHOT
from playground.ui import export_actions
from playground.ui.dialogs import CSV_FILTER, JSON_WEIGHTS_FILTER, NPZ_FILTER, ONNX_FILTER, PYTHON_FILTER


@pytest.mark.parametrize(("typed", "chosen", "written"), [
    ("w", NPZ_FILTER, "w.npz"), ("w", JSON_WEIGHTS_FILTER, "w.json"), ("w.json", NPZ_FILTER, "w.json"),
    ("w", ONNX_FILTER, "w.onnx")])
def test_export_weights_format_from_filter_or_suffix(qtbot, tmp_path, win, typed, chosen, written):
    w, dialogs = win
    step_to(qtbot, w, 3)
    dialogs.save_answers.append((str(tmp_path / typed), chosen))
    assert w.exports.export_weights_action.trigger() is None and not dialogs.errors
    path = tmp_path / written
    assert path.is_file() and [p.name for p in tmp_path.iterdir() if p.suffix != ".ini"] == [written]
    if path.suffix == ".onnx":
        import onnx
        onnx.checker.check_model(onnx.load(str(path)))
        return
    wf = read_weight_file(path)
    assert same_arrays(dict(wf.state), weights_of(w)) and wf.metadata["epoch"] == 3


def test_import_weights_applies_matching_and_refuses_others(qtbot, tmp_path, win):
    w, dialogs = win
    other, other_dialogs = file_window(qtbot, tmp_path, easy_spec().replace(seed=7), name="o.ini")
    wrong, wrong_dialogs = file_window(qtbot, tmp_path, easy_spec(hidden=(5,)), name="x.ini")
    squares, squares_dialogs = file_window(qtbot, tmp_path, easy_spec().replace(features=("x1_sq", "x2_sq")),
                                           name="s.ini")
    try:
        squares_dialogs.save_answers.append((str(tmp_path / "squares.json"), JSON_WEIGHTS_FILTER))
        assert squares.exports.export_weights()
        step_to(qtbot, other, 4)
        other_dialogs.save_answers.append((str(tmp_path / "theirs.npz"), NPZ_FILTER))
        assert other.exports.export_weights()
        wrong_dialogs.save_answers.append((str(tmp_path / "wrong.json"), JSON_WEIGHTS_FILTER))
        assert wrong.exports.export_weights()
    finally:
        close_quietly(other, other_dialogs)
        close_quietly(wrong, wrong_dialogs)
        close_quietly(squares, squares_dialogs)
    theirs = dict(read_weight_file(tmp_path / "theirs.npz").state)
    mine = weights_of(w)
    assert not same_arrays(mine, theirs)
    # Shapes that do not fit: a clear message, nothing changed.
    dialogs.open_answers.append(str(tmp_path / "wrong.json"))
    assert not w.exports.import_weights()
    assert "layer sizes [2, 5, 1] do not match this network's [2, 4, 1]" in dialogs.errors[0][1]
    assert "wrong.json" in dialogs.errors[0][1] and same_arrays(weights_of(w), mine) and not w.isWindowModified()
    # A broken file: its problem named.
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    dialogs.open_answers.append(str(tmp_path / "broken.npz"))
    assert not w.exports.import_weights()
    assert "not a readable .npz archive" in dialogs.errors[1][1]
    # The matching file: applied in the worker, shown, marked as a change.
    dialogs.open_answers.append(str(tmp_path / "theirs.npz"))
    assert w.exports.import_weights()
    assert same_arrays(weights_of(w), theirs) and w.isWindowModified()
    s = settle(qtbot, w)
    np.testing.assert_array_equal(s.weights[0], theirs["layers.0.weight"])
    # Same shapes, other input features: refused too.
    dialogs.open_answers.append(str(tmp_path / "squares.json"))
    assert not w.exports.import_weights()
    assert "features [x1_sq, x2_sq] do not match this network's [x1, x2]" in dialogs.errors[2][1]
    assert same_arrays(weights_of(w), theirs) and len(dialogs.errors) == 3


def test_importing_hostile_weight_files_shows_a_dialog_never_an_exception(qtbot, tmp_path, win, monkeypatch):
    w, dialogs = win
    mine = weights_of(w)
    dialogs.save_answers.append((str(tmp_path / "good.npz"), NPZ_FILTER))
    assert w.exports.export_weights()
    # A member whose header claims 10**12 float64 elements (8 TB): refused from the header alone.
    npz_claiming_huge_member(tmp_path / "good.npz", tmp_path / "huge.npz")
    dialogs.open_answers.append(str(tmp_path / "huge.npz"))
    assert not w.exports.import_weights()
    assert dialogs.errors[-1][0] == "Cannot import the weights"
    assert "layers.0.weight has shape (1000000000000,)" in dialogs.errors[-1][1]
    # Whatever else goes wrong while reading is a dialog too.
    def out_of_memory(path):
        raise MemoryError("cannot allocate")
    monkeypatch.setattr(export_actions, "read_weight_file", out_of_memory)
    dialogs.open_answers.append(str(tmp_path / "good.npz"))
    assert not w.exports.import_weights()
    assert dialogs.errors[-1] == ("Cannot import the weights",
                                  f"{tmp_path / 'good.npz'}: cannot read (MemoryError: cannot allocate)")
    assert same_arrays(weights_of(w), mine) and not w.isWindowModified()


def _snapshot_weight_file(s) -> WeightFile:
    state = {}
    for i, (wt, b) in enumerate(zip(s.weights, s.biases, strict=True)):
        state[f"layers.{i}.weight"], state[f"layers.{i}.bias"] = wt, b
    meta = {"format_version": 1, "features": list(s.spec.features), "layer_sizes": list(s.layer_sizes),
            "activations": list(s.spec.network.activations), "output_activation": s.output_activation,
            "loss": s.spec.training.loss, "problem": s.dataset.problem, "classes": s.dataset.classes}
    return WeightFile(state, meta)


def _run_snippet(code: str, tmp_path, points: np.ndarray) -> np.ndarray:
    script = tmp_path / "snippet.py"
    script.write_text(code + "\nimport sys\nnp.save(sys.argv[1], predict(np.load(sys.argv[2])))\n")
    np.save(tmp_path / "points.npy", points)
    subprocess.run([sys.executable, str(script), str(tmp_path / "out.npy"), str(tmp_path / "points.npy")],
                   check=True, capture_output=True, timeout=60)
    return np.load(tmp_path / "out.npy")


def test_copy_numpy_code_runs_and_matches_the_window(qtbot, tmp_path, win):
    w, dialogs = win
    s = step_to(qtbot, w, 2)
    w.exports.code_actions["copy_numpy"].trigger()
    code = QGuiApplication.clipboard().text()
    assert code.startswith("# Neural Network Playground model") and "numpy" in w.status.currentMessage().lower()
    points = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    np.testing.assert_allclose(_run_snippet(code, tmp_path, points), predict(_snapshot_weight_file(s), points),
                               rtol=0, atol=1e-12)


def test_copy_and_save_pytorch_and_numpy_code(qtbot, tmp_path, win):
    w, dialogs = win
    step_to(qtbot, w, 1)
    w.exports.code_actions["copy_pytorch"].trigger()
    torch_code = QGuiApplication.clipboard().text()
    compile(torch_code, "snippet", "exec")
    assert "nn.Sequential(" in torch_code and "nn.Linear(2, 4)" in torch_code
    dialogs.save_answers.append((str(tmp_path / "model"), PYTHON_FILTER))
    w.exports.code_actions["save_numpy"].trigger()
    saved = tmp_path / "model.py"
    out = subprocess.run([sys.executable, str(saved)], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.startswith("[[")
    assert dialogs.save_titles[-1][0] == "Save NumPy code as" and not dialogs.errors


def _write_points_csv(path, n: int = 30, bad_line: int | None = None) -> None:
    rng = np.random.default_rng(1)
    lines = ["x1,x2,label"]
    for i in range(n):
        x1, x2 = rng.uniform(-4, 4, 2).tolist()
        lines.append(f"{x1!r},{x2!r},{int(i % 3)}")
    if bad_line is not None:
        lines[bad_line - 1] = "1.0,oops,1"
    path.write_text("\n".join(lines) + "\n")


def test_import_data_makes_a_custom_dataset(qtbot, tmp_path, win):
    w, dialogs = win
    _write_points_csv(tmp_path / "mine.csv")
    dialogs.open_answers.append(str(tmp_path / "mine.csv"))
    w.exports.import_data_action.trigger()
    assert not dialogs.errors
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.name == "mine.csv")
    expected = read_csv(tmp_path / "mine.csv", train_ratio=easy_spec().data.train_ratio, seed=easy_spec().data.seed)
    np.testing.assert_array_equal(s.dataset.x_train, expected.x_train)
    np.testing.assert_array_equal(s.dataset.y_test, expected.y_test)
    assert s.dataset.classes == 3 and s.layer_sizes[-1] == 3 and s.epoch == 0
    assert w.spec.data.name == "custom" and "loaded points" in w.experiment.data.title.text()
    assert w.experiment.data.picker.checkedButton() is None  # no generator's thumbnail looks chosen
    assert w.isWindowModified() and "Imported 30 points from mine.csv" in w.status.currentMessage()
    # The points survive a save and open.
    dialogs.save_answers.append((str(tmp_path / "with_points"), "x"))
    assert w.files.save()
    assert w.files.new()  # saved: nothing to ask
    assert w.files.open(tmp_path / "with_points.playground.json")
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.name == "mine.csv")
    np.testing.assert_array_equal(s.dataset.x_train, expected.x_train)


def test_import_bad_data_names_the_line_and_changes_nothing(qtbot, tmp_path, win):
    w, dialogs = win
    _write_points_csv(tmp_path / "bad.csv", bad_line=5)
    step_to(qtbot, w, 1)
    before = (weights_of(w), w.controller.generation, w.spec)
    dialogs.open_answers.append(str(tmp_path / "bad.csv"))
    assert not w.exports.import_data()
    assert dialogs.errors == [("Cannot import the data", f"{tmp_path / 'bad.csv'}: line 5: x2 is not a number: "
                                                         "'oops' (write plain decimal numbers with the digits 0-9, "
                                                         "such as -1.5 or 2e3)")]
    assert same_arrays(before[0], weights_of(w)) and before[1:] == (w.controller.generation, w.spec)


def test_export_data_writes_points_with_their_split(qtbot, tmp_path, win):
    w, dialogs = win
    dialogs.save_answers.append((str(tmp_path / "points"), CSV_FILTER))
    assert w.exports.export_data()
    d = w.controller.last_snapshot.dataset
    back = read_csv(tmp_path / "points.csv")
    np.testing.assert_array_equal(back.x_train, d.x_train)
    np.testing.assert_array_equal(back.y_test, d.y_test)
    assert (tmp_path / "points.csv").read_text().splitlines()[0] == "x1,x2,label,split"


def test_export_loss_history_is_complete(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path, easy_spec(hidden=(2,)))
    try:
        target = HISTORY_POINTS_IN_SNAPSHOT + 300
        w.controller.set_stop_conditions(target, None)
        w.play_action.trigger()
        s = wait_snapshot(qtbot, w, lambda s: s.epoch == target, timeout=60_000)
        assert len(s.history.epochs) < target  # the snapshot's history is thinned
        dialogs.save_answers.append((str(tmp_path / "loss"), CSV_FILTER))
        assert w.exports.export_history()
        with open(tmp_path / "loss.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [int(r["epoch"]) for r in rows] == list(range(1, target + 1))
        assert list(rows[0]) == ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                                 "grad_norm_layer_0", "grad_norm_layer_1"]
        assert float(rows[-1]["test_loss"]) == s.history.test_loss[-1]
    finally:
        close_quietly(w, dialogs)


def test_cancelled_dialogs_do_nothing(qtbot, tmp_path, win):
    w, dialogs = win
    e = w.exports
    dialogs.save_answers.extend([None] * 5)
    dialogs.open_answers.extend([None] * 2)
    for fn in (e.export_weights, e.export_data, e.export_history, lambda: e.save_code("numpy"),
               lambda: e.export_picture("boundary"), e.import_weights, e.import_data):
        assert fn() is False
    assert not dialogs.errors and [p.name for p in tmp_path.iterdir() if p.suffix != ".ini"] == []


def test_file_menu_reads_well(win):
    w, _ = win
    menu = w.file_menu
    assert w.menuBar().actions()[0].text() == "&File"
    texts = [a.text() for a in menu.actions()]
    assert texts == ["&New", "&Open…", "Open &Recent", "&Examples", "Open TensorFlow Playground &link…",
                     "Paste &TensorFlow Playground link", "Copy as TensorFlow Playground lin&k", "",
                     "&Save", "Save &As…", "", "Import &data…",
                     "&Export data…", "", "&Import weights…", "Export &weights…", "Copy as &code", "",
                     "Export &picture", "Export loss &history as CSV…", "", "Preferences…", "Quit"]
    pictures = [a.text() for a in w.exports.picture_menu.actions()]
    assert pictures == ["Decision boundary…", "Loss curves…", "Weights…", "Network diagram…", "Gradient flow…"]
    code = [a.text() for a in w.exports.code_menu.actions()]
    assert code == ["NumPy", "PyTorch", "", "Save NumPy code as…", "Save PyTorch code as…"]
    assert all(a.toolTip() for a in menu.actions() if a.text())
    json.dumps(texts)  # plain strings


def test_importing_weights_reads_the_file_off_the_ui_thread(qtbot, tmp_path, win, monkeypatch):
    import threading

    w, dialogs = win
    readers: list[str] = []
    real = export_actions.read_weight_file

    def read_weight_file(*args, **kwargs):
        readers.append(threading.current_thread().name)
        assert w.files.busy  # a window-system close waits meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(export_actions, "read_weight_file", read_weight_file)
    dialogs.save_answers.append((str(tmp_path / "w.npz"), NPZ_FILTER))
    assert w.exports.export_weights()
    dialogs.open_answers.append(str(tmp_path / "w.npz"))
    assert w.exports.import_weights(), dialogs.errors
    assert readers and threading.main_thread().name not in readers and not w.files.busy
