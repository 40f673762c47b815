"""UI tests never show a modal dialog (it would wait forever offscreen).

Closing a window with unsaved changes answers "discard"; any other dialog fails
the test that caused it. Tests about dialogs give the window their own answers
(see ``file_helpers.FakeDialogs``).
"""

from __future__ import annotations

import gc

import pytest

from playground.ui.dialogs import DISCARD, Dialogs


def _unexpected(name: str):
    def fail(self, *args, **kwargs):
        raise AssertionError(f"a test opened the {name} dialog: {args}")
    return fail


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    monkeypatch.setattr(Dialogs, "ask_save_changes", lambda self, name: DISCARD)
    for name in ("open_path", "save_path", "error", "information"):
        monkeypatch.setattr(Dialogs, name, _unexpected(name))


@pytest.fixture(autouse=True, scope="session")
def garbage_collected_between_tests_only():
    """As in the app (see ``app.run``): no automatic garbage collection, which could run in the
    middle of a paint or in the worker thread and delete Qt objects there; a collection after
    every test instead, on the main thread at a quiet moment."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_garbage_after_test(garbage_collected_between_tests_only):
    yield
    gc.disable()  # again: a test of ``app.run`` turns it back on as the app does when it ends
    gc.collect()


@pytest.fixture
def win(qtbot, tmp_path):
    """A main window whose dialogs are scripted (``FakeDialogs``), closed without questions afterwards."""
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path)
    yield w, dialogs
    close_quietly(w, dialogs)
