"""`playground train` and `playground data` through a subprocess: results, determinism, data files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from cli_helpers import Run, json_result, without_timing

REQUIRED_KEYS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "epochs_per_second")


def test_json_has_the_final_metrics_of_a_classification_run(run: Run) -> None:
    result = json_result(run("train", "--dataset", "circle", "--points", "100", "--epochs", "7", "--json"))
    assert set(REQUIRED_KEYS) <= set(result)
    assert result["epoch"] == 7 and isinstance(result["epoch"], int)
    for key in ("train_loss", "test_loss", "epochs_per_second"):
        assert isinstance(result[key], float) and math.isfinite(result[key]) and result[key] > 0, key
    for key in ("train_accuracy", "test_accuracy"):
        assert isinstance(result[key], float) and 0.0 <= result[key] <= 1.0, key
    assert result["interrupted"] is False


def test_regression_reports_null_accuracy(run: Run) -> None:
    proc = run("train", "--dataset", "plane", "--points", "100", "--epochs", "3", "--json")
    result = json_result(proc)
    assert result["train_accuracy"] is None and result["test_accuracy"] is None
    assert result["epoch"] == 3 and result["train_loss"] > 0
    assert "null" in proc.stdout and "NaN" not in proc.stdout


def test_xor_with_one_hidden_layer_of_four_learns(run: Run) -> None:
    result = json_result(run("train", "--dataset", "xor", "--layers", "4", "--activation", "tanh",
                             "--lr", "0.1", "--epochs", "200", "--json"))
    assert result["test_accuracy"] > 0.95


def test_same_seed_twice_gives_identical_results(run: Run) -> None:
    args = ("train", "--dataset", "spiral", "--points", "120", "--layers", "6,6", "--optimizer", "adam",
            "--lr", "0.01", "--seed", "5", "--data-seed", "3", "--epochs", "20", "--json")
    first, second = json_result(run(*args)), json_result(run(*args))
    assert without_timing(first) == without_timing(second)
    other = json_result(run(*args[:-5], "--seed", "6", "--epochs", "20", "--json"))
    assert other["train_loss"] != first["train_loss"]  # the seed matters, so equality above means something


def test_every_spec_flag_is_accepted(run: Run) -> None:
    result = json_result(run(
        "train", "--dataset", "blobs", "--classes", "3", "--points", "90", "--noise", "0.2",
        "--train-ratio", "0.6", "--data-seed", "1", "--problem", "classification",
        "--features", "x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2,cos_x1,cos_x2", "--layers", "5,3",
        "--activation", "relu,gelu", "--init", "he", "--loss", "cross_entropy", "--optimizer", "adamw",
        "--lr", "0.01", "--beta1", "0.8", "--beta2", "0.99", "--epsilon", "1e-7", "--weight-decay", "0.001",
        "--momentum", "0.5", "--rho", "0.8", "--batch-size", "7", "--l2", "0.001", "--no-shuffle",
        "--seed", "2", "--epochs", "3", "--json"))
    assert result["epoch"] == 3 and 0.0 <= result["test_accuracy"] <= 1.0


def test_no_hidden_layer(run: Run) -> None:
    for none in ("none", "0", ""):
        result = json_result(run("train", "--dataset", "gauss", "--points", "60", "--layers", none,
                                 "--epochs", "2", "--json"))
        assert result["epoch"] == 2


def test_progress_without_a_terminal_is_one_summary_line(run: Run) -> None:
    proc = run("train", "--dataset", "xor", "--points", "60", "--epochs", "4")
    assert proc.returncode == 0 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "\r" not in proc.stderr
    assert lines[0].startswith("finished epoch 4:") and "train loss" in lines[0] and "epochs/s" in lines[0]


def test_data_csv_round_trip_trains_like_the_generated_dataset(run: Run, tmp_path: Path) -> None:
    proc = run("data", "--dataset", "xor", "--points", "80", "--noise", "0.1", "--train-ratio", "0.75",
               "--seed", "3", "--out", "xor.csv")
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "xor.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,label,split" and len(lines) == 81
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == ["train"] * 60 + ["test"] * 20
    common = ("--layers", "3", "--batch-size", "4", "--epochs", "5", "--json")
    from_file = json_result(run("train", "--data", "xor.csv", *common))
    generated = json_result(run("train", "--dataset", "xor", "--points", "80", "--noise", "0.1",
                                "--train-ratio", "0.75", "--data-seed", "3", *common))
    # The CSV keeps every point exactly and the training rows in training order.
    assert without_timing(from_file) == without_timing(generated)


def _reference_epoch(x: np.ndarray, t: np.ndarray, lr: float) -> tuple[np.ndarray, float]:
    """One epoch of per-row SGD on a tanh neuron with loss ½(o − t)², rows in the given order."""
    w, b = np.zeros(2), 0.0
    for xi, ti in zip(x, t, strict=True):
        o = np.tanh(w @ xi + b)
        dz = (o - ti) * (1.0 - o * o)
        w, b = w - lr * dz * xi, b - lr * dz
    return w, b


def test_no_shuffle_visits_the_csv_rows_in_file_order(run: Run, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 3, (24, 2))
    label = (x[:, 0] > 0.3 * x[:, 1]).astype(int)
    split = np.where(np.arange(24) % 4 == 3, "test", "train")  # test rows between the training rows
    rows = [f"{a!r},{b!r},{c},{s}" for (a, b), c, s in zip(x.tolist(), label, split, strict=True)]
    (tmp_path / "rows.csv").write_text("x1,x2,label,split\n" + "\n".join(rows) + "\n")
    lr = 0.5
    proc = run("train", "--data", "rows.csv", "--layers", "none", "--init", "zeros", "--loss", "mse",
               "--optimizer", "sgd", "--lr", str(lr), "--batch-size", "1", "--no-shuffle", "--epochs", "1",
               "--export", "w.npz")
    assert proc.returncode == 0, proc.stderr
    train = split == "train"
    w_ref, b_ref = _reference_epoch(x[train], 2.0 * label[train] - 1.0, lr)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as f:
        np.testing.assert_allclose(f["layers.0.weight"], w_ref[None, :], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(f["layers.0.bias"], [b_ref], rtol=1e-12, atol=1e-14)
    w_rev, _ = _reference_epoch(x[train][::-1], 2.0 * label[train][::-1] - 1.0, lr)
    assert not np.allclose(w_rev, w_ref)  # the order matters, so the match above proves the order


def test_json_says_which_engine_trained(run: Run) -> None:
    """A short run stays on numpy (loading the compiled engine would cost more than it saves); a long
    narrow one uses the kernel; a wide one numpy."""
    args = ("train", "--dataset", "xor", "--points", "60", "--layers", "4,2", "--json")
    short = json_result(run(*args, "--epochs", "999"))
    long = json_result(run(*args, "--epochs", "1000"))
    wide = json_result(run("train", "--dataset", "xor", "--points", "60", "--layers", "40", "--epochs", "1000",
                           "--json"))
    assert (short["engine"], long["engine"], wide["engine"]) == ("numpy", "kernel", "numpy")
    assert short["epoch"] == 999 and long["epoch"] == 1000
