"""The recently opened or saved experiment files, newest first, kept in QSettings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "files/recent"
MAX_RECENT = 10


class RecentFiles:
    """Up to :data:`MAX_RECENT` absolute paths, newest first, without duplicates."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value(KEY, [])
        if isinstance(value, str):  # an INI file gives a one-element list back as a plain string
            value = [value] if value else []
        if not isinstance(value, list):
            return []
        return [p for p in value if isinstance(p, str) and p][:MAX_RECENT]

    def add(self, path: str | os.PathLike[str]) -> None:
        """Put ``path`` first."""
        p = str(Path(path).absolute())
        self._store([p, *(q for q in self.paths() if q != p)])

    def remove(self, path: str | os.PathLike[str]) -> None:
        p = str(Path(path).absolute())
        self._store([q for q in self.paths() if q != p])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[str]) -> None:
        self.settings.setValue(KEY, paths[:MAX_RECENT])
        self.settings.sync()
