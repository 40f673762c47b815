"""Preferences: the theme (plots, diagram and window follow it), speed at start with Max one click away,
the frame-rate cap; settings written by an older version load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from file_helpers import close_quietly
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it
from window_helpers import easy_spec, settings_at, wait_snapshot

from playground.ui import palette, preferences, theme
from playground.ui.frame_cap import FrameCap
from playground.ui.main_window import MainWindow
from playground.ui.settings_migration import VERSION, VERSION_KEY
from playground.ui.widgets.transport import WATCH_SPEED

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def light_afterwards():
    yield
    theme.apply(theme.LIGHT)


def _window(qtbot, settings: QSettings) -> MainWindow:
    w = MainWindow(easy_spec(), settings=settings)
    qtbot.addWidget(w)
    w.show()
    wait_snapshot(qtbot, w, lambda s: True)
    return w


def _choose(dialog: preferences.PreferencesDialog, **choices: object) -> None:
    for name, value in choices.items():
        combo = getattr(dialog, name)
        combo.setCurrentIndex(combo.findData(value))
    dialog.accept()


def _ink(w: MainWindow) -> dict[str, str]:
    axis = w.loss_plot.plot.getPlotItem().getAxis("left")
    w.bring_up_to_date(w.gradient_view)
    return {"output layer's gradient": w.gradient_view.curves[-1].opts["pen"].color().name(),
            "loss background": w.loss_plot.plot.backgroundBrush().color().name(),
            "boundary background": w.boundary.plot.backgroundBrush().color().name(),
            "axis text": axis.textPen().color().name(),
            "diagram background": w.network_view.view.backgroundBrush().color().name(),
            "diagram links": w.network_view.links.background.name(),
            "test curve": pg.mkPen(w.loss_plot.test_curve.opts["pen"]).color().name()}


def test_switching_the_theme_changes_the_plot_colours_and_back(qtbot, tmp_path):
    w = _window(qtbot, settings_at(tmp_path / "s.ini"))
    try:
        light = _ink(w)
        assert light == {"output layer's gradient": theme.LIGHT.color("text"),
                         "loss background": "#ffffff", "boundary background": "#ffffff",
                         "axis text": theme.LIGHT.color("text"), "diagram background": "#ffffff",
                         "diagram links": "#ffffff", "test curve": palette.TEST_LOSS}
        _choose(w.preferences.show_dialog(), theme="dark")
        dark = _ink(w)
        bg = theme.DARK.color("background")
        assert dark == {"output layer's gradient": theme.DARK.color("text"),
                        "loss background": bg, "boundary background": bg, "axis text": theme.DARK.color("text"),
                        "diagram background": bg, "diagram links": bg, "test curve": theme.DARK.color("test_loss")}
        assert QApplication.instance().palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
        assert theme.DARK.color("text") in w.boundary.header.styleSheet()
        assert preferences.read(w.settings).theme == "dark"  # remembered
        _choose(w.preferences.show_dialog(), theme="light")
        assert _ink(w) == light
    finally:
        close_quietly(w, None)


def test_a_window_opened_in_the_dark_theme_draws_new_networks_dark(qtbot, tmp_path):
    settings = settings_at(tmp_path / "s.ini")
    preferences.write(settings, preferences.Prefs(theme="dark"))
    w = _window(qtbot, settings)
    try:
        assert _ink(w)["loss background"] == theme.DARK.color("background")
        title = w.network_view.titles[0]
        assert title.brush().color().name() == theme.DARK.color("text")
    finally:
        close_quietly(w, None)


def test_a_first_start_trains_at_a_watchable_pace_with_max_one_click_away(qtbot, tmp_path):
    path = tmp_path / "fresh.ini"
    w = _window(qtbot, QSettings(str(path), QSettings.Format.IniFormat))
    bar = w.transport
    assert bar.speed_value() == WATCH_SPEED and not bar.max_button.isChecked()
    bar.max_button.click()
    assert bar.speed_value() == 0.0 and bar.max_button.isChecked()
    bar.max_button.click()
    assert bar.speed_value() == WATCH_SPEED
    bar.max_button.click()
    close_quietly(w, None)
    w2 = _window(qtbot, QSettings(str(path), QSettings.Format.IniFormat))
    try:
        assert w2.transport.speed_value() == 0.0 and w2.transport.max_button.isChecked()  # remembered
    finally:
        close_quietly(w2, None)


def test_a_fixed_start_speed_and_resolution_win_over_the_last_ones(qtbot, tmp_path):
    settings = settings_at(tmp_path / "s.ini")
    settings.setValue("view/grid_resolution", 300)
    preferences.write(settings, preferences.Prefs(start_speed=100.0, start_resolution=50))
    w = _window(qtbot, settings)
    try:
        assert w.transport.speed_value() == 100.0 and w.resolution_combo.currentData() == 50
    finally:
        close_quietly(w, None)


def test_broken_preferences_read_as_defaults(tmp_path):
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for key, value in ((preferences.THEME_KEY, "purple"), (preferences.FRAME_RATE_KEY, "fast"),
                       (preferences.START_SPEED_KEY, 7.5), (preferences.START_RESOLUTION_KEY, "x")):
        s.setValue(key, value)
    assert preferences.read(s) == preferences.Prefs()
    preferences.write(s, preferences.Prefs("dark", 10, 1000.0, 400))
    assert preferences.read(s) == preferences.Prefs("dark", 10, 1000.0, 400)


def test_the_frame_cap_holds_an_acknowledgement_until_its_frame_is_due(qtbot, stopped_clock):
    from PySide6.QtCore import QObject

    from playground.ui import frame_cap

    stopped_clock(frame_cap)  # "less than a frame ago" whatever the machine's load
    owner = QObject()
    calls: list[int] = []
    cap = FrameCap(lambda: calls.append(1), owner)
    cap.acknowledge()
    cap.acknowledge()
    assert calls == [1, 1]  # at the default rate, passed on at once
    cap.set_fps(5)
    for n in (3, 4):
        cap.acknowledge()
        cap.acknowledge()  # the same frame: not passed on twice
        assert len(calls) == n - 1  # held: the last one passed on less than 1/5 s ago
        qtbot.waitUntil(lambda n=n: len(calls) == n, timeout=2000)
    assert len(calls) == 4


def test_settings_written_by_version_1_load(qtbot, tmp_path):
    path = tmp_path / "old.ini"
    shutil.copy(DATA / "settings_v1.ini", path)
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert not settings.contains(VERSION_KEY)
    w = _window(qtbot, settings)
    try:
        assert w.transport.speed_value() == 30.0
        assert w.resolution_combo.currentData() == 200
        assert w.log_scale_action.isChecked() and w.show_test_action.isChecked()
        assert not w.discretize_action.isChecked()
        assert w.files.recent.paths() == ["/home/someone/spiral.playground.json"]
        assert int(settings.value(VERSION_KEY)) == VERSION
        assert preferences.read(settings) == preferences.Prefs()
    finally:
        close_quietly(w, None)


def test_follow_the_system_switches_when_the_desktop_does(qtbot, tmp_path, monkeypatch):
    w = _window(qtbot, settings_at(tmp_path / "s.ini"))  # the theme preference defaults to "system"
    try:
        scheme = {"now": theme.LIGHT}
        monkeypatch.setattr(theme, "resolve",
                            lambda choice: scheme["now"] if choice == "system" else theme.THEMES[choice])
        scheme["now"] = theme.DARK  # the desktop turned dark
        w.preferences._on_color_scheme_changed()
        assert _ink(w)["loss background"] == theme.DARK.color("background")
        preferences.write(w.settings, preferences.Prefs(theme="light"))  # a fixed choice ignores the desktop
        w.preferences.apply(preferences.read(w.settings))
        w.preferences._on_color_scheme_changed()
        assert _ink(w)["loss background"] == "#ffffff"
    finally:
        close_quietly(w, None)


def test_migration_marks_old_files_and_leaves_newer_ones_alone(tmp_path):
    from playground.ui.settings_migration import migrate

    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    s.setValue(VERSION_KEY, "garbled")  # a hand-edited file: read as the oldest version
    assert migrate(s) == 1 and int(s.value(VERSION_KEY)) == VERSION
    assert migrate(s) == VERSION  # already current: nothing to do
    s.setValue(VERSION_KEY, VERSION + 1)  # written by a newer app
    assert migrate(s) == VERSION + 1 and int(s.value(VERSION_KEY)) == VERSION + 1
