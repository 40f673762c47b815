"""`playground train --scale`: input scaling from the command line, saved with the experiment."""

from __future__ import annotations

import json
from pathlib import Path

from builders import hundred_csv_text
from cli_helpers import Run, json_result


def test_standardising_a_0_to_100_csv_makes_it_learnable(run: Run, tmp_path: Path) -> None:
    (tmp_path / "hundred.csv").write_text(hundred_csv_text(), encoding="utf-8")
    args = ("train", "--data", "hundred.csv", "--layers", "4,2", "--epochs", "300", "--json")
    scaled = json_result(run(*args, "--scale", "standard", "--save", "run.playground.json"))
    raw = json_result(run(*args))
    assert scaled["test_accuracy"] > 0.95 > raw["test_accuracy"]
    saved = json.loads((tmp_path / "run.playground.json").read_text(encoding="utf-8"))
    assert saved["spec"]["data"]["scale"] == "standard"
    assert saved["state"]["input_scaling"]["method"] == "standard"


def test_an_unknown_scaling_is_bad_input_naming_the_flag(run: Run) -> None:
    proc = run("train", "--dataset", "xor", "--scale", "log", "--epochs", "1")
    assert proc.returncode == 2
    assert "--scale" in proc.stderr and "none, standard, minmax" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_weights_trained_with_scaling_need_the_same_scale(run: Run, tmp_path: Path) -> None:
    args = ("train", "--dataset", "xor", "--points", "60", "--epochs", "2")
    assert run(*args, "--scale", "minmax", "--export", "w.npz").returncode == 0
    proc = run(*args, "--weights", "w.npz")
    assert proc.returncode == 2 and "give --scale minmax" in proc.stderr
    assert run(*args, "--scale", "minmax", "--weights", "w.npz").returncode == 0
