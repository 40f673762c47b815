"""What the network diagram's header says under the mouse: a neuron's text (its enlarged picture
shown beside it) or a link's weight, and ∂L/∂w with "show gradients"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from playground.core.features import FEATURE_LABELS

if TYPE_CHECKING:
    from playground.core.snapshot import Snapshot
    from playground.ui.widgets.network_view import NetworkView

HINT = "hover a neuron or a link · click to edit, right-click for more"


def hover_text(view: NetworkView, pos: QPointF) -> str:
    """The header's text with the mouse at scene position ``pos``; a neuron there is shown enlarged."""
    s = view._snapshot
    hit = view._neuron_at(pos)
    if s is not None and hit is not None:
        view.thumbnails.show_zoom(*hit)
        return view.thumbnails.neuron_text(s, *hit)
    view.thumbnails.hide_zoom()
    link = view._link_at(pos)
    if s is not None and link is not None:
        layer, j, i = link
        text = f"{link_name(s, len(view.neurons), layer, j, i)}: w = {float(s.weights[layer][j, i]):.4g}"
        if view._show_gradients and len(s.gradients) == len(s.weights):
            text += f", ∂L/∂w = {float(s.gradients[layer][j, i]):.3g}"
        return text
    return HINT


def link_name(s: Snapshot | None, columns: int, layer: int, j: int, i: int) -> str:
    """"weight <from> → <to> neuron j" for the link from unit ``i`` to unit ``j`` of weight layer
    ``layer`` in a diagram of ``columns`` columns (inputs named by the snapshot's features)."""
    if layer > 0:
        src = f"layer {layer} neuron {i + 1}"
    elif s is not None:
        f = s.spec.features[i]
        src = f"input {FEATURE_LABELS.get(f, f)}"
    else:
        src = f"neuron {i + 1}"
    dst = "output" if layer == columns - 2 else f"layer {layer + 1}"
    return f"weight {src} → {dst} neuron {j + 1}"
