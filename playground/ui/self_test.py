"""``playground --self-test``: the whole app once, offscreen, in a few seconds.

It opens the main window (with its own settings file, so the user's are not
touched), trains a few epochs, saves the experiment through File > Save As,
exports the weights as ONNX through File > Export weights and checks that the
ONNX graph, run by the ``onnx`` package's reference evaluator, gives the app's
own forward pass. Success prints one line and returns 0; a failure prints one
line naming the step that failed and returns 1. A bundle runs it to show it
works on a machine (``make package-test``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import numpy as np

from playground.ui.dialogs import DISCARD, ONNX_FILTER, PROJECT_FILTER

EPOCHS = 5
#: Largest difference allowed between the ONNX graph's float32 outputs and the app's float64 ones.
ONNX_TOLERANCE = 1e-5
#: Generous: a cold start of a bundle on a loaded machine.
STEP_TIMEOUT = 60.0


class SelfTestFailed(Exception):
    """One step did not do what it should; the message says what."""


class _Answers:
    """The window's dialogs, answered by the self-test: a file name for every save, no questions."""

    def __init__(self) -> None:
        self.save_answers: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def open_path(self, title: str, filters: tuple[str, ...], directory: str = "") -> str | None:
        return None

    def save_path(self, title: str, filters: tuple[str, ...], suggested: str = "") -> tuple[str, str] | None:
        return self.save_answers.pop(0) if self.save_answers else None

    def error(self, title: str, text: str) -> None:
        self.errors.append(f"{title}: {text}")

    def information(self, title: str, text: str) -> None:
        pass

    def ask_save_changes(self, name: str) -> str:
        return DISCARD


def wait_until(condition: Callable[[], bool], what: str, timeout: float = STEP_TIMEOUT) -> None:
    """Run the event loop until ``condition()`` holds; :class:`SelfTestFailed` after ``timeout`` seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() or time.monotonic() > deadline else None)
    timer.start(5)
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise SelfTestFailed(f"{what} did not happen within {timeout:.0f} s")


def check_onnx(path: Path, project: Path) -> float:
    """The largest difference between the ONNX file's outputs and the saved experiment's forward pass."""
    import onnx
    from onnx.reference import ReferenceEvaluator

    from playground.core.features import expand_features
    from playground.core.io.onnx_export import INPUT_NAME
    from playground.core.io.project import load_project

    onnx.checker.check_model(str(path))
    trainer = load_project(project)
    axis = np.linspace(-6.0, 6.0, 21)  # exact in float32: both sides see the same points
    points = np.column_stack([c.ravel() for c in np.meshgrid(axis, axis)])
    got = ReferenceEvaluator(str(path)).run(None, {INPUT_NAME: points.astype(np.float32)})[0]
    want = trainer.network.forward(expand_features(points, trainer.spec.features))
    if got.shape != want.shape:
        raise SelfTestFailed(f"ONNX check: outputs of shape {got.shape}, the app gives {want.shape}")
    return float(np.abs(got.astype(np.float64) - want).max())


def _steps(folder: Path) -> list[tuple[str, Callable[[dict], None]]]:
    """The self-test's steps, in order: each a name and a function of the shared state."""
    from PySide6.QtCore import QSettings

    from playground.core.io.project import load_project
    from playground.resources_path import example_files
    from playground.ui.app import make_application
    from playground.ui.app_icon import app_icon
    from playground.ui.main_window import MainWindow

    project, weights = folder / "self-test.playground.json", folder / "self-test.onnx"

    def resources(s: dict) -> None:
        s["app"] = make_application()
        if app_icon().isNull() or not example_files():
            raise SelfTestFailed("the app's icon or examples are missing (playground.resources)")

    def window(s: dict) -> None:
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        s["answers"] = answers = _Answers()
        w = s["window"] = MainWindow(settings=settings, dialogs=answers)
        w.show()
        wait_until(lambda: w.controller.last_snapshot is not None, "the first picture of the network")

    def training(s: dict) -> None:
        w = s["window"]
        for epoch in range(1, EPOCHS + 1):
            w.step_action.trigger()
            wait_until(lambda e=epoch: w.controller.last_snapshot.epoch >= e, f"training epoch {epoch}")

    def saving(s: dict) -> None:
        s["answers"].save_answers.append((str(project), PROJECT_FILTER))
        if not s["window"].files.save_as() or not project.is_file():
            raise SelfTestFailed(f"the experiment was not saved: {s['answers'].errors or 'no file'}")
        epoch = load_project(project).epoch
        if epoch != EPOCHS:
            raise SelfTestFailed(f"the saved experiment is at epoch {epoch}, not {EPOCHS}")

    def exporting(s: dict) -> None:
        s["answers"].save_answers.append((str(weights), ONNX_FILTER))
        if not s["window"].exports.export_weights() or not weights.is_file():
            raise SelfTestFailed(f"the ONNX file was not written: {s['answers'].errors or 'no file'}")
        difference = check_onnx(weights, project)
        if not difference <= ONNX_TOLERANCE:
            raise SelfTestFailed(f"the ONNX graph's outputs differ from the app's forward pass by "
                                 f"{difference:.3g} (allowed {ONNX_TOLERANCE:g})")

    def closing(s: dict) -> None:
        w = s.pop("window")
        w.close()
        if not w.controller.is_shut_down:
            raise SelfTestFailed("the window did not close")
        w.deleteLater()

    return [("resources", resources), ("window", window), ("training", training), ("saving", saving),
            ("ONNX export", exporting), ("closing", closing)]


#: What the offscreen platform says about every window it cannot resize: true, and no news.
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints()"


def run_self_test(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every step; 0 and one line on ``out`` when all passed, else 1 and one line on ``err``."""
    from PySide6.QtCore import qInstallMessageHandler

    out, err = out or sys.stdout, err or sys.stderr
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window appears on the user's screen
    previous = qInstallMessageHandler(
        lambda mode, context, message: None if message == OFFSCREEN_NOTE else print(message, file=sys.stderr))
    try:
        return _run_steps(out, err)
    finally:
        qInstallMessageHandler(previous)


def _run_steps(out: TextIO, err: TextIO) -> int:
    start = time.perf_counter()
    state: dict = {}
    with tempfile.TemporaryDirectory(prefix="playground-self-test-") as folder:
        failed_at = "start"
        try:
            for name, step in _steps(Path(folder)):
                failed_at = name
                step(state)
        except Exception as exc:  # every failure is one line naming the step
            text = str(exc) if isinstance(exc, SelfTestFailed) else f"{type(exc).__name__}: {exc}"
            print(f"playground: self-test failed at {failed_at}: {text}", file=err)
            window = state.get("window")
            if window is not None:
                window.setWindowModified(False)
                window.close()
            return 1
    print(f"playground: self-test passed in {time.perf_counter() - start:.2f} s (window, {EPOCHS} epochs, "
          f"save, ONNX export checked against the app)", file=out)
    return 0
