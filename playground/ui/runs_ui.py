"""The window's run comparison: the Runs dock (panel and boundary strip), loss-chart overlays, the Runs menu.

The window keeps its runs in ``window.runs`` (a :class:`RunsList`). Whatever
starts a new run calls :meth:`RunsUi.keep_current` first, which adds the run
so far (made from the last snapshot) unless it is untrained or already kept.
Restoring a run loads it as the current experiment (its final weights, epoch
and history, a fresh optimizer); the run it replaces is kept in turn.

The first snapshot of every run that starts from scratch (epoch 0) holds its
initial weights; they are kept here, so that "What if…" can train a copy of
the current experiment from the same start (``what_if.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QSplitter

from playground.core.run_models import restore_state
from playground.core.runs import Run, snapshot_weights
from playground.core.snapshot import Snapshot
from playground.ui.widgets.run_overlays import RunOverlays
from playground.ui.widgets.run_strip import RunStrip
from playground.ui.widgets.runs_panel import RunsPanel

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class RunsUi(QObject):
    """Builds the Runs dock and menu into ``window`` and keeps, compares and restores its runs."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runs = window.runs
        self.panel = RunsPanel(self.runs)
        self.strip = RunStrip()
        self.overlays = RunOverlays(window.loss_plot)
        box = QSplitter(Qt.Orientation.Vertical)
        box.addWidget(self.panel)
        box.addWidget(self.strip)
        box.setStretchFactor(0, 1)
        box.setStretchFactor(1, 0)
        box.setChildrenCollapsible(False)
        self.dock = QDockWidget("Runs", window)
        self.dock.setObjectName("runs_dock")
        self.dock.setWidget(box)
        self.dock.setToolTip("Kept runs: compare their loss curves and boundaries, rename, pin, restore")
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.gradient_dock, self.dock)
        window.weights_dock.raise_()
        #: (generation, epoch, batches) of a state already in the list: not kept a second time.
        self._kept: tuple[int, int, int] | None = None
        self.last_kept: Run | None = None  # the run that mark belongs to (None after a restore)
        #: The generation whose first snapshot was seen, and its initial weights (None when it did not
        #: start at epoch 0, e.g. an opened file).
        self.start_generation = -1
        self.start_weights: dict[str, np.ndarray] | None = None

        # The window's own action factory: shortcut, tooltip naming it, status tip, window-wide.
        self.keep_action = window._action("Keep current run", "keep_run", ["Ctrl+K"],
                                          "Add the current run, as it is now, to the Runs panel")
        self.what_if_action = window._action("What if…", "what_if", ["Ctrl+Shift+W"],
                                             "Train a copy of the current experiment with one setting changed, "
                                             "from the same start, after the first; both curves are overlaid")
        self.keep_action.triggered.connect(self._on_keep_triggered)
        self.what_if_action.triggered.connect(self.what_if)
        self.menu = self._menu()

        self.panel.compared_changed.connect(self._on_compared_changed)
        self.panel.what_if_requested.connect(self.what_if)
        self.strip.run_clicked.connect(self.panel.select)
        self.strip.run_double_clicked.connect(self._on_tile_double_clicked)
        self.runs.restore_requested.connect(self.restore)
        self.runs.dropped.connect(lambda n: window.status.note(
            f"Runs: the {n} oldest unpinned run{'s' if n > 1 else ''} made room for new ones (pin runs to keep them)"))
        window.controller.snapshot_ready.connect(self._on_snapshot)
        self.runs.changed.connect(window.files.mark_modified)  # renames, pins and deletions are saved

    def _menu(self) -> QMenu:
        bar = self.window.menuBar()
        menu = QMenu("&Runs", self.window)
        menu.setToolTipsVisible(True)
        menu.addAction(self.dock.toggleViewAction())
        menu.addSeparator()
        menu.addAction(self.keep_action)
        menu.addAction(self.what_if_action)
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)
        return menu

    # ------------------------------------------------------------------ keeping

    def keep_current(self, pinned: bool = False) -> Run | None:
        """Add the run so far to the list (None when untrained, not shown yet or already kept)."""
        c = self.window.controller
        s = c.last_snapshot
        if s is None or s.generation != c.generation or (s.epoch == 0 and s.batches == 0):
            return None
        mark = (s.generation, s.epoch, s.batches)
        if mark == self._kept:
            return None
        self._kept = mark
        run = self.last_kept = Run.from_snapshot(s, self.runs.next_name()).with_pinned(pinned)
        self.runs.add(run)
        return run

    def _on_keep_triggered(self) -> None:
        run = self.keep_current()
        self.window.status.note(f"Kept the current run as \u201c{run.name}\u201d in Runs" if run is not None
                                else "Nothing new to keep: train first (the run so far is already in Runs, "
                                "or has not started)")

    def add_opened(self, runs: tuple[Run, ...]) -> None:
        """Add an opened file's runs after the ones already listed (a name in use gets a number)."""
        for run in runs:
            name, n = run.name, 2
            while name in self.runs.names():
                name, n = f"{run.name} ({n})", n + 1
            self.runs.add(run.renamed(name))

    # ------------------------------------------------------------------ restoring

    def restore(self, run: Run) -> None:
        """Make ``run`` the current experiment (its final weights, epoch and history); the current run is kept."""
        w = self.window
        try:
            state = restore_state(run)
        except (ValueError, KeyError) as exc:  # weights that do not fit: say so, change nothing
            w.status.note(f"Cannot restore \u201c{run.name}\u201d: {exc}")
            return
        w.load_experiment(run.spec, run.dataset, state)
        w.files.mark_modified()
        self._kept = (w.controller.generation, run.epoch, run.batches)  # it is in the list already
        self.last_kept = run
        w.status.note(f"Restored \u201c{run.name}\u201d at epoch {run.epoch:,}; the run it replaced is in Runs")

    def _on_tile_double_clicked(self, run: Run) -> None:
        self.panel.select(run)
        self.panel.restore_selected()

    # ------------------------------------------------------------------ comparing

    def _on_compared_changed(self, runs: tuple[Run, ...]) -> None:
        self.overlays.show_runs(runs)
        self.strip.show_runs(runs)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.generation != self.start_generation:
            self.start_generation = snapshot.generation
            fresh = snapshot.epoch == 0 and snapshot.batches == 0
            self.start_weights = snapshot_weights(snapshot) if fresh else None

    def what_if(self) -> None:
        from playground.ui.what_if import run_what_if

        run_what_if(self.window, self)
