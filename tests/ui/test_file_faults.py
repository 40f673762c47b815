"""The app's files under faults: pipes, links, a full disk, a killed save, outputs that would destroy inputs.

Named pipes are made by :func:`fifo_that_cannot_hang`, so a regression that
blocks on one (the UI thread included) fails the test instead of hanging it.
"""

from __future__ import annotations

import errno
import os
import stat
import time

import pytest
from fault_helpers import fifo_that_cannot_hang
from file_helpers import step_to

from playground.core.io.atomic import STALE_AFTER_SECONDS
from playground.core.io.project import load_project
from playground.core.io.weights import write_weights
from playground.ui.dialogs import CSV_FILTER, JSON_WEIGHTS_FILTER, PNG_FILTER, PROJECT_FILTER, SAVE

CSV = "x1,x2,label\n" + "".join(f"{i % 7 - 3},{i % 5 - 2},{i % 2}\n" for i in range(30))


def _disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _save_as(w, dialogs, path) -> bool:
    dialogs.save_answers.append((str(path), PROJECT_FILTER))
    return w.files.save_as()


# --------------------------------------------------------------------------- pipes and folders


@pytest.mark.parametrize("action", ["open", "import_data", "import_weights"])
def test_opening_or_importing_a_named_pipe_fails_at_once(qtbot, tmp_path, win, action):
    w, dialogs = win
    with fifo_that_cannot_hang(tmp_path / "pipe.json") as fifo:
        dialogs.open_answers.append(str(fifo))
        run = {"open": w.files.open, "import_data": w.exports.import_data,
               "import_weights": w.exports.import_weights}[action]
        assert not run()
    assert len(dialogs.errors) == 1
    text = dialogs.errors[0][1]
    assert "pipe.json" in text and "is a named pipe (FIFO), not a regular file" in text
    assert w.files.path is None and not w.isWindowModified()


def test_saving_onto_a_named_pipe_is_refused_and_the_pipe_kept(tmp_path, win):
    w, dialogs = win
    fifo = tmp_path / "pipe.playground.json"
    os.mkfifo(fifo)
    assert not _save_as(w, dialogs, fifo)
    assert dialogs.errors == [("Cannot save", f"{fifo}: cannot write (is a named pipe (FIFO), not a regular file)")]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and w.files.path is None
    assert [p.name for p in tmp_path.iterdir() if "playground" in p.name] == [fifo.name]


def test_open_recent_of_a_folder_says_it_is_a_folder(tmp_path, win):
    w, dialogs = win
    folder = tmp_path / "x.playground.json"
    folder.mkdir()
    w.files.recent.add(folder)
    assert not w.files.open_recent(str(folder))
    assert not dialogs.infos and len(dialogs.errors) == 1 and "is a folder" in dialogs.errors[0][1]


# --------------------------------------------------------------------------- links, full disks, killed saves


def test_saving_onto_a_symlink_writes_its_target(qtbot, tmp_path, win):
    w, dialogs = win
    (tmp_path / "keep").mkdir()
    real = tmp_path / "keep" / "exp.playground.json"
    real.write_text("old")
    link = tmp_path / "exp.playground.json"
    link.symlink_to(real)
    step_to(qtbot, w, 1)
    assert _save_as(w, dialogs, link) and not dialogs.errors
    assert link.is_symlink() and load_project(real).epoch == 1


def test_a_full_disk_keeps_the_old_file_and_close_with_save_stays_open(qtbot, tmp_path, win, monkeypatch):
    w, dialogs = win
    path = tmp_path / "exp.playground.json"
    assert _save_as(w, dialogs, path)
    step_to(qtbot, w, 2)
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert not w.files.save()
    dialogs.change_answers.append(SAVE)
    assert not w.close()  # the save failed: closing now would lose the work
    monkeypatch.undo()
    assert w.isVisible() and w.isWindowModified() and not w.controller.is_shut_down
    assert dialogs.errors == [("Cannot save", f"{path}: cannot write (no space left on device)")] * 2
    assert load_project(path).epoch == 0 and sorted(os.listdir(tmp_path)) == ["exp.playground.json", "settings.ini"]


def test_a_save_removes_the_leftover_of_a_killed_save(tmp_path, win):
    w, dialogs = win
    leftover = tmp_path / ".exp.playground.json.0123456789ab.tmp"
    leftover.write_bytes(b"{" * 100_000)
    old = time.time() - STALE_AFTER_SECONDS - 5
    os.utime(leftover, (old, old))
    assert _save_as(w, dialogs, tmp_path / "exp.playground.json")
    assert not leftover.exists() and (tmp_path / "exp.playground.json").is_file()


# --------------------------------------------------------------------------- outputs that destroy inputs


def test_exports_never_write_over_the_experiment_or_the_imported_files(qtbot, tmp_path, win):
    w, dialogs = win
    exp = tmp_path / "exp.playground.json"
    assert _save_as(w, dialogs, exp)
    data = tmp_path / "d.csv"
    data.write_text(CSV)
    dialogs.open_answers.append(str(data))
    assert w.exports.import_data() and not dialogs.errors
    weights = tmp_path / "w.json"
    write_weights(weights, w.controller.fetch("weights"))
    dialogs.open_answers.append(str(weights))
    assert w.exports.import_weights() and not dialogs.errors
    before = {p.name: p.read_bytes() for p in (exp, data, weights)}
    (tmp_path / "link.json").symlink_to("d.csv")
    attempts = [
        (w.exports.export_weights, (str(exp), JSON_WEIGHTS_FILTER), exp, "the experiment's own file"),
        (w.exports.export_weights, (str(weights), JSON_WEIGHTS_FILTER), weights, "weights were imported"),
        (w.exports.export_data, (str(data), CSV_FILTER), data, "data were imported"),
        (w.exports.export_history, (str(data), CSV_FILTER), data, "data were imported"),
        (lambda: w.exports.export_picture("boundary"), (str(tmp_path / "exp.playground.json.png"), PNG_FILTER),
         None, None),
        (w.files.save_as, (str(tmp_path / "link.json"), PROJECT_FILTER), tmp_path / "link.json",
         "data were imported"),
    ]
    for action, answer, target, words in attempts:
        dialogs.errors.clear()
        dialogs.save_answers.append(answer)
        if target is None:  # another name beside them: written
            assert action() and not dialogs.errors
            continue
        assert not action()
        assert len(dialogs.errors) == 1, dialogs.errors
        text = dialogs.errors[0][1]
        assert text.startswith(f"{target}: is ") and words in text and "would destroy it" in text, text
    assert {p.name: p.read_bytes() for p in (exp, data, weights)} == before
