"""The training worker and its controller, without the main window."""

from __future__ import annotations

import numpy as np
import pytest
from builders import diverging_spec, largest_spec, make_spec
from window_helpers import trained_epochs

from playground.core.spec import ExperimentSpec, OptimizerSpec, TrainingSpec
from playground.ui.training import TrainingController, live_worker_threads
from playground.ui.training_worker import SNAPSHOT_INTERVAL


def _spec(name: str = "gauss", hidden=(4,), act: str = "tanh", lr: float = 0.03,
          points: int = 200) -> ExperimentSpec:
    return make_spec(name, hidden, act, lr=lr, points=points)


class Recorder:
    """Collects the controller's relayed signals."""

    def __init__(self, ctl: TrainingController) -> None:
        self.snapshots = []
        self.failures: list[str] = []
        self.stops: list[str] = []
        ctl.snapshot_ready.connect(self.snapshots.append)
        ctl.failed.connect(self.failures.append)
        ctl.stopped.connect(self.stops.append)

    @property
    def last(self):
        return self.snapshots[-1]


@pytest.fixture
def ctl(qtbot):
    c = TrainingController(auto_acknowledge=True)
    yield c
    c.shutdown()


def _wait_for(qtbot, rec: Recorder, cond, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: bool(rec.snapshots) and cond(rec.last), timeout=timeout)


def test_load_sends_epoch_zero_snapshot(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec())
    _wait_for(qtbot, rec, lambda s: s.generation == ctl.generation)
    s = rec.last
    assert s.epoch == 0 and s.grid is not None and s.grid.resolution == 100
    assert not ctl.running


def test_play_trains_and_pause_stops(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec())
    _wait_for(qtbot, rec, lambda s: True)
    first_loss = rec.last.train_loss
    with qtbot.waitSignal(ctl.running_changed, timeout=2000):
        ctl.play()
    _wait_for(qtbot, rec, lambda s: s.epoch >= 50)
    assert rec.last.train_loss < first_loss
    with qtbot.waitSignal(ctl.running_changed, timeout=2000):
        ctl.pause()
    epoch = trained_epochs(ctl)  # after the pause: the forced pause snapshot has arrived too
    assert rec.last.epoch == epoch
    ctl.step_epoch()  # a paused worker trains exactly this one epoch more
    _wait_for(qtbot, rec, lambda s: s.epoch > epoch)
    assert rec.last.epoch == trained_epochs(ctl) == epoch + 1
    assert not ctl.running


def test_snapshots_are_throttled_while_running(qtbot, ctl, virtual_clock):
    rec = Recorder(ctl)
    ctl.load(_spec(hidden=(2,)))
    _wait_for(qtbot, rec, lambda s: True)
    start = virtual_clock.perf_counter()
    ctl.play()
    _wait_for(qtbot, rec, lambda s: s.epoch >= 300, timeout=20_000)
    ctl.pause()
    elapsed = virtual_clock.perf_counter() - start
    epochs = trained_epochs(ctl)
    n = len(rec.snapshots)
    assert n <= elapsed / SNAPSHOT_INTERVAL + 3  # one per interval of the worker's clock, plus forced ones
    assert epochs > 2 * n  # many epochs per snapshot: training is decoupled from drawing


def test_unacknowledged_snapshot_blocks_the_next(qtbot):
    ctl = TrainingController(auto_acknowledge=False)
    try:
        rec = Recorder(ctl)
        ctl.load(_spec())
        qtbot.waitUntil(lambda: len(rec.snapshots) == 1, timeout=3000)
        ctl.play()
        qtbot.waitUntil(lambda: trained_epochs(ctl) >= 20, timeout=5000)  # many snapshots would be due
        assert len(rec.snapshots) == 1
        ctl.acknowledge()
        qtbot.waitUntil(lambda: len(rec.snapshots) == 2, timeout=3000)
        assert rec.last.epoch > 0
    finally:
        ctl.shutdown()


def test_step_epoch_and_step_batch(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec(points=100))  # 50 training points: 5 batches of 10
    _wait_for(qtbot, rec, lambda s: True)
    ctl.step_epoch()
    _wait_for(qtbot, rec, lambda s: s.epoch == 1)
    assert rec.last.batches == 5
    ctl.step_batch()
    _wait_for(qtbot, rec, lambda s: s.batches == 6)
    assert rec.last.epoch == 1
    ctl.step_epoch()  # completes the started epoch
    _wait_for(qtbot, rec, lambda s: s.epoch == 2)
    assert rec.last.batches == 10


