"""The most points the app allows: cheap to draw, and a dataset change does not freeze the window."""

from __future__ import annotations

import time

import numpy as np
from builders import largest_spec
from PySide6.QtCore import QTimer
from window_helpers import make_window, wait_snapshot

from playground.core.datasets import make_dataset
from playground.core.spec import MAX_POINTS, DataSpec
from playground.ui.widgets.boundary_view import POINTS_PER_TURN, BoundaryView


def _distinct(objects) -> int:
    return len({id(o) for o in objects})


def test_boundary_points_share_one_pen_and_brush_per_colour_at_the_most_points(qtbot):
    """pyqtgraph renders a symbol per distinct pen/brush object: one per point cost seconds
    and hundreds of megabytes at 100,000 points."""
    for spec in (DataSpec(name="blobs", points=MAX_POINTS, classes=8), DataSpec(name="plane", points=MAX_POINTS)):
        view = BoundaryView()
        qtbot.addWidget(view)
        view.resize(400, 400)
        view.show()
        view.set_show_test(True)
        data = make_dataset(spec)
        view._set_dataset(data)
        qtbot.waitUntil(lambda v=view: not v.drawing_points, timeout=20_000)  # a chunk per event-loop turn
        colours = 8 if data.problem == "classification" else 256  # classes, or steps of the colour scale
        assert len(view.train_points.data) + len(view.test_points.data) == MAX_POINTS
        assert _distinct(view.train_points.data["brush"]) <= colours
        assert _distinct(view.test_points.data["pen"]) <= colours
        view.repaint()
        assert len(view.train_points.fragmentAtlas) <= colours
        assert len(view.test_points.fragmentAtlas) <= colours


def test_the_most_points_are_drawn_a_chunk_per_event_loop_turn(qtbot):
    """100,000 points added at once would hold the event loop for a long turn: the first chunk is
    drawn now, the rest in later turns, until every point is there."""
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.show()
    view._set_dataset(make_dataset(DataSpec(name="spiral", points=MAX_POINTS)))
    first = len(view.train_points.data) + len(view.test_points.data)
    assert view.drawing_points and 0 < first <= POINTS_PER_TURN
    qtbot.waitUntil(lambda: not view.drawing_points, timeout=20_000)
    assert len(view.train_points.data) + len(view.test_points.data) > first


class Heartbeat:
    """A 10 ms timer on the UI thread that records the longest gap between its ticks in the UI thread's
    CPU time: the work of one event-loop turn, which a busy machine (giving the thread less of a
    core) does not lengthen as it does the wall-clock gap. (Waiting is not counted: the tests check
    on their own that the slow work runs on other threads.)"""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.thread_time()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> None:
        self.timer.stop()


def test_a_dataset_change_to_the_most_points_keeps_the_window_responsive(qtbot, tmp_path):
    """The points are made and the network rebuilt in the worker; the window draws them a chunk
    per event-loop turn. Its longest freeze stays well under a second (generous, for a loaded
    2-core machine: a turn is tens of milliseconds; drawing 100,000 points with a pen each, all
    at once, froze it for about 6 s)."""
    w = make_window(qtbot, tmp_path)
    try:
        beat = Heartbeat()
        w._on_data_changed(DataSpec(name="spiral", points=MAX_POINTS))
        snap = wait_snapshot(qtbot, w, lambda s: s.dataset.n_train + s.dataset.n_test == MAX_POINTS,
                             timeout=60_000)
        qtbot.waitUntil(lambda: w.boundary._dataset is snap.dataset and not w.boundary.drawing_points,
                        timeout=20_000)
        assert len(w.boundary.train_points.data) + len(w.boundary.test_points.data) == MAX_POINTS
        beat.stop()
        assert beat.longest < 1.0, f"the window froze for {beat.longest:.2f} s"
        assert np.isfinite(snap.train_loss)
    finally:
        w.close()


