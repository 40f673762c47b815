"""The network diagram's QGraphicsView: resizes, the mouse, keys and Ctrl+wheel reported as signals."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsView

#: Keys the diagram takes even where the window has a shortcut for them (when it has the focus).
DIAGRAM_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Plus,
                          Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_Delete, Qt.Key.Key_Menu,
                          Qt.Key.Key_Return, Qt.Key.Key_Enter})


class DiagramView(QGraphicsView):
    """The diagram's view: tells its owner about resizes, the mouse and keys through signals.

    (An event filter on the viewport would call back into the owner while Qt destroys it.)
    """

    resized = Signal()
    hovered = Signal(QPointF)  # scene position under the mouse
    left = Signal()
    #: a press no item took: scene position, button, modifiers, global position
    pressed = Signal(QPointF, object, object, QPoint)
    key_pressed = Signal(object)  # a QKeyEvent of :data:`DIAGRAM_KEYS` (accepted when handled)
    focus_changed = Signal()
    #: Ctrl+wheel: +1 zoom in, −1 out, at the mouse's scene position
    zoom_requested = Signal(int, QPointF)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in DIAGRAM_KEYS \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.accept()  # arrows, +, − and Delete edit the diagram while it has the focus
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.ignore()
        if event.key() in DIAGRAM_KEYS:
            self.key_pressed.emit(event)
        if not event.isAccepted():
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.focus_changed.emit()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.focus_changed.emit()

    _pan_from: QPoint | None = None  # where a middle-button drag (a pan) was last

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.MiddleButton:  # drag to pan (the scroll bars move)
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)  # an editing item under the mouse takes it
        if not event.isAccepted():
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            event.accept()
            self.pressed.emit(self.mapToScene(event.position().toPoint()), event.button(), event.modifiers(),
                              event.globalPosition().toPoint())

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.accept()  # right presses already opened the menu (see mousePressEvent); the Menu key:
        if event.reason() == event.Reason.Keyboard:
            self.key_pressed.emit(None)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.accept()
            step = 1 if event.angleDelta().y() > 0 else -1
            self.zoom_requested.emit(step, self.mapToScene(event.position().toPoint()))
            return
        super().wheelEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.resized.emit()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pan_from is not None:
            at = event.position().toPoint()
            delta, self._pan_from = at - self._pan_from, at
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            return
        super().mouseMoveEvent(event)
        self.hovered.emit(self.mapToScene(event.position().toPoint()))

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().leaveEvent(event)
        self.left.emit()
