"""A fetch the worker answers quickly: waited for without the event loop, the worker's earlier signals
delivered first; a checkpoint asked before the run is replaced holds back the old run's snapshot."""

from __future__ import annotations

import pytest
from builders import easy_spec
from PySide6.QtCore import QTimer

from playground.ui import quick_replies
from playground.ui.training import TrainingController


@pytest.fixture
def ctl(qtbot, monkeypatch):
    """A paused controller with its first snapshot shown; a quick answer may take long on a busy machine."""
    monkeypatch.setattr(quick_replies, "QUICK_WAIT", 30.0)
    c = TrainingController(auto_acknowledge=True)
    shown = []
    c.snapshot_ready.connect(shown.append)
    c.load(easy_spec((3,), points=60))
    qtbot.waitUntil(lambda: len(shown) == 1)
    c.shown = shown
    yield c
    c.shutdown()


def test_a_quick_fetch_delivers_the_workers_earlier_signals_and_runs_nothing_else(qtbot, ctl):
    ran = []
    QTimer.singleShot(0, lambda: ran.append(True))
    ctl.step_epoch()  # its snapshot is sent before the answer below
    history = ctl.fetch("history")
    assert [s.epoch for s in ctl.shown] == [0, 1] and list(history.epochs) == [1]
    assert not ran  # no timer (nor paint) ran while the fetch waited
    qtbot.waitUntil(lambda: bool(ran))


def test_a_checkpoint_for_a_new_run_holds_back_the_old_runs_snapshot(qtbot, ctl):
    ctl.step_epoch()
    cp = ctl.fetch("checkpoint", hold_snapshots=True)
    assert cp.state["epoch"] == 1 and [s.epoch for s in ctl.shown] == [0]  # held, not drawn
    ctl.restore(cp)  # a new run: the held snapshot is dropped, the new run's first one comes
    qtbot.waitUntil(lambda: ctl.shown[-1].generation == ctl.generation)
    assert [(s.generation, s.epoch) for s in ctl.shown] == [(1, 0), (2, 1)]


def test_a_held_snapshot_is_shown_when_the_run_goes_on(qtbot, ctl):
    ctl.step_epoch()
    ctl.fetch("checkpoint", hold_snapshots=True)
    assert [s.epoch for s in ctl.shown] == [0]
    qtbot.waitUntil(lambda: len(ctl.shown) == 2)  # the edit did not happen: shown after all
    assert ctl.shown[-1].epoch == 1 and ctl.last_snapshot is ctl.shown[-1]


def test_a_waiting_fetch_stops_a_picture_under_way_which_is_made_again_after_the_answer(qtbot):
    from playground.ui.training_worker import TrainingWorker

    worker = TrainingWorker()  # its slots called directly, on this thread
    made, replies = [], []
    worker.snapshot_made.connect(lambda snap, eps: made.append(snap))
    worker.replied.connect(lambda rid, answer, error: replies.append((rid, error)))
    worker.load(easy_spec((64,) * 4, points=60), None, None, "float64", 1)  # a picture of several pieces
    assert len(made) == 1
    worker.acknowledge()
    worker.interrupts.request.set()  # as a fetch does before its request is handled
    worker.set_grid_resolution(100)  # asks for a picture: stopped after its first piece
    assert len(made) == 1
    worker.answer_request(7, "history", None)
    assert replies == [(7, "")] and not worker.interrupts.request.is_set()
    assert len(made) == 2 and made[-1].grid.resolution == 100  # the stopped picture, made after the answer


def test_a_waiting_fetch_ends_a_training_slice_after_the_piece_under_way(qtbot, monkeypatch):
    from playground.ui import training_worker
    from playground.ui.training_worker import TrainingWorker

    monkeypatch.setattr(training_worker, "SLICE_SECONDS", 2.0)  # without the request: many epochs a slice
    worker = TrainingWorker()  # its slots called directly, on this thread
    worker.load(easy_spec((64,) * 6, points=2000), None, None, "float64", 1)  # an epoch of several pieces
    worker.play()
    worker.interrupts.request.set()  # as a fetch does before its request is handled
    worker._run_slice()
    t = worker._trainer
    assert 0 < t.batches < len(t.dataset.x_train) // t.spec.training.batch_size  # one piece, then the request
    worker.pause()
