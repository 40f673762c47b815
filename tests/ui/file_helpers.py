"""Helpers for the file-menu tests: scripted dialog answers and windows that use them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from window_helpers import easy_spec, settings_at, wait_snapshot

from playground.core.spec import ExperimentSpec
from playground.ui.main_window import MainWindow


@dataclass
class FakeDialogs:
    """Answers every dialog from queues and records what was asked; an unexpected question fails the test."""

    open_answers: list = field(default_factory=list)  # paths or None (cancel)
    save_answers: list = field(default_factory=list)  # (path, filter) or None (cancel)
    change_answers: list = field(default_factory=list)  # "save", "discard", "cancel"
    errors: list = field(default_factory=list)  # (title, text)
    infos: list = field(default_factory=list)
    asked_changes: list = field(default_factory=list)  # names shown in the unsaved-changes question
    save_titles: list = field(default_factory=list)
    text_answers: list = field(default_factory=list)  # typed text or None (cancel)

    def open_path(self, title, filters, directory=""):
        assert self.open_answers, f"unexpected open dialog: {title}"
        return self.open_answers.pop(0)

    def save_path(self, title, filters, suggested=""):
        assert self.save_answers, f"unexpected save dialog: {title}"
        self.save_titles.append((title, filters, suggested))
        return self.save_answers.pop(0)

    def ask_text(self, title, label):
        assert self.text_answers, f"unexpected text question: {title}"
        return self.text_answers.pop(0)

    def error(self, title, text):
        self.errors.append((title, text))

    def information(self, title, text):
        self.infos.append((title, text))

    def ask_save_changes(self, name):
        assert self.change_answers, f"unexpected unsaved-changes question for {name}"
        self.asked_changes.append(name)
        return self.change_answers.pop(0)


def file_window(qtbot, tmp_path, spec: ExperimentSpec | None = None, name: str = "settings.ini"
                ) -> tuple[MainWindow, FakeDialogs]:
    """A shown window with scripted dialogs, its first snapshot arrived."""
    dialogs = FakeDialogs()
    w = MainWindow(spec or easy_spec(), settings=settings_at(tmp_path / name), dialogs=dialogs)
    w.show()
    qtbot.waitExposed(w)
    wait_snapshot(qtbot, w, lambda s: True)
    return w, dialogs


def close_quietly(w: MainWindow, dialogs: FakeDialogs) -> None:
    """Close without a question, whatever the window's state."""
    w.setWindowModified(False)
    w.close()


def step_to(qtbot, w: MainWindow, epoch: int):
    """Step one epoch at a time until ``epoch``; return the snapshot there."""
    while w.controller.last_snapshot.epoch < epoch:
        target = w.controller.last_snapshot.epoch + 1
        w.step_action.trigger()
        wait_snapshot(qtbot, w, lambda s, t=target: s.epoch == t)
    return w.controller.last_snapshot


def weights_of(w: MainWindow) -> dict[str, np.ndarray]:
    """The worker's current weights (asked of the worker, not taken from a snapshot)."""
    return dict(w.controller.fetch("weights").state)


def same_arrays(a: dict, b: dict) -> bool:
    """Two dicts of arrays with the same keys and equal arrays."""
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
