"""The diagram's editing items: small buttons drawn on the scene, an input feature that is off,
a switched-off mark and the keyboard focus frame. They draw and report clicks; what a click
means is decided by :class:`~playground.ui.widgets.diagram_editor.DiagramEditor`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

#: Height of a button and of the activation chip, in scene pixels.
BUTTON_HEIGHT = 15.0
_ACCENT = QColor("#1565c0")
_FONT_POINT_SIZE = 8


def small_font() -> QFont:
    """The font of every editing item (smaller than the window's, so that headers fit narrow columns)."""
    font = QFont()
    font.setPointSize(_FONT_POINT_SIZE)
    return font


class EditButton(QGraphicsObject):
    """A small rounded button with a text; ``on_click`` runs on a left click when it is enabled.

    A disabled button stays visible, greyed, and its tooltip says why it is disabled.
    """

    def __init__(self, text: str, tooltip: str, on_click: Callable[[], None], width: float | None = None,
                 chip: bool = False) -> None:
        super().__init__()
        self._font = small_font()
        self._text = text
        self._tip = tooltip
        self._on_click = on_click
        self._chip = chip
        metrics = QFontMetricsF(self._font)
        self._full_width = width if width is not None else metrics.horizontalAdvance(text) + 8
        self._rect = QRectF(0, 0, self._full_width, BUTTON_HEIGHT)
        self._shown_text = text
        self.setToolTip(tooltip)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(10)
        # Painted from a cached image: the diagram repaints under the buttons every frame, and a
        # paint() in Python for each of a big network's dozens of buttons would cost milliseconds.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._hover = False

    @property
    def text(self) -> str:
        return self._text

    @property
    def full_width(self) -> float:
        """The width that shows the whole text."""
        return self._full_width

    def set_width(self, width: float) -> None:
        """Narrow (or widen) the button; its text is elided to fit."""
        self.prepareGeometryChange()
        self._rect = QRectF(0, 0, max(width, 6.0), BUTTON_HEIGHT)
        self._shown_text = QFontMetricsF(self._font).elidedText(self._text, Qt.TextElideMode.ElideRight,
                                                               max(width - 6, 0.0))
        self.update()

    def set_disabled_reason(self, reason: str | None) -> None:
        """Enable the button (``None``) or disable it with ``reason`` as its tooltip."""
        self.setEnabled(reason is None)
        self.setToolTip(self._tip if reason is None else f"{self._tip} — not possible: {reason}")
        self.setCursor(Qt.CursorShape.PointingHandCursor if reason is None else Qt.CursorShape.ArrowCursor)

    def click(self) -> None:
        """What a left click does (nothing when disabled)."""
        if self.isEnabled():
            self._on_click()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        enabled = self.isEnabled()
        fill = QColor("#e3f2fd") if self._hover and enabled else QColor("#f5f5f5")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_ACCENT if enabled else QColor("#bdbdbd"), 1))
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(self._rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.setFont(self._font)
        painter.setPen(QColor("#0d47a1") if enabled else QColor("#9e9e9e"))
        text = self._shown_text + (" ▾" if self._chip and self._rect.width() >= self._full_width else "")
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, text)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._hover = False
        self.update()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        event.accept()  # the release comes to this item

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.boundingRect().contains(event.pos()):
            self.click()


class OffFeature:
    """An input feature that is switched off: a faded frame with its faded picture and label, in its slot."""

    def __init__(self, scene, label: str) -> None:
        self.frame = QGraphicsRectItem()
        self.frame.setPen(QPen(QColor("#bdbdbd"), 1, Qt.PenStyle.DashLine))
        self.frame.setBrush(QBrush(QColor("#fafafa")))
        self.frame.setZValue(1)
        self.picture = None
        self.label = QGraphicsSimpleTextItem(label)
        self.label.setBrush(QColor("#9e9e9e"))
        for item in (self.frame, self.label):
            scene.addItem(item)
        self.rect = QRectF()

    def set_picture(self, item: QGraphicsItem) -> None:
        """A faded thumbnail of what the feature would feed in."""
        self.picture = item
        item.setOpacity(0.3)
        item.setZValue(2)

    def place(self, x: float, y: float, size: float) -> None:
        self.rect = QRectF(x, y, size, size)
        self.frame.setRect(self.rect.adjusted(-1, -1, 1, 1))
        r = self.label.boundingRect()
        self.label.setPos(x - r.width() - 8, y + size / 2 - r.height() / 2)
        if self.picture is not None:
            pm = self.picture.pixmap()
            self.picture.setPos(x, y)
            if not pm.isNull():
                self.picture.setScale(size / pm.width())


def switched_off_mark(rect: QRectF) -> QGraphicsRectItem:
    """A grey hatched cover over a switched-off neuron's thumbnail."""
    mark = QGraphicsRectItem(rect)
    brush = QBrush(QColor(80, 80, 80, 200), Qt.BrushStyle.BDiagPattern)
    mark.setBrush(brush)
    mark.setPen(QPen(QColor("#616161"), 1.5, Qt.PenStyle.DashLine))
    mark.setZValue(4)
    return mark


def focus_frame() -> QGraphicsRectItem:
    """The keyboard focus: a dashed blue frame around a column or a neuron."""
    frame = QGraphicsRectItem()
    frame.setPen(QPen(_ACCENT, 2, Qt.PenStyle.DashLine))
    frame.setBrush(Qt.BrushStyle.NoBrush)
    frame.setZValue(15)
    frame.setVisible(False)
    return frame
