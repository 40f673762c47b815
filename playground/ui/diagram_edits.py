"""What the network diagram's requests do to the window's experiment.

The diagram only asks (``edit_requested``, ``weight_edit_requested``,
``neuron_switch_requested``); this module applies the requests: an architecture
edit becomes the window's new spec (``set_spec``), a typed weight and a neuron
switched off or on go to the running trainer through the worker, and the run goes
on. A request that does not fit is refused with one line in the status bar.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    Edit,
    RemoveLayer,
    RemoveNeuron,
    SetActivation,
    ToggleFeature,
    apply_edit,
)
from playground.core.features import FEATURE_LABELS
from playground.core.spec import SpecError
from playground.ui.training import WorkerRequestError

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow


def describe_edit(edit: Edit) -> str:
    """A few words for the status bar, e.g. "neuron added to layer 2" (layers counted from 1)."""
    if isinstance(edit, AddNeuron):
        return f"neuron added to layer {edit.layer + 1}"
    if isinstance(edit, RemoveNeuron):
        return f"neuron {edit.index + 1} of layer {edit.layer + 1} removed"
    if isinstance(edit, AddLayer):
        return f"layer of {edit.neurons} neurons inserted at position {edit.index + 1}"
    if isinstance(edit, RemoveLayer):
        return f"layer {edit.index + 1} removed"
    if isinstance(edit, ToggleFeature):
        return f"input {FEATURE_LABELS.get(edit.feature, edit.feature)} switched"
    if isinstance(edit, SetActivation):
        return f"layer {edit.layer + 1}'s activation set to {edit.activation}"
    return "architecture changed"


class DiagramEdits:
    """Applies the requests of ``window.network_view`` to ``window``'s experiment."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        view = window.network_view
        view.edit_requested.connect(self.apply_edit)
        view.weight_edit_requested.connect(self.set_weight)
        view.neuron_switch_requested.connect(self.switch_neuron)
        view.visible_neurons_changed.connect(window.controller.set_visible_neurons)
        if view.shown:  # drawn before this connection was made
            window.controller.set_visible_neurons(tuple(view.shown))

    def apply_edit(self, edit: Edit) -> None:
        """Make ``edit`` the window's new spec, or say why it cannot be."""
        w = self.window
        try:
            spec = apply_edit(w.spec, edit)
        except SpecError as exc:
            w.status.note(f"Not applied: {exc}")
            return
        w.set_spec(spec, describe_edit(edit))

    def set_weight(self, layer: int, out: int, inp: int, value: float) -> None:
        """Set one weight of the running network; the run goes on from there."""
        w = self.window
        try:
            w.controller.fetch("set_weight", (layer, out, inp, value))
        except WorkerRequestError as exc:
            w.status.note(f"Weight not set: {exc}")
            return
        w.files.mark_modified()
        w.status.note(f"{w.network_view.link_name(layer, out, inp)} set to {value:.6g}: the run goes on")

    def switch_neuron(self, layer: int, neuron: int, off: bool) -> None:
        """Switch hidden neuron ``neuron`` of hidden layer ``layer`` off (``off``) or on again."""
        w = self.window
        pairs = set(w.spec.network.switched_off)
        pairs = pairs | {(layer, neuron)} if off else pairs - {(layer, neuron)}
        try:
            spec = w.spec.replace(network=dataclasses.replace(w.spec.network, switched_off=tuple(sorted(pairs))))
            w.controller.fetch("switch_neurons", spec.network.switched_off)
        except (SpecError, WorkerRequestError) as exc:
            w.status.note(f"Not switched: {exc}")
            return
        w.spec = spec
        w.files.mark_modified()
        state = "off (its output is held at 0)" if off else "on again"
        w.status.note(f"Layer {layer + 1} neuron {neuron + 1} switched {state}: the run goes on")


def connect_diagram(window: MainWindow) -> DiagramEdits:
    """Apply the diagram's requests to ``window`` (kept as ``window.diagram_edits``)."""
    window.diagram_edits = DiagramEdits(window)  # type: ignore[attr-defined]
    return window.diagram_edits  # type: ignore[attr-defined]
