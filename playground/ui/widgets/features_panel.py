"""The features panel: the nine input features as toggles."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from playground.core.features import FEATURE_LABELS, FEATURE_TOOLTIPS
from playground.core.spec import FEATURES
from playground.ui import palette


class FeaturesPanel(QWidget):
    """Nine checkable buttons; emits ``features_changed`` with the chosen names in canonical order.

    The last checked feature cannot be unchecked (a network needs an input);
    ``refused`` says so.
    """

    features_changed = Signal(tuple)
    refused = Signal(str)

    def __init__(self, features: tuple[str, ...] = ("x1", "x2"), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        # Chosen features must read as "on" at a glance, as TensorFlow Playground's bright inputs do.
        self.setStyleSheet(f"QPushButton {{ padding: 4px; }} QPushButton:checked {{ background: {palette.POSITIVE}; "
                           f"color: white; border: 1px solid {palette.ACCENT}; border-radius: 3px; }}")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(3)
        for i, name in enumerate(FEATURES):
            b = QPushButton(FEATURE_LABELS[name])
            b.setCheckable(True)
            b.setObjectName(f"feature_{name}")
            b.setToolTip(f"{FEATURE_LABELS[name]}: {FEATURE_TOOLTIPS[name]}")
            b.toggled.connect(lambda on, n=name: self._on_toggled(n, on))
            self.buttons[name] = b
            grid.addWidget(b, i // 3, i % 3)
        self._features: tuple[str, ...] = ()
        self.set_features(features)

    @property
    def features(self) -> tuple[str, ...]:
        return self._features

    def set_features(self, features: tuple[str, ...]) -> None:
        """Show ``features`` checked without emitting ``features_changed``."""
        self._features = tuple(f for f in FEATURES if f in features)
        for name, b in self.buttons.items():
            was = b.blockSignals(True)
            b.setChecked(name in self._features)
            b.blockSignals(was)

    def _on_toggled(self, name: str, on: bool) -> None:
        chosen = tuple(f for f, b in self.buttons.items() if b.isChecked())
        if not chosen:
            self.set_features(self._features)
            self.refused.emit(f"{FEATURE_LABELS[name]} is the only input left: a network needs at least one")
            return
        self._features = chosen
        self.features_changed.emit(chosen)


if __name__ == "__main__":  # the panel on its own (docs/ARCHITECTURE.md, Style)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    panel = FeaturesPanel()
    panel.features_changed.connect(print)
    panel.show()
    app.exec()
