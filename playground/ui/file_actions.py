"""File > New, Open, Open Recent, Save, Save As: experiment files, the window title and unsaved changes.

Saving needs the trainer's whole state, which lives in the worker thread: the
worker makes the file's text between training slices (``fetch("project")``,
training goes on) and this side writes it atomically. Opening reads and
checks the whole file first (:func:`read_project` builds a throw-away trainer),
so a bad file changes nothing; only then is the experiment handed to the worker.
Reading, checking and writing run on a short-lived thread of their own
(:func:`~playground.ui.background.run_in_background`): the largest file takes
seconds, and the window keeps painting meanwhile.

The window is "modified" after any edit, any training progress (a snapshot
at another epoch, update count or generation than the saved one) and imports.

No output may destroy an input: an export is never written over the
experiment's file, and nothing is written over the CSV or weight file the
experiment's points or weights were imported from (:meth:`ProjectFiles.refuse_output`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from playground.core.dataset import Dataset
from playground.core.io.atomic import atomic_write_text, describe_os_error, same_file
from playground.core.io.project import MAX_FILE_BYTES, SUFFIX, ProjectError, load_project_with_drawing
from playground.core.io.project_drawing import with_drawing
from playground.core.painted_data import PaintedPoints
from playground.core.runs import Run
from playground.core.snapshot import Snapshot
from playground.core.spec import ExperimentSpec
from playground.ui.background import run_in_background
from playground.ui.dialogs import (
    ALL_FILTER,
    ANY_JSON_FILTER,
    DISCARD,
    PROJECT_FILTER,
    SAVE,
    suggested_name,
    with_suffix,
)
from playground.ui.recent_files import RecentFiles
from playground.ui.training import WorkerRequestError

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

APP_TITLE = "Neural Network Playground"
UNTITLED = "Untitled"


@dataclass(frozen=True)
class OpenedProject:
    """An experiment file's contents, checked, ready for the worker (which must own the state)."""

    spec: ExperimentSpec
    dataset: Dataset
    state: dict
    dtype: str
    runs: tuple[Run, ...] = ()  # the runs kept in the file
    drawing: PaintedPoints | None = None  # drawn points not trainable yet, kept beside the run

    @property
    def epoch(self) -> int:
        return int(self.state.get("epoch", 0))

    @property
    def batches(self) -> int:
        return int(self.state.get("batches", 0))

    @property
    def divergence(self) -> str | None:
        """What diverged when the experiment was saved right after a divergence, else None."""
        diverged = self.state.get("diverged")
        return None if diverged is None else str(diverged["message"])


def read_project(path: str | Path) -> OpenedProject:
    """Read and check an experiment file completely.

    Raises
    ------
    ProjectError
        one line naming the file and the problem (also for errors nobody foresaw).
    """
    try:
        trainer, runs, drawing = load_project_with_drawing(path)
    except ProjectError:
        raise
    except Exception as exc:  # the user gets a message, never a traceback
        raise ProjectError(f"{path}: cannot open ({type(exc).__name__}: {exc})") from None
    return OpenedProject(trainer.spec, trainer.dataset, trainer.get_state(), trainer.dtype.name, runs, drawing)


def write_project(path: Path, text: str, drawing: PaintedPoints | None) -> None:
    """Write the experiment's ``text``, with the ``drawing`` not trainable yet when there is one
    (``ValueError`` when that would make a file too big to open)."""
    atomic_write_text(path, text if drawing is None else with_drawing(text, drawing, MAX_FILE_BYTES))


def show_drawing(window: MainWindow, opened: OpenedProject) -> str:
    """Show the drawn points an opened file keeps beside its run (not trainable yet) as they were
    drawn; the end of the status note, saying what they miss ("" when the file keeps none)."""
    if opened.drawing is None:
        return ""
    window.paint.show_points(opened.drawing, opened.dataset, True)
    window.paint.draw_action.setChecked(True)  # the plane shows the drawn points, not the worker's
    missing = opened.drawing.missing()
    if not missing:
        return ""
    window.banner.show_message(f"The drawn points cannot be trained on yet: {missing}", error=False)
    return "; the drawn points cannot be trained on yet"


def pending_drawing(window: MainWindow) -> PaintedPoints | None:
    """The drawn points that cannot be trained on yet (the worker has the last trainable ones), or None."""
    paint = window.paint
    return paint.points if paint.pending else None


