"""The main window's menu bar and its keyboard-shortcut listing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from playground.ui.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    """File, Training, View and Help menus from the window's actions."""
    bar = window.menuBar()
    files, ex = window.files, window.exports
    file_menu = window.file_menu = bar.addMenu("&File")
    for a in (files.new_action, files.open_action):
        file_menu.addAction(a)
    file_menu.addMenu(files.recent_menu)
    file_menu.addMenu(window.examples_menu)
    file_menu.addAction(window.links.open_action)
    file_menu.addAction(window.links.paste_action)
    file_menu.addAction(window.links.copy_action)
    file_menu.addSeparator()
    for a in (files.save_action, files.save_as_action):
        file_menu.addAction(a)
    file_menu.addSeparator()
    file_menu.addAction(ex.import_data_action)
    file_menu.addAction(ex.export_data_action)
    file_menu.addSeparator()
    file_menu.addAction(ex.import_weights_action)
    file_menu.addAction(ex.export_weights_action)
    file_menu.addMenu(ex.code_menu)
    file_menu.addSeparator()
    file_menu.addMenu(ex.picture_menu)
    file_menu.addAction(ex.export_history_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    train_menu = bar.addMenu("&Training")
    for a in (window.play_action, window.step_action, window.step_batch_action, window.reset_action):
        train_menu.addAction(a)
    view_menu = window.view_menu = bar.addMenu("&View")
    for dock in (window.experiment.dock, window.loss_dock, window.weights_dock, window.gradient_dock,
                 window.histograms_dock, window.results_dock):
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    for a in (window.log_scale_action, window.show_test_action, window.discretize_action):
        view_menu.addAction(a)
    view_menu.addSeparator()
    view_menu.addAction(window.reset_layout_action)
    help_menu = window.help_menu = bar.addMenu("&Help")
    help_menu.addAction(window.shortcuts_action)
    for menu in (file_menu, train_menu, view_menu, help_menu):
        menu.setToolTipsVisible(True)


def shortcut_actions(window: MainWindow) -> tuple[QAction, ...]:
    """Every action with a keyboard shortcut, in the order the listing shows them."""
    return (window.play_action, window.step_action, window.step_batch_action, window.reset_action,
            *window.files.actions, window.links.paste_action, window.paint.draw_action, window.undo_action,
            window.redo_action,
            window.runs_ui.keep_action, window.runs_ui.what_if_action, window.training_settings_action,
            window.shortcuts_action, window.quit_action, window.help_pages.how_to_action, window.preferences.action)


def shortcuts_text(window: MainWindow) -> str:
    """Every action with a shortcut, one per line."""
    from playground.ui.widgets.diagram_keys import DIAGRAM_KEYS_TEXT

    return "\n".join([*(f"{' or '.join(k.toString() for k in a.shortcuts())}:  {a.statusTip()}"
                       for a in shortcut_actions(window)), DIAGRAM_KEYS_TEXT])
