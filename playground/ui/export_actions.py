"""File menu exports and imports: weights, code, data, pictures and the loss history.

Everything that needs the trainer (weights, the full history, importing
weights) is a worker request (``controller.fetch``); everything else uses the
last snapshot, which is immutable. Every failure is one error dialog naming
the file and the problem, and changes nothing: files are written atomically,
imports are checked completely before anything is applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from playground.core.io.atomic import atomic_write_text, describe_os_error
from playground.core.io.code_snippet import numpy_snippet, pytorch_snippet
from playground.core.io.csv_data import dataset_to_csv_text, read_csv
from playground.core.io.history_csv import HistoryCsvError, write_history_csv
from playground.core.io.weights import SUFFIXES, WeightFile, WeightFileError, read_weight_file, write_weights
from playground.core.spec import DataSpec
from playground.core.training_errors import check_trainable
from playground.ui.background import run_in_background
from playground.ui.dialogs import (
    ALL_FILTER,
    CSV_FILTER,
    JSON_WEIGHTS_FILTER,
    NPZ_FILTER,
    ONNX_FILTER,
    PNG_FILTER,
    PYTHON_FILTER,
    SVG_FILTER,
    suggested_name,
    with_suffix,
)
from playground.ui.picture_export import PICTURE_SUFFIXES, PictureError, PictureSource, export_picture
from playground.ui.training import WorkerRequestError

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

SNIPPETS: dict[str, tuple[str, Callable[[WeightFile], str]]] = {
    "numpy": ("NumPy", numpy_snippet),
    "pytorch": ("PyTorch", pytorch_snippet),
}
#: What :meth:`ExportActions._fetch` gives after an error (a request may answer None on success).
FAILED = object()
#: File > Export picture entries: key -> menu label.
PICTURES = {"boundary": "Decision boundary", "loss": "Loss curves", "weights": "Weights",
            "network": "Network diagram", "gradients": "Gradient flow"}


class ExportActions(QObject):
    """The File menu's weight, code, data, picture and history actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        a = self._action
        self.export_weights_action = a("Export &weights…", "Write the current weights as ONNX, NumPy .npz or "
                                       "JSON (format from the file type)", self.export_weights)
        self.import_weights_action = a("&Import weights…", "Start from weights in a .npz or .json file of "
                                       "the same architecture", self.import_weights)
        self.code_menu = QMenu("Copy as &code", window)
        self.code_actions: dict[str, QAction] = {}
        for key, (label, _) in SNIPPETS.items():
            self.code_actions[f"copy_{key}"] = a(label, f"Copy runnable {label} code that rebuilds the model with "
                                                 "its current weights", lambda k=key: self.copy_code(k),
                                                 self.code_menu)
        self.code_menu.addSeparator()
        for key, (label, _) in SNIPPETS.items():
            self.code_actions[f"save_{key}"] = a(f"Save {label} code as…", f"Write the {label} code to a .py file",
                                                 lambda k=key: self.save_code(k), self.code_menu)
        self.import_data_action = a("Import &data…", "Train on points from a CSV file (x1,x2,label[,split])",
                                    self.import_data)
        self.export_data_action = a("&Export data…", "Write the points with their train/test split as CSV",
                                    self.export_data)
        self.picture_menu = QMenu("Export &picture", window)
        self.picture_actions = {key: a(f"{label}…", f"Save the {label.lower()} view as PNG or SVG",
                                       lambda k=key: self.export_picture(k), self.picture_menu)
                                for key, label in PICTURES.items()}
        self.export_history_action = a("Export loss &history as CSV…", "Write every epoch's losses, accuracies "
                                       "and gradient norms as CSV", self.export_history)
        for menu in (self.code_menu, self.picture_menu):
            menu.setToolTipsVisible(True)

    def _action(self, text: str, tip: str, slot: Callable[[], object], menu: QMenu | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        if menu is not None:
            menu.addAction(action)
        return action

    # ------------------------------------------------------------------ helpers

    def _fail(self, title: str, message: str) -> bool:
        self.window.dialogs.error(title, message)
        return False

    def _ask_save(self, title: str, filters: tuple[str, ...], stem: str, suffix: str,
                  known: tuple[str, ...]) -> Path | None:
        files = self.window.files
        suggested = suggested_name(files.path, files.folder(), stem, suffix)
        answer = self.window.dialogs.save_path(title, filters, suggested)
        if answer is None:
            return None
        path = Path(with_suffix(answer[0], answer[1], known))
        refused = files.refuse_output(path)
        if refused is not None:
            self._fail(f"Cannot {title[0].lower()}{title[1:]}", refused)
            return None
        return path

    def _fetch(self, kind: str, title: str, argument: object = None) -> object:
        """A worker answer; :data:`FAILED` after an error dialog."""
        try:
            return self.window.controller.fetch(kind, argument)
        except WorkerRequestError as exc:
            self._fail(title, str(exc))
            return FAILED

    def _write_fetched(self, title: str, path: Path | None, kind: str, write: Callable[[Path, Any], None],
                       error: type[Exception], what: Callable[[Any], str]) -> bool:
        """Fetch ``kind`` from the worker and ``write(path, answer)``; the status bar says
        "<what(answer)> written to <file>". False (after an error dialog) on any failure."""
        if path is None:
            return False
        answer = self._fetch(kind, title)
        if answer is FAILED:
            return False
        return self._attempt(title, lambda: write(path, answer), error, f"{what(answer)} written to {path.name}")

    def _attempt(self, title: str, action: Callable[[], object], error: type[Exception], note: str) -> bool:
        """Run ``action``; ``note`` in the status bar when it worked, an error dialog (and False)
        when it raised ``error``."""
        try:
            action()
        except error as exc:
            return self._fail(title, str(exc))
        self.window.status.note(note)
        return True

    def _write_text(self, path: Path, text: str, title: str) -> bool:
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            return self._fail(title, f"{path}: cannot write ({describe_os_error(exc)})")
        return True

    # ------------------------------------------------------------------ weights and code

    def export_weights(self) -> bool:
        title = "Cannot export the weights"
        path = self._ask_save("Export weights", (ONNX_FILTER, NPZ_FILTER, JSON_WEIGHTS_FILTER), "weights",
                              "", SUFFIXES)
        return self._write_fetched(title, path, "weights", write_weights, WeightFileError,
                                   lambda wf: f"Weights at epoch {wf.metadata.get('epoch', 0):,}")

    def import_weights(self) -> bool:
        title = "Cannot import the weights"
        path = self.window.dialogs.open_path("Import weights", ("Weight files (*.npz *.json)", NPZ_FILTER,
                                                                JSON_WEIGHTS_FILTER), self.window.files.folder())
        if path is None:
            return False
        self.window.files.busy = True  # a window-system close waits for the read
        try:  # up to tens of megabytes to parse and check: the window stays live meanwhile
            wf = run_in_background(read_weight_file, path)
        except WeightFileError as exc:
            return self._fail(title, str(exc))
        except Exception as exc:  # a fault nobody foresaw (out of memory ...): a dialog, never a traceback
            return self._fail(title, f"{path}: cannot read ({type(exc).__name__}: {exc})")
        finally:
            self.window.files.busy = False
        self.window.keep_for_recovery()  # the trained weights are about to be replaced
        try:  # a new run from them, one undoable step (the trained run goes to the runs)
            if not self.window.session.import_weights(wf, str(path)):
                return False
        except WorkerRequestError as exc:  # shapes or features that do not fit
            return self._fail(title, str(exc))
        self.window.files.note_source("weights", path)
        self.window.files.mark_modified()
        note = f"Weights from {Path(path).name}: a new run from them, a fresh optimizer (Undo brings the " \
               f"previous run back)"
        self.window.banner.show_message(note, error=False)
        self.window.status.note(note)
        return True

    def copy_code(self, flavour: str) -> bool:
        label, make = SNIPPETS[flavour]
        wf = self._fetch("weights", f"Cannot copy the {label} code")
        if wf is FAILED:
            return False
        QGuiApplication.clipboard().setText(make(wf))
        self.window.status.note(f"{label} code for the weights at epoch {wf.metadata.get('epoch', 0):,} "
                                f"copied to the clipboard")
        return True

    def save_code(self, flavour: str) -> bool:
        label, make = SNIPPETS[flavour]
        title = f"Cannot save the {label} code"
        path = self._ask_save(f"Save {label} code as", (PYTHON_FILTER,), f"model_{flavour}", ".py", (".py",))
        if path is None:
            return False
        wf = self._fetch("weights", title)
        if wf is FAILED or not self._write_text(path, make(wf), title):
            return False
        self.window.status.note(f"{label} code written to {path.name}")
        return True

    # ------------------------------------------------------------------ data

    def import_data(self) -> bool:
        """Points from a CSV file become the experiment's (custom) data; the weights start afresh."""
        path = self.window.dialogs.open_path("Import data", (CSV_FILTER, ALL_FILTER), self.window.files.folder())
        if path is None:
            return False
        return self.import_data_from(path)

    def import_data_from(self, path: str) -> bool:
        """Import the CSV file at ``path`` as :meth:`import_data` does (also for a file dropped on the
        window); a bad file changes nothing and is named in an error message."""
        title = "Cannot import the data"
        w = self.window
        w.status.note(f"Reading {Path(path).name}…")
        w.files.busy = True  # a window-system close waits for the read
        try:
            # Off the UI thread: 100,000 rows take a good part of a second to parse.
            dataset = run_in_background(read_csv, path, None, w.spec.data.train_ratio, w.spec.data.seed)
            data = DataSpec(name="custom", problem=dataset.problem, classes=max(2, dataset.classes),
                            train_ratio=w.spec.data.train_ratio, seed=w.spec.data.seed, scale=w.spec.data.scale)
            training = w.spec.training
            if dataset.problem == "regression" and training.loss != "mse":
                training = dataclasses.replace(training, loss="mse")
            spec = w.spec.replace(data=data, training=training)
            check_trainable(spec, dataset)  # the checks the worker's trainer will make, so a failure changes nothing
        except ValueError as exc:  # DataError, SpecError, TrainerError: one line each
            return self._fail(title, f"{exc}" if str(path) in str(exc) else f"{path}: {exc}")
        finally:
            w.files.busy = False
        w.load_experiment(spec, dataset, dtype=w.dtype)
        w.files.note_source("data", path)
        w.files.mark_modified()
        kind = (f"{dataset.classes} classes" if dataset.problem == "classification" else "regression")
        w.status.note(f"Imported {dataset.n_train + dataset.n_test:,} points from {Path(path).name} ({kind}; "
                      f"{dataset.n_train:,} for training): new weights, epoch 0")
        return True

    def export_data(self) -> bool:
        snapshot = self.window.controller.last_snapshot
        if snapshot is None:
            return self._fail("Cannot export the data", "there are no points yet")
        path = self._ask_save("Export data", (CSV_FILTER,), "points", ".csv", (".csv",))
        if path is None or not self._write_text(path, dataset_to_csv_text(snapshot.dataset),
                                                "Cannot export the data"):
            return False
        d = snapshot.dataset
        self.window.status.note(f"{d.n_train:,} training and {d.n_test:,} test points written to {path.name}")
        return True

    def export_history(self) -> bool:
        title = "Cannot export the loss history"
        path = self._ask_save("Export loss history", (CSV_FILTER,), "loss_history", ".csv", (".csv",))
        return self._write_fetched(title, path, "history", write_history_csv, HistoryCsvError,
                                   lambda history: f"{len(history.epochs):,} epochs of loss history")

    # ------------------------------------------------------------------ pictures

    def picture_source(self, key: str) -> PictureSource:
        """What File > Export picture > ``key`` draws."""
        w = self.window
        title = PICTURES[key]
        if key == "boundary":
            return PictureSource(title, w.boundary, item=w.boundary.plot.getPlotItem())
        if key == "weights":
            return PictureSource(title, w.weights_view, item=w.weights_view.canvas.ci)
        if key == "network":
            return PictureSource(title, w.network_view, paint=w.network_view.view)
        view: QWidget = w.loss_plot if key == "loss" else w.gradient_view
        return PictureSource(title, view)

    def export_picture(self, key: str) -> bool:
        title = f"Cannot export the {PICTURES[key].lower()} picture"
        path = self._ask_save(f"Export {PICTURES[key].lower()}", (PNG_FILTER, SVG_FILTER), key, "",
                              PICTURE_SUFFIXES)
        if path is None:
            return False
        source = self.picture_source(key)
        self.window.bring_up_to_date(source.widget)
        if source.widget in (self.window.weights_view, self.window.network_view):  # a big network's: drawn in turns
            source.widget.finish_drawing()  # type: ignore[attr-defined]
        return self._attempt(title, lambda: export_picture(source, path), PictureError,
                             f"{PICTURES[key]} saved as {path.name}")
