"""The small editor a click on a link of the network diagram opens: its weight and gradient, and a new weight."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from playground.core.weight_edits import MAX_TYPED_WEIGHT


def parse_weight(text: str) -> tuple[float | None, str]:
    """``(value, "")`` for a valid typed weight, else ``(None, reason)`` (one line)."""
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        return None, f"weight: {text.strip()!r} is not a number"
    if not math.isfinite(value) or abs(value) > MAX_TYPED_WEIGHT:
        return None, f"weight: must be from {-MAX_TYPED_WEIGHT:g} to {MAX_TYPED_WEIGHT:g}"
    return value, ""


class WeightEditor(QFrame):
    """A popup: the link's name, weight and current gradient, and a field for a new weight.

    Enter applies (``accepted(layer, out, inp, value)``) and closes; Esc closes without a change;
    an invalid entry keeps the popup open with the reason under the field.
    """

    accepted = Signal(int, int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.Box)
        self.title = QLabel()
        self.values = QLabel()
        self.field = QLineEdit()
        self.field.setToolTip("Type a new weight and press Enter (Esc: leave it as it is)")
        self.field.returnPressed.connect(self.apply)
        self.hint = QLabel("Enter applies · Esc leaves it as it is")
        self.hint.setStyleSheet("color: #757575")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b71c1c")
        self.error.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        for w in (self.title, self.values, self.field, self.hint, self.error):
            layout.addWidget(w)
        self.link: tuple[int, int, int] = (0, 0, 0)

    def open(self, layer: int, out: int, inp: int, weight: float, gradient: float | None, title: str,
             global_pos: QPoint) -> None:
        """Show the editor for the link at ``global_pos``, the field holding ``weight`` selected."""
        self.link = (layer, out, inp)
        self.title.setText(title)
        grad = "no gradient yet" if gradient is None else f"∂L/∂w = {gradient:.3g}"
        self.values.setText(f"w = {weight:.6g} · {grad}")
        self.field.setText(f"{weight:.6g}")
        self.field.selectAll()
        self.error.setVisible(False)
        self.adjustSize()
        self.move(global_pos + QPoint(8, 8))
        self.show()
        self.field.setFocus()

    def apply(self) -> None:
        """Apply the typed weight, or say why it cannot be."""
        value, reason = parse_weight(self.field.text())
        if value is None:
            self.error.setText(reason)
            self.error.setVisible(True)
            self.adjustSize()
            return
        self.hide()
        self.accepted.emit(*self.link, value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)
