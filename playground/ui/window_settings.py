"""What the main window remembers between runs (QSettings): layout, view options, speed, grid resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.ui import preferences
from playground.ui.settings_migration import migrate

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

SPEED_KEY = "run/speed"
RESOLUTION_KEY = "view/grid_resolution"


def _checkables(window: MainWindow) -> tuple:
    return ((window.log_scale_action, "view/log_scale"), (window.show_test_action, "view/show_test"),
            (window.discretize_action, "view/discretize"))


def restore_settings(window: MainWindow) -> None:
    """Apply the stored settings; the layout as built so far becomes the "Reset layout" default."""
    s = window.settings
    migrate(s)
    window.default_layout = (window.saveState(), window.splitter.saveState())
    geometry, state, splitter = s.value("window/geometry"), s.value("window/state"), s.value("window/splitter")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    if splitter is not None:
        window.splitter.restoreState(splitter)
    for action, key in _checkables(window):
        action.setChecked(s.value(key, False, type=bool))
    # Combo boxes emit on change, which sends the value to the worker.
    for combo, key, start_key, first, kind in (
            (window.transport.speed, SPEED_KEY, preferences.START_SPEED_KEY, preferences.FIRST_START_SPEED, float),
            (window.resolution_combo, RESOLUTION_KEY, preferences.START_RESOLUTION_KEY, 100, int)):
        try:
            value = kind(preferences.start_value(s, start_key, key, first))
        except (TypeError, ValueError):  # a hand-edited settings file: keep the default
            continue
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)


def save_settings(window: MainWindow) -> None:
    s = window.settings
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.setValue("window/splitter", window.splitter.saveState())
    for action, key in _checkables(window):
        s.setValue(key, action.isChecked())
    s.setValue(SPEED_KEY, window.transport.speed_value())
    s.setValue(RESOLUTION_KEY, int(window.resolution_combo.currentData()))
    s.sync()
