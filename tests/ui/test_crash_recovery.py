"""Crash safety: an unhandled exception (any thread) writes the recovery file and shows a report; the
next start offers it, and accepting restores spec, weights and history; declining removes it."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
from file_helpers import FakeDialogs, close_quietly, file_window, step_to, weights_of
from PySide6.QtWidgets import QApplication
from window_helpers import easy_spec, wait_snapshot

from playground.core.io.project import load_project, save_project
from playground.core.spec import NetworkSpec
from playground.ui import crash_recovery
from playground.ui.crash_recovery import AUTOSAVE_MINUTES, CrashDialog, Recovery


class CrashDialogs(FakeDialogs):
    """Scripted dialogs that also record crash reports and answer the restore question."""

    def __init__(self, restore: bool = True) -> None:
        super().__init__()
        self.crashes: list[tuple[str, str]] = []
        self.restore = restore
        self.asked_restore: list[str] = []

    def crash(self, summary, report):
        self.crashes.append((summary, report))

    def ask_restore(self, text):
        self.asked_restore.append(text)
        return self.restore


def _raise(message: str):
    try:
        raise RuntimeError(message)
    except RuntimeError:
        return sys.exc_info()


def _history(w):
    h = w.controller.fetch("history")
    return np.asarray(h.epochs), np.asarray(h.train_loss)


def test_a_crash_writes_the_recovery_file_and_the_next_start_restores_it(qtbot, tmp_path):
    path = tmp_path / "data" / crash_recovery.RECOVERY_NAME
    w, _ = file_window(qtbot, tmp_path, name="a.ini")
    dialogs = CrashDialogs()
    recovery = Recovery(w, path, dialogs)
    step_to(qtbot, w, 3)
    spec, weights, (epochs, loss) = w.spec, weights_of(w), _history(w)
    recovery.excepthook(*_raise("injected failure"))  # what sys.excepthook gets in the app
    assert dialogs.crashes, "no crash report shown"
    summary, report = dialogs.crashes[0]
    assert "RuntimeError: injected failure" in summary and str(path) in summary
    assert "Traceback" in report and "injected failure" in report
    assert load_project(path).epoch == 3
    close_quietly(w, None)

    w2, _ = file_window(qtbot, tmp_path, name="b.ini")  # the next start
    try:
        assert Recovery(w2, path, dialogs).offer_restore()
        assert dialogs.asked_restore and str(path) in dialogs.asked_restore[0]
        assert w2.spec == spec
        wait_snapshot(qtbot, w2, lambda s: s.epoch == 3)
        restored = weights_of(w2)
        assert restored.keys() == weights.keys() and all(np.array_equal(restored[k], weights[k]) for k in weights)
        e2, l2 = _history(w2)
        assert np.array_equal(e2, epochs) and np.array_equal(l2, loss)
        assert w2.files.path is None  # restored untitled: Save asks for a name
    finally:
        close_quietly(w2, None)


def test_declining_the_restore_removes_the_recovery_file(qtbot, win, tmp_path):
    w, _ = win
    path = tmp_path / crash_recovery.RECOVERY_NAME
    path.write_text("{}")
    dialogs = CrashDialogs(restore=False)
    assert not Recovery(w, path, dialogs).offer_restore()
    assert dialogs.asked_restore and not path.exists()
    assert not Recovery(w, path, dialogs).offer_restore()  # nothing there: no question
    assert len(dialogs.asked_restore) == 1


def test_an_exception_in_another_thread_is_reported_in_the_ui_thread(qtbot, win, tmp_path, monkeypatch):
    w, _ = win
    dialogs = CrashDialogs()
    recovery = Recovery(w, tmp_path / crash_recovery.RECOVERY_NAME, dialogs)
    monkeypatch.setattr(threading, "excepthook", recovery.thread_excepthook)

    def fail() -> None:
        raise ValueError("thread failure")

    t = threading.Thread(target=fail, name="helper")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(dialogs.crashes), timeout=5000)
    assert "ValueError: thread failure" in dialogs.crashes[0][0]
    assert "Thread: helper" in dialogs.crashes[0][1]
    assert recovery.path.is_file()


def test_the_hooks_are_installed_and_removed(win, tmp_path):
    w, _ = win
    recovery = Recovery(w, tmp_path / "r.json", CrashDialogs())
    before = (sys.excepthook, threading.excepthook)
    previous = recovery.install_hooks()
    try:
        assert sys.excepthook == recovery.excepthook and threading.excepthook == recovery.thread_excepthook
    finally:
        Recovery.remove_hooks(previous)
    assert (sys.excepthook, threading.excepthook) == before


def test_autosave_every_few_minutes_and_before_a_reset_only_when_trained(qtbot, win, tmp_path):
    w, _ = win
    recovery = Recovery(w, tmp_path / "r.playground.json", CrashDialogs())
    assert recovery.timer.isActive() and recovery.timer.interval() == AUTOSAVE_MINUTES * 60_000
    recovery.autosave()
    assert not recovery.path.exists()  # epoch 0: nothing to lose
    step_to(qtbot, w, 2)
    recovery.autosave()
    assert load_project(recovery.path).epoch == 2
    w.recovery = recovery
    step_to(qtbot, w, 4)
    w.reset_action.trigger()  # drops the trained state: kept first
    assert load_project(recovery.path).epoch == 4
    wait_snapshot(qtbot, w, lambda s: s.epoch == 0)
    step_to(qtbot, w, 3)
    # A new architecture drops nothing (the run goes to Runs, the edit can be undone): no write then.
    w.set_spec(w.spec.replace(network=NetworkSpec.uniform((5,), "tanh")), "architecture changed")
    assert load_project(recovery.path).epoch == 4
    recovery.discard()
    assert not recovery.path.exists() and not recovery.timer.isActive()


def test_the_crash_dialog_copies_its_report(qtbot):
    dialog = CrashDialog("It broke", "the report text")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "the report text"
    assert dialog.copy_button.text() == "Copied"


def test_the_recovery_file_lives_in_the_app_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert crash_recovery.recovery_path().is_relative_to(tmp_path)
    assert crash_recovery.recovery_path().name == crash_recovery.RECOVERY_NAME


def test_no_data_folder_falls_back_to_a_temporary_one(monkeypatch):
    from PySide6.QtCore import QStandardPaths

    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda *_: "")  # a system that names none
    assert crash_recovery.data_folder().name == "neural-network-playground"


def test_the_app_offers_the_recovery_file_at_start_and_a_clean_exit_removes_it(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings, QTimer

    from playground.core.trainer import Trainer
    from playground.ui.app import make_application, run
    from playground.ui.dialogs import Dialogs
    from playground.ui.main_window import MainWindow

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    make_application()  # the app's names, which name its data folder
    trainer = Trainer(easy_spec(hidden=(3,)))
    trainer.train(5)
    path = crash_recovery.recovery_path()
    path.parent.mkdir(parents=True)
    save_project(path, trainer)
    asked: list[str] = []
    monkeypatch.setattr(Dialogs, "ask_restore", lambda self, text: asked.append(text) or True)
    seen: list[int] = []
    deadline = time.monotonic() + 60  # only keeps a window that is never restored from running forever

    def close_when_restored() -> None:
        for w in QApplication.topLevelWidgets():
            s = w.controller.last_snapshot if isinstance(w, MainWindow) and w.isVisible() else None
            if s is not None and (s.epoch == 5 or time.monotonic() > deadline):
                seen.append(s.epoch)
                w.close()

    timer = QTimer()
    timer.timeout.connect(close_when_restored)
    timer.start(50)
    interval = sys.getswitchinterval()
    hooks = (sys.excepthook, threading.excepthook)
    try:
        assert run() == 0
    finally:
        timer.stop()
        sys.setswitchinterval(interval)
    assert asked and str(path) in asked[0] and seen == [5]
    assert not path.exists()  # a clean exit: nothing left to recover
    assert (sys.excepthook, threading.excepthook) == hooks  # the app's hooks are gone with it
