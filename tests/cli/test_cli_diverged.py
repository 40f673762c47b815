"""A run that diverges, or whose gradients overflow, still saves its last finite state, which reopens."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
from cli_helpers import Run

from playground.core.io.project import FORMAT_VERSION, load_project
from playground.core.io.weights import read_weight_file
from playground.core.spec import OptimizerSpec

OLD = b"old content that must be replaced by the last finite state"
DIVERGING = ("--dataset", "plane", "--points", "60", "--layers", "8,8", "--activation", "relu",
             "--init", "he", "--lr", "100", "--batch-size", "1", "--epochs", "50")


def test_training_that_diverges_exits_3_and_saves_the_last_finite_state(run: Run, tmp_path: Path) -> None:
    (tmp_path / "out.npz").write_bytes(OLD)
    proc = run("train", *DIVERGING, "--export", "out.npz", "--save", "run.playground.json")
    assert proc.returncode == 3, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "learning rate 100 is too high" in line
    assert "last finite state was written to out.npz and run.playground.json" in line
    trainer = load_project(tmp_path / "run.playground.json")
    assert trainer.divergence is not None and trainer.divergence.message in line
    assert trainer.epoch == trainer.divergence.epoch - 1  # the failed epoch does not count
    exported = read_weight_file(tmp_path / "out.npz").state
    for name, value in trainer.network.state_dict().items():
        assert np.isfinite(value).all() and np.array_equal(value, exported[name]), name
    # It resumes: with a smaller learning rate, training goes on and the divergence is history.
    training = trainer.spec.training
    trainer.set_training(dataclasses.replace(training, optimizer=OptimizerSpec(training.optimizer.name, 0.001)))
    trainer.train(2)
    assert np.isfinite(trainer.train_loss) and trainer.get_state()["diverged"] is None


def test_overflowing_gradient_norms_do_not_block_saving(run: Run, tmp_path: Path) -> None:
    """The fault campaign's reproduction: saturated tanh with a huge L2 rate keeps a finite loss while
    the gradient norms overflow to infinity; it used to exit 2 ("cannot save") with only --export written."""
    proc = run("train", "--dataset", "spiral", "--lr", "10", "--l2", "10", "--epochs", "5",
               "--save", "x.playground.json", "--export", "y.json")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "y.json").is_file()
    trainer = load_project(tmp_path / "x.playground.json")
    assert trainer.epoch == 5
    norms = trainer.history.column("grad_norms")
    assert not np.isfinite(norms).all()  # what the charts showed is what reopens
    doc = json.loads((tmp_path / "x.playground.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == FORMAT_VERSION
