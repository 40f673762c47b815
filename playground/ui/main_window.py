"""The main window: experiment panels, live views, transport, menus, status bar; remembers its layout.

The window lays things out and owns the menus; its model is a :class:`Session`
(the experiment, its undo history and runs, the only thing that edits the run):
the panels' changes go to it and it says what each did. Files (experiments, weights,
data, pictures) are handled by :class:`ProjectFiles` and :class:`ExportActions`;
every question they ask goes through ``window.dialogs`` (replaceable in tests).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QSplitter, QStyle, QWidget

from playground.core.dataset import Dataset
from playground.core.snapshot import Snapshot
from playground.core.spec import (
    DataSpec,
    ExperimentSpec,
    NetworkSpec,
    OptimizerSpec,
    TrainingSpec,
)
from playground.ui import (
    callouts,
    file_drop,
    gradient_views,
    help_pages,
    inspector,
    lessons,
    loss_surface,
    menus,
    narrow_window,
    paint_mode,
    preferences,
    results_dock,
    scaling_advice,
    transport_actions,
    undo_menu,
    window_settings,
)
from playground.ui.app_icon import examples_menu
from playground.ui.crash_recovery import Recovery
from playground.ui.diagram_edits import connect_diagram
from playground.ui.dialogs import Dialogs
from playground.ui.export_actions import ExportActions
from playground.ui.file_actions import APP_TITLE, ProjectFiles
from playground.ui.frame_cap import FrameCap
from playground.ui.link_actions import LinkActions
from playground.ui.paint_watcher import PaintWatcher
from playground.ui.runs_ui import RunsUi
from playground.ui.session import Session
from playground.ui.snapshot_turn import SnapshotTurn
from playground.ui.widgets.boundary_view import BoundaryView
from playground.ui.widgets.gradient_flow import GradientFlowView
from playground.ui.widgets.loss_plot import LossPlot
from playground.ui.widgets.network_view import NetworkView
from playground.ui.widgets.plot_style import DrawTurns
from playground.ui.widgets.snapshot_view import SnapshotView
from playground.ui.widgets.transport import TransportBar
from playground.ui.widgets.weights_view import WeightsView
from playground.ui.window_parts import Banner, StatusBar, boundary_panel, experiment_dock, loss_panel

WINDOW_TITLE = APP_TITLE
#: Acknowledge a snapshot after this long even if no paint happened (hidden or minimised window).
ACK_FALLBACK_MS = 100


def default_spec() -> ExperimentSpec:
    """The experiment shown when the app opens with no file: a spiral that visibly learns in seconds."""
    return ExperimentSpec(
        data=DataSpec(name="spiral", noise=0.0),
        features=("x1", "x2", "sin_x1", "sin_x2"),
        network=NetworkSpec.uniform((8, 8), "tanh"),
        training=TrainingSpec(loss="mse", optimizer=OptimizerSpec(name="sgd", learning_rate=0.03),
                              batch_size=10),
    )


class MainWindow(QMainWindow):
    """The playground's window. ``settings`` defaults to the application's QSettings; ``dialogs``
    (file dialogs and message boxes) to :class:`Dialogs`. ``spec``, ``dataset``, ``state`` and
    ``dtype`` start it on an experiment (see :meth:`load_experiment`)."""

    def __init__(self, spec: ExperimentSpec | None = None, settings: QSettings | None = None,
                 dataset: Dataset | None = None, state: dict | None = None, dtype: str = "float64",
                 parent: QWidget | None = None, dialogs: Dialogs | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self._fit_to_screen()
        self.session = Session(spec or default_spec(), dataset, dtype, self)
        self.controller = self.session.controller
        self.undo_stack = self.session.undo_stack
        self.settings = settings if settings is not None else QSettings()
        self.dialogs = dialogs if dialogs is not None else Dialogs(self)
        self.recovery: Recovery | None = None  # the crash-recovery file, given by the app (crash_recovery.install)
        self._ack_pending = False
        self._ack_timer = QTimer(self)
        self._ack_timer.setSingleShot(True)
        self._ack_timer.setInterval(ACK_FALLBACK_MS)
        self._ack_timer.timeout.connect(self._acknowledge)
        self._paint_watcher = PaintWatcher(self, self._acknowledge)
        self.frame_cap = FrameCap(self.controller.acknowledge, self)

        self.boundary = BoundaryView()
        self.network_view = NetworkView()
        self.loss_plot = LossPlot()
        self.weights_view = WeightsView()
        self.gradient_view = GradientFlowView()
        self._stale_views: set[QWidget] = set()  # hidden views that missed snapshots
        self.views: tuple[SnapshotView, ...] = (self.boundary, self.network_view, self.loss_plot, self.weights_view,
                                                self.gradient_view)
        turns = DrawTurns()  # the secondary views draw in different frames, never all in one
        self.snapshot_turn = SnapshotTurn(turns, self._show_snapshot, self)
        for throttle in (self.loss_plot.throttle, self.weights_view.throttle, self.gradient_view.throttle,
                         self.network_view.link_throttle):
            throttle.turns = turns

        self._make_actions()
        self.transport = TransportBar([self.play_action, self.step_action, self.step_batch_action,
                                       self.reset_action], self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)

        self.banner = Banner()
        self.boundary_box = boundary_panel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("central_splitter")
        self.splitter.addWidget(self.network_view)
        self.splitter.addWidget(self.boundary_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([520, 560])
        self.setCentralWidget(self.banner.wrap(self.splitter))

        self.experiment = experiment_dock(self)
        # The experiment column runs the full height; the plots share the bottom with the views only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.experiment.dock)
        self.loss_dock = self.make_dock("Loss", "loss_dock", loss_panel(self), self.loss_plot)
        self.weights_dock = self.make_dock("Weights", "weights_dock", self.weights_view)
        self.gradient_dock = self.make_dock("Gradient flow", "gradient_dock", self.gradient_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.loss_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.weights_dock)
        self.splitDockWidget(self.loss_dock, self.weights_dock, Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.weights_dock, self.gradient_dock)
        self.histograms_view = gradient_views.install(self)
        self.weights_dock.raise_()
        self.resizeDocks([self.loss_dock], [280], Qt.Orientation.Vertical)
        self.resizeDocks([self.experiment.dock], [330], Qt.Orientation.Horizontal)

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.files = ProjectFiles(self)
        self.exports = ExportActions(self)
        self.links = LinkActions(self)
        self.scaling_advice = scaling_advice.install(self)
        self.csv_drop = file_drop.install(self)
        results_dock.install(self)
        self.paint = paint_mode.install(self)
        self.examples_menu = examples_menu(self)
        menus.build_menus(self)
        undo_menu.install(self)
        self.runs_ui = RunsUi(self)  # the Runs dock, loss-chart overlays and the Runs menu
        self.preferences = preferences.install(self)
        self.help_pages = help_pages.install(self)
        self.tips = callouts.install(self)
        self._connect()
        self.inspector = inspector.install(self)  # after _connect: its Step batch slot runs after the window's
        self.loss_surface = loss_surface.install(self)
        self.lessons = lessons.install(self)
        connect_diagram(self)
        narrow_window.install(self)
        window_settings.restore_settings(self)
        self.session.start(state)
        state = state or {}
        self.files.set_current_file(None, state.get("epoch", 0), state.get("batches", 0))

    # ------------------------------------------------------------------ building

    def _fit_to_screen(self) -> None:
        """A default size that fills most of the screen, up to 1600 × 1000."""
        screen = self.screen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is None or avail.width() < 200:
            self.resize(1440, 900)
            return
        self.resize(min(1600, int(avail.width() * 0.95)), min(1000, int(avail.height() * 0.95)))

    def make_dock(self, title: str, name: str, widget: QWidget, view: QWidget | None = None) -> QDockWidget:
        """A dock holding ``widget`` (``name``: its key in the saved layout); ``view``, when a snapshot
        view, is drawn from the last snapshot when the dock is shown again."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        view = view or widget
        dock.visibilityChanged.connect(lambda visible: self._on_dock_visibility(view, visible))
        return dock

    def _action(self, text: str, name: str, shortcuts: list[str], tip: str, icon=None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        keys = " or ".join(shortcuts)
        action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.play_action = self._action("Play", "play", ["Space"], "Start or pause training",
                                        sp.SP_MediaPlay)
        self.step_action = self._action("Step", "step", ["S", "Right"], "Pause and train exactly one epoch",
                                        sp.SP_MediaSeekForward)
        self.step_batch_action = self._action("Step batch", "step_batch", ["B"],
                                              "Pause and apply one mini-batch update", sp.SP_MediaSkipForward)
        self.reset_action = self._action("Reset", "reset", ["R"],
                                         "Pause and start again from new random weights", sp.SP_BrowserReload)
        self.quit_action = self._action("Quit", "quit", ["Ctrl+Q"], "Close the playground")
        self.reset_layout_action = QAction("Reset layout", self)
        self.reset_layout_action.setToolTip("Put every panel back where it was at first start")
        self.shortcuts_action = self._action("Keyboard shortcuts", "shortcuts", ["F1"],
                                             "List the keyboard shortcuts")

    def _connect(self) -> None:
        c, session = self.controller, self.session
        session.snapshot_ready.connect(self._on_snapshot)
        session.spec_changed.connect(self._on_spec_changed)
        session.message.connect(self.status.note)
        session.run_started.connect(self.banner.hide)
        session.edited.connect(self.files.mark_modified)
        self.transport_actions = transport_actions.install(self)
        self.quit_action.triggered.connect(self.close)
        self.reset_layout_action.triggered.connect(self._on_reset_layout)
        self.shortcuts_action.triggered.connect(self._on_show_shortcuts)
        self.transport.speed_changed.connect(c.set_speed)
        self.transport.stop_conditions_changed.connect(c.set_stop_conditions)
        ex = self.experiment
        ex.data.data_changed.connect(session.set_data)
        ex.features.features_changed.connect(session.set_features)
        ex.network.network_changed.connect(session.set_network)
        ex.training.training_changed.connect(session.set_training)
        ex.features.refused.connect(self.status.note)
        ex.training.refused.connect(self.status.note)

    # ------------------------------------------------------------------ the session (thin delegations)

    @property
    def spec(self) -> ExperimentSpec:
        """The current experiment (the session's)."""
        return self.session.spec

    @property
    def dtype(self) -> str:
        """The trainer's float type (``"float64"`` or ``"float32"``)."""
        return self.session.dtype

    def load_experiment(self, spec: ExperimentSpec, dataset: Dataset | None = None, state: dict | None = None,
                        dtype: str | None = None) -> bool:
        """Pause and start ``spec`` afresh (see :meth:`Session.load_experiment`); False when it could not be built."""
        self.keep_for_recovery()
        return self.session.load_experiment(spec, dataset, state, dtype)

    def set_spec(self, spec: ExperimentSpec, reason: str) -> None:
        """Switch to ``spec`` as an undoable edit (see :meth:`Session.set_spec`)."""
        self.session.set_spec(spec, reason)

    def _try_spec(self, reason: str, **changes: object) -> None:
        self.session.try_spec(reason, **changes)

    def _on_data_changed(self, data: DataSpec) -> None:
        self.session.set_data(data)

    def _on_network_changed(self, network: NetworkSpec) -> None:
        self.session.set_network(network)

    def _on_spec_changed(self, spec: ExperimentSpec, _reason: str) -> None:
        self.experiment.show_spec(spec)

    def keep_for_recovery(self) -> None:
        """Before an action that drops the trained state: write it to the recovery file (if there is one)."""
        if self.recovery is not None:
            self.recovery.save_if_trained()

    # ------------------------------------------------------------------ from the worker

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot_turn.offer(snapshot)  # shown now, or after the timers' pass if a drawing just ended

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.generation != self.controller.generation:  # held while an edit or reset began a new run
            self.controller.acknowledge()  # its picture never shows over the new run's
            return
        for view in self.views:
            if view.isVisible() and not view.visibleRegion().isEmpty():
                self._show(view, snapshot)
            else:  # a hidden tab or closed dock: draw it when it is shown again, not now
                self._stale_views.add(view)
        self.transport.set_epoch(snapshot.epoch)
        self.status.show_metrics(snapshot, self.controller.epochs_per_second)
        # Acknowledge once the window has painted (pyqtgraph renders at paint time), or after a fallback.
        self._ack_pending = True
        self._paint_watcher.arm()
        self._ack_timer.start()

    def _show(self, view: QWidget, snapshot: Snapshot) -> None:
        self._stale_views.discard(view)
        try:
            view.show_snapshot(snapshot)  # type: ignore[attr-defined]
        except Exception as exc:  # one broken view must not stop training or the other views
            self.status.note(f"{type(view).__name__} could not draw: {exc}")
            sys.excepthook(*sys.exc_info())  # still reported (and failed by pytest-qt in tests)

    def bring_up_to_date(self, view: QWidget) -> None:
        """Show ``view`` (raising its dock) drawn from the last snapshot, e.g. before taking its picture."""
        dock = next((d for d in (self.loss_dock, self.weights_dock, self.gradient_dock)
                     if d.widget() is view or d.widget().isAncestorOf(view)), None)
        if dock is not None and (dock.isHidden() or view.visibleRegion().isEmpty()):
            dock.show()
            dock.raise_()
        QApplication.processEvents()  # lay out the raised dock before it is drawn
        snapshot = self.controller.last_snapshot
        if snapshot is not None and view in self._stale_views:
            self._show(view, snapshot)

    def _on_dock_visibility(self, view: QWidget, visible: bool) -> None:
        snapshot = self.controller.last_snapshot
        if visible and view in self._stale_views and snapshot is not None:
            self._show(view, snapshot)

    def _acknowledge(self) -> None:
        if self._ack_pending:
            self._ack_pending = False
            self._ack_timer.stop()
            self._paint_watcher.disarm()
            self.frame_cap.acknowledge()

    # ------------------------------------------------------------------ settings and closing

    def save_settings(self) -> None:
        window_settings.save_settings(self)

    def shortcuts_text(self) -> str:
        """Every action with a shortcut, one per line."""
        return menus.shortcuts_text(self)

    def _on_show_shortcuts(self) -> None:
        self.dialogs.information("Keyboard shortcuts", self.shortcuts_text())

    def _on_reset_layout(self) -> None:
        self.restoreState(self.default_layout[0])
        self.splitter.restoreState(self.default_layout[1])
        for dock in (self.experiment.dock, self.loss_dock, self.weights_dock, self.gradient_dock):
            dock.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.files.busy or (not self.controller.is_shut_down and not self.files.maybe_save()):
            event.ignore()  # Cancel, or a save that did not happen: stay open
            return
        self.save_settings()
        self._ack_timer.stop()
        self.controller.shutdown()
        event.accept()
