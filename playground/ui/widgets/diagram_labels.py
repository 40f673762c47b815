"""Where the network diagram's texts go: column titles, ‖∇W‖ labels and input names.

Each text centred on a column takes at most the room its neighbours' texts leave
(``fit_text`` elides it), so that no two texts overlap at any zoom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.ui.widgets.network_items import fit_text

if TYPE_CHECKING:
    from playground.ui.widgets.network_view import NetworkView


def room(view: NetworkView, c: int) -> float:
    """The width a text centred on column ``c`` may take without reaching its neighbours' texts."""
    centres = view._col_centres
    return min(abs(centres[c] - centres[k]) for k in (c - 1, c + 1) if k in centres) - 6 \
        if len(centres) > 1 else view.column_gap


def place_grad_label(view: NetworkView, c: int) -> None:
    """Centre column ``c``'s gradient label under it, inside the scene."""
    t, sr = view.grad_labels[c], view.scene.sceneRect()
    fit_text(t, room(view, c))
    w = t.boundingRect().width()
    x = min(max(view._col_centres.get(c, 0.0) - w / 2, 2.0), sr.right() - w - 2)
    t.setPos(x, sr.bottom() - t.boundingRect().height() - 4)


def place_texts(view: NetworkView, width: float) -> None:
    """Every column's title (on top) and gradient label (below), and each input's name left of it,
    in a scene ``width`` wide; the neurons are placed already."""
    for c, t in enumerate(view.titles):
        fit_text(t, room(view, c))
        tw = t.boundingRect().width()
        t.setPos(min(max(view._col_centres[c] - tw / 2, 2.0), width - tw - 2), 2)
        place_grad_label(view, c)
    for t, nrn in zip(view.feature_labels, view.neurons[0], strict=True):
        r = t.boundingRect()
        t.setPos(nrn.rect.left() - r.width() - 8, nrn.rect.center().y() - r.height() / 2)
