"""The window's run comparison: the Runs dock (panel and boundary strip), loss-chart overlays, the Runs menu.

The runs are the session's (``session.runs``, a :class:`RunsList`): the session
keeps the run so far whenever something starts a new run, and restores a run
when the list asks (an undoable edit). This module shows them, compares them,
keeps the current run on request ("Keep current run") and adds an opened file's.

The first snapshot of every run that starts from scratch (epoch 0) holds its
initial weights; they are kept here, so that "What if…" can train a copy of
the current experiment from the same start (``what_if.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMenu, QSplitter

from playground.core.runs import Run, snapshot_weights
from playground.core.snapshot import Snapshot
from playground.ui.widgets.run_overlays import RunOverlays
from playground.ui.widgets.run_strip import RunStrip
from playground.ui.widgets.runs_panel import RunsPanel

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class RunsUi(QObject):
    """Builds the Runs dock and menu into ``window``; shows, compares and keeps the session's runs."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.runs = window.session.runs
        self.panel = RunsPanel(self.runs)
        self.strip = RunStrip()
        self.overlays = RunOverlays(window.loss_plot)
        box = QSplitter(Qt.Orientation.Vertical)
        box.addWidget(self.panel)
        box.addWidget(self.strip)
        box.setStretchFactor(0, 1)
        box.setStretchFactor(1, 0)
        box.setChildrenCollapsible(False)
        self.dock = window.make_dock("Runs", "runs_dock", box)
        self.dock.setToolTip("Kept runs: compare their loss curves and boundaries, rename, pin, restore")
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.gradient_dock, self.dock)
        window.weights_dock.raise_()
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
        """The current run kept in the list (added now, or kept already when nothing changed since),
        pinned when asked; None when it has not trained or was deleted from the list since."""
        run = self.session.keep_current_run()
        index = None if run is None else next((i for i, r in enumerate(self.runs.runs) if r.key == run.key), None)
        if index is None:
            return None
        if pinned:
            self.runs.set_pinned(index, True)
        return self.runs[index]

    def _on_keep_triggered(self) -> None:
        before = len(self.runs)
        run = self.keep_current()
        if run is not None and len(self.runs) > before:
            self.window.status.note(f"Kept the current run as \u201c{run.name}\u201d in Runs")
        else:
            self.window.status.note("Nothing new to keep: the run so far is already in Runs, or has not trained")

    def add_opened(self, runs: tuple[Run, ...]) -> None:
        """Add an opened file's runs after the ones already listed (a name in use gets a number)."""
        for run in runs:
            name, n = run.name, 2
            while name in self.runs.names():
                name, n = f"{run.name} ({n})", n + 1
            self.runs.add(run.renamed(name))

    # ------------------------------------------------------------------ comparing

    def _on_tile_double_clicked(self, run: Run) -> None:
        self.panel.select(run)
        self.panel.restore_selected()

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
