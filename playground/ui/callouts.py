"""First-start tips: short callouts on the diagram and the output that teach the screen in place.

Each callout is a small note floating over the window beside what it explains (a neuron, the
links, the output with the colour scale as a legend); "Got it" closes it. They show at the first
start until each is closed, and again from Help > Show the tips.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui import hidpi, palette
from playground.ui.named_action import named_action

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

SEEN_KEY = "tips/seen"
#: A note's colours: the same in the light and the dark theme (a paper note over either).
NOTE_STYLE = ("QFrame#callout { background: #fffbe6; border: 1px solid #d9b44a; border-radius: 6px; }"
              " QFrame#callout QLabel { color: #202124; background: transparent; }")
WIDTH = 250
GAP = 6  # between two tips a narrow window brings together


def colour_scale(width: int = 180, height: int = 12) -> QPixmap:
    """The diverging palette from −1 (left) to +1 (right) as a picture (the values' colour scale),
    a colour step per device pixel."""
    ratio = hidpi.screen_ratio()
    columns, rows_ = round(width * ratio), round(height * ratio)
    lut = np.ascontiguousarray(palette.diverging_lut(columns))  # (columns, 4) RGBA
    rows = np.ascontiguousarray(np.repeat(lut[None], rows_, axis=0))
    image = QImage(rows.data, columns, rows_, 4 * columns, QImage.Format.Format_RGBA8888)
    pixmap = QPixmap.fromImage(image.copy())
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def scale_legend() -> QWidget:
    """The colour scale with −1, 0 and +1 under it."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 2, 0, 0)
    lay.setSpacing(0)
    bar = QLabel()
    bar.setPixmap(colour_scale())
    bar.setToolTip("Orange −1 (class 0) · grey 0 · blue +1 (class 1)")
    ticks = QHBoxLayout()
    for text, align in (("−1", Qt.AlignmentFlag.AlignLeft), ("0", Qt.AlignmentFlag.AlignHCenter),
                        ("+1", Qt.AlignmentFlag.AlignRight)):
        label = QLabel(text)
        label.setAlignment(align)
        ticks.addWidget(label)
    lay.addWidget(bar)
    lay.addLayout(ticks)
    box.setFixedWidth(180)
    return box


class Callout(QFrame):
    """A note over ``window`` whose corner sits at ``anchor()`` (window coordinates; hidden when None)."""

    def __init__(self, window: QWidget, name: str, text: str, anchor: Callable[[], QPoint | None],
                 legend: QWidget | None = None) -> None:
        super().__init__(window)
        self.setObjectName("callout")
        self.name = name
        self.anchor = anchor
        self.setStyleSheet(NOTE_STYLE)
        self.setFixedWidth(WIDTH)
        label = QLabel(text)
        label.setWordWrap(True)
        self.text = text
        self.button = QPushButton("Got it")
        self.button.setToolTip("Close this tip (Help > Show the tips shows them again)")
        self.button.clicked.connect(self.hide)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.addWidget(label)
        if legend is not None:
            lay.addWidget(legend)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        lay.addLayout(row)
        self.hide()

    def place(self, clear_of: Sequence[QRect] = ()) -> None:
        """Move beside the anchor, kept inside the window and off the tips at ``clear_of`` (a narrow
        window brings the anchors close): below such a tip, or above it where below leaves the window."""
        point = self.anchor()
        if point is None:
            return
        self.adjustSize()
        area = self.parentWidget().rect()

        def inside(x: int, y: int) -> QRect:
            return QRect(min(max(x, 4), area.width() - self.width() - 4),
                         min(max(y, 4), area.height() - self.height() - 4), self.width(), self.height())

        r = inside(point.x(), point.y())
        for other in sorted(clear_of, key=QRect.top):
            if r.intersects(other):
                below = inside(r.x(), other.bottom() + GAP)
                r = below if not below.intersects(other) else inside(r.x(), other.top() - self.height() - GAP)
        self.move(r.topLeft())
        self.raise_()


def _in_window(window: QWidget, widget: QWidget, point: QPoint) -> QPoint:
    return widget.mapTo(window, point)


class Tips(QObject):
    """The window's first-start callouts and the Help menu action that shows them again."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.callouts = [
            Callout(window, "neuron", "This is the output of one neuron over the whole plane — hover it to "
                    "see it larger.", lambda: self._neuron_anchor()),
            Callout(window, "links", "Link width shows the weight: the thicker, the larger. Blue links are "
                    "positive, orange negative.", lambda: self._link_anchor()),
            Callout(window, "colours", "Colours show data, neuron and weight values: orange is −1 (class 0), "
                    "blue +1 (class 1).", lambda: _in_window(window, window.boundary, QPoint(24, 40)),
                    legend=scale_legend()),
        ]
        for c in self.callouts:
            c.button.clicked.connect(self._on_dismissed)
        self.action = named_action(window, "Show the tips", "show_tips", "Show the notes that explain the diagram "
                                   "and the output again", self.show)
        self._watching = False
        if not window.settings.value(SEEN_KEY, False, type=bool):
            QTimer.singleShot(0, self.show)  # once the window is laid out

    def _neuron_view_point(self, column: int, right: bool) -> QPoint | None:
        view = self.window.network_view
        if not 0 <= column < len(view.neurons) or not view.neurons[column]:
            return None
        rect = view.neurons[column][0].rect
        p = view.view.mapFromScene(rect.topRight() if right else rect.bottomLeft())
        return _in_window(self.window, view.view.viewport(), p)

    def _neuron_anchor(self) -> QPoint | None:
        p = self._neuron_view_point(min(1, len(self.window.network_view.neurons) - 1), right=True)
        return None if p is None else p + QPoint(8, 0)

    def _link_anchor(self) -> QPoint | None:
        """Below the inputs, where the first layer's links fan out (the inputs stay readable)."""
        view = self.window.network_view
        if not view.neurons or not view.neurons[0]:
            return None
        rect = view.neurons[0][-1].rect
        p = view.view.mapFromScene(rect.bottomLeft())
        return _in_window(self.window, view.view.viewport(), p) + QPoint(-40, 24)

    def visible(self) -> list[str]:
        return [c.name for c in self.callouts if c.isVisible()]

    def show(self) -> None:
        self._watch(True)
        for c in self.callouts:
            c.show()
        self._place_all()

    def _watch(self, on: bool) -> None:
        """Follow the window's and the diagram's layout while a tip shows; not at all otherwise (every
        event of the window would pass through Python, which holds the GIL the trainer needs)."""
        if on == self._watching:
            return
        self._watching = on
        watched = (self.window, self.window.network_view.view)
        signal = self.window.controller.snapshot_ready
        if on:
            for w in watched:
                w.installEventFilter(self)
            # The diagram is (re)built from snapshots: its neurons move then.
            signal.connect(self._on_snapshot)
        else:
            for w in watched:
                w.removeEventFilter(self)
            signal.disconnect(self._on_snapshot)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, self._place_all)  # after the diagram has laid itself out again
        return False

    def _on_snapshot(self, _snapshot: object) -> None:
        if self.visible():
            QTimer.singleShot(0, self._place_all)  # after the window has drawn (and built) the diagram

    def _place_all(self) -> None:
        """Place the visible tips in order, each clear of those before it."""
        placed: list[QRect] = []
        for c in self.callouts:
            if c.isVisible():
                c.place(placed)
                placed.append(c.geometry())

    def _on_dismissed(self) -> None:
        if not self.visible():
            self._watch(False)
            self.window.settings.setValue(SEEN_KEY, True)


def install(window: MainWindow) -> Tips:
    """The tips, shown now if this is a first start, and their action in the Help menu."""
    tips = Tips(window)
    window.help_menu.insertAction(window.help_pages.about_action, tips.action)
    return tips
