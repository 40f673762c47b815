"""Choosing an engine per run (``core.engines``): what ``auto`` picks, that a run keeps its engine,
that saved runs resume on theirs, and that a missing numba falls back to numpy without an error."""

from __future__ import annotations

import dataclasses
import sys
import threading

import numpy as np
import pytest
from builders import diverging_spec, make_spec

import playground.core
from playground.core import engines, weight_edits
from playground.core.architecture_edit import AddNeuron, RemoveNeuron, edited_trainer
from playground.core.io.project import dumps_project, loads_project
from playground.core.spec import DataSpec
from playground.core.trainer import Trainer, TrainingDiverged


@pytest.fixture
def ready():
    assert engines.prepare_kernel(), engines.kernel_failure()


def test_auto_picks_the_kernel_for_narrow_float64_networks_only(ready):
    narrow = make_spec("spiral", (8,) * 6)
    assert Trainer(narrow, engine="auto").engine == "kernel"
    wide = make_spec("spiral", (engines.KERNEL_MAX_WIDTH + 1, 4))
    assert Trainer(wide, engine="auto").engine == "numpy"
    assert Trainer(narrow, dtype=np.float32, engine="auto").engine == "numpy"
    page = narrow.replace(data=dataclasses.replace(narrow.data, page_seed="0.5"))
    assert engines.choose("auto", page) == "numpy"  # TensorFlow Playground's quirks live in numpy
    assert Trainer(narrow).engine == "numpy"  # the default: explicit and deterministic
    with pytest.raises(ValueError, match="engine"):
        engines.choose("fast", narrow)


def test_auto_never_waits_for_the_kernel(monkeypatch):
    monkeypatch.setattr(engines, "_ready", threading.Event())  # as before the first compile ends
    assert Trainer(make_spec("xor", (4, 2)), engine="auto").engine == "numpy"


def test_a_run_never_changes_engine(ready, monkeypatch):
    spec = make_spec("circle", (6, 3), batch=8, points=80)
    kernel_run, numpy_run = Trainer(spec, engine="kernel"), Trainer(spec, engine="numpy")
    runners = kernel_run._kernel
    for trainer in (kernel_run, numpy_run):
        trainer.train(3)
        trainer.step_batch()
        trainer.set_training(dataclasses.replace(spec.training, batch_size=5, optimizer=spec.training.optimizer))
        trainer.set_training(dataclasses.replace(spec.training, loss="bce"))
        weight_edits.set_switched_off(trainer, [(0, 1)])
        trainer.train(2)
        trainer.reset_weights()
        trainer.train(1)
    assert (kernel_run.engine, numpy_run.engine) == ("kernel", "numpy")
    assert kernel_run._kernel is runners and numpy_run._kernel is None
    diverging = Trainer(diverging_spec(), engine="kernel")
    with pytest.raises(TrainingDiverged):
        diverging.train(50)
    assert diverging.engine == "kernel"


def test_an_edited_architecture_is_a_new_run_that_chooses_its_engine_afresh(ready):
    rng = np.random.default_rng(0)
    spec = make_spec("circle", (6,), points=60)
    auto = Trainer(spec, engine="auto")
    assert edited_trainer(auto, AddNeuron(0), rng).engine == "kernel"
    wide = edited_trainer(Trainer(spec.replace(network=dataclasses.replace(
        spec.network, hidden=(engines.KERNEL_MAX_WIDTH,))), engine="auto"), AddNeuron(0), rng)
    assert wide.engine == "numpy"  # now too wide for the kernel
    assert edited_trainer(wide, RemoveNeuron(0, 0), rng).engine == "kernel"  # narrow again
    assert edited_trainer(Trainer(spec), AddNeuron(0), rng).engine == "numpy"  # asked for numpy


def test_a_saved_run_resumes_on_its_engine_exactly(ready):
    spec = make_spec("spiral", (8, 8), batch=10, points=200, optimizer="adam", lr=0.01)
    run = Trainer(spec, engine="kernel")
    run.train(5)
    run.step_batch()
    state = run.get_state()
    assert state["engine"] == "kernel"
    resumed = loads_project(dumps_project(run))  # opened from its file, as the app and the CLI do
    assert resumed.engine == "kernel"
    run.train(7)
    resumed.train(7)
    np.testing.assert_array_equal(resumed.network.params, run.network.params)
    assert resumed.epoch == run.epoch == 12
    numpy_run = Trainer(spec, engine="numpy")
    assert loads_project(dumps_project(numpy_run)).engine == "numpy"


def test_a_saved_engine_that_is_not_one_is_refused():
    trainer = Trainer(make_spec("xor", (3,)))
    state = trainer.get_state()
    state["engine"] = "turbo"
    with pytest.raises(ValueError, match="engine must be one of numpy, kernel"):
        trainer.set_state(state)
    assert trainer.engine == "numpy"


def test_without_numba_the_numpy_engine_trains(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    for name in ("kernel", "kernel_epochs"):  # imported afresh, as in a process without numba
        monkeypatch.delitem(sys.modules, f"playground.core.{name}", raising=False)
        monkeypatch.delattr(playground.core, name, raising=False)
    monkeypatch.setattr(engines, "_ready", threading.Event())
    monkeypatch.setattr(engines, "_failure", None)
    assert not engines.prepare_kernel()
    assert "numba is not installed" in engines.kernel_failure()
    assert "numba is not installed" in engines.describe("numpy")
    spec = make_spec("xor", (4, 2))
    for request in ("kernel", "auto"):
        trainer = Trainer(spec, engine=request)
        assert trainer.engine == "numpy"
        assert trainer.train(3) == 3
    state = Trainer(spec).get_state()
    state["engine"] = "kernel"  # a run saved where numba was installed goes on with numpy
    trainer = Trainer(spec)
    trainer.set_state(state)
    assert trainer.engine == "numpy" and trainer.train(2) == 2


def test_the_engine_is_described_for_the_status_bar(ready):
    assert "compiled kernel" in engines.describe("kernel")
    assert engines.describe("numpy").startswith("Engine: numpy")


def test_data_spec_default_has_no_page_seed():
    assert DataSpec().page_seed is None  # auto may pick the kernel for ordinary runs
