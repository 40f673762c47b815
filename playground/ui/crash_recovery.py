"""Crash safety: a recovery file, autosaved and written before a crash report; offered at the next start.

The recovery file is an ordinary experiment file (``Save``'s text, written atomically) in the
app's data folder. It is written every :data:`AUTOSAVE_MINUTES` minutes while the run has
changed, before an action that throws the trained state away (a rebuild, Reset, New, Open,
importing weights), and first thing when an unhandled Python exception reaches the top of
any thread. A clean
exit removes it; a start that finds it offers to restore it (spec, points, weights, optimizer
state and history), and removes it when declined. Training errors are not crashes: the
worker pauses with a message, as before.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground import __version__
from playground.core.io.atomic import describe_os_error
from playground.core.io.project import SUFFIX
from playground.ui.background import run_in_background
from playground.ui.file_actions import pending_drawing, write_project
from playground.ui.training import WorkerRequestError

if TYPE_CHECKING:
    from types import TracebackType

    from playground.ui.main_window import MainWindow

AUTOSAVE_MINUTES = 3
RECOVERY_NAME = "recovery" + SUFFIX


def data_folder() -> Path:
    """The app's data folder (XDG ``$XDG_DATA_HOME/…`` on Linux, Application Support on macOS,
    AppData on Windows); a temporary folder when the system names none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(found) if found else Path(tempfile.gettempdir()) / "neural-network-playground"


def recovery_path() -> Path:
    return data_folder() / RECOVERY_NAME


def crash_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                 thread: str = "main") -> str:
    """The text a person can paste into a bug report: versions, thread and traceback."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return (f"Neural Network Playground {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
            f"Thread: {thread}\n\n" + "".join(lines))


class CrashDialog(QDialog):
    """What happened, where the experiment was saved, the report and a "Copy report" button."""

    def __init__(self, summary: str, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.report = report
        label = QLabel(summary)
        label.setWordWrap(True)
        text = QPlainTextEdit(report)
        text.setReadOnly(True)
        text.setMinimumSize(560, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setToolTip("Copy the report to the clipboard, to paste into a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)  # ActionRole: the dialog stays open
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        lay.addWidget(text, 1)
        lay.addWidget(buttons)

    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.report)
        self.copy_button.setText("Copied")


class Recovery(QObject):
    """The window's recovery file: autosave, save before risky actions and crashes, restore, discard.

    ``dialogs`` needs ``crash(summary, report)`` and ``ask_restore(text) -> bool`` (the window's
    :class:`~playground.ui.dialogs.Dialogs` has both; tests pass their own).
    """

    crashed = Signal(str, str)  # summary, report: from any thread, shown in the UI thread

    def __init__(self, window: MainWindow, path: Path, dialogs: object | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.path = Path(path)
        self.dialogs = dialogs if dialogs is not None else window.dialogs
        self._saved: tuple[int, int, int] | None = None  # (generation, epoch, batches) last written
        self._reporting = False
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MINUTES * 60_000)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        self.crashed.connect(self._on_crashed)

    # ------------------------------------------------------------------ writing

    def _state_key(self) -> tuple[int, int, int] | None:
        s = self.window.controller.last_snapshot
        return None if s is None else (s.generation, s.epoch, s.batches)

    def save(self) -> str | None:
        """Write the experiment now; ``None`` when written, else the one-line reason it was not."""
        try:
            payload = self.window.controller.fetch("project", timeout=10.0)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            run_in_background(write_project, self.path, payload.text, pending_drawing(self.window))
        except WorkerRequestError as exc:
            return f"the training thread could not give the experiment ({exc})"
        except OSError as exc:
            return f"{self.path}: cannot write ({describe_os_error(exc)})"
        except ValueError as exc:  # drawn points that would make the file too big to open
            return str(exc)
        self._saved = self._state_key()
        return None

    def save_if_trained(self) -> None:
        """Before an action that drops the trained state: write it when it has trained since the last write."""
        key = self._state_key()
        if key is not None and key != self._saved and (key[1] > 0 or key[2] > 0):
            reason = self.save()
            if reason is not None:
                self.window.status.note(f"Recovery file not written: {reason}")

    def autosave(self) -> None:
        """The timer's save: only when the experiment changed since the last one."""
        self.save_if_trained()

    def discard(self) -> None:
        """Remove the recovery file (a clean exit, or the offer was declined)."""
        self.timer.stop()
        try:
            self.path.unlink(missing_ok=True)
        except OSError:  # a file we cannot remove is offered again; nothing else to do
            pass

    # ------------------------------------------------------------------ crashes

    def install_hooks(self) -> tuple:
        """Report unhandled exceptions of every thread here; returns the previous hooks for :meth:`remove_hooks`."""
        previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return previous

    @staticmethod
    def remove_hooks(previous: tuple) -> None:
        sys.excepthook, threading.excepthook = previous

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self._report(crash_report(exc_type, exc, tb, threading.current_thread().name), f"{exc_type.__name__}: {exc}")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        self._report(crash_report(args.exc_type, args.exc_value, args.exc_traceback, name),
                     f"{args.exc_type.__name__}: {args.exc_value}")

    def _report(self, report: str, what: str) -> None:
        sys.stderr.write(report)  # also where a terminal user (and a log) sees it
        # A signal to this object runs the slot in the UI thread, queued when raised elsewhere.
        self.crashed.emit(what, report)

    def _on_crashed(self, what: str, report: str) -> None:
        if self._reporting:  # an error while reporting one: stderr has it, no second dialog
            return
        self._reporting = True
        try:
            reason = self.save()
            saved = (f"Your experiment was saved to {self.path}; it is offered at the next start."
                     if reason is None else f"The experiment could not be saved: {reason}.")
            self.dialogs.crash(f"An unexpected error happened: {what}\n\n{saved} You can keep working, "
                               f"but saving under a name of your own now is wise.", report)
        finally:
            self._reporting = False

    # ------------------------------------------------------------------ the next start

    def offer_restore(self) -> bool:
        """If a recovery file is there, ask; restore it (True) or remove it."""
        if not self.path.is_file():
            return False
        if not self.dialogs.ask_restore(f"The last session ended unexpectedly. Its experiment was saved "
                                        f"to {self.path}.\nRestore it?"):
            self.discard()
            self.timer.start()
            return False
        restored = self.window.files.open(self.path, as_copy=True)
        if restored:
            self.window.status.note("Restored the experiment of the last session: save it under a name to keep it")
        return restored


def install(window: MainWindow, path: Path | None = None) -> Recovery:
    """Give ``window`` a recovery file (the data folder's by default) as ``window.recovery``."""
    window.recovery = Recovery(window, path if path is not None else recovery_path())
    return window.recovery
