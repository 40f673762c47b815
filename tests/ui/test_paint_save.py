"""Save keeps drawn points that cannot be trained on yet (one class only): the file carries them beside the
run, and opening it shows them and says what they miss before Play."""

from __future__ import annotations

import json

from file_helpers import close_quietly, file_window
from test_paint import _stroke
from window_helpers import settle

from playground.ui import crash_recovery
from playground.ui.file_actions import read_project


def test_drawn_points_not_trainable_yet_are_saved_and_reopened_as_drawn(qtbot, tmp_path, win):
    w, dialogs = win
    settle(qtbot, w)
    w.experiment.data.blank_button.click()  # a blank plane: nothing trainable yet
    w.paint.bar.class_buttons[1].click()
    for x in (-2.0, 1.0, 2.5):
        _stroke(w, [(x, 0.5)])
    drawn = w.paint.points
    assert len(drawn) == 3 and w.paint.play_blocked()  # one class only
    path = tmp_path / "drawn.playground.json"
    dialogs.save_answers.append((str(path), ""))
    assert w.files.save_as(), dialogs.errors
    assert "drawn points too" in w.statusBar().currentMessage()
    doc = json.loads(path.read_text())
    assert doc["drawing"]["y"] == [1, 1, 1]  # what the person drew, beside the last trainable run
    other, other_dialogs = file_window(qtbot, tmp_path, name="other.ini")
    try:
        assert other.files.open(str(path)), other_dialogs.errors
        settle(qtbot, other)
        got = other.paint.points
        assert got.x.tolist() == drawn.x.tolist() and got.y.tolist() == [1, 1, 1]
        missing = other.paint.play_blocked()
        assert missing and "Draw at least" in missing
        assert missing in other.statusBar().currentMessage()
        other.play_action.trigger()  # Play says what is missing instead of training
        assert not other.controller.running and missing in other.banner.text
        assert not other.isWindowModified()
    finally:
        close_quietly(other, other_dialogs)


def test_the_recovery_file_keeps_drawn_points_not_trainable_yet(qtbot, tmp_path, win):
    w, _ = win
    settle(qtbot, w)
    w.experiment.data.blank_button.click()
    _stroke(w, [(1.0, 1.0)])  # one point: not trainable yet
    recovery = crash_recovery.install(w, tmp_path / "recovery.playground.json")
    assert recovery.save() is None  # as after a crash
    drawing = read_project(recovery.path).drawing
    assert drawing is not None and drawing.x.tolist() == w.paint.points.x.tolist()
