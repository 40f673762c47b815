"""The network diagram's texts, and where they go: column titles, ‖∇W‖ labels and input names.

Each text centred on a column takes at most the room its neighbours' texts leave
(``fit_text`` elides it), so that no two texts overlap at any zoom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from playground.core.features import FEATURE_LABELS
from playground.ui.widgets.link_layer import GRADIENT_COLOR
from playground.ui.widgets.network_edit_items import small_font
from playground.ui.widgets.network_items import fit_text

if TYPE_CHECKING:
    from playground.core.snapshot import Snapshot
    from playground.ui.widgets.network_view import NetworkView

_INK = "#333333"


def add_texts(view: NetworkView, s: Snapshot) -> None:
    """Make a new diagram's texts in its scene (placed by :func:`place_texts`): a title per column
    (a hidden column's activation is the editor's chip under it), a ‖∇W‖ label per column (shown
    with the gradients) and a name per input feature."""
    sizes = s.layer_sizes
    for c, n in enumerate(sizes):
        if c == 0:
            title = f"inputs\n{n} features"
        elif c == len(sizes) - 1:
            title = f"output\n{s.output_activation}"
        else:
            title = f"layer {c} · {n}"
        t = view.scene.addSimpleText(title, small_font())
        t.setBrush(QColor(_INK))
        view.titles.append(t)
        g = view.scene.addSimpleText("", small_font())
        g.setBrush(QColor(GRADIENT_COLOR))
        g.setVisible(view._show_gradients)
        view.grad_labels.append(g)
    for f in s.spec.features:
        t = view.scene.addSimpleText(FEATURE_LABELS.get(f, f))
        t.setBrush(QColor(_INK))
        view.feature_labels.append(t)


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
