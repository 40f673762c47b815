"""The work budget from the command line: too big an experiment is bad input (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import Run


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
