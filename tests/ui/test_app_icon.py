"""The app's icon on the window and its dialogs, and File > Examples."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QMessageBox
from window_helpers import wait_snapshot

from playground import resources_path as rp
from playground.core.io.project import load_project
from playground.ui.app import make_application
from playground.ui.dialogs import PROJECT_FILTER


def _sizes(icon) -> set[int]:
    return {s.width() for s in icon.availableSizes()}


def test_the_application_window_and_its_dialogs_show_the_apps_icon(qtbot, win):
    w, _ = win
    app = make_application()
    assert _sizes(app.windowIcon()) == set(rp.ICON_SIZES)
    assert _sizes(w.windowIcon()) == set(rp.ICON_SIZES)
    box = QMessageBox(QMessageBox.Icon.Information, "t", "t", QMessageBox.StandardButton.Ok, w)
    try:
        assert box.windowIcon().cacheKey() == w.windowIcon().cacheKey()  # a dialog shows the same icon
    finally:
        box.deleteLater()
    assert not w.windowIcon().pixmap(QSize(32, 32)).isNull()
    assert QApplication.desktopFileName() == rp.APP_ID


def test_file_examples_lists_every_example(win):
    w, _ = win
    file_actions = [a for a in w.file_menu.actions() if a.menu() is w.examples_menu]
    assert len(file_actions) == 1 and file_actions[0].text() == "&Examples"
    titles = [a.text() for a in w.examples_menu.actions()]
    assert titles == [rp.example_title(p) for p in rp.example_files()]


def test_an_example_opens_untitled_so_save_never_writes_over_it(qtbot, tmp_path, win):
    w, dialogs = win
    example = next(p for p in rp.example_files() if p.name.startswith("Four-blobs"))
    before = example.read_bytes()
    expected = load_project(example)
    action = next(a for a in w.examples_menu.actions() if a.text() == rp.example_title(example))
    action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch == expected.epoch and s.layer_sizes[-1] == 4)
    assert w.spec == expected.spec
    assert w.files.path is None and w.windowTitle().startswith("Untitled")
    assert str(example) not in w.files.recent.paths()
    dialogs.save_answers.append((str(tmp_path / "mine.playground.json"), PROJECT_FILTER))
    assert w.files.save()  # asks for a name: the example is not the experiment's file
    assert dialogs.save_titles and (tmp_path / "mine.playground.json").is_file()
    assert example.read_bytes() == before
