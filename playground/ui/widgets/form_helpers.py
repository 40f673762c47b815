"""Small helpers shared by the control panels: combo boxes filled from the core's tables, number entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget


def fill_combo(combo: QComboBox, keys: Iterable[str], labels: Mapping[str, str] | None = None,
               tooltips: Mapping[str, str] | None = None) -> None:
    """Fill ``combo`` from a name table: label shown, key as item data, tooltips."""
    combo.clear()
    for key in keys:
        combo.addItem((labels or {}).get(key, key), key)
        tip = (tooltips or {}).get(key)
        if tip:
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)


def select_data(combo: QComboBox, key: object) -> None:
    """Select the item whose data is ``key`` without emitting signals."""
    i = combo.findData(key)
    if i >= 0 and i != combo.currentIndex():
        was = combo.blockSignals(True)
        combo.setCurrentIndex(i)
        combo.blockSignals(was)


def parse_positive(text: str, what: str, upper: float) -> float:
    """A number in (0, upper] from free text; ``ValueError`` with a one-line message otherwise."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None
    if not 0 < value <= upper:
        raise ValueError(f"{what} must be > 0 and <= {upper:g}, got {text.strip()}")
    return value


def format_number(value: float) -> str:
    """Short text for a rate such as 0.03 or 1e-05."""
    return f"{value:g}"


def set_tip(widget: QWidget, text: str) -> QWidget:
    """Give ``widget`` a one-sentence tooltip and return it."""
    widget.setToolTip(text)
    return widget
