"""What the transport's actions do (Play, Step, Step batch, Reset), and how the window answers the
training thread's state: Play becomes Pause while training runs, failures and reached stop
conditions show in the banner and the status bar.

Play and the steps first ask the Draw mode: while drawn points cannot be trained on yet, they
say what is missing instead of training the points the worker still has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStyle

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


class TransportActions(QObject):
    """The slots of ``window``'s transport actions and of its controller's state signals."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def blocked_by_drawing(self) -> bool:
        """True (and says what is missing) while drawn points cannot be trained on yet."""
        w = self.window
        blocked = None if w.controller.running else w.paint.play_blocked()
        if blocked:
            w.banner.show_message(blocked, error=False)
            w.status.note(blocked)
        return bool(blocked)

    def play(self) -> None:
        if self.blocked_by_drawing():
            return
        if not self.window.controller.running:
            self.window.banner.hide()
        self.window.controller.toggle_play()

    def step(self) -> None:
        if not self.blocked_by_drawing():
            self.window.controller.step_epoch()

    def step_batch(self) -> None:
        if not self.blocked_by_drawing():
            self.window.controller.step_batch()

    def reset(self) -> None:
        self.window.keep_for_recovery()
        self.window.session.reset()

    def show_running(self, running: bool) -> None:
        w = self.window
        w.play_action.setText("Pause" if running else "Play")
        icon = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        w.play_action.setIcon(w.style().standardIcon(icon))
        if not running:
            w.status.show_rate(0.0)

    def show_failed(self, message: str) -> None:
        self.window.banner.show_message(message, error=True)
        self.window.status.note(message)

    def show_stopped(self, message: str) -> None:
        text = message[:1].upper() + message[1:]
        self.window.banner.show_message(text, error=False)
        self.window.status.note(text)


def install(window: MainWindow) -> TransportActions:
    """Connect ``window``'s transport actions and its controller's state signals."""
    t = TransportActions(window)
    c = window.controller
    c.running_changed.connect(t.show_running)
    c.failed.connect(t.show_failed)
    c.stopped.connect(t.show_stopped)
    window.play_action.triggered.connect(t.play)
    window.step_action.triggered.connect(t.step)
    window.step_batch_action.triggered.connect(t.step_batch)
    window.reset_action.triggered.connect(t.reset)
    return t
