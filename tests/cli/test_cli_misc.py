"""Saving, exporting and starting from weights; help, version, the GUI launcher, Ctrl-C."""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import Run, clean_env, json_result, playground_on_a_terminal, without_timing

import playground
import playground.cli as cli

SPEC = ("--dataset", "circle", "--points", "100", "--layers", "4,3", "--optimizer", "adam", "--lr", "0.02",
        "--seed", "4")


def _npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files if k.startswith("layers.")}


def test_save_then_export_then_start_from_the_weights(run: Run, tmp_path: Path) -> None:
    trained = json_result(run("train", *SPEC, "--epochs", "15", "--save", "exp.playground.json",
                              "--export", "w.npz", "--json"))
    weights = _npz(tmp_path / "w.npz")
    assert sorted(weights) == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight",
                               "layers.2.bias", "layers.2.weight"]
    assert weights["layers.0.weight"].shape == (4, 2) and weights["layers.2.weight"].shape == (1, 3)

    proc = run("export", "exp.playground.json", "again.npz")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    again = _npz(tmp_path / "again.npz")
    assert all(np.array_equal(weights[k], again[k]) for k in weights)

    # The same experiment started from the exported weights is where the first run ended.
    restarted = json_result(run("train", *SPEC, "--weights", "w.npz", "--epochs", "0", "--json"))
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        assert restarted[key] == trained[key], key
    fresh = json_result(run("train", *SPEC, "--epochs", "0", "--json"))
    assert fresh["train_loss"] != trained["train_loss"]


def test_a_project_continues_exactly_where_it_stopped(run: Run, tmp_path: Path) -> None:
    straight = json_result(run("train", *SPEC, "--epochs", "12", "--json"))
    json_result(run("train", *SPEC, "--epochs", "5", "--save", "half.playground.json", "--json"))
    resumed = json_result(run("train", "--project", "half.playground.json", "--epochs", "7",
                              "--save", "half.playground.json", "--json"))
    assert without_timing(resumed) | {"epochs_run": 12} == without_timing(straight)
    assert resumed["epoch"] == 12 and resumed["epochs_run"] == 7


@pytest.mark.parametrize("suffix", [".json", ".onnx"])
def test_export_formats_follow_the_suffix(run: Run, tmp_path: Path, suffix: str) -> None:
    assert run("train", *SPEC, "--epochs", "2", "--save", "e.playground.json").returncode == 0
    proc = run("export", "e.playground.json", f"w{suffix}")
    assert proc.returncode == 0, proc.stderr
    data = (tmp_path / f"w{suffix}").read_bytes()
    assert data.lstrip().startswith(b"{") if suffix == ".json" else len(data) > 100


def test_train_help_lists_every_flag(run: Run) -> None:
    proc = run("train", "--help")
    assert proc.returncode == 0
    flags = ("--dataset", "--data", "--points", "--noise", "--train-ratio", "--classes", "--seed",
             "--data-seed", "--features", "--layers", "--activation", "--loss", "--optimizer", "--lr",
             "--momentum", "--beta1", "--beta2", "--rho", "--epsilon", "--weight-decay", "--batch-size",
             "--l1", "--l2", "--init", "--no-shuffle", "--epochs", "--problem", "--project", "--weights",
             "--save", "--export", "--json", "--debug")
    for flag in flags:
        assert re.search(rf"(^|\s){re.escape(flag)}\b", proc.stdout), flag
    assert "--loss mse --init playground --optimizer sgd --batch-size 10 --no-shuffle" in proc.stdout


def test_other_help_pages(run: Run) -> None:
    top = run("--help")
    assert top.returncode == 0
    for word in ("train", "data", "export", "--play", "--version", "FILE"):
        assert word in top.stdout, word
    data = run("data", "--help")
    for flag in ("--dataset", "--points", "--noise", "--train-ratio", "--classes", "--seed", "--out"):
        assert flag in data.stdout, flag
    export = run("export", "--help")
    assert "EXPERIMENT" in export.stdout and "OUT" in export.stdout


def test_version(run: Run) -> None:
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"playground {playground.__version__}"


def test_without_a_display_the_gui_says_what_to_do(run: Run) -> None:
    proc = run(env=clean_env("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert proc.returncode == 2  # Qt itself would abort with 134
    line = proc.stderr.strip()
    assert "\n" not in line and "no display" in line
    assert "xvfb-run playground" in line and "playground train" in line


def test_gui_launcher_passes_file_and_play(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = []
    fake = types.ModuleType("playground.ui.app")
    fake.run = lambda project=None, play=False, argv=None: calls.append((project, play)) or 7
    monkeypatch.setitem(sys.modules, "playground.ui.app", fake)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    project = tmp_path / "e.playground.json"
    project.write_text("{}")
    assert cli.main([str(project), "--play"]) == 7
    assert cli.main([]) == 7
    assert calls == [(str(project), True), (None, False)]


def test_ctrl_c_stops_cleanly_and_still_exports(tmp_path: Path) -> None:
    """On a terminal the progress line appears; Ctrl-C stops on a whole epoch, exports, exits 130."""
    with playground_on_a_terminal("train", "--dataset", "spiral", "--epochs", "100000000", "--export", "w.npz",
                                  cwd=tmp_path) as (proc, master):
        out = b""
        start = time.monotonic()
        while out.count(b"\r") < 4 and time.monotonic() - start < 30:  # a few progress updates
            if select.select([master], [], [], 1.0)[0]:
                out += os.read(master, 4096)
        seconds = time.monotonic() - start
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closes with the process
                break
            if not chunk:
                break
            out += chunk
    text = out.decode()
    assert proc.returncode == 130, text
    assert "epochs/s" in text and "train loss" in text and "Traceback" not in text
    assert out.count(b"\r") <= 10 * seconds + 4  # ≤ 10 redraws a second, one after Ctrl-C, pty \r\n
    summary = text.replace("\r\n", "\n").strip().splitlines()[-1]
    epoch = int(re.search(r"interrupted at epoch (\d+)", summary).group(1))
    assert epoch > 0
    assert sorted(_npz(tmp_path / "w.npz")) == ["layers.0.bias", "layers.0.weight", "layers.1.bias",
                                                "layers.1.weight", "layers.2.bias", "layers.2.weight"]