def test_reset_drops_stale_snapshots_and_draws_new_weights(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec())
    _wait_for(qtbot, rec, lambda s: True)
    w0 = rec.last.weights[0].copy()
    ctl.play()
    _wait_for(qtbot, rec, lambda s: s.epoch > 20)
    ctl.reset()
    gen = ctl.generation
    _wait_for(qtbot, rec, lambda s: s.generation == gen)
    assert trained_epochs(ctl) == 0  # everything the worker sent before this answer has arrived
    assert rec.last.generation == gen and rec.last.epoch == 0
    assert not ctl.running
    assert not np.array_equal(rec.last.weights[0], w0)


def test_set_training_applies_live_and_keeps_weights(qtbot, ctl):
    rec = Recorder(ctl)
    spec = _spec()
    ctl.load(spec)
    _wait_for(qtbot, rec, lambda s: True)
    ctl.step_epoch()
    _wait_for(qtbot, rec, lambda s: s.epoch == 1)
    w = rec.last.weights[0].copy()
    ctl.set_training(TrainingSpec(optimizer=OptimizerSpec(learning_rate=0.3), batch_size=5))
    _wait_for(qtbot, rec, lambda s: s.spec.training.optimizer.learning_rate == 0.3)
    assert rec.last.epoch == 1
    np.testing.assert_array_equal(rec.last.weights[0], w)


