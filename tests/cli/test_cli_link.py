"""`playground data --from-url` and `playground train --from-url` through a subprocess."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from cli_helpers import Run, json_result
from tfpg_fixtures import page_links

CIRCLE, XOR = page_links()[0], page_links()[7]  # the link; a 6-layer link with an unknown key
URL = "https://playground.tensorflow.org/#" + CIRCLE["link"]


def test_data_writes_the_pages_points_in_its_order(run: Run, tmp_path: Path) -> None:
    proc = run("data", "--from-url", URL, "--out", "points.csv")
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "points.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [[float(r["x1"]), float(r["x2"])] for r in rows] == CIRCLE["points"]
    assert [1.0 if r["label"] == "1" else -1.0 for r in rows] == CIRCLE["labels"]
    assert [r["split"] for r in rows].count("train") == CIRCLE["split_index"]


def test_train_gives_the_pages_initial_and_trained_losses(run: Run) -> None:
    start = json_result(run("train", "--from-url", URL, "--epochs", "0", "--json"))
    assert abs(start["train_loss"] - CIRCLE["losses"]["train"][0]) < 1e-12
    done = json_result(run("train", "--from-url", XOR["link"], "--epochs", "100", "--json"))
    assert abs(done["train_loss"] - XOR["losses"]["train"][100]) < 1e-9
    assert abs(done["test_loss"] - XOR["losses"]["test"][100]) < 1e-9


def test_other_flags_override_a_setting_and_the_link_is_saved(run: Run, tmp_path: Path) -> None:
    proc = run("train", "--from-url", URL, "--lr", "0.3", "--layers", "3", "--epochs", "1",
               "--save", "exp.playground.json")
    assert proc.returncode == 0, proc.stderr
    spec = json.loads((tmp_path / "exp.playground.json").read_text())["spec"]
    assert spec["training"]["optimizer"]["learning_rate"] == 0.3 and spec["network"]["hidden"] == [3]
    assert spec["data"]["page_seed"] == "0.12345" and spec["training"]["shuffle"] is False
    assert spec["source_link"] == URL  # where it came from


def test_unknown_keys_and_a_missing_seed_are_reported(run: Run) -> None:
    proc = run("train", "--from-url", XOR["link"].replace("&seed=hello", ""), "--epochs", "0", "--json")
    json_result(proc)
    assert "note: ignored key(s) the page does not know: foo" in proc.stderr
    assert re.search(r"note: the link has no seed; using a fresh one: 0\.\d{5}", proc.stderr)


def test_a_bad_link_is_one_line_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    proc = run("data", "--from-url", URL.replace("networkShape=4,2", "networkShape=4,x"), "--out", "p.csv")
    assert proc.returncode == 2
    assert proc.stderr == "playground: error: networkShape: must be comma-separated whole numbers >= 1, " \
                          "got '4,x'\n"
    assert not (tmp_path / "p.csv").exists()


def test_from_url_cannot_be_combined_with_a_project(run: Run) -> None:
    proc = run("train", "--project", "x.playground.json", "--from-url", URL)
    assert proc.returncode == 2 and "--project cannot be combined with --from-url" in proc.stderr
