"""A snapshot that comes right after a throttled drawing is shown once the timers have had their pass;
no drawing or step comes in the pass that shows a snapshot."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from window_helpers import make_window, settle, wait_snapshot

from playground.ui.snapshot_turn import SnapshotTurn
from playground.ui.widgets import draw_steps
from playground.ui.widgets.draw_steps import DrawStep
from playground.ui.widgets.plot_style import FRAME_GAP, DrawTurns, Throttle

_OWNER = QObject()  # the timers' parent, alive for the whole module


def _spin(times: int = 5) -> None:
    for _ in range(times):
        QApplication.processEvents()


def _turn(shown: list) -> tuple[DrawTurns, SnapshotTurn]:
    turns = DrawTurns(gap=0.025)
    return turns, SnapshotTurn(turns, shown.append, _OWNER)


def test_a_snapshot_with_no_drawing_before_it_is_shown_at_once(qtbot):
    shown: list = []
    turns, turn = _turn(shown)
    turn.offer("a")
    assert shown == ["a"]
    turns.drawing_ended(0.0)
    qtbot.waitUntil(lambda: not turn.drawn, timeout=2000)  # the timers have had their pass since
    turn.offer("b")
    assert shown == ["a", "b"]


def test_a_snapshot_right_after_a_drawing_waits_for_the_timers_pass(qtbot):
    shown: list = []
    turns, turn = _turn(shown)
    turns.drawing_ended(0.0)  # a throttled view drew: its layout and paint are queued
    turn.offer("a")
    assert shown == []  # not in this pass
    turn.offer("b")  # a newer one while held replaces it
    qtbot.waitUntil(lambda: shown == ["b"], timeout=2000)
    _spin()
    assert shown == ["b"]  # shown once


def test_a_drawing_in_the_same_pass_as_the_held_snapshot_goes_first(qtbot):
    shown: list = []
    turns, turn = _turn(shown)
    turns.drawing_ended(0.0)
    turn.offer("a")
    turn._on_timers_pass()  # the timers' pass came ...
    turns.drawing_ended(0.0)  # ... and a throttled view drew in it, before the held snapshot's timer
    turn._on_timer()
    assert shown == [] and turn.drawn  # after the next pass of the timers
    qtbot.waitUntil(lambda: shown == ["a"], timeout=2000)


def test_no_throttled_draw_or_step_in_the_pass_that_shows_a_snapshot(qtbot, view_clock, monkeypatch):
    monkeypatch.setattr(draw_steps, "time", view_clock)
    shown: list = []
    turns, turn = _turn(shown)
    drawn: list[str] = []
    throttle = Throttle(lambda _v: drawn.append("draw"), 100, _OWNER)
    throttle.turns = turns
    step = DrawStep(lambda: drawn.append("step"), lambda: turns, _OWNER)
    turn.offer("a")  # the window shows a snapshot
    throttle("x")
    step.start()
    view_clock.advance(FRAME_GAP / 2)
    _spin()
    assert shown == ["a"] and drawn == []
    view_clock.advance(FRAME_GAP)
    qtbot.waitUntil(lambda: len(drawn) == 1, timeout=2000)  # one now, the other its own gap later
    view_clock.advance(turns.gap)
    qtbot.waitUntil(lambda: sorted(drawn) == ["draw", "step"], timeout=2000)


def test_the_window_shows_a_snapshot_after_a_drawing_once_the_timers_had_their_pass(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path)
    try:
        settle(qtbot, w)
        turn = w.snapshot_turn
        assert turn.turns is w.loss_plot.throttle.turns  # the throttled views' turns
        seen: list[tuple[str, int]] = []
        original = w._show_snapshot
        monkeypatch.setattr(turn, "_show", lambda s: (seen.append(("shown", s.epoch)), original(s)))
        w.session.snapshot_ready.connect(lambda s: seen.append(("arrived", s.epoch)))
        turn._timers_pass.stop()  # one started by an earlier drawing
        monkeypatch.setattr(turn._timers_pass, "start", lambda: None)  # the timers' pass never comes ...
        turn._on_drawing_ended()  # ... after this drawing
        shown_epoch_0 = w.transport.epoch_label.text()
        w.controller.step_epoch()
        wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
        _spin()
        assert seen == [("arrived", 1)] and w.transport.epoch_label.text() == shown_epoch_0  # held: not shown
        turn._on_timers_pass()  # now it comes
        qtbot.waitUntil(lambda: ("shown", 1) in seen, timeout=2000)
        settle(qtbot, w)  # shown, painted and acknowledged
        assert w.transport.epoch_label.text() != shown_epoch_0
    finally:
        w.setWindowModified(False)
        w.close()

