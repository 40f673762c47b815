"""The work budget from the command line: too big an experiment is bad input (exit 2, one line)."""

from __future__ import annotations

import os
from pathlib import Path

from cli_helpers import Run, playground_on_a_terminal


def test_a_network_and_points_over_the_work_budget_exit_2_saying_what_to_reduce(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "exp.playground.json"
    proc = run("train", "--dataset", "spiral", "--points", "100000", "--layers", ",".join(["256"] * 16),
               "--batch-size", "1", "--epochs", "1", "--save", str(out))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "work budget" in lines[0] and "use at most" in lines[0] and "points" in lines[0]
    assert not out.exists()


def test_custom_points_over_the_work_budget_exit_2(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "big.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i % 7 - 3},{i % 5 - 2},{i % 2}\n" for i in range(20_000)))
    proc = run("train", "--data", str(csv), "--layers", ",".join(["256"] * 16), "--epochs", "1")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "work budget" in proc.stderr


def test_ctrl_c_in_the_middle_of_a_huge_epoch_stops_within_seconds(tmp_path: Path) -> None:
    """16 × 256 neurons with the points the work budget allows, batch size 1, Adam: one epoch
    takes tens of seconds, yet Ctrl-C stops it between two pieces and the run exits 130
    with its weights exported (the bound is generous; it used to wait for the epoch)."""
    import select
    import signal
    import time

    args = ("train", "--dataset", "spiral", "--points", "2000", "--layers", ",".join(["256"] * 16),
            "--batch-size", "1", "--optimizer", "adam", "--epochs", "1", "--export", "w.npz")
    with playground_on_a_terminal(*args, cwd=tmp_path) as (proc, master):
        out = b""
        start = time.monotonic()
        while b"epochs/s" not in out and time.monotonic() - start < 60:  # the first progress line: training
            if select.select([master], [], [], 1.0)[0]:
                out += os.read(master, 4096)
        assert b"epochs/s" in out, out
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        took = time.monotonic() - sent
    assert proc.returncode == 130
    assert took < 10, f"Ctrl-C took {took:.1f} s"
    assert (tmp_path / "w.npz").is_file()


def test_an_experiment_file_over_the_work_budget_is_refused_naming_the_file(run: Run, tmp_path: Path) -> None:
    import json

    small = tmp_path / "small.playground.json"
    assert run("train", "--epochs", "0", "--save", str(small)).returncode == 0
    doc = json.loads(small.read_text())
    doc["spec"]["network"] = {"hidden": [256] * 16, "activations": ["tanh"] * 16, "init": "playground"}
    doc["spec"]["data"]["points"] = 100_000
    big = tmp_path / "big.playground.json"
    big.write_text(json.dumps(doc))
    proc = run("train", "--project", str(big), "--epochs", "1")
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert len(line.splitlines()) == 1 and "big.playground.json" in line and "work budget" in line
