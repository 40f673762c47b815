"""Save keeps drawn points that cannot be trained on yet (one class only): the file carries them beside the
run, and opening it shows them and says what they miss before Play."""

from __future__ import annotations

import json

import numpy as np
from test_app import _isolated_settings
from test_paint import _stroke
from window_helpers import easy_spec, settle, wait_snapshot

from playground.core.io.project import MAX_FILE_BYTES, dumps_project
from playground.core.io.project_drawing import with_drawing
from playground.core.painted_data import PaintedPoints
from playground.core.spec import DataSpec
from playground.core.trainer import Trainer
from playground.ui import crash_recovery
from playground.ui.app import open_window
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
    w.session.set_data(DataSpec(name="xor", points=100))  # other points: the drawing is gone from the view
    wait_snapshot(qtbot, w, lambda s: s.spec.data.name == "xor")
    qtbot.waitUntil(lambda: len(w.paint.points) == 100 and w.paint.play_blocked() is None)
    dialogs.change_answers.append("discard")  # the xor run is not kept
    assert w.files.open(str(path)), dialogs.errors
    settle(qtbot, w)
    got = w.paint.points
    assert got.x.tolist() == drawn.x.tolist() and got.y.tolist() == [1, 1, 1]
    missing = w.paint.play_blocked()
    assert missing and "Draw at least" in missing
    assert "cannot be trained on yet" in w.statusBar().currentMessage() and missing in w.banner.text
    w.play_action.trigger()  # Play says what is missing instead of training
    assert not w.controller.running and missing in w.banner.text
    assert not w.isWindowModified()


def test_the_recovery_file_keeps_drawn_points_not_trainable_yet(qtbot, tmp_path, win):
    w, _ = win
    settle(qtbot, w)
    w.experiment.data.blank_button.click()
    _stroke(w, [(1.0, 1.0)])  # one point: not trainable yet
    recovery = crash_recovery.install(w, tmp_path / "recovery.playground.json")
    assert recovery.save() is None  # as after a crash
    drawing = read_project(recovery.path).drawing
    assert drawing is not None and drawing.x.tolist() == w.paint.points.x.tolist()


def test_a_file_with_a_drawing_opened_from_the_command_line_shows_it(qtbot, tmp_path):
    _isolated_settings(tmp_path)
    trainer = Trainer(easy_spec())
    trainer.train(2)
    drawn = PaintedPoints(np.array([[-2.0, 1.0], [1.0, -1.0]]), np.array([0, 0]), np.array([True, False]))
    path = tmp_path / "drawn.playground.json"
    path.write_text(with_drawing(dumps_project(trainer), drawn, MAX_FILE_BYTES))
    w, note = open_window(str(path))
    try:
        w.show()
        settle(qtbot, w)
        assert w.paint.points.x.tolist() == drawn.x.tolist() and "cannot be trained on yet" in note
        assert w.paint.draw_action.isChecked() and w.paint.overlay.isVisible()  # the plane shows them
        assert w.paint.play_blocked() in w.banner.text and not w.isWindowModified()
    finally:
        w.close()
