"""File > Open TensorFlow Playground link… and Copy as TensorFlow Playground link.

Opening a link starts the experiment it describes exactly where the page starts: its points and
initial weights from the page's own generator with the link's seed, in float64, at epoch 0, with
the page's show-test-data and discretize settings. Copying writes the link of the experiment shown,
or says which settings the page cannot show. A link dropped onto the window, or pasted onto it
(Ctrl+V anywhere but in a text field, which keeps its own paste), opens like the action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel

from playground.core.snapshot import Snapshot
from playground.core.tfpg_data import page_reset_weights, page_start
from playground.core.tfpg_link import PAGE_URL, LinkError, link_spec, parse_link, with_source, write_link

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class LinkActions(QObject):
    """The window's two TensorFlow Playground link actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.open_action = QAction("Open TensorFlow Playground &link…", window)
        self.open_action.setObjectName("open_link")
        self.open_action.setStatusTip("Open the experiment a TensorFlow Playground link describes: "
                                      "its points, initial weights and settings")
        self.copy_action = QAction("Copy as TensorFlow Playground lin&k", window)
        self.copy_action.setObjectName("copy_link")
        self.copy_action.setStatusTip("Copy a link that opens this experiment's settings on TensorFlow Playground")
        self.paste_action = QAction("Paste &TensorFlow Playground link", window)
        self.paste_action.setObjectName("paste_link")
        # A text field with the focus takes Ctrl+V itself (Qt's shortcut override), so this fires
        # only when the paste is meant for the window.
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setStatusTip("Open the TensorFlow Playground link on the clipboard")
        for action in (self.open_action, self.paste_action, self.copy_action):
            action.setToolTip(action.statusTip())
        self.open_action.triggered.connect(lambda: self.open_link())
        self.paste_action.triggered.connect(self.paste_link)
        self.copy_action.triggered.connect(self.copy_link)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        # Where the experiment came from: shown while it is one opened from a link (or saved from one).
        self.origin = QLabel("From a TensorFlow Playground link")
        self.origin.setObjectName("link_origin")
        self.origin.setVisible(False)
        window.status.insertPermanentWidget(0, self.origin)

    def show_origin(self) -> None:
        """Show the link the window's experiment came from (its tooltip holds the whole link), if any."""
        link = self.window.spec.source_link
        self.origin.setVisible(link is not None)
        self.origin.setToolTip("" if link is None else f"This experiment was opened from the TensorFlow "
                               f"Playground link\n{link}\n(saved with it; File > Copy as TensorFlow "
                               f"Playground link writes its current settings)")

    @staticmethod
    def origin_note(link: str | None) -> str:
        """What a status note adds about an experiment from ``link`` (empty for none)."""
        return "" if link is None else f", opened from the TensorFlow Playground link {link}"

    @staticmethod
    def dropped_link(event: QDropEvent) -> str | None:
        """The TensorFlow Playground link a drag carries (as text or as a URL), else ``None``."""
        mime = event.mimeData()
        texts = [u.toString() for u in mime.urls()] if mime.hasUrls() else []
        if mime.hasText():
            texts.append(mime.text())
        return next((t.strip() for t in texts if t.strip().startswith(PAGE_URL)), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            link = self.dropped_link(event)  # type: ignore[arg-type]  # both are QDropEvents
            if link is not None:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                if event.type() == QEvent.Type.Drop:
                    self.open_link(link)
                return True
        return super().eventFilter(watched, event)

    def open_link(self, link: str | None = None) -> bool:
        """Open ``link`` (or ask for one); a bad link gets an error dialog and changes nothing."""
        w = self.window
        if link is None:
            link = w.dialogs.ask_text("Open TensorFlow Playground link", "Paste the link:")
            if link is None:
                return False
        try:
            state = parse_link(link)
            spec = with_source(link_spec(state), link)
        except LinkError as exc:
            w.dialogs.error("Cannot open the link", str(exc))
            return False
        if not w.files.maybe_save():
            return False
        dataset, start = page_start(spec)
        if not w.load_experiment(spec, dataset, start, "float64"):  # the page computes in float64
            return False  # not built: the experiment before it goes on, with its file
        w.files.set_current_file(None)
        w.show_test_action.setChecked(bool(state.values["showTestData"]))
        w.discretize_action.setChecked(bool(state.values["discretize"]))
        w.status.note("; ".join(["Opened the TensorFlow Playground link (seed " + spec.data.page_seed + ")",
                                 *state.notes]))
        return True

    def paste_link(self) -> bool:
        """Open the link on the clipboard; anything else on it gets a note and changes nothing."""
        text = QGuiApplication.clipboard().text().strip()
        if not text.startswith(PAGE_URL):
            self.window.status.note(f"The clipboard holds no TensorFlow Playground link ({PAGE_URL}#…)")
            return False
        return self.open_link(text)

    @staticmethod
    def _shows_page_weights(snapshot: Snapshot) -> bool:
        """True when ``snapshot`` holds the weights the page draws first for its experiment's link."""
        page = page_reset_weights(snapshot.spec, 0)
        if page is None or len(page) != 2 * len(snapshot.weights):
            return False
        return all(np.array_equal(page[f"layers.{i}.weight"], w) and np.array_equal(page[f"layers.{i}.bias"], b)
                   for i, (w, b) in enumerate(zip(snapshot.weights, snapshot.biases, strict=True)))

    def copy_link(self) -> bool:
        """Put the shown experiment's link on the clipboard, or say what the page cannot show."""
        w = self.window
        try:
            link, notes = write_link(w.spec)
        except LinkError as exc:
            w.dialogs.error("Cannot copy as a TensorFlow Playground link", str(exc))
            return False
        snapshot = w.controller.last_snapshot
        if snapshot is not None and snapshot.epoch > 0:
            notes.append("the page starts again from epoch 0")
        elif snapshot is not None and w.spec.data.page_seed is not None and not self._shows_page_weights(snapshot):
            notes.append("the page starts from its own initial weights for this seed, not the ones shown")
        QGuiApplication.clipboard().setText(link)
        w.status.note("; ".join(["Copied the TensorFlow Playground link", *notes]))
        return True
