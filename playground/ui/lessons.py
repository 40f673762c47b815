"""Lessons in the window: the Lessons menu and the lesson dock beside the running experiment.

Opening a lesson (after asking about unsaved changes, as New does) loads its experiment untitled,
shows its sentences and question in the dock, brings the view it names forward and outlines it for
a moment, and does its action (open the inspector on an example, draw the loss surface, race the
optimizers). A lesson with variants has one button per variant: each loads that experiment.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.core.lessons import Lesson, LessonError, load_lessons
from playground.resources_path import ResourcesMissing, resource
from playground.ui.view_menu import add_dock_toggle

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

#: The outline around the view a lesson points at stays this long.
HIGHLIGHT_MS = 2500
HIGHLIGHT_COLOR = "#f57c00"
#: The lesson dock's height when a lesson opens (the inspector or loss surface below it gets the rest).
LESSON_HEIGHT = 380
_VIEW_NAMES = {"network": "the network diagram", "boundary": "the decision boundary", "loss": "the loss plot",
               "weights": "the weights", "gradient": "the gradient flow", "inspector": "the backprop inspector",
               "loss_surface": "the loss surface"}


def lessons_folder() -> Path:
    """Where the installed lessons are."""
    return resource("lessons")


class Outline(QFrame):
    """A coloured frame laid over a widget for a moment; clicks pass through it."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(f"border: 4px solid {HIGHLIGHT_COLOR}; background: transparent;")
        self.setGeometry(target.rect())
        self.show()
        self.raise_()
        QTimer.singleShot(HIGHLIGHT_MS, self.deleteLater)


