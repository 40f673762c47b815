"""Bad input: one line on stderr, exit code 2, no traceback, and no output file touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import Run
from fault_helpers import npz_claiming_huge_member

import playground.cli as cli

OLD = b"old content that must survive"

#: (id, files to create first {name: text}, arguments, words the message must contain)
CASES = [
    ("missing-csv", {}, ["train", "--data", "missing.csv", "--export", "out.npz"],
     ["missing.csv", "no such"]),
    ("malformed-csv", {"bad.csv": "x1,x2,label\n1,2\n"},
     ["train", "--data", "bad.csv", "--export", "out.npz"], ["bad.csv", "line 2"]),
    ("nan-in-csv", {"nan.csv": "x1,x2,label\n1,nan,0\n2,3,1\n"},
     ["train", "--data", "nan.csv", "--export", "out.npz"], ["nan.csv", "line 2", "finite"]),
    ("one-class-csv", {"one.csv": "x1,x2,label\n1,2,1\n2,3,1\n"},
     ["train", "--data", "one.csv", "--export", "out.npz"], ["one.csv", "at least two classes"]),
    ("labels-from-1-csv", {"l.csv": "x1,x2,label\n1,2,1\n2,3,2\n3,4,3\n"},
     ["train", "--data", "l.csv", "--export", "out.npz"], ["l.csv", "no row has label 0", "start at 0"]),
    ("huge-x1-csv", {"h.csv": "x1,x2,label\n1.7e308,2,0\n2,3,1\n"},
     ["train", "--data", "h.csv", "--export", "out.npz"], ["h.csv", "line 2", "1,000,000"]),
    ("unknown-dataset", {}, ["train", "--dataset", "nope", "--save", "out.playground.json"],
     ["--dataset", "nope"]),
    ("unknown-activation", {}, ["train", "--activation", "foo", "--export", "out.npz"],
     ["--activation", "foo"]),
    ("activation-count", {},
     ["train", "--layers", "3,3,3", "--activation", "tanh,relu", "--export", "out.npz"],
     ["--activation", "3 hidden layers"]),
    ("negative-lr", {}, ["train", "--lr", "-1", "--export", "out.npz"], ["--lr", "learning_rate", "-1"]),
    ("nan-lr", {}, ["train", "--lr", "nan", "--export", "out.npz"], ["--lr", "finite"]),
    ("not-a-number", {}, ["train", "--lr", "abc", "--export", "out.npz"], ["--lr", "abc"]),
    ("unknown-flag", {}, ["train", "--nope", "--export", "out.npz"], ["--nope"]),
    ("bad-layers", {}, ["train", "--layers", "8,x", "--export", "out.npz"], ["--layers", "8,x"]),
    ("l1-and-l2", {}, ["train", "--l1", "0.1", "--l2", "0.1", "--export", "out.npz"], ["--l1", "--l2"]),
    ("negative-epochs", {}, ["train", "--epochs", "-1", "--export", "out.npz"], ["--epochs"]),
    ("regression-with-cross-entropy", {}, ["train", "--dataset", "plane", "--loss", "cross_entropy",
                                           "--export", "out.npz"], ["--loss", "mse"]),
    ("data-with-points", {"ok.csv": "x1,x2,label\n1,2,0\n2,3,1\n"},
     ["train", "--data", "ok.csv", "--points", "10", "--export", "out.npz"], ["--data", "--points"]),
    ("unreadable-project", {"bad.playground.json": "{not json"},
     ["train", "--project", "bad.playground.json", "--export", "out.npz"], ["bad.playground.json"]),
    ("missing-project", {}, ["train", "--project", "gone.playground.json", "--export", "out.npz"],
     ["gone.playground.json"]),
    ("project-with-spec-flags", {"p.playground.json": "{}"},
     ["train", "--project", "p.playground.json", "--lr", "0.1", "--layers", "3", "--export", "out.npz"],
     ["--project", "--lr", "--layers"]),
    ("missing-weights", {}, ["train", "--weights", "gone.npz", "--export", "out.npz"], ["gone.npz"]),
    ("unreadable-weights", {"w.npz": "not a zip"}, ["train", "--weights", "w.npz", "--export", "out.npz"],
     ["w.npz"]),
    ("export-format", {}, ["train", "--export", "out.txt"], ["out.txt", ".npz"]),
    ("export-unreadable-project", {"bad.playground.json": "[1, 2]"},
     ["export", "bad.playground.json", "out.npz"], ["bad.playground.json"]),
    ("export-missing-project", {}, ["export", "gone.playground.json", "out.npz"], ["gone.playground.json"]),
    ("data-unknown-dataset", {}, ["data", "--dataset", "nope", "--out", "out.csv"], ["--dataset", "nope"]),
    ("data-bad-noise", {}, ["data", "--dataset", "xor", "--noise", "0.9", "--out", "out.csv"], ["--noise"]),
    ("data-without-out", {}, ["data", "--dataset", "xor"], ["--out"]),
    ("gui-missing-file", {}, ["gone.playground.json"], ["gone.playground.json", "no such file"]),
]


@pytest.mark.parametrize(("files", "args", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(
        run: Run, tmp_path: Path, files: dict[str, str], args: list[str], words: list[str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    targets = [tmp_path / name for name in ("out.npz", "out.csv", "out.playground.json", "out.txt")]
    for target in targets:
        target.write_bytes(OLD)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert lines[0].startswith("playground")
    for word in words:
        assert word in lines[0], (word, lines[0])
    for target in targets:
        assert target.read_bytes() == OLD, target.name
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left behind


@pytest.mark.parametrize("flag", ["--save", "--export"])
def test_missing_output_folder_fails_before_training(run: Run, tmp_path: Path, flag: str) -> None:
    proc = run("train", "--epochs", "100000", flag, "nowhere/out.npz")
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert "\n" not in line and "nowhere" in line and "does not exist" in line
    assert not (tmp_path / "nowhere").exists()


def test_data_output_folder_missing(run: Run, tmp_path: Path) -> None:
    proc = run("data", "--dataset", "xor", "--out", "nowhere/d.csv")
    assert proc.returncode == 2 and "nowhere" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


def test_weights_of_another_shape_are_refused(run: Run, tmp_path: Path) -> None:
    assert run("train", "--layers", "3", "--epochs", "1", "--export", "w3.npz").returncode == 0
    (tmp_path / "out.npz").write_bytes(OLD)
    proc = run("train", "--layers", "5", "--weights", "w3.npz", "--export", "out.npz")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "w3.npz" in line and "do not fit" in line and "layers.0.weight" in line
    assert (tmp_path / "out.npz").read_bytes() == OLD


def test_weights_whose_header_claims_10_to_the_12_elements_exit_2_naming_the_entry(run: Run, tmp_path: Path) -> None:
    assert run("train", "--layers", "3", "--epochs", "0", "--export", "w.npz").returncode == 0
    npz_claiming_huge_member(tmp_path / "w.npz", tmp_path / "huge.npz")
    proc = run("train", "--layers", "3", "--weights", "huge.npz", "--epochs", "1")
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "huge.npz" in line and "layers.0.weight has shape (1000000000000,)" in line


def test_weights_trained_on_other_features_are_refused(run: Run, tmp_path: Path) -> None:
    assert run("train", "--features", "x1,x1_sq", "--epochs", "1", "--export", "w.json").returncode == 0
    proc = run("train", "--features", "x1,x2", "--weights", "w.json", "--epochs", "1")
    assert proc.returncode == 2
    assert "x1,x1_sq" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def _crash(args: object) -> int:
    raise RuntimeError("something broke inside")


def test_unexpected_errors_are_one_line_with_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(cli._COMMANDS, "data", (cli.data_parser, _crash))
    assert cli.main(["data", "--out", "x.csv"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "playground: error: RuntimeError: something broke inside " \
                          "(run with --debug for the traceback)"
    assert cli.main(["data", "--out", "x.csv", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: something broke inside" in err
