"""A snapshot that comes right after a throttled drawing is shown in a later turn of the event loop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from window_helpers import make_window, settle, wait_snapshot

from playground.ui import snapshot_turn
from playground.ui.snapshot_turn import AGAIN, SnapshotTurn
from playground.ui.widgets import draw_steps, plot_style
from playground.ui.widgets.plot_style import DrawTurns


@pytest.fixture
def clock(stopped_clock):
    return stopped_clock(snapshot_turn)


def _spin(times: int = 5) -> None:
    for _ in range(times):
        QApplication.processEvents()


_OWNER = QObject()  # the turns' timers' parent, alive for the whole module


def _turn(shown: list) -> tuple[DrawTurns, SnapshotTurn]:
    turns = DrawTurns(gap=0.025)
    return turns, SnapshotTurn(turns, shown.append, _OWNER)


def test_a_snapshot_long_after_the_last_drawing_is_shown_at_once(qtbot, clock):
    shown: list = []
    turns, turn = _turn(shown)
    assert turn.later("a") is False  # nothing drawn yet
    turns.last = clock.monotonic() - turns.gap - 0.001
    assert turn.later("b") is False
    _spin()
    assert shown == []  # the caller shows it: nothing is held


def test_a_snapshot_right_after_a_drawing_waits_for_a_later_turn(qtbot, clock):
    shown: list = []
    turns, turn = _turn(shown)
    turns.last = clock.monotonic() - 0.010  # a throttled view drew 10 ms ago: its paint may be under way
    assert turn.later("a") is True
    assert shown == []  # not in this turn
    assert turn.later("b") is True  # a newer one while held replaces it
    clock.advance(0.001)
    qtbot.waitUntil(lambda: shown == ["b"], timeout=2000)
    _spin()
    assert shown == ["b"]  # shown once


def test_a_held_snapshot_lets_a_drawing_due_in_the_same_pass_go_first_then_comes(qtbot, clock):
    shown: list = []
    turns, turn = _turn(shown)
    turns.last = clock.monotonic()
    assert turn.later("a") is True
    _spin()
    assert shown == []  # its timer came right after a drawing (the clock stands still): one more turn
    clock.advance(2 * AGAIN)
    qtbot.waitUntil(lambda: shown == ["a"], timeout=2000)


def test_the_window_shows_a_snapshot_after_a_fresh_drawing_in_a_later_turn(qtbot, tmp_path, monkeypatch, stopped_clock):
    w = make_window(qtbot, tmp_path)
    try:
        settle(qtbot, w)
        turns = w.snapshot_turn.turns
        assert turns is w.loss_plot.throttle.turns  # the throttled views' turns
        seen: list[tuple[str, int]] = []
        original = w._show_snapshot
        monkeypatch.setattr(w.snapshot_turn, "_show", lambda s: (seen.append(("later", s.epoch)), original(s)))
        w.session.snapshot_ready.connect(lambda s: seen.append(("arrived", s.epoch)))
        clock = stopped_clock(snapshot_turn)  # the held snapshot's clock stands still until the test moves it
        for module in (plot_style, draw_steps):  # and is every drawing's clock
            monkeypatch.setattr(module, "time", clock)
        turns.last = clock.monotonic()  # as if a throttled view had just drawn
        shown_epoch_0 = w.transport.epoch_label.text()
        w.controller.step_epoch()
        wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
        _spin()
        assert seen == [("arrived", 1)] and w.transport.epoch_label.text() == shown_epoch_0  # held: not shown yet
        clock.advance(1.0)  # the drawing's turn is over
        qtbot.waitUntil(lambda: ("later", 1) in seen, timeout=2000)
        settle(qtbot, w)  # shown, painted and acknowledged
        assert w.transport.epoch_label.text() != shown_epoch_0
    finally:
        w.setWindowModified(False)
        w.close()
