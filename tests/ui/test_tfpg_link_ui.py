"""File > Open TensorFlow Playground link… and Copy as TensorFlow Playground link."""

from __future__ import annotations

import numpy as np
from file_helpers import weights_of
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from tfpg_fixtures import page_links
from window_helpers import wait_snapshot

from playground.core.tfpg_link import PAGE_URL

CIRCLE, SPIRAL = page_links()[0], page_links()[9]


def _open(qtbot, w, dialogs, link):
    dialogs.change_answers.append("discard")  # the window's own experiment may count as changed
    dialogs.text_answers.append(link)
    w.links.open_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.generation == w.controller.generation and s.epoch == 0)


def test_a_link_opens_with_the_pages_points_weights_and_view(qtbot, win):
    w, dialogs = win
    _open(qtbot, w, dialogs, PAGE_URL + "#" + SPIRAL["link"] + "&showTestData=true&foo=1")
    assert w.spec.data.page_seed == "0.6" and w.spec.features == ("x1", "x2", "sin_x1", "sin_x2")
    weights = weights_of(w)
    for name, expected in SPIRAL["weights"].items():
        assert np.array_equal(weights[name], np.array(expected).reshape(weights[name].shape)), name
    assert w.show_test_action.isChecked() and not w.discretize_action.isChecked()
    assert "ignored key(s) the page does not know: foo" in w.status.currentMessage()
    assert dialogs.errors == []


def test_a_bad_link_gets_an_error_and_changes_nothing(qtbot, win):
    w, dialogs = win
    before = w.spec
    dialogs.text_answers.append("#dataset=moons&seed=1")
    w.links.open_action.trigger()
    assert dialogs.errors == [("Cannot open the link", "dataset: must be one of circle, xor, gauss, spiral, "
                                                       "got 'moons'")]
    assert w.spec == before


def test_copy_gives_the_link_the_page_wrote(qtbot, win):
    w, dialogs = win
    _open(qtbot, w, dialogs, CIRCLE["link"])
    w.links.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == PAGE_URL + "#" + CIRCLE["page_link"]
    assert w.status.currentMessage() == "Copied the TensorFlow Playground link"  # exactly what the page opens
    w.reset_action.trigger()  # the page's next weights: its link opens with the first ones
    wait_snapshot(qtbot, w, lambda s: s.generation == w.controller.generation and s.epoch == 0)
    w.links.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == PAGE_URL + "#" + CIRCLE["page_link"]
    assert "its own initial weights for this seed, not the ones shown" in w.status.currentMessage()


def test_copy_names_what_the_page_cannot_show(qtbot, win):
    w, dialogs = win
    w._try_spec("test", data=w.spec.data.__class__(name="moons"))
    w.links.copy_action.trigger()
    assert len(dialogs.errors) == 1 and "dataset moons" in dialogs.errors[0][1]


def test_a_dropped_link_opens(qtbot, win):
    w, dialogs = win
    mime = QMimeData()
    mime.setText(PAGE_URL + "#" + CIRCLE["link"])
    args = (QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(5, 5), *args[1:])
    # Qt delivers drag events only during a real drag, so the window's filter gets them as Qt would pass them.
    assert w.links.eventFilter(w, enter) and enter.isAccepted()
    dialogs.change_answers.append("discard")
    drop = QDropEvent(*args)
    assert w.links.eventFilter(w, drop)
    wait_snapshot(qtbot, w, lambda s: s.generation == w.controller.generation and s.epoch == 0)
    assert w.spec.data.page_seed == "0.12345"


def test_other_drops_are_left_alone(win):
    w, _ = win
    mime = QMimeData()
    mime.setText("https://example.org/#seed=1")
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    assert not w.links.eventFilter(w, drop)


def test_ctrl_v_on_the_window_opens_the_link_on_the_clipboard(qtbot, win):
    w, dialogs = win
    dialogs.change_answers.append("discard")
    QGuiApplication.clipboard().setText(PAGE_URL + "#" + SPIRAL["link"])
    w.activateWindow()
    w.setFocus()
    QTest.keyClick(w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_snapshot(qtbot, w, lambda s: s.generation == w.controller.generation and s.epoch == 0)
    assert w.spec.data.page_seed == "0.6" and dialogs.errors == []


def test_ctrl_v_in_a_text_field_pastes_there_and_opens_nothing(qtbot, win):
    w, _ = win
    before = w.spec
    QGuiApplication.clipboard().setText(PAGE_URL + "#" + SPIRAL["link"])
    field = QLineEdit(w)
    field.show()
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == PAGE_URL + "#" + SPIRAL["link"] and w.spec == before


def test_pasting_something_else_says_so_and_changes_nothing(win):
    w, dialogs = win
    before = w.spec
    QGuiApplication.clipboard().setText("hello")
    w.links.paste_action.trigger()
    assert w.spec == before and dialogs.errors == []
    assert "no TensorFlow Playground link" in w.status.currentMessage()


def test_a_saved_link_experiment_keeps_its_link(qtbot, tmp_path, win):
    w, dialogs = win
    assert not w.links.origin.isVisibleTo(w)
    link = PAGE_URL + "#" + SPIRAL["link"]
    _open(qtbot, w, dialogs, link)
    assert w.spec.source_link == link
    assert w.links.origin.isVisibleTo(w) and link in w.links.origin.toolTip()
    w._try_spec("test", training=w.spec.training.__class__(loss="mse", batch_size=5, shuffle=False))
    assert w.spec.source_link == link  # an edit keeps where the experiment came from
    dialogs.save_answers.append((str(tmp_path / "from_link"), "Experiments (*.playground.json)"))
    assert w.files.save_as()
    dialogs.change_answers.append("discard")
    assert w.files.new() and not w.links.origin.isVisibleTo(w)
    assert w.files.open(str(tmp_path / "from_link.playground.json"))
    assert w.spec.source_link == link and w.links.origin.isVisibleTo(w)
    assert f"opened from the TensorFlow Playground link {link}" in w.status.currentMessage()


def test_reset_draws_the_weights_the_pages_reset_draws(qtbot, win):
    w, dialogs = win
    _open(qtbot, w, dialogs, SPIRAL["link"])
    w.reset_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.generation == w.controller.generation and s.epoch == 0)
    weights = weights_of(w)
    for name, expected in SPIRAL["resets"][0].items():
        assert np.array_equal(weights[name], np.array(expected).reshape(weights[name].shape)), name


def test_opening_a_saved_link_experiment_at_start_says_where_it_came_from(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from playground.core.io.project import save_project
    from playground.core.tfpg_link import open_link, with_source
    from playground.core.trainer import Trainer
    from playground.ui.app import open_window

    for scope in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(scope, QSettings.Scope.UserScope, str(tmp_path))
    link = PAGE_URL + "#" + CIRCLE["link"]
    path = tmp_path / "linked.playground.json"
    save_project(path, Trainer(with_source(open_link(link)[0], link)))
    w, note = open_window(str(path))
    try:
        assert note == f"Opened linked.playground.json at epoch 0, opened from the TensorFlow Playground link {link}"
        assert w.links.origin.isVisibleTo(w) and link in w.links.origin.toolTip()
    finally:
        w.close()