def test_divergence_fails_pauses_and_keeps_finite_weights(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(diverging_spec())
    _wait_for(qtbot, rec, lambda s: True)
    with qtbot.waitSignal(ctl.failed, timeout=3000) as blocker:
        ctl.play()
    assert "NaN" in blocker.args[0] or "infinite" in blocker.args[0]
    qtbot.waitUntil(lambda: not ctl.running, timeout=2000)
    trained_epochs(ctl)  # the snapshot sent with the failure has arrived
    assert all(np.isfinite(w).all() for w in rec.last.weights)


def test_stop_after_epochs_and_target_loss(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec())
    _wait_for(qtbot, rec, lambda s: True)
    ctl.set_stop_conditions(25, None)
    with qtbot.waitSignal(ctl.stopped, timeout=5000) as blocker:
        ctl.play()
    assert "25 epochs" in blocker.args[0]
    _wait_for(qtbot, rec, lambda s: s.epoch == 25)
    with qtbot.waitSignal(ctl.stopped, timeout=2000):
        ctl.play()  # already at the limit: says so instead of running
    ctl.set_stop_conditions(None, 10.0)  # any loss is below 10
    with qtbot.waitSignal(ctl.stopped, timeout=2000) as blocker:
        ctl.play()
    assert "below the target" in blocker.args[0]
    with pytest.raises(ValueError, match="N >= 1"):
        ctl.set_stop_conditions(0, None)


def test_paced_speed(qtbot, ctl, virtual_clock):
    """At 20 epochs a second of the worker's clock: one epoch at once, then one per 0.05 s."""
    rec = Recorder(ctl)
    ctl.load(_spec())
    _wait_for(qtbot, rec, lambda s: True)
    ctl.set_speed(20)
    ctl.play()
    qtbot.waitUntil(lambda: trained_epochs(ctl) == 1, timeout=5000)
    reads = virtual_clock.reads
    qtbot.waitUntil(lambda: virtual_clock.reads > reads + 5, timeout=5000)  # it looked at the clock again
    assert trained_epochs(ctl) == 1
    for expected in (2, 3, 4):
        virtual_clock.advance(0.05)
        qtbot.waitUntil(lambda e=expected: trained_epochs(ctl) == e, timeout=5000)
    ctl.pause()
    _wait_for(qtbot, rec, lambda s: not ctl.running and s.epoch == trained_epochs(ctl))
    assert rec.last.epoch == 4
    with pytest.raises(ValueError, match="speed"):
        ctl.set_speed(-1)


def test_grid_resolution(qtbot, ctl):
    rec = Recorder(ctl)
    ctl.load(_spec())
    ctl.set_grid_resolution(50)
    _wait_for(qtbot, rec, lambda s: s.grid.resolution == 50)
    with pytest.raises(ValueError, match="50 to 400"):
        ctl.set_grid_resolution(10)


def test_bad_spec_for_engine_fails_clearly(qtbot, ctl):
    from playground.core.dataset import Dataset
    reg = Dataset(np.zeros((4, 2)), np.zeros(4), np.zeros((2, 2)), np.zeros(2), "regression", 0)
    with qtbot.waitSignal(ctl.failed, timeout=2000) as blocker:
        ctl.load(ExperimentSpec(training=TrainingSpec(loss="bce")), reg)
    assert "could not build" in blocker.args[0]


def test_shutdown_while_training_stops_the_thread(qtbot):
    ctl = TrainingController(auto_acknowledge=True)
    ctl.load(_spec(hidden=(8, 8)))
    ctl.play()
    qtbot.waitUntil(lambda: ctl.running, timeout=2000)
    assert ctl.shutdown(timeout=1.0)
    assert ctl.is_shut_down and not ctl.running
    assert not live_worker_threads()


# ---------------------------------------------------------------- the largest allowed settings


#: The most CPU time the worker may spend on one piece of work between polls of its flags (so that a
#: pause or a close is answered within it); generous: a piece is tens of milliseconds.
PIECE_CPU = 1.0


@pytest.mark.parametrize("hidden", [(256,) * 16, (48,) * 8], ids=["16x256", "8x48-max-points"])
def test_pause_save_and_close_answer_within_a_piece_of_a_huge_epoch(qtbot, hidden, worker_polls):
    """16 × 256 neurons (with the points the budget allows) and the most points (with a network
    the budget allows), batch size 1: an epoch takes many seconds, yet pause and close stop it
    in the middle, after at most a short piece of work (measured in the worker thread's CPU time,
    so a busy machine does not change it), and save does not wait for the epoch to end."""
    from playground.core.spec import MAX_POINTS
    spec = largest_spec(hidden)
    if hidden == (48,) * 8:
        assert spec.data.points == MAX_POINTS
    ctl = TrainingController(auto_acknowledge=True)
    try:
        rec = Recorder(ctl)
        ctl.load(spec)
        _wait_for(qtbot, rec, lambda s: s.generation == ctl.generation, timeout=60_000)
        with qtbot.waitSignal(ctl.running_changed, timeout=10_000):
            ctl.play()
        # Training has started its first epoch (it lasts seconds): pause stops it in the middle.
        playing = worker_polls.mark()
        qtbot.waitUntil(lambda: len(worker_polls.since(playing)) >= 3, timeout=30_000)  # pieces of it ran
        with qtbot.waitSignal(ctl.running_changed, timeout=30_000):
            ctl.pause()
        paused = worker_polls.mark()
        assert not ctl.running and rec.last.epoch == 0  # stopped in the middle of the epoch
        assert worker_polls.longest_piece(playing, paused) < PIECE_CPU
        ctl.play()
        qtbot.waitUntil(lambda: ctl.running, timeout=10_000)
        qtbot.waitUntil(lambda: rec.last.batches > 0, timeout=60_000)  # mid-epoch snapshots arrive
        # Save is answered in the middle of the epoch, with the batches done so far (writing a
        # million parameters as text takes seconds of its own: no bound here).
        payload = ctl.fetch("project", timeout=60)
        assert payload.epoch == 0 and payload.batches > 0
        training = worker_polls.mark()
        qtbot.waitUntil(lambda: len(worker_polls.since(training)) >= 2, timeout=30_000)  # training again
    finally:
        assert ctl.shutdown(timeout=30.0)  # joined, in the middle of the epoch
    assert worker_polls.longest_piece(training) < PIECE_CPU
    assert not live_worker_threads()


def test_a_load_still_queued_when_closing_is_skipped(qtbot):
    """Closing sets the stop flag before the queued shutdown: a big experiment still waiting to be
    built (the most points at batch size 1 take a second or more) is not built then."""
    from playground.ui.training_worker import TrainingWorker

    worker = TrainingWorker()  # its slots called directly, on this thread
    made = []
    worker.snapshot_made.connect(lambda snap, eps: made.append(snap))
    worker.interrupts.stop.set()
    worker.load(largest_spec((48,) * 8), None, None, "float64", 1)
    assert worker._trainer is None and not made  # not built (a time bound would fail on a busy machine)
    worker.interrupts.stop.clear()
    worker.load(_spec(), None, None, "float64", 1)  # without the flag it builds as before
    assert worker._trainer is not None and made


def test_a_slow_picture_is_drawn_coarser_while_training_and_as_asked_when_paused(qtbot, monkeypatch):
    from playground.core import live_resolution
    monkeypatch.setattr(live_resolution, "LIVE_REDRAWS", 1e9)  # every picture is too slow: down to the floor
    ctl = TrainingController(auto_acknowledge=True)
    try:
        rec = Recorder(ctl)
        ctl.load(_spec())
        _wait_for(qtbot, rec, lambda s: s.grid is not None and s.grid.resolution == 100)  # paused: as asked
        ctl.play()
        _wait_for(qtbot, rec, lambda s: s.grid.resolution == live_resolution.LIVE_FLOOR)
        with qtbot.waitSignal(ctl.running_changed, timeout=2000):
            ctl.pause()
        _wait_for(qtbot, rec, lambda s: s.epoch == trained_epochs(ctl) and s.grid.resolution == 100)
    finally:
        ctl.shutdown()
