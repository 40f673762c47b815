"""The runs list: add, rename, pin, remove, the bound on unpinned runs, restore requests."""

import pytest

from playground.core.runs import Run
from playground.ui import runs_list
from playground.ui.runs_list import RunsList
from tests.builders import make_trainer


@pytest.fixture(scope="module")
def run() -> Run:
    trainer = make_trainer()
    trainer.train(2)
    return Run.from_snapshot(trainer.snapshot(grid_resolution=None), "Run 1")


def test_add_rename_pin_remove(qtbot, run):
    runs = RunsList()
    with qtbot.waitSignal(runs.changed):
        runs.add(run)
    assert runs.next_name() == "Run 2"
    runs.rename(0, "  baseline ")
    assert runs[0].name == "baseline"
    runs.set_pinned(0, True)
    assert runs[0].pinned
    with qtbot.waitSignal(runs.restore_requested) as restore:
        runs.request_restore(0)
    assert restore.args[0] is runs[0]
    runs.remove(0)
    assert len(runs) == 0


def test_unpinned_runs_beyond_the_bound_are_dropped_oldest_first(qtbot, run, monkeypatch):
    monkeypatch.setattr(runs_list, "MAX_RUNS", 2)
    runs = RunsList()
    runs.add(run.renamed("pinned").with_pinned(True))
    for name in ("a", "b"):
        runs.add(run.renamed(name))
    with qtbot.waitSignal(runs.dropped) as dropped:
        runs.add(run.renamed("c"))
    assert dropped.args == [1]
    assert [r.name for r in runs.runs] == ["pinned", "b", "c"]


def test_unpinned_runs_beyond_the_memory_bound_are_dropped_but_never_the_newest(qtbot, run, monkeypatch):
    monkeypatch.setattr(runs_list, "MAX_RUN_BYTES", int(2.5 * runs_list.run_bytes(run)))
    runs = RunsList()
    for name in ("a", "b"):
        runs.add(run.renamed(name))
    runs.add(run.renamed("pinned").with_pinned(True))
    with qtbot.waitSignal(runs.dropped) as dropped:
        runs.add(run.renamed("c"))
    assert dropped.args == [1] and [r.name for r in runs.runs] == ["b", "pinned", "c"]
    monkeypatch.setattr(runs_list, "MAX_RUN_BYTES", 1)
    runs.add(run.renamed("d"))
    assert [r.name for r in runs.runs] == ["pinned", "d"]
