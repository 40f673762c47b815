"""The network panel: hidden layers and neurons with −/+ buttons, an activation per layer, the initialiser."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.activations import ACTIVATIONS
from playground.core.initializers import INIT_LABELS, INIT_TOOLTIPS, INITIALIZERS
from playground.core.spec import MAX_HIDDEN_LAYERS, MAX_NEURONS, NetworkSpec
from playground.ui.widgets.form_helpers import fill_combo, select_data

_NEW_LAYER = (4, "tanh")


def _tool(text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setAutoRepeat(True)  # hold to keep adding
    return b


class NetworkPanel(QWidget):
    """Edits a :class:`~playground.core.spec.NetworkSpec`; emits ``network_changed`` with the new one."""

    network_changed = Signal(object)  # NetworkSpec

    def __init__(self, network: NetworkSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._network = network or NetworkSpec()
        self._updating = False  # set while widgets are refreshed: their signals are not user edits

        self.remove_layer = _tool("−", "Remove the last hidden layer.")
        self.add_layer = _tool("+", "Add a hidden layer after the last one (same size and activation).")
        self.remove_layer.clicked.connect(self._on_remove_layer)
        self.add_layer.clicked.connect(self._on_add_layer)
        self.layer_count = QLabel()
        self.layer_count.setToolTip("Number of hidden layers between the inputs and the output.")
        header = QHBoxLayout()
        header.addWidget(QLabel("Hidden layers"))
        header.addStretch(1)
        header.addWidget(self.remove_layer)
        header.addWidget(self.layer_count)
        header.addWidget(self.add_layer)

        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(4)
        self.rows.setVerticalSpacing(2)
        self._row_widgets: list[tuple[QSpinBox, QComboBox, list[QWidget]]] = []

        self.init = QComboBox()
        fill_combo(self.init, INITIALIZERS, INIT_LABELS, INIT_TOOLTIPS)
        self.init.setToolTip("How the weights are drawn at the start and on Reset.")
        self.init.currentIndexChanged.connect(lambda _: self._emit(self._read()))
        form = QFormLayout()
        form.addRow("Init", self.init)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(self.rows)
        layout.addLayout(form)
        self.set_network(self._network)

    # ------------------------------------------------------------------ public

    @property
    def network(self) -> NetworkSpec:
        return self._network

    @property
    def neuron_spins(self) -> list[QSpinBox]:
        return [r[0] for r in self._row_widgets]

    @property
    def activation_combos(self) -> list[QComboBox]:
        return [r[1] for r in self._row_widgets]

    def set_network(self, network: NetworkSpec) -> None:
        """Show ``network`` without emitting ``network_changed``."""
        self._network = network
        self._updating = True
        try:
            self._refresh(network)
        finally:
            self._updating = False

    def _refresh(self, network: NetworkSpec) -> None:
        n = len(network.hidden)
        while len(self._row_widgets) > n:
            for w in self._row_widgets.pop()[2]:
                self.rows.removeWidget(w)
                w.deleteLater()
        while len(self._row_widgets) < n:
            self._add_row(len(self._row_widgets))
        for (spin, combo, _), size, act in zip(self._row_widgets, network.hidden, network.activations,
                                               strict=True):
            was = spin.blockSignals(True)
            spin.setValue(size)
            spin.blockSignals(was)
            select_data(combo, act)
        select_data(self.init, network.init)
        self.layer_count.setText(str(n))
        self.remove_layer.setEnabled(n > 0)
        self.add_layer.setEnabled(n < MAX_HIDDEN_LAYERS)

    # ------------------------------------------------------------------ rows

    def _add_row(self, i: int) -> None:
        label = QLabel(f"Layer {i + 1}")
        minus = _tool("−", f"One neuron fewer in hidden layer {i + 1}.")
        plus = _tool("+", f"One neuron more in hidden layer {i + 1}.")
        spin = QSpinBox()
        spin.setRange(1, MAX_NEURONS)
        spin.setKeyboardTracking(False)
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        spin.setToolTip(f"Neurons in hidden layer {i + 1} (1 to {MAX_NEURONS}); type a number or use −/+.")
        spin.setMaximumWidth(44)
        minus.clicked.connect(lambda: spin.setValue(spin.value() - 1))
        plus.clicked.connect(lambda: spin.setValue(spin.value() + 1))
        spin.valueChanged.connect(lambda _: self._emit(self._read()))
        combo = QComboBox()
        fill_combo(combo, ACTIVATIONS, {k: a.label for k, a in ACTIVATIONS.items()},
                   {k: a.tooltip for k, a in ACTIVATIONS.items()})
        combo.setToolTip(f"The activation function of hidden layer {i + 1}.")
        combo.currentIndexChanged.connect(lambda _: self._emit(self._read()))
        widgets: list[QWidget] = [label, minus, spin, plus, combo]
        for col, w in enumerate(widgets):
            self.rows.addWidget(w, i, col)
        self._row_widgets.append((spin, combo, widgets))

    def _read(self) -> NetworkSpec:
        hidden = tuple(s.value() for s, _, _ in self._row_widgets)
        acts = tuple(c.currentData() for _, c, _ in self._row_widgets)
        return NetworkSpec(hidden, acts, self.init.currentData())

    def _on_add_layer(self) -> None:
        net = self._network
        size, act = (net.hidden[-1], net.activations[-1]) if net.hidden else _NEW_LAYER
        self._emit(NetworkSpec(net.hidden + (size,), net.activations + (act,), net.init))

    def _on_remove_layer(self) -> None:
        net = self._network
        if net.hidden:
            self._emit(NetworkSpec(net.hidden[:-1], net.activations[:-1], net.init))

    def _emit(self, network: NetworkSpec) -> None:
        if self._updating or network == self._network:
            return
        self.set_network(network)
        self.network_changed.emit(network)


if __name__ == "__main__":  # the panel on its own (docs/ARCHITECTURE.md, Style)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    panel = NetworkPanel()
    panel.network_changed.connect(print)
    panel.show()
    app.exec()