def test_the_app_refuses_a_network_over_the_work_budget_and_says_what_to_reduce(qtbot, tmp_path):
    from playground.core.spec import NetworkSpec
    w = make_window(qtbot, tmp_path)
    try:
        w._on_data_changed(DataSpec(name="spiral", points=MAX_POINTS))
        before = w.spec
        w._on_network_changed(NetworkSpec.uniform((256,) * 16, "tanh"))
        assert w.spec == before  # nothing changed
        note = w.status.currentMessage()
        assert "work budget" in note and "use at most" in note and "points" in note
    finally:
        w.close()


def test_importing_a_csv_of_the_most_points_reads_it_off_the_ui_thread(qtbot, tmp_path, win, monkeypatch):
    """The file is parsed on a thread of its own and the experiment built in the worker: the window
    is never frozen for long (generous bound), and the points arrive."""
    import threading

    from playground.ui import export_actions

    w, dialogs = win
    rng = np.random.default_rng(0)
    x = rng.uniform(-5, 5, (MAX_POINTS, 2))
    rows = [f"{a:.5f},{b:.5f},{int(a * b > 0)}" for a, b in x]
    (tmp_path / "big.csv").write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    readers: list[str] = []
    real = export_actions.read_csv

    def read_csv(*args, **kwargs):
        readers.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_actions, "read_csv", read_csv)
    dialogs.open_answers.append(str(tmp_path / "big.csv"))
    beat = Heartbeat()
    try:
        assert w.exports.import_data()
        wait_snapshot(qtbot, w, lambda s: s.dataset.name == "big.csv", timeout=60_000)
        qtbot.waitUntil(lambda: not w.boundary.drawing_points, timeout=20_000)
    finally:
        beat.stop()
    assert not dialogs.errors
    assert readers and readers[0] != threading.main_thread().name
    assert beat.longest < 1.0, f"the window froze for {beat.longest:.2f} s"


def test_closing_the_window_in_the_middle_of_a_huge_epoch_stops_it_within_a_piece(qtbot, tmp_path, worker_polls):
    """16 × 256 neurons with the points the work budget allows, batch size 1, Adam: an epoch
    takes tens of seconds; closing (what Ctrl-C in the terminal does) stops it after at most a
    short piece of work (the worker thread's CPU time, which a busy machine does not change) and
    joins the training thread (it froze the window 32 s, then Qt aborted the app)."""
    from playground.ui.training import live_worker_threads

    spec = largest_spec()
    w = make_window(qtbot, tmp_path, spec)
    w.controller.play()
    qtbot.waitUntil(lambda: w.controller.running, timeout=5000)
    qtbot.waitUntil(lambda: w.controller.last_snapshot.batches > 0, timeout=30_000)  # inside the first epoch
    assert w.controller.last_snapshot.epoch == 0
    training = worker_polls.mark()
    qtbot.waitUntil(lambda: len(worker_polls.since(training)) >= 2, timeout=30_000)
    assert w.close()
    assert worker_polls.longest_piece(training) < 1.0  # the close came between two such pieces
    assert not live_worker_threads()


def test_the_network_view_makes_only_the_drawn_links_of_16_by_256_neurons(qtbot):
    """A million links: only the few hundred that are drawn get a curve (making them all froze
    the window for 14 s on the first picture)."""
    from playground.core.spec import ExperimentSpec, NetworkSpec
    from playground.core.trainer import Trainer
    from playground.ui.widgets.network_view import NetworkView

    spec = ExperimentSpec(data=DataSpec(name="spiral", points=100), network=NetworkSpec.uniform((256,) * 16, "tanh"))
    snap = Trainer(spec).snapshot(grid_resolution=20)
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.show_snapshot(snap)
    view.finish_drawing()  # its links (drawn in a later turn of the event loop) now
    links = sum(w.size for w in snap.weights)
    assert links > 900_000
    assert 0 < len(view.links._paths) < 10_000
