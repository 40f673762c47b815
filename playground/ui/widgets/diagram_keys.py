"""The network diagram by keyboard alone.

Left/Right move between columns (inputs, hidden layers, output), Up/Down between the
neurons of a column (above the first: the whole column); "+" adds a neuron to the focused
hidden layer (after the focused neuron), "−" removes the focused neuron (or the last one);
Delete removes the focused neuron, or the focused column when the whole column is
focused; Enter toggles a focused input or switches a focused hidden neuron off or on;
the Menu key opens the context menu of what has the focus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent

from playground.core.architecture_edit import AddNeuron, RemoveLayer, RemoveNeuron, ToggleFeature

if TYPE_CHECKING:
    from playground.ui.widgets.diagram_editor import DiagramEditor

_K = Qt.Key
#: The keys in one line, for the window's list of shortcuts.
DIAGRAM_KEYS_TEXT = ("On the network diagram (click it first): arrows move between layers and neurons, "
                     "+ and − add and remove a neuron, Delete removes a neuron or a layer, Enter switches "
                     "an input or a neuron, the Menu key opens its menu; Alt+click switches a neuron off; "
                     "Ctrl+wheel zooms")


def handle_key(editor: DiagramEditor, event: QKeyEvent | None) -> None:
    """Act on ``event`` (None: the Menu key's context-menu event); accept it when it did something."""
    view = editor.view
    if not view.neurons or editor.spec is None:
        return
    key = _K.Key_Menu if event is None else event.key()
    c, j = editor.focus
    c = min(c, len(view.neurons) - 1)
    size = len(view.neurons[c])
    hidden = editor.is_hidden(c)
    layer = c - 1
    emit = view.edit_requested.emit
    if key in (_K.Key_Left, _K.Key_Right):
        c = max(0, min(len(view.neurons) - 1, c + (1 if key == _K.Key_Right else -1)))
        editor.focus = (c, None if j is None else min(j, len(view.neurons[c]) - 1))
    elif key == _K.Key_Down:
        editor.focus = (c, 0 if j is None else min(j + 1, size - 1))
    elif key == _K.Key_Up:
        editor.focus = (c, None if not j else j - 1)
    elif key in (_K.Key_Plus, _K.Key_Equal) and hidden:
        emit(AddNeuron(layer, None if j is None else j + 1))
    elif key == _K.Key_Minus and hidden and size > 1:
        emit(RemoveNeuron(layer, size - 1 if j is None else j))
    elif key == _K.Key_Delete and hidden:
        if j is None:
            emit(RemoveLayer(layer))
        elif size > 1:
            emit(RemoveNeuron(layer, j))
    elif key in (_K.Key_Return, _K.Key_Enter) and j is not None:
        if c == 0:
            emit(ToggleFeature(editor.spec.features[j]))
        elif hidden:
            editor.toggle_switch(layer, j)
    elif key == _K.Key_Menu:
        menu = editor.neuron_menu(c, j) if j is not None else editor.column_menu(c)
        r = view.neurons[c][j if j is not None else 0].rect
        at = view.view.mapToGlobal(view.view.mapFromScene(QPointF(r.right(), r.center().y())))
        editor.popup(menu, at)
    else:
        return
    if event is not None:
        event.accept()
    editor.show_focus()
