"""Faults around files: outputs that are inputs, links, pipes, devices, full disks, killed saves.

Every subprocess has a time-out, so a regression that blocks on a named pipe
fails instead of hanging the suite; reads of ``/dev/zero`` run under a memory
limit, so a regression fails fast instead of filling the machine's memory.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import Run

import playground.cli as cli
from playground.core.io.atomic import STALE_AFTER_SECONDS
from playground.core.io.project import load_project, save_project
from playground.core.io.weights import export_weights
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec
from playground.core.trainer import Trainer

CSV = "x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n0.5,0.2,0\n0.2,0.9,1\n"

#: ``python -m playground`` under a resource limit: -c CODE ARGS... (sys.argv[1:] are the arguments).
_LIMITED = ("import resource, runpy, sys; resource.setrlimit(resource.{name}, ({n}, {n})); "
            "runpy.run_module('playground', run_name='__main__')")


def _limited(resource_name: str, limit: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = _LIMITED.format(name=resource_name, n=limit)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def _inputs(folder: Path) -> dict[str, bytes]:
    """A CSV, an experiment and a weight file in ``folder``; their bytes."""
    (folder / "d.csv").write_text(CSV)
    trainer = Trainer(ExperimentSpec(data=DataSpec("xor", points=40), network=NetworkSpec((3,), ("tanh",))))
    save_project(folder / "exp.playground.json", trainer)
    export_weights(folder / "w.json", trainer)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _assert_one_line(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: error: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# --------------------------------------------------------------------------- outputs that destroy inputs

#: (id, arguments, words of the message); the inputs are d.csv, exp.playground.json and w.json.
SAME_FILE_CASES = [
    ("save-over-data", ["train", "--data", "d.csv", "--save", "d.csv"], ["--save d.csv", "experiment"]),
    ("save-json-over-data-by-link", ["train", "--data", "d.csv", "--save", "link.json"],
     ["--save link.json", "is the --data file"]),
    ("export-over-project", ["train", "--project", "exp.playground.json", "--export", "exp.playground.json"],
     ["--export exp.playground.json", "is the --project file"]),
    ("export-command-over-its-input", ["export", "exp.playground.json", "./exp.playground.json"],
     ["OUT ./exp.playground.json", "is the EXPERIMENT file"]),
    ("export-over-weights", ["train", "--weights", "w.json", "--layers", "3", "--export", "w.json"],
     ["--export w.json", "is the --weights file"]),
    ("save-and-export-same-file", ["train", "--save", "out.json", "--export", "sub/../out.json"],
     ["--save out.json", "is also the --export file"]),
    ("save-as-npz", ["train", "--save", "w.npz"], ["--save w.npz", ".playground.json", "--export"]),
]


@pytest.mark.parametrize(("args", "words"), [c[1:] for c in SAME_FILE_CASES], ids=[c[0] for c in SAME_FILE_CASES])
def test_an_output_that_is_an_input_or_the_other_output_is_refused(
        run: Run, tmp_path: Path, args: list[str], words: list[str]) -> None:
    before = _inputs(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.json").symlink_to("d.csv")
    proc = run(*args)
    _assert_one_line(proc, 2, *words)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink()} == before


def test_saving_a_project_back_to_its_own_file_is_allowed(run: Run, tmp_path: Path) -> None:
    _inputs(tmp_path)
    proc = run("train", "--project", "exp.playground.json", "--epochs", "2", "--save", "exp.playground.json")
    assert proc.returncode == 0, proc.stderr
    assert load_project(tmp_path / "exp.playground.json").epoch == 2


def test_saving_onto_a_symlink_writes_its_target(run: Run, tmp_path: Path) -> None:
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "exp.playground.json").write_text("old")
    (tmp_path / "exp.playground.json").symlink_to("keep/exp.playground.json")
    proc = run("train", "--epochs", "1", "--save", "exp.playground.json", "--export", "w.npz")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "exp.playground.json").is_symlink()
    assert load_project(tmp_path / "keep" / "exp.playground.json").epoch == 1


# --------------------------------------------------------------------------- pipes, devices, folders


@pytest.mark.parametrize(("args", "words"), [
    (["train", "--data", "pipe.json"], ["pipe.json", "named pipe"]),
    (["train", "--project", "pipe.json"], ["pipe.json", "named pipe"]),
    (["train", "--weights", "pipe.json"], ["pipe.json", "named pipe"]),
    (["export", "pipe.json", "out.npz"], ["pipe.json", "named pipe"]),
    (["pipe.json"], ["pipe.json", "named pipe", "not an experiment file"]),
    (["train", "--save", "pipe.json"], ["--save pipe.json", "named pipe", "nothing is written"]),
    (["train", "--export", "pipe.json"], ["--export pipe.json", "named pipe"]),
    (["data", "--out", "pipe.json"], ["--out pipe.json", "named pipe"]),
], ids=["data", "project", "weights", "export-input", "gui", "save", "export", "data-out"])
def test_a_named_pipe_is_refused_at_once(run: Run, tmp_path: Path, args: list[str], words: list[str]) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    proc = run(*args, timeout=60)  # a regression blocks on the pipe: the time-out fails the test
    _assert_one_line(proc, 2, *words)
    assert sorted(os.listdir(tmp_path)) == ["pipe.json"]


@pytest.mark.parametrize("flag", ["--data", "--project", "--weights"])
def test_dev_zero_is_refused_without_reading_it(tmp_path: Path, flag: str) -> None:
    (tmp_path / "zero.json").symlink_to("/dev/zero")  # a .json name, so that only the device is wrong
    proc = _limited("RLIMIT_AS", 4 * 2**30, "train", flag, "zero.json", "--epochs", "1", cwd=tmp_path)
    _assert_one_line(proc, 2, "zero.json", "is a device, not a regular file")


@pytest.mark.parametrize("args", [["x.playground.json"], ["train", "--project", "x.playground.json"],
                                  ["export", "x.playground.json", "w.npz"]], ids=["gui", "train", "export"])
def test_a_folder_named_like_an_experiment_is_called_a_folder(run: Run, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "x.playground.json").mkdir()
    _assert_one_line(run(*args), 2, "x.playground.json", "is a folder")


# --------------------------------------------------------------------------- write failures: exit 4


def _disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(("args", "output"), [
    (["train", "--epochs", "1", "--save", "x.playground.json"], "x.playground.json"),
    (["train", "--epochs", "1", "--export", "w.npz"], "w.npz"),
    (["train", "--epochs", "1", "--export", "w.onnx"], "w.onnx"),
    (["data", "--dataset", "xor", "--out", "d.csv"], "d.csv"),
], ids=["save", "export-npz", "export-onnx", "data"])
def test_a_full_disk_exits_4_and_leaves_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path, args: list[str], output: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "fsync", _disk_full)  # the disk fills up while the file is flushed
    assert cli.main(args) == 4
    err = capsys.readouterr().err.strip()
    assert err == f"playground: error: {output}: cannot write (no space left on device)"
    assert os.listdir(tmp_path) == []


def test_a_real_file_size_limit_exits_4_and_keeps_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "x.playground.json").write_text("old")
    proc = _limited("RLIMIT_FSIZE", 20_000, "train", "--epochs", "1", "--save", "x.playground.json", cwd=tmp_path)
    _assert_one_line(proc, 4, "x.playground.json: cannot write (file too large)")
    assert os.listdir(tmp_path) == ["x.playground.json"] and (tmp_path / "x.playground.json").read_text() == "old"


def test_the_help_pages_name_exit_code_4(run: Run) -> None:
    for args in (["--help"], ["train", "--help"], ["data", "--help"], ["export", "--help"]):
        out = run(*args).stdout
        assert "4 an output could not be written" in " ".join(out.split()), args


# --------------------------------------------------------------------------- killed saves


def test_a_save_removes_the_leftover_of_a_killed_save(run: Run, tmp_path: Path) -> None:
    leftover = tmp_path / ".x.playground.json.0123456789ab.tmp"
    leftover.write_bytes(b"{" * 100_000)
    old = time.time() - STALE_AFTER_SECONDS - 5
    os.utime(leftover, (old, old))
    proc = run("train", "--epochs", "1", "--save", "x.playground.json")
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == ["x.playground.json"]
