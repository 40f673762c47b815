"""What the network diagram's requests do: each becomes a step of the window's session.

The diagram only asks (``edit_requested``, ``weight_edit_requested``,
``neuron_switch_requested``); the session applies each request as an undoable step
and says what happened (an edit that does not fit is refused with one line). The
diagram also says which neurons it has on screen and at what size, so that the worker
makes images of those only, at that size; and it draws a new run's columns and links as
soon as the session has them (``preview_ready``), its neurons' pictures with the worker's
first snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.core.architecture_edit import Edit
    from playground.core.snapshot import Snapshot
    from playground.ui.main_window import MainWindow


class DiagramEdits:
    """Passes the requests of ``window.network_view`` to ``window.session``."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        view = window.network_view
        view.edit_requested.connect(self.apply_edit)
        view.weight_edit_requested.connect(self.set_weight)
        view.neuron_switch_requested.connect(self.switch_neuron)
        view.visible_neurons_changed.connect(window.controller.set_visible_neurons)
        window.session.preview_ready.connect(self.show_preview)
        if view.thumbnails.request is not None:  # drawn before this connection was made
            window.controller.set_visible_neurons(view.thumbnails.request)

    def show_preview(self, preview: Snapshot, inputs_from: Snapshot | None) -> None:
        """A new run's columns and links drawn at once, before the worker's first picture of it."""
        if self.window.network_view.isVisible():  # a hidden diagram draws the run when shown again
            self.window.network_view.show_preview(preview, inputs_from)

    def apply_edit(self, edit: Edit) -> None:
        """An architecture edit: a new run from the weights that remain (see the session)."""
        self.window.session.apply_architecture_edit(edit)

    def set_weight(self, layer: int, out: int, inp: int, value: float) -> None:
        """One weight of the running network typed in; the run goes on from there."""
        self.window.session.set_weight(layer, out, inp, value)

    def switch_neuron(self, layer: int, neuron: int, off: bool) -> None:
        """Hidden neuron ``neuron`` of hidden layer ``layer`` switched off (``off``) or on again."""
        self.window.session.set_neuron_switched_off(layer, neuron, off)


def connect_diagram(window: MainWindow) -> DiagramEdits:
    """Pass the diagram's requests to ``window``'s session (kept as ``window.diagram_edits``)."""
    window.diagram_edits = DiagramEdits(window)  # type: ignore[attr-defined]
    return window.diagram_edits  # type: ignore[attr-defined]
