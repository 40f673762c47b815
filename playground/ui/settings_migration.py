"""The settings' version, and bringing settings written by an older version up to date.

Version 1 (no version key) is what the app wrote before Preferences existed. Each step
turns version n into n + 1; a file from a newer version is left alone (what this version
does not know it ignores, and it never removes what a newer one wrote).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings

VERSION_KEY = "settings/version"
#: The version this app writes.
VERSION = 2


def _from_1(settings: QSettings) -> None:
    """Version 2 adds the Preferences (``prefs/...``), whose defaults keep a version 1 user's
    start as it was (the last speed and resolution used); every version 1 key keeps its meaning."""


#: The step from version n to n + 1.
STEPS: dict[int, Callable[[QSettings], None]] = {1: _from_1}


def stored_version(settings: QSettings) -> int:
    """The version that wrote ``settings`` (1 when unmarked or unreadable)."""
    try:
        return max(1, int(settings.value(VERSION_KEY, 1)))
    except (TypeError, ValueError):
        return 1


def migrate(settings: QSettings) -> int:
    """Bring ``settings`` up to :data:`VERSION` (nothing for a new or a newer file); returns the version found."""
    found = stored_version(settings)
    if found >= VERSION:
        return found
    for n in range(found, VERSION):
        STEPS[n](settings)
    settings.setValue(VERSION_KEY, VERSION)
    return found
