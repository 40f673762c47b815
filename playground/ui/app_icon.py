"""The app's icon and the File > Examples menu: the Qt side of :mod:`playground.resources_path`."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu

from playground import resources_path as rp

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


@cache
def app_icon() -> QIcon:
    """The icon at every rendered size (Qt picks the closest one); empty when the resources are missing,
    so that a broken install still starts, without an icon."""
    icon = QIcon()
    try:
        paths = [(size, rp.icon_png(size)) for size in rp.ICON_SIZES]
    except rp.ResourcesMissing:
        return icon
    for size, path in paths:
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def examples_menu(window: MainWindow) -> QMenu:
    """File > Examples: each example experiment opens as an untitled copy (Save asks for a new name,
    so that the installed example is never written over)."""
    menu = QMenu("&Examples", window)
    menu.setObjectName("examples_menu")
    menu.setToolTipsVisible(True)
    try:
        examples = rp.example_files()
    except rp.ResourcesMissing as exc:
        examples, missing = [], str(exc)
    else:
        missing = "No examples installed"
    for path in examples:
        action = menu.addAction(rp.example_title(path).replace("&", "&&"))
        action.setStatusTip(f"Open the example {path.name} as a new experiment")
        action.triggered.connect(lambda _=False, p=path: window.files.open(p, as_copy=True))
    if not examples:
        menu.addAction(missing).setEnabled(False)
    return menu
