"""A kept run of a TensorFlow Playground link experiment keeps the links L1 killed for good: restoring it
(also from a file) brings them back dead, so it trains on as it would have."""

from __future__ import annotations

import json

import numpy as np
import pytest
from builders import make_trainer
from tfpg_fixtures import l1_link_trainer

from playground.core.checkpoint import Checkpoint, build_trainer
from playground.core.io.project import ProjectError, dumps_project_with_runs, loads_project_with_runs
from playground.core.runs import Run
from playground.core.trainer import Trainer

BATCH = 10  # L1 kills links within a few epochs in batches of 10


@pytest.fixture(scope="module")
def link_run() -> tuple[Trainer, Run]:
    trainer = l1_link_trainer(BATCH)
    trainer.train(5)  # L1 has killed links by now
    assert len(trainer.page.dead.dead())
    return trainer, Run.from_snapshot(trainer.snapshot(grid_resolution=None), "link run")


def _restored(run: Run) -> Trainer:
    """What restoring the run builds (``Session.restore_run``'s checkpoint)."""
    return build_trainer(Checkpoint(run.spec, run.dataset, run.state()))


def _trains_on_alike(a: Trainer, b: Trainer) -> None:
    """Both have the same weights and dead links, and stay alike for an epoch more."""
    for t in (a, b):
        t.train(1)
    np.testing.assert_array_equal(a.page.dead.dead(), b.page.dead.dead())
    np.testing.assert_array_equal(a.network.params, b.network.params)


def test_a_kept_link_run_restores_with_its_dead_links(link_run):
    trainer, run = link_run
    np.testing.assert_array_equal(run.dead_links, trainer.page.dead.dead())
    assert not run.dead_links.flags.writeable
    restored = _restored(run)
    np.testing.assert_array_equal(restored.page.dead.dead(), run.dead_links)
    np.testing.assert_array_equal(restored.network.params, trainer.network.params)
    twin = _restored(run)  # a link killed earlier stays at 0 in training: the same next epoch as the original
    source = l1_link_trainer(BATCH)
    source.set_state(trainer.get_state())
    _trains_on_alike(twin, source)


def test_a_link_run_keeps_its_dead_links_in_the_experiment_file(link_run):
    trainer, run = link_run
    text, _ = dumps_project_with_runs(trainer, (run,))
    _, (reopened,) = loads_project_with_runs(text)
    np.testing.assert_array_equal(reopened.dead_links, run.dead_links)
    np.testing.assert_array_equal(_restored(reopened).page.dead.dead(), run.dead_links)


def test_other_runs_have_no_dead_links_and_files_store_none():
    trainer = make_trainer("xor", (3,), regularization="l1", regularization_rate=0.01)
    trainer.train(2)
    run = Run.from_snapshot(trainer.snapshot(grid_resolution=None), "plain")
    assert run.dead_links is None
    text, _ = dumps_project_with_runs(trainer, (run,))
    assert "page_dead" not in json.loads(text)["runs"][0]
    assert loads_project_with_runs(text)[1][0].dead_links is None


@pytest.mark.parametrize(("dead", "message"), [
    ([3, 3], r"runs\[0\]\.page_dead must list distinct parameter positions"),
    ([10**6], r"runs\[0\]\.page_dead must list distinct parameter positions"),
    ([-1], r"runs\[0\]\.page_dead must list distinct parameter positions"),
    ("all", r"runs\[0\]\.page_dead"),
])
def test_bad_dead_links_in_a_file_are_refused_with_one_line(link_run, dead, message):
    trainer, run = link_run
    doc = json.loads(dumps_project_with_runs(trainer, (run,))[0])
    doc["runs"][0]["page_dead"] = dead
    with pytest.raises(ProjectError, match=message) as err:
        loads_project_with_runs(json.dumps(doc), "x.playground.json")
    assert "\n" not in str(err.value)


def test_dead_links_on_a_run_of_another_experiment_are_refused():
    trainer = make_trainer("xor", (3,))
    trainer.train(1)
    doc = json.loads(dumps_project_with_runs(trainer, (Run.from_snapshot(trainer.snapshot(grid_resolution=None),
                                                                          "plain"),))[0])
    doc["runs"][0]["page_dead"] = [0]
    with pytest.raises(ProjectError, match=r"runs\[0\]\.page_dead: only a run of a TensorFlow Playground link"):
        loads_project_with_runs(json.dumps(doc), "x.playground.json")
