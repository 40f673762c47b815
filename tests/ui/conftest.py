"""UI tests never show a modal dialog (it would wait forever offscreen).

Closing a window with unsaved changes answers "discard"; any other dialog fails
the test that caused it. Tests about dialogs give the window their own answers
(see ``file_helpers.FakeDialogs``).
"""

from __future__ import annotations

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
