"""The real Dialogs object (Qt's dialogs patched to answer at once), filters, suffixes and suggested names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from playground.ui.dialogs import (
    CANCEL,
    DISCARD,
    NPZ_FILTER,
    ONNX_FILTER,
    PNG_FILTER,
    PROJECT_FILTER,
    SAVE,
    Dialogs,
    filter_suffixes,
    suggested_name,
    with_suffix,
)


@pytest.fixture
def real_dialogs(qtbot, monkeypatch):
    monkeypatch.undo()  # the UI conftest forbids dialogs; here Qt's own are patched instead
    parent = QWidget()
    qtbot.addWidget(parent)
    return Dialogs(parent), monkeypatch


def test_file_dialogs_pass_filters_and_return_paths(real_dialogs):
    dialogs, monkeypatch = real_dialogs
    seen = {}

    def fake_save(parent, title, start, filters, selected):
        seen.update(title=title, start=start, filters=filters, selected=selected)
        return "/tmp/x", NPZ_FILTER

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert dialogs.save_path("Export weights", (ONNX_FILTER, NPZ_FILTER), "weights") == ("/tmp/x", NPZ_FILTER)
    assert seen == {"title": "Export weights", "start": "weights", "filters": f"{ONNX_FILTER};;{NPZ_FILTER}",
                    "selected": ONNX_FILTER}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    assert dialogs.save_path("Export weights", (ONNX_FILTER,)) is None
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: ("/tmp/a.playground.json", PROJECT_FILTER))
    assert dialogs.open_path("Open", (PROJECT_FILTER,)) == "/tmp/a.playground.json"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: ("", ""))
    assert dialogs.open_path("Open", (PROJECT_FILTER,)) is None


@pytest.mark.parametrize(("button", "answer"), [(QMessageBox.StandardButton.Save, SAVE),
                                                (QMessageBox.StandardButton.Discard, DISCARD),
                                                (QMessageBox.StandardButton.Cancel, CANCEL)])
def test_unsaved_changes_question(real_dialogs, button, answer):
    dialogs, monkeypatch = real_dialogs
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, buttons, default:
                        asked.append((title, text)) or button)
    assert dialogs.ask_save_changes("run.playground.json") == answer
    assert asked[0][0] == "Unsaved changes" and "run.playground.json has changes" in asked[0][1]


def test_error_box_repeats_the_title_inside(real_dialogs):
    dialogs, monkeypatch = real_dialogs
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.icon(), box.windowTitle(), box.text(), box.informativeText())) or 0)
    dialogs.error("Cannot open the experiment", "/x/bad.playground.json: the file is empty")
    assert shown == [(QMessageBox.Icon.Critical, "Cannot open the experiment", "Cannot open the experiment",
                      "/x/bad.playground.json: the file is empty")]


def test_suffix_helpers():
    assert filter_suffixes(PROJECT_FILTER) == (".playground.json",)
    assert filter_suffixes("Weight files (*.npz *.json)") == (".npz", ".json")
    assert filter_suffixes("All files (*)") == ()
    assert with_suffix("/a/pic", PNG_FILTER, (".png", ".svg")) == "/a/pic.png"
    assert with_suffix("/a/pic.SVG", PNG_FILTER, (".png", ".svg")) == "/a/pic.SVG"  # typed suffix wins
    assert with_suffix("/a/pic.jpg", PNG_FILTER, (".png", ".svg")) == "/a/pic.jpg.png"
    assert with_suffix("/a/x", "All files (*)", (".csv",)) == "/a/x"


def test_suggested_names():
    run = Path("/data/run.playground.json")
    assert suggested_name(run, "", "weights") == "/data/run_weights"
    assert suggested_name(run, "", "points", ".csv") == "/data/run_points.csv"
    assert suggested_name(None, "/data", "points", ".csv") == "/data/points.csv"
    assert suggested_name(None, "", "points", ".csv") == "points.csv"
