"""Preferences (File > Preferences…, Ctrl+,): theme, speed and boundary resolution at start, frame-rate cap.

Stored in the window's QSettings beside what the window remembers by itself. The theme and
the frame-rate cap apply at once; the start values apply at the next start ("the last one
used", the default, is what the window remembers when it closes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from playground.ui import theme
from playground.ui.frame_cap import FRAME_RATES
from playground.ui.named_action import named_action
from playground.ui.widgets.transport import SPEEDS, WATCH_SPEED, speed_label
from playground.ui.window_parts import GRID_CHOICES

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

THEME_KEY = "prefs/theme"
FRAME_RATE_KEY = "prefs/frame_rate"
START_SPEED_KEY = "prefs/start_speed"
START_RESOLUTION_KEY = "prefs/start_resolution"
#: "Start with the last value used" in the start-value settings.
LAST = "last"
#: Epochs a second at a first start: slow enough to watch the boundary form, fast enough to see it soon.
FIRST_START_SPEED = WATCH_SPEED
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


@dataclass(frozen=True)
class Prefs:
    """What Preferences sets; ``start_speed`` / ``start_resolution`` are :data:`LAST` or a value."""

    theme: str = "system"
    frame_rate: int = FRAME_RATES[0]
    start_speed: str | float = LAST
    start_resolution: str | int = LAST


def _choice(value: object, allowed: tuple, kind: type) -> object | None:
    """``value`` as one of ``allowed`` (converted with ``kind``), or None for anything else."""
    if value == LAST:
        return LAST
    try:
        v = kind(value)
    except (TypeError, ValueError):
        return None
    return v if v in allowed else None


def read(settings: QSettings) -> Prefs:
    """The stored preferences; a missing or hand-broken value gives its default."""
    d = Prefs()
    t = settings.value(THEME_KEY, d.theme)
    fps = _choice(settings.value(FRAME_RATE_KEY, d.frame_rate), FRAME_RATES, int)
    speed = _choice(settings.value(START_SPEED_KEY, d.start_speed), SPEEDS, float)
    res = _choice(settings.value(START_RESOLUTION_KEY, d.start_resolution), GRID_CHOICES, int)
    return Prefs(theme=t if t in theme.CHOICES else d.theme,
                 frame_rate=fps if isinstance(fps, int) else d.frame_rate,
                 start_speed=d.start_speed if speed is None else speed,
                 start_resolution=d.start_resolution if res is None else res)


def write(settings: QSettings, prefs: Prefs) -> None:
    settings.setValue(THEME_KEY, prefs.theme)
    settings.setValue(FRAME_RATE_KEY, prefs.frame_rate)
    settings.setValue(START_SPEED_KEY, prefs.start_speed)
    settings.setValue(START_RESOLUTION_KEY, prefs.start_resolution)
    settings.sync()


def start_value(settings: QSettings, key: str, remembered_key: str, first: object) -> object:
    """The value a start begins with: the preference when fixed, else the one remembered, else ``first``."""
    fixed = settings.value(key, LAST)
    return settings.value(remembered_key, first) if fixed == LAST else fixed


class PreferencesDialog(QDialog):
    """The Preferences form; :meth:`prefs` is what it shows."""

    def __init__(self, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.theme = self._combo([(THEME_LABELS[c], c) for c in theme.CHOICES], prefs.theme,
                                 "Light or dark plots, diagram and window; 'Follow the system' uses the "
                                 "desktop's choice. The data colours stay the same.")
        self.start_speed = self._combo([("The last one used", LAST)] + [(speed_label(s), s) for s in SPEEDS],
                                       prefs.start_speed, "The training speed the app starts with.")
        self.start_resolution = self._combo([("The last one used", LAST)] + [(f"{n} × {n}", n) for n in GRID_CHOICES],
                                            prefs.start_resolution,
                                            "How finely the boundary picture is sampled when the app starts.")
        self.frame_rate = self._combo([(f"{f} frames a second", f) for f in FRAME_RATES], prefs.frame_rate,
                                      "How often the views redraw while training; fewer frames leave more "
                                      "of the computer to training.")
        form = QFormLayout()
        form.addRow("Theme", self.theme)
        form.addRow("Speed at start", self.start_speed)
        form.addRow("Boundary resolution at start", self.start_resolution)
        form.addRow("Frame-rate cap", self.frame_rate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        note = QLabel("Theme and frame rate apply now; the start values at the next start.")
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    @staticmethod
    def _combo(items: list[tuple[str, object]], current: object, tip: str) -> QComboBox:
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.setToolTip(tip)
        return combo

    def prefs(self) -> Prefs:
        return Prefs(theme=self.theme.currentData(), frame_rate=self.frame_rate.currentData(),
                     start_speed=self.start_speed.currentData(), start_resolution=self.start_resolution.currentData())


class PreferencesActions(QObject):
    """The window's Preferences action and dialog; applies the theme and frame-rate cap."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PreferencesDialog | None = None
        self.action = named_action(window, "Preferences…", "preferences", "Theme, speed and resolution at start, "
                                   "frame-rate cap", self.show_dialog, "Ctrl+,")
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._on_color_scheme_changed)
        self.apply(read(window.settings))

    def apply(self, prefs: Prefs) -> None:
        """Draw the window in the preferred theme and cap its frame rate."""
        wanted = theme.resolve(prefs.theme)
        if wanted is not theme.current() or wanted is not theme.LIGHT:  # views are built in light ink
            theme.apply(wanted, self.window)
        self.window.frame_cap.set_fps(prefs.frame_rate)

    def show_dialog(self) -> PreferencesDialog:
        """Open the dialog (not blocking); OK stores and applies what it shows."""
        self.dialog = PreferencesDialog(read(self.window.settings), self.window)
        self.dialog.accepted.connect(self._on_accepted)
        self.dialog.open()
        return self.dialog

    def _on_accepted(self) -> None:
        if self.dialog is None:
            return
        prefs = self.dialog.prefs()
        write(self.window.settings, prefs)
        self.apply(prefs)
        self.window.status.note(f"Preferences saved: {THEME_LABELS[prefs.theme].lower()} theme, "
                                f"at most {prefs.frame_rate} frames a second")

    def _on_color_scheme_changed(self) -> None:
        prefs = read(self.window.settings)
        if prefs.theme == "system":
            self.apply(prefs)


def install(window: MainWindow) -> PreferencesActions:
    """Give ``window`` its Preferences action (in the File menu, above Quit) and apply the stored preferences."""
    prefs = PreferencesActions(window)
    window.file_menu.insertAction(window.quit_action, prefs.action)
    return prefs
