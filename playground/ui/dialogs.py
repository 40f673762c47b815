"""Every modal question the window asks, in one replaceable object, and file-name filters.

The window never calls ``QFileDialog`` or ``QMessageBox`` itself: it asks its
:class:`Dialogs`. Tests give the window an object with the same methods that
answers at once (a path, "discard", ...), so no dialog is ever shown there.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from playground.core.io.project import SUFFIX as PROJECT_SUFFIX

PROJECT_FILTER = f"Experiments (*{PROJECT_SUFFIX})"
ANY_JSON_FILTER = "JSON files (*.json)"
ALL_FILTER = "All files (*)"
ONNX_FILTER = "ONNX model (*.onnx)"
NPZ_FILTER = "NumPy arrays (*.npz)"
JSON_WEIGHTS_FILTER = "JSON weights (*.json)"
CSV_FILTER = "CSV files (*.csv)"
PNG_FILTER = "PNG image (*.png)"
SVG_FILTER = "SVG drawing (*.svg)"
PYTHON_FILTER = "Python files (*.py)"

#: Answers of :meth:`Dialogs.ask_save_changes`.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def filter_suffixes(name_filter: str) -> tuple[str, ...]:
    """The suffixes a filter such as ``"Experiments (*.playground.json)"`` names (``*`` gives none)."""
    inside = re.search(r"\(([^)]*)\)", name_filter)
    patterns = inside.group(1).split() if inside else []
    return tuple(p[1:].lower() for p in patterns if p.startswith("*.") and len(p) > 2)


def with_suffix(path: str, name_filter: str, known: tuple[str, ...]) -> str:
    """``path`` as typed when it already ends in one of ``known``, else with the chosen filter's suffix."""
    lower = path.lower()
    if any(lower.endswith(s) for s in known):
        return path
    wanted = filter_suffixes(name_filter)
    return path + wanted[0] if wanted else path


def join_filters(*filters: str) -> str:
    return ";;".join(filters)


class Dialogs:
    """File dialogs and message boxes parented to ``parent`` (the main window)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def open_path(self, title: str, filters: tuple[str, ...], directory: str = "") -> str | None:
        """A file to read, or ``None`` when cancelled."""
        path, _ = QFileDialog.getOpenFileName(self.parent, title, directory, join_filters(*filters))
        return path or None

    def save_path(self, title: str, filters: tuple[str, ...], suggested: str = "") -> tuple[str, str] | None:
        """A file to write and the filter chosen (which names the format), or ``None`` when cancelled."""
        path, chosen = QFileDialog.getSaveFileName(self.parent, title, suggested, join_filters(*filters),
                                                   filters[0] if filters else "")
        return (path, chosen or (filters[0] if filters else "")) if path else None

    def ask_text(self, title: str, label: str) -> str | None:
        """One line of text typed or pasted by the user, or ``None`` when cancelled."""
        text, ok = QInputDialog.getText(self.parent, title, label)
        return text if ok else None

    def error(self, title: str, text: str) -> None:
        """Something failed; ``text`` says what (one line, naming the file)."""
        self._message(QMessageBox.Icon.Critical, title, text)

    def information(self, title: str, text: str) -> None:
        self._message(QMessageBox.Icon.Information, title, text)

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        # The title is repeated inside: some platforms (macOS) show no title on message boxes.
        box = QMessageBox(icon, title, title, QMessageBox.StandardButton.Ok, self.parent)
        box.setInformativeText(text)
        # Wide enough that a long path wraps less and reads better.
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 440px; }")
        box.exec()

    def crash(self, summary: str, report: str) -> None:
        """An unhandled error: what happened, where the experiment went, and a report to copy."""
        from playground.ui.crash_recovery import CrashDialog

        CrashDialog(summary, report, self.parent).exec()

    def ask_restore(self, text: str) -> bool:
        """Restore the experiment of a session that ended unexpectedly? (No removes it.)"""
        buttons = QMessageBox.StandardButton
        return QMessageBox.question(self.parent, "Restore the last session?", text,
                                    buttons.Yes | buttons.No, buttons.Yes) == buttons.Yes

    def ask_save_changes(self, name: str) -> str:
        """``SAVE``, ``DISCARD`` or ``CANCEL`` for an experiment with unsaved changes."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.warning(
            self.parent, "Unsaved changes",
            f"{name} has changes that are not saved.\nSave them before going on?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(answer, CANCEL)


def suggested_name(current: Path | None, folder: str, stem: str, suffix: str = "") -> str:
    """A starting path for a save dialog: beside the open experiment and named after it when there is one.

    Leave ``suffix`` empty when the dialog offers several formats: the chosen filter then names it.
    """
    if current is not None:
        base = current.name.removesuffix(PROJECT_SUFFIX).removesuffix(".json")
        return str(current.with_name(f"{base}_{stem}{suffix}"))
    return str(Path(folder) / (stem + suffix)) if folder else stem + suffix
