"""The loss surface dock: the training loss around the current weights and the run's path on it.

The path is collected from snapshots (the weights they carry), thinned to a bounded number of
points. "Refresh" (or, with "follow training", every few seconds while it runs) asks the worker for
a plane through the current weights (``surface_job``) and then for the grid a few rows at a time
(``surface_rows``, each piece under ~50 ms), waiting nine times a piece's duration before the
next while training runs, so that the surface takes at most a tenth of the worker's time.
"Compare optimizers" runs SGD, momentum and Adam from the same start on a background thread and
draws their paths on one shared plane.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from playground.core.optimizer_race import DEFAULT_OPTIMIZERS, race_runs
from playground.core.optimizers import OPTIMIZER_LABELS
from playground.core.weight_path import WeightPath
from playground.ui.background import run_in_background
from playground.ui.surface_requests import SurfaceSetup
from playground.ui.training import WorkerRequestError
from playground.ui.view_menu import add_dock_toggle
from playground.ui.widgets.loss_surface_view import LossSurfaceView

if TYPE_CHECKING:
    from playground.core.snapshot import Snapshot
    from playground.core.spec import ExperimentSpec
    from playground.ui.main_window import MainWindow

#: Every path point costs P floats: the path keeps at most this many floats (and 400 points).
PATH_FLOATS = 4_000_000
MAX_PATH_POINTS = 400
#: A piece of the grid aims at this many seconds of the worker's time.
PIECE_SECONDS = 0.04
#: While training runs, a piece is followed by a pause this many times as long as it took.
IDLE_FACTOR = 9
#: "Follow training": a new surface this many milliseconds after the last one was finished.
FOLLOW_MS = 3000
#: The dock's width when it is brought up (pixels).
DOCK_WIDTH = 440
#: Epochs each optimizer runs in a comparison.
RACE_EPOCHS = 60


class LossSurface(QObject):
    """Owns the loss surface dock, the path collected from snapshots, and the grid's piecewise evaluation."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = LossSurfaceView()
        self.plane_box = QComboBox()
        self.plane_box.addItem("PCA of the path", "pca")
        self.plane_box.addItem("Random directions", "random")
        self.plane_box.setToolTip("The plane of weight space shown: the two directions the run moved most in "
                                  "(its path lies nearly in it), or two random filter-normalised directions")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Compute the surface around the current weights now")
        self.follow_box = QCheckBox("follow training")
        self.follow_box.setToolTip(f"Recompute the surface every {FOLLOW_MS / 1000:g} s while training runs "
                                   "(it takes at most a tenth of the training thread's time)")
        self.compare_button = QPushButton("Compare SGD · momentum · Adam")
        self.compare_button.setToolTip(f"Train this experiment {RACE_EPOCHS} epochs with each optimizer from the "
                                       "same start and draw the three paths on one shared plane")
        controls = QHBoxLayout()
        for w in (self.plane_box, self.refresh_button, self.follow_box):
            controls.addWidget(w)
        controls.addStretch(1)
        compare = QHBoxLayout()  # a row of its own: the dock stays narrow enough to sit beside the views
        compare.addWidget(self.compare_button)
        compare.addStretch(1)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addLayout(compare)
        layout.addWidget(self.view, 1)
        self.dock = window.make_dock("Loss surface", "loss_surface_dock", panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.path = WeightPath(PATH_FLOATS, MAX_PATH_POINTS)  # the snapshots' own arrays, flattened when read
        self._path_key: tuple | None = None
        self.setup: SurfaceSetup | None = None
        self._next_row = 0
        self._rows_per_piece = 1
        self._pending: int | None = None  # the id of the request under way
        self.done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._ask_next)
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._on_follow)

        self.refresh_button.clicked.connect(self.refresh)
        self.plane_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.compare_button.clicked.connect(self.compare)
        self.follow_box.toggled.connect(lambda on: self.refresh() if on else self._follow.stop())
        window.controller.snapshot_ready.connect(self._on_snapshot)
        window.controller.request_answered.connect(self._on_answer)
        self.dock.visibilityChanged.connect(self._on_visibility)

    def bring_up(self) -> None:
        """Show the dock, in front of its tab, at a width that leaves the central views room."""
        self.dock.show()
        self.dock.raise_()
        if self.dock.width() > DOCK_WIDTH * 1.2:
            self.window.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)

    # ------------------------------------------------------------------ the run's path

    def _on_snapshot(self, s: Snapshot) -> None:
        key = (s.generation, tuple(s.layer_sizes))
        if key != self._path_key:
            self._path_key, self.path = key, WeightPath(PATH_FLOATS, MAX_PATH_POINTS)
            if self.setup is not None:  # another run: its surface is made again on demand (or when following)
                self.setup, self._pending, self.done = None, None, False
                self._timer.stop()
                self.view.header.setText("A new run started: press Refresh to draw the loss surface around it.")
                if self.follow_box.isChecked():
                    self._follow.start()
        if self.path.add(s.weights, s.biases) and self.dock.isVisible():
            self._draw_last_point()

    def _draw_last_point(self) -> None:
        """The surface's path and the newest point (flattened only here: a hidden dock draws nothing)."""
        if self.setup is not None and self.done and len(self.path):
            theta = self.path.last()
            if theta.size == self.setup.job.plane.origin.size:
                self._draw_path(np.vstack([self.setup.path, self.setup.job.plane.project(theta)]))

    def _on_visibility(self, visible: bool) -> None:
        if visible and self.setup is None:
            self.refresh()
        elif visible:
            self._draw_last_point()  # the points offered while hidden were kept, not drawn

    # ------------------------------------------------------------------ the grid, a piece at a time

    def refresh(self) -> bool:
        """Lay a new plane through the current weights and start evaluating its grid; False if refused."""
        w = self.window
        trajectory = self.path.array()
        try:
            setup = w.controller.fetch("surface_job", (self.plane_box.currentData(), trajectory))
        except WorkerRequestError as exc:
            w.status.note(f"Loss surface: {exc}")
            return False
        assert isinstance(setup, SurfaceSetup)
        self.setup, self._next_row, self.done = setup, 0, False
        self._rows_per_piece = 1
        self._pending = None
        job = setup.job
        self.view.set_axes(job.alphas, job.betas)
        self._draw_path(setup.path)
        plane = job.plane
        what = (f"PCA plane ({100 * plane.explained[0]:.0f} % + {100 * plane.explained[1]:.0f} % of the path)"
                if plane.kind == "pca" else "random plane")
        over = "" if job.rows is None else f" over a sample of {len(job.rows):,} training points"
        self.view.header.setText(f"Training loss{over} on a {what} through the current weights (loss "
                                 f"{setup.train_loss:.3g}); dark = low, grid {job.resolution}².")
        self._ask_next()
        return True

    def _ask_next(self) -> None:
        setup = self.setup
        if setup is None or self._pending is not None:
            return
        n = setup.job.resolution
        if self._next_row >= n:
            self.done = True
            if self.follow_box.isChecked():
                self._follow.start()
            return
        stop = min(n, self._next_row + self._rows_per_piece)
        try:
            self._pending = self.window.controller.send_request("surface_rows", (setup.job, self._next_row, stop))
        except WorkerRequestError:
            self._pending = None

    def _on_answer(self, request_id: int, answer: object, error: str) -> None:
        if request_id != self._pending:
            return
        self._pending = None
        if error:
            self.window.status.note(f"Loss surface: {error}")
            self.setup = None
            return
        start, rows, seconds = answer
        self.view.set_rows(start, rows)
        self._next_row = start + len(rows)
        per_row = seconds / max(len(rows), 1)
        self._rows_per_piece = int(np.clip(PIECE_SECONDS / max(per_row, 1e-6), 1, 64))
        pause = seconds * (IDLE_FACTOR if self.window.controller.running else 1)
        self._timer.start(int(pause * 1000))

    def _on_follow(self) -> None:
        if self.follow_box.isChecked() and self.dock.isVisible() and (self.window.controller.running
                                                                      or self.setup is None):
            self.refresh()
        elif self.follow_box.isChecked():
            self._follow.start()

    def _draw_path(self, path: np.ndarray) -> None:
        self.view.set_paths({"this run": path})

    # ------------------------------------------------------------------ comparing optimizers

    def compare(self, runs: dict[str, ExperimentSpec] | None = None) -> bool:
        """Named experiments from the same start (default: the current one with SGD, momentum and Adam)
        trained on a background thread, their paths on one shared plane."""
        w = self.window
        s = w.controller.last_snapshot
        if s is None:
            return False
        if runs is None:
            training = s.spec.training
            runs = {OPTIMIZER_LABELS[name]: s.spec.replace(training=dataclasses.replace(
                training, optimizer=dataclasses.replace(training.optimizer, name=name)))
                for name in DEFAULT_OPTIMIZERS}
        w.controller.pause()
        self.bring_up()
        self.follow_box.setChecked(False)
        self._timer.stop()
        self.setup, self._pending = None, None
        names = ", ".join(runs)
        w.status.note(f"Loss surface: training {names} for {RACE_EPOCHS} epochs each…")
        try:
            result = run_in_background(race_runs, runs, s.dataset, RACE_EPOCHS)
        except Exception as exc:  # the user reads what failed; the app goes on
            w.status.note(f"Loss surface: the comparison failed: {type(exc).__name__}: {exc}")
            return False
        self.race = result
        self.view.set_grid(result.job.alphas, result.job.betas, result.grid)
        self.view.set_paths({f"{label} (loss {result.final_loss[label]:.3g})": path
                             for label, path in result.paths.items()})
        self.view.header.setText(f"{names}: from one start, {RACE_EPOCHS} epochs each, on the PCA plane of "
                                 "their paths.")
        w.status.note("Loss surface: " + ", ".join(f"{label} loss {v:.3g}" for label, v in result.final_loss.items()))
        return True


def install(window: MainWindow) -> LossSurface:
    """Add the loss surface dock to ``window`` (its toggle goes in the View menu)."""
    surface = LossSurface(window)
    add_dock_toggle(window, surface.dock)
    return surface
