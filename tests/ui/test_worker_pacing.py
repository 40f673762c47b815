"""The worker's pace: the UI's acknowledgement is read in the middle of a slice, and a due snapshot
goes out before more training.

The worker is driven directly in the test's thread (its slots called by hand), so that each slice
is one call and what it sent can be counted.
"""

from __future__ import annotations

import pytest
from builders import make_spec
from window_helpers import trained_epochs

from playground.ui.training import TrainingController
from playground.ui.training_worker import TrainingWorker
from playground.ui.worker_pacing import RateMeter


@pytest.fixture
def worker(qtbot):
    w = TrainingWorker()
    sent = []
    w.snapshot_made.connect(lambda snap, _eps: sent.append(snap))  # same thread: called at once
    w.load(make_spec("gauss", (4,), points=200), None, None, "float64", 1)
    assert len(sent) == 1  # the new run's picture, waiting for its acknowledgement
    w.play()
    w._timer.stop()  # the test runs each slice itself
    yield w, sent
    w._set_running(False)
    w.deleteLater()


def test_a_slice_sends_the_next_snapshot_once_the_count_says_the_last_was_drawn(worker):
    w, sent = worker
    w._clock.last -= 1.0  # the least gap between two snapshots has passed
    w._run_slice()
    assert len(sent) == 1  # not acknowledged yet: nothing more in flight
    w.interrupts.acknowledged = 1  # what the controller writes, before its queued acknowledgement arrives
    w._run_slice()
    assert len(sent) == 2  # and the next one waits again: snapshot 2 is not drawn yet
    w._clock.last -= 1.0
    w._run_slice()
    assert len(sent) == 2


def test_the_queued_acknowledgement_of_a_snapshot_already_answered_frees_nothing(worker):
    w, sent = worker
    w.interrupts.acknowledged = 1
    w._clock.last -= 1.0
    w._run_slice()  # the count answered snapshot 1; snapshot 2 is in flight
    assert len(sent) == 2
    w.acknowledge_upto(1)  # snapshot 1's queued acknowledgement, late
    w._clock.last -= 1.0
    w._run_slice()
    assert len(sent) == 2  # snapshot 2 is still not drawn


def test_a_due_snapshot_goes_out_before_more_training(worker):
    w, sent = worker
    w._run_slice()  # trains: the gap since the first picture has not passed
    epoch = w._trainer.epoch
    assert epoch > 0
    w.interrupts.acknowledged = 1
    w._clock.last -= 1.0
    w._run_slice()
    assert sent[-1].epoch == epoch  # sent at once, not after the slice's training


def test_rate_meter_measures_over_its_window():
    m = RateMeter(window=1.0)
    assert m.add(0.0, 0) == 0.0
    assert m.add(0.5, 100) == pytest.approx(200.0)
    assert m.add(3.0, 400) == pytest.approx(300 / 2.5)  # the oldest sample left the window
    assert m.add(3.5, 500) == pytest.approx(400 / 3.0)  # one sample at or before the window's start stays


def test_a_late_snapshot_keeps_the_pace_so_that_redraws_average_one_a_gap(worker, virtual_clock):
    """Training stops for a snapshot only between two kernel calls, so each one is a little late; the
    next is due one gap after the last was due, not after it went out, or the pace would slip below
    one snapshot a gap."""
    w, sent = worker
    gap = w._clock.gap
    t0 = virtual_clock.perf_counter()
    w._clock.last = t0 - gap - 0.005  # due 5 ms ago
    w.interrupts.acknowledged = 1
    w._run_slice()  # sends it at once (about t0), then trains to the slice's end
    assert len(sent) == 2
    virtual_clock.advance(t0 + gap - 0.002 - virtual_clock.perf_counter())  # one gap after it was due
    epoch = w._trainer.epoch
    w.interrupts.acknowledged = 2
    w._run_slice()
    assert len(sent) == 3 and sent[-1].epoch == epoch  # due already: sent before any more training


def test_the_controllers_acknowledgement_reaches_a_training_worker_without_its_queue(qtbot):
    """The count alone frees the next snapshot while training: the queued acknowledgement is only
    needed when the worker is idle (paused) and has to be woken."""
    ctl = TrainingController(auto_acknowledge=False)
    try:
        ctl._ack_requested.disconnect(ctl._worker.acknowledge_upto)  # the queued path cut
        snapshots = []
        ctl.snapshot_ready.connect(snapshots.append)
        ctl.load(make_spec("gauss", (4,), points=200))
        qtbot.waitUntil(lambda: len(snapshots) == 1, timeout=3000)
        ctl.play()
        qtbot.waitUntil(lambda: trained_epochs(ctl) >= 20, timeout=5000)
        ctl.acknowledge()
        qtbot.waitUntil(lambda: len(snapshots) == 2, timeout=3000)
        assert snapshots[-1].epoch > 0
    finally:
        ctl.shutdown()


def test_a_pictures_cost_is_the_workers_cpu_time_not_its_waits(worker, monkeypatch):
    """A picture that waits (for the GIL while the UI draws, or for a busy machine) but works for
    no longer keeps the least gap between snapshots and the resolution asked for."""
    import time

    from playground.ui.training_worker import SNAPSHOT_INTERVAL

    w, sent = worker
    picture = w._trainer.snapshot

    def waiting_picture(*args, **kwargs):
        time.sleep(0.05)  # waits: no CPU time
        return picture(*args, **kwargs)

    monkeypatch.setattr(w._trainer, "snapshot", waiting_picture)
    w.interrupts.acknowledged = 1
    w._clock.last -= 1.0
    w._run_slice()
    assert len(sent) == 2
    assert w._clock.gap == SNAPSHOT_INTERVAL  # 50 ms of wall clock would have made it 200 ms
    assert w._live_resolution.current is None  # and the next picture as fine as asked