class Lessons(QObject):
    """Owns the Lessons menu and the lesson dock."""

    def __init__(self, window: MainWindow, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.outline: Outline | None = None
        try:
            self.lessons = load_lessons(folder if folder is not None else lessons_folder())
            missing = "No lessons installed"
        except (LessonError, ResourcesMissing) as exc:
            self.lessons, missing = [], str(exc)
        self.menu = QMenu("&Lessons", window)
        self.menu.setObjectName("lessons_menu")
        self.menu.setToolTipsVisible(True)
        for k, lesson in enumerate(self.lessons):
            action = self.menu.addAction(f"{k + 1}. {lesson.title}")
            action.setToolTip(lesson.text[0])
            action.setStatusTip(f"Open the lesson “{lesson.title}” with its experiment")
            action.triggered.connect(lambda _=False, i=k: self.open(i))
        if not self.lessons:
            self.menu.addAction(missing).setEnabled(False)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.variants_row = QVBoxLayout()  # one under another: the dock stays narrow
        self.variant_buttons: list[QPushButton] = []
        self.show_button = QPushButton("Show me")
        self.show_button.setToolTip("Bring the view this lesson is about forward and outline it")
        self.show_button.clicked.connect(self.show_view)
        self.previous_button = QPushButton("◀ Previous lesson")
        self.previous_button.setToolTip("Open the lesson before this one")
        self.previous_button.clicked.connect(lambda: self.open(self._index() - 1))
        self.next_button = QPushButton("Next lesson ▶")
        self.next_button.setToolTip("Open the lesson after this one")
        self.next_button.clicked.connect(lambda: self.open(self._index() + 1))
        nav = QHBoxLayout()
        for b in (self.previous_button, self.next_button):
            nav.addWidget(b)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.question)
        layout.addLayout(self.variants_row)
        layout.addWidget(self.show_button)
        layout.addStretch(1)
        layout.addLayout(nav)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the text wraps instead
        scroll.setWidget(content)
        self.dock = window.make_dock("Lesson", "lesson_dock", scroll)
        self.dock.setToolTip("The lesson beside its experiment")
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

    def _index(self) -> int:
        return self.lessons.index(self.lesson) if self.lesson in self.lessons else -1

    def open(self, index: int, variant: int = 0) -> bool:
        """Open lesson ``index`` with its variant ``variant``; False if declined or out of range."""
        if not 0 <= index < len(self.lessons):
            return False
        w = self.window
        if not w.files.maybe_save():
            return False
        self.lesson = self.lessons[index]
        self._show_text(self.lesson)
        self.dock.show()
        self.dock.raise_()
        w.resizeDocks([self.dock], [LESSON_HEIGHT], Qt.Orientation.Vertical)  # the view below keeps room
        self.load_variant(variant)
        return True

    def load_variant(self, k: int) -> None:
        """Load the lesson's experiment ``k``, show its view and do its action."""
        lesson = self.lesson
        if lesson is None:
            return
        w = self.window
        variant = lesson.variants[k]
        if not w.load_experiment(variant.spec):
            return  # not built: the experiment before it goes on
        w.files.set_current_file(None)
        for i, b in enumerate(self.variant_buttons):
            b.setChecked(i == k)
        w.status.note(f"Lesson “{lesson.title}”: {variant.label} — press Space to train")
        self.show_view()
        if lesson.action == "inspect":
            w.inspector.inspect_rows([0])
        elif lesson.action == "surface":
            w.loss_surface.follow_box.setChecked(True)
        elif lesson.action == "race" and len(lesson.variants) > 1:  # the variants side by side
            w.loss_surface.compare({v.label: v.spec for v in lesson.variants})
        elif lesson.action == "race":
            w.loss_surface.compare()

    def show_view(self) -> QWidget | None:
        """Bring the lesson's view forward and outline it for a moment; the outlined widget."""
        if self.lesson is None:
            return None
        w = self.window
        target = {"network": w.network_view, "boundary": w.boundary_box, "loss": w.loss_dock,
                  "weights": w.weights_dock, "gradient": w.gradient_dock, "inspector": w.inspector.dock,
                  "loss_surface": w.loss_surface.dock}[self.lesson.view]
        if target is w.loss_surface.dock:
            w.loss_surface.bring_up()
        elif isinstance(target, QDockWidget):
            target.show()
            target.raise_()
        if isinstance(target, QDockWidget):
            target = target.widget()
        self.outline = Outline(target)
        return target

    def _show_text(self, lesson: Lesson) -> None:
        k = self._index()
        self.title.setText(f"Lesson {k + 1} of {len(self.lessons)}: {lesson.title}")
        self.body.setText("".join(f"<p>{html.escape(s, quote=False)}</p>" for s in lesson.text)
                          + f"<p><i>Look at {_VIEW_NAMES[lesson.view]}.</i></p>")
        self.question.setText(f"<p><b>Think about it:</b> {html.escape(lesson.question, quote=False)}</p>")
        for b in self.variant_buttons:
            self.variants_row.removeWidget(b)
            b.deleteLater()
        self.variant_buttons = []
        if len(lesson.variants) > 1:
            for i, variant in enumerate(lesson.variants):
                b = QPushButton(variant.label)
                b.setCheckable(True)
                b.setToolTip(f"Load this lesson's experiment with {variant.label}")
                b.clicked.connect(lambda _=False, i=i: self.load_variant(i))
                self.variants_row.addWidget(b)
                self.variant_buttons.append(b)
        self.show_button.setText(f"Show me {_VIEW_NAMES[lesson.view]}")
        self.previous_button.setEnabled(k > 0)
        self.next_button.setEnabled(k < len(self.lessons) - 1)


def install(window: MainWindow, folder: Path | None = None) -> Lessons:
    """Add the Lessons menu (before Help) and the lesson dock; the lesson dock sits above the
    inspector and the loss surface, which share a tab."""
    lessons = Lessons(window, folder)
    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_action is not None:
        bar.insertMenu(help_action, lessons.menu)
    else:
        bar.addMenu(lessons.menu)
    window.splitDockWidget(lessons.dock, window.inspector.dock, Qt.Orientation.Vertical)
    window.tabifyDockWidget(window.inspector.dock, window.loss_surface.dock)
    add_dock_toggle(window, lessons.dock)
    return lessons
