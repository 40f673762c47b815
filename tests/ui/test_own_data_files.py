"""Own data in the window: a dropped CSV is imported (bad ones change nothing), no generated
dataset looks chosen afterwards, and the Data panel proposes and applies input scaling."""

from __future__ import annotations

from builders import hundred_csv_text
from file_helpers import same_arrays, weights_of
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from window_helpers import wait_snapshot

from playground.core.input_scaling import SCALINGS


def _drop(w, path) -> tuple[bool, bool]:
    """Drag ``path`` over the window and drop it, as Qt would pass the events to its filters:
    (whether the drag was accepted, whether the drop was handled)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(5, 5), *args)
    entered = w.csv_drop.eventFilter(w, enter) and enter.isAccepted()
    return entered, w.csv_drop.eventFilter(w, QDropEvent(QPointF(5, 5), *args))


def _hundred(tmp_path):
    path = tmp_path / "hundred.csv"
    path.write_text(hundred_csv_text(), encoding="utf-8")
    return path


def test_a_dropped_csv_is_imported_and_no_thumbnail_looks_chosen(qtbot, tmp_path, win):
    w, dialogs = win
    panel = w.experiment.data
    assert panel.picker.checkedButton() is not None  # the generated dataset's picture is chosen
    assert _drop(w, _hundred(tmp_path)) == (True, True)
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.name == "hundred.csv")
    assert s.dataset.n_train + s.dataset.n_test == 200 and not dialogs.errors
    assert panel.picker.checkedButton() is None
    assert not any(b.isChecked() for b in panel.picker.buttons())


def test_a_bad_dropped_csv_keeps_the_data_and_says_why(qtbot, tmp_path, win):
    w, dialogs = win
    before = w.controller.last_snapshot.dataset
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n3,1_000,1\n", encoding="utf-8")
    assert _drop(w, bad) == (True, True)
    assert len(dialogs.errors) == 1 and "bad.csv" in dialogs.errors[0][1] and "line 3" in dialogs.errors[0][1]
    w.step_action.trigger()  # the worker still trains on the points it had
    s = wait_snapshot(qtbot, w, lambda s: s.epoch >= 1)
    assert s.dataset.same_points(before) and w.spec.data.name == "gauss"
    assert _drop(w, tmp_path / "weights.npz") == (False, False)  # other files are left to other drops


def test_far_data_proposes_scaling_and_choosing_it_keeps_the_points(qtbot, tmp_path, win):
    w, _ = win
    panel = w.experiment.data
    assert panel.scale_advice.isHidden()
    assert _drop(w, _hundred(tmp_path))[1]
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.name == "hundred.csv")
    qtbot.waitUntil(lambda: not panel.scale_advice.isHidden())
    assert "Standardise" in panel.scale_advice.text()
    points = s.dataset
    w.step_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
    before = w.controller.fetch("checkpoint")
    panel.scale.setCurrentIndex(SCALINGS.index("standard"))
    s = wait_snapshot(qtbot, w, lambda s: s.spec.data.scale == "standard")
    assert s.dataset.same_points(points) and s.epoch == 0  # the same points, a new run
    assert len(w.session.runs) == 1 and w.session.undo_stack.undoText() == "input scaling changed"
    assert not same_arrays(weights_of(w), dict(before.weights))  # every weight drawn anew
    qtbot.waitUntil(lambda: panel.scale_advice.isHidden())
    # Undo puts the unscaled run back exactly, on the same imported points.
    w.session.undo_stack.undo()
    s = wait_snapshot(qtbot, w, lambda s: s.spec.data.scale == "none")
    after = w.controller.fetch("checkpoint")
    assert after.spec == before.spec and after.dataset.same_points(points) and s.epoch == 1
    assert same_arrays(dict(after.weights), dict(before.weights))
    assert panel.scale.currentData() == "none"
    w.session.undo_stack.redo()
    s = wait_snapshot(qtbot, w, lambda s: s.spec.data.scale == "standard")
    assert s.dataset.same_points(points)
