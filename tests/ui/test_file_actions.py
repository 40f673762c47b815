"""File > New, Open, Open Recent, Save, Save As through the real window; title, unsaved changes, bad files."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from file_helpers import close_quietly, file_window, same_arrays, step_to, weights_of
from window_helpers import easy_spec, settle, wait_snapshot

from playground.core.io.project import SUFFIX, load_project
from playground.core.trainer import Trainer
from playground.ui.dialogs import CANCEL, DISCARD, PROJECT_FILTER, SAVE
from playground.ui.file_actions import APP_TITLE
from playground.ui.recent_files import MAX_RECENT


def _snapshot_weights(s) -> dict[str, np.ndarray]:
    out = {}
    for i, (wt, b) in enumerate(zip(s.weights, s.biases, strict=True)):
        out[f"layers.{i}.weight"], out[f"layers.{i}.bias"] = wt, b
    return out


def test_save_while_training_then_open_continues_exactly(qtbot, tmp_path, win):
    w, dialogs = win
    path = tmp_path / "run"
    dialogs.save_answers.append((str(path), PROJECT_FILTER))
    w.play_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch >= 15)
    assert w.controller.running
    assert w.files.save()  # no pause needed: the worker makes the file between slices
    saved = tmp_path / f"run{SUFFIX}"
    assert saved.is_file() and not dialogs.errors
    assert w.controller.running
    saved_epoch = load_project(saved).epoch
    assert saved_epoch >= 15
    w.play_action.trigger()
    qtbot.waitUntil(lambda: not w.controller.running, timeout=2000)

    w2, dialogs2 = file_window(qtbot, tmp_path, name="other.ini")
    try:
        assert w2.files.open(str(saved))
        s = wait_snapshot(qtbot, w2, lambda s: s.epoch == saved_epoch)
        reference = Trainer(easy_spec(), engine=s.engine)  # the engine the run was saved with
        reference.train(saved_epoch)
        assert same_arrays(_snapshot_weights(s), reference.network.state_dict())
        assert s.spec == easy_spec() and s.history.epochs[-1] == saved_epoch
        s = step_to(qtbot, w2, saved_epoch + 3)
        reference.train(3)
        assert same_arrays(_snapshot_weights(s), reference.network.state_dict())
        full = w2.controller.fetch("history")
        np.testing.assert_array_equal(full.test_loss, reference.history.view().test_loss)
        assert w2.windowTitle() == f"run{SUFFIX}[*] — {APP_TITLE}"
    finally:
        close_quietly(w2, dialogs2)


def test_title_and_unsaved_changes_mark(qtbot, tmp_path, win):
    w, dialogs = win
    assert w.windowTitle() == f"Untitled[*] — {APP_TITLE}" and not w.isWindowModified()
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)  # training progress
    dialogs.save_answers.append((str(tmp_path / "a.playground.json"), PROJECT_FILTER))
    w.files.save_action.trigger()
    assert not w.isWindowModified() and w.windowTitle().startswith("a.playground.json[*]")
    assert settle(qtbot, w) and not w.isWindowModified()  # the picture of the saved state changes nothing
    combo = w.experiment.training.learning_rate
    combo.setCurrentIndex(combo.findData(0.1))
    combo.activated.emit(combo.currentIndex())
    assert w.isWindowModified()  # an edit
    w.files.save_action.trigger()  # Ctrl+S: no dialog the second time
    assert not w.isWindowModified() and not dialogs.save_answers
    assert json.loads((tmp_path / "a.playground.json").read_text())["spec"]["training"]["optimizer"][
        "learning_rate"] == 0.1
    w.reset_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)


def test_shortcuts_of_the_file_actions(win):
    w, _ = win
    f = w.files
    assert [a.shortcut().toString() for a in (f.new_action, f.open_action, f.save_action, f.save_as_action)] \
        == ["Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S"]
    listing = w.shortcuts_text()
    assert "Ctrl+S:  Save the experiment" in listing and "Ctrl+O:  Open a saved experiment" in listing


def test_close_asks_and_cancel_keeps_the_window(qtbot, tmp_path, win):
    w, dialogs = win
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)
    dialogs.change_answers.append(CANCEL)
    assert not w.close()
    assert w.isVisible() and not w.controller.is_shut_down and dialogs.asked_changes == ["Untitled"]
    # Save, but the file dialog is cancelled: still open.
    dialogs.change_answers.append(SAVE)
    dialogs.save_answers.append(None)
    assert not w.close() and w.isVisible()
    # Save to a file: written, then closed.
    dialogs.change_answers.append(SAVE)
    dialogs.save_answers.append((str(tmp_path / "kept"), PROJECT_FILTER))
    assert w.close()
    assert w.controller.is_shut_down and load_project(tmp_path / f"kept{SUFFIX}").epoch == 1


def test_close_discard_closes_without_saving(qtbot, tmp_path, win):
    w, dialogs = win
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)
    dialogs.change_answers.append(DISCARD)
    assert w.close() and w.controller.is_shut_down
    assert not list(tmp_path.glob("*.json"))


def test_close_unmodified_asks_nothing(win):
    w, dialogs = win
    assert w.close() and not dialogs.asked_changes


def test_new_asks_then_starts_the_default_experiment(qtbot, tmp_path, win):
    w, dialogs = win
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)
    dialogs.change_answers.append(CANCEL)
    assert not w.files.new()
    assert w.spec == easy_spec()
    dialogs.change_answers.append(DISCARD)
    w.files.new_action.trigger()
    s = wait_snapshot(qtbot, w, lambda s: s.spec.data.name == "spiral")
    assert s.epoch == 0 and not w.isWindowModified() and w.windowTitle().startswith("Untitled")
    assert w.experiment.data.data.name == "spiral"


def test_open_asks_about_unsaved_changes_after_checking_the_file(qtbot, tmp_path, win):
    w, dialogs = win
    trainer = Trainer(easy_spec(hidden=(3,)))
    trainer.train(4)
    from playground.core.io.project import save_project
    save_project(tmp_path / "other.playground.json", trainer)
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=2000)
    dialogs.open_answers.append(str(tmp_path / "other.playground.json"))
    dialogs.change_answers.append(CANCEL)
    w.files.open_action.trigger()
    assert settle(qtbot, w).layer_sizes == (2, 4, 1)  # cancelled: unchanged
    dialogs.change_answers.append(DISCARD)
    assert w.files.open(tmp_path / "other.playground.json")
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes == (2, 3, 1))
    assert s.epoch == 4 and not w.isWindowModified()
    assert w.experiment.network.network.hidden == (3,)


def test_open_recent_lists_files_and_drops_missing_ones(qtbot, tmp_path, win):
    w, dialogs = win
    paths = []
    for i in range(MAX_RECENT + 2):
        p = tmp_path / f"r{i}.playground.json"
        dialogs.save_answers.append((str(p), PROJECT_FILTER))
        assert w.files.save_as()
        paths.append(p)
    recent = w.files.recent.paths()
    assert len(recent) == MAX_RECENT and recent[0] == str(paths[-1])
    w.files.fill_recent_menu()
    labels = [a.text() for a in w.files.recent_menu.actions() if a.text()]
    assert labels[0] == f"&1 {paths[-1].name}" and labels[9] == f"1&0 {paths[2].name}"
    assert labels[-1] == "Clear list"
    paths[-1].unlink()
    assert not w.files.open_recent(str(paths[-1]))
    assert dialogs.infos and "no longer exists" in dialogs.infos[-1][1]
    assert str(paths[-1]) not in w.files.recent.paths()
    assert w.files.open_recent(str(paths[-2]))
    assert w.files.path == paths[-2]
    w2, dialogs2 = file_window(qtbot, tmp_path)  # the same settings file: the list is remembered
    try:
        assert w2.files.recent.paths()[0] == str(paths[-2])
    finally:
        close_quietly(w2, dialogs2)
    w.files.recent.clear()
    w.files.fill_recent_menu()
    assert [a.text() for a in w.files.recent_menu.actions() if a.text()][0] == "No recent files"


def _good_file(tmp_path):
    trainer = Trainer(easy_spec(hidden=(3,)))
    trainer.train(2)
    from playground.core.io.project import dumps_project
    return json.loads(dumps_project(trainer))


def _bad_files(tmp_path) -> dict[str, tuple[object, str]]:
    good = _good_file(tmp_path)
    text = json.dumps(good)
    wrong_version = dict(good, format_version=99)
    shapes = json.loads(text)
    shapes["spec"]["network"]["hidden"] = [5]
    nan = text.replace(repr(good["state"]["weights"]["layers.0.weight"][0][0]), "NaN", 1)
    return {
        "truncated": (text[: len(text) // 2], "truncated"),
        "version": (json.dumps(wrong_version), "newer version"),
        "shapes": (json.dumps(shapes), "shape"),
        "nan": (nan, "NaN"),
        "not json": ("this is not JSON at all", "not valid JSON"),
        "huge": (None, "MB"),
    }


@pytest.mark.parametrize("case", ["truncated", "version", "shapes", "nan", "not json", "huge"])
def test_bad_file_gives_an_error_and_changes_nothing(qtbot, tmp_path, win, case):
    w, dialogs = win
    dialogs.save_answers.append((str(tmp_path / "mine.playground.json"), PROJECT_FILTER))
    assert w.files.save()
    step_to(qtbot, w, 2)
    content, expected = _bad_files(tmp_path)[case]
    path = tmp_path / "bad.playground.json"
    if content is None:
        with open(path, "wb") as f:  # a sparse 300 MB file: refused before reading
            f.truncate(300 * 2**20)
    else:
        path.write_text(content)
    before = (weights_of(w), w.controller.generation, w.spec, w.files.path, w.isWindowModified(), w.windowTitle())
    assert not w.files.open(str(path))
    assert len(dialogs.errors) == 1
    title, text = dialogs.errors[0]
    assert title == "Cannot open the experiment" and "bad.playground.json" in text and expected in text
    assert "\n" not in text and "Traceback" not in text
    s = settle(qtbot, w)
    after = (weights_of(w), w.controller.generation, w.spec, w.files.path, w.isWindowModified(), w.windowTitle())
    assert same_arrays(before[0], after[0]) and before[1:] == after[1:]
    assert s.epoch == 2 and s.layer_sizes == (2, 4, 1)


def test_save_to_an_unwritable_place_keeps_the_old_file(qtbot, tmp_path, win):
    w, dialogs = win
    folder = tmp_path / "folder.playground.json"
    folder.mkdir()
    dialogs.save_answers.append((str(folder), PROJECT_FILTER))
    assert not w.files.save()
    assert dialogs.errors and "is a folder" in dialogs.errors[0][1]
    assert w.files.path is None and folder.is_dir()


def test_no_close_while_a_save_waits_for_the_worker(win):
    w, dialogs = win
    w.files.busy = True
    assert not w.close() and w.isVisible() and not dialogs.asked_changes
    w.files.busy = False
    assert w.close()


def test_open_and_save_read_and_write_the_file_off_the_ui_thread(qtbot, tmp_path, win, monkeypatch):
    """The largest experiment takes seconds to read, check and write: that happens on a thread of its
    own while the window keeps painting, and a window-system close meanwhile is refused."""
    from playground.ui import file_actions

    w, dialogs = win
    threads: dict[str, str] = {}
    closes_refused: list[bool] = []

    def spy(name, real):
        def wrapped(*args, **kwargs):
            threads[name] = threading.current_thread().name
            closes_refused.append(w.files.busy)
            return real(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(file_actions, "atomic_write_text", spy("write", file_actions.atomic_write_text))
    monkeypatch.setattr(file_actions, "read_project", spy("read", file_actions.read_project))
    path = tmp_path / f"run{SUFFIX}"
    dialogs.save_answers.append((str(path), PROJECT_FILTER))
    assert w.files.save() and path.is_file()
    assert w.files.open(str(path))
    main = threading.main_thread().name
    assert threads.keys() == {"write", "read"} and main not in threads.values(), threads
    assert closes_refused == [True, True]
    assert not w.files.busy