class ProjectFiles(QObject):
    """The window's experiment file: its actions, path, title and unsaved-changes mark."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.recent = RecentFiles(window.settings)
        self.path: Path | None = None
        self._clean: tuple[int, int, int] | None = None  # (generation, epoch, batches) when last saved/opened
        #: Files the experiment's points and weights were imported from ("data", "weights" -> path).
        self.sources: dict[str, Path] = {}
        self.busy = False
        self.new_action = self._action("&New", "new", "Ctrl+N", "Start again from the default experiment")
        self.open_action = self._action("&Open…", "open", "Ctrl+O", "Open a saved experiment")
        self.save_action = self._action("&Save", "save", "Ctrl+S", "Save the experiment: settings, points, "
                                        "weights, optimizer state and loss history")
        self.save_as_action = self._action("Save &As…", "save_as", "Ctrl+Shift+S",
                                           "Save the experiment to a new file")
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.new_action.triggered.connect(self.new)
        self.open_action.triggered.connect(lambda: self.open())
        self.save_action.triggered.connect(self.save)
        self.save_as_action.triggered.connect(self.save_as)
        window.controller.snapshot_ready.connect(self._on_snapshot)

    def _action(self, text: str, name: str, keys: str, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        self.window.addAction(action)
        return action

    @property
    def actions(self) -> tuple[QAction, ...]:
        return (self.new_action, self.open_action, self.save_action, self.save_as_action)

    # ------------------------------------------------------------------ state

    @property
    def display_name(self) -> str:
        return self.path.name if self.path is not None else UNTITLED

    @property
    def modified(self) -> bool:
        return self.window.isWindowModified()

    def set_current_file(self, path: str | Path | None, epoch: int = 0, batches: int = 0) -> None:
        """The experiment now loaded in the worker is ``path`` (None: untitled) at ``epoch``/``batches``."""
        self.path = None if path is None else Path(path).absolute()
        self.sources = {}  # a new experiment: what was imported before is no longer its input
        if self.path is not None:
            self.recent.add(self.path)
        self._mark_clean(epoch, batches)

    def _mark_clean(self, epoch: int, batches: int) -> None:
        self._clean = (self.window.controller.generation, int(epoch), int(batches))
        self.window.setWindowTitle(f"{self.display_name}[*] — {APP_TITLE}")
        self.window.links.show_origin()
        self.window.setWindowModified(False)

    def mark_modified(self) -> None:
        self.window.setWindowModified(True)

    def note_source(self, kind: str, path: str | Path) -> None:
        """The experiment's ``kind`` ("data", "weights") now comes from ``path``: never write over it."""
        self.sources[kind] = Path(path).absolute()

    def refuse_output(self, path: str | Path, experiment: bool = False) -> str | None:
        """Why writing ``path`` would destroy an input (one line naming it), or None when it is fine.

        ``experiment``: the experiment itself is written (Save may replace its own file).
        """
        inputs = [(f"the file the {kind} were imported from", source) for kind, source in self.sources.items()]
        if not experiment and self.path is not None:
            inputs.insert(0, ("the experiment's own file", self.path))
        for what, source in inputs:
            if same_file(path, source):
                return f"{path}: is {what}; writing there would destroy it: choose another name"
        return None

    def _on_snapshot(self, s: Snapshot) -> None:
        # Checked first: setWindowModified costs ~0.1 ms even when nothing changes, 30 times a second.
        if not self.window.isWindowModified() and (s.generation, s.epoch, s.batches) != self._clean:
            self.window.setWindowModified(True)

    # ------------------------------------------------------------------ actions

    def new(self) -> bool:
        """The default experiment, untitled (after asking about unsaved changes)."""
        if not self.maybe_save():
            return False
        from playground.ui.main_window import default_spec
        self.window.load_experiment(default_spec())
        self.set_current_file(None)
        self.window.status.note("New experiment: press Space to train")
        return True

    def open(self, path: str | Path | None = None, as_copy: bool = False) -> bool:
        """Open ``path`` (or ask for one); a bad file gets an error dialog and changes nothing.

        ``as_copy``: open it untitled and keep it off the recent files (an example: Save asks for a name).
        """
        if path is None:
            path = self.window.dialogs.open_path("Open experiment", (PROJECT_FILTER, ANY_JSON_FILTER, ALL_FILTER),
                                                 self.folder())
            if path is None:
                return False
        self.window.status.note(f"Opening {Path(path).name}…")
        self.busy = True  # a window-system close waits for the read
        try:  # a big file takes seconds to read and check: the window stays live meanwhile
            opened = run_in_background(read_project, path)
        except ProjectError as exc:
            self.window.dialogs.error("Cannot open the experiment", str(exc))
            return False
        finally:
            self.busy = False
        if not self.maybe_save():
            return False
        self.window.load_experiment(opened.spec, opened.dataset, opened.state, opened.dtype)
        self.window.runs_ui.add_opened(opened.runs)  # runs: the session will do this
        drawing = show_drawing(self.window, opened)  # as drawn; Play says what it misses
        self.set_current_file(None if as_copy else path, opened.epoch, opened.batches)
        self.window.status.note(f"Opened {Path(path).name} at epoch {opened.epoch:,}"
                                + self.window.links.origin_note(opened.spec.source_link) + drawing)
        if opened.divergence is not None:  # saved right after a divergence: say so, as then
            self.window.banner.show_message(opened.divergence, error=True)
        return True

    def open_recent(self, path: str) -> bool:
        """Open a recent file; one that is gone is taken off the list with a message."""
        if not os.path.lexists(path):  # a folder or a pipe is not "gone": opening it says what it is
            self.recent.remove(path)
            self.window.dialogs.information(
                "File not found", f"{path} no longer exists; it was removed from the recent files.")
            return False
        return self.open(path)

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for i, p in enumerate(paths):
            name = Path(p).name.replace("&", "&&")  # a lone & would make a shortcut key
            action = menu.addAction(f"&{i + 1} {name}" if i < 9 else f"1&0 {name}")
            action.setToolTip(p)
            action.setStatusTip(p)
            action.triggered.connect(lambda _=False, p=p: self.open_recent(p))
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear list")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.recent.clear)

    def save(self) -> bool:
        """Save to the current file, or ask for one. True when the file was written."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        answer = self.window.dialogs.save_path(
            "Save experiment as", (PROJECT_FILTER,),
            str(self.path) if self.path is not None else suggested_name(None, self.folder(), "experiment", SUFFIX)
        )
        if answer is None:
            return False
        return self._write(Path(with_suffix(answer[0], PROJECT_FILTER, (".json",))))

    def _write(self, path: Path) -> bool:
        refused = self.refuse_output(path, experiment=True)
        if refused is not None:
            self.window.dialogs.error("Cannot save", refused)
            return False
        self.busy = True  # waiting for the worker and the disk: a window-system close must not start a second save
        try:
            payload = self.window.controller.fetch("project", self.window.session.runs.runs)
            drawing = pending_drawing(self.window)  # kept too
            # hundreds of megabytes, flushed to disk: off the UI thread
            run_in_background(write_project, path, payload.text, drawing)
        except WorkerRequestError as exc:
            self.window.dialogs.error("Cannot save", f"Cannot save {path.name}: {exc}")
            return False
        except OSError as exc:
            self.window.dialogs.error("Cannot save", f"{path}: cannot write ({describe_os_error(exc)})")
            return False
        except ValueError as exc:  # the drawing would make a file too big to open again
            self.window.dialogs.error("Cannot save", f"Cannot save {path.name}: {exc}")
            return False
        finally:
            self.busy = False
        self.path = path.absolute()
        self.recent.add(self.path)
        self._mark_clean(payload.epoch, payload.batches)
        self.window.status.note(f"Saved {path.name} at epoch {payload.epoch:,}" + (
            f"; {payload.runs_left_out} kept run(s) left out to stay within the file size limit"
            if payload.runs_left_out else "") + ("; the drawn points too, though they cannot be trained on yet"
                                                 if drawing is not None else ""))
        return True

    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True when it is fine to go on (saved or discarded)."""
        if not self.modified:
            return True
        answer = self.window.dialogs.ask_save_changes(self.display_name)
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    def folder(self) -> str:
        """Where file dialogs start: the open experiment's folder, else the last one used ("" for the default)."""
        if self.path is not None:
            return str(self.path.parent)
        recent = self.recent.paths()
        return str(Path(recent[0]).parent) if recent else ""
