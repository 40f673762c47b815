"""``--self-test``'s failures: one line naming the step, exit code 1, the window closed."""

from __future__ import annotations

import io

from PySide6.QtWidgets import QApplication

from playground.ui import self_test
from playground.ui.main_window import MainWindow


def _open_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_an_onnx_graph_that_disagrees_with_the_app_fails_in_one_line(qtbot, monkeypatch):
    monkeypatch.setattr(self_test, "check_onnx", lambda path, project: 0.5)
    out, err = io.StringIO(), io.StringIO()
    assert self_test.run_self_test(out, err) == 1
    assert out.getvalue() == ""
    assert err.getvalue() == ("playground: self-test failed at ONNX export: the ONNX graph's outputs differ from "
                              "the app's forward pass by 0.5 (allowed 1e-05)\n")
    assert not _open_windows()


def test_an_unexpected_error_names_the_step_and_its_type(qtbot, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk on fire")
    monkeypatch.setattr(self_test, "check_onnx", broken)
    err = io.StringIO()
    assert self_test.run_self_test(io.StringIO(), err) == 1
    assert err.getvalue() == "playground: self-test failed at ONNX export: OSError: disk on fire\n"
    assert not _open_windows()


def test_the_onnx_check_agrees_with_the_app_on_a_real_export(qtbot):
    out = io.StringIO()
    assert self_test.run_self_test(out, io.StringIO()) == 0
    assert out.getvalue().startswith("playground: self-test passed in ")
