"""What an edit is called in the undo history and the status bar ("+1 neuron in layer 2")."""

from __future__ import annotations

from playground.core.architecture_edit import (
    AddLayer,
    AddNeuron,
    Edit,
    RemoveLayer,
    RemoveNeuron,
    SetActivation,
    ToggleFeature,
)
from playground.core.features import FEATURE_LABELS
from playground.core.spec import ExperimentSpec

#: What the status bar adds after an architecture edit.
KEPT = "trained weights kept, new run"


def _neurons(n: int) -> str:
    return f"{n} neuron{'s' if n != 1 else ''}"


def describe_edit(spec: ExperimentSpec, edit: Edit) -> str:
    """``edit`` of ``spec``'s network in a few words; hidden layers count from 1, as drawn."""
    if isinstance(edit, AddNeuron):
        return f"+1 neuron in layer {edit.layer + 1}"
    if isinstance(edit, RemoveNeuron):
        return f"−neuron {edit.index + 1} of layer {edit.layer + 1}"
    if isinstance(edit, AddLayer):
        return f"+layer of {_neurons(edit.neurons)} at {edit.index + 1}"
    if isinstance(edit, RemoveLayer):
        return f"−layer {edit.index + 1}"
    if isinstance(edit, ToggleFeature):
        sign = "−" if edit.feature in spec.features else "+"
        return f"{sign}input {FEATURE_LABELS.get(edit.feature, edit.feature)}"
    if isinstance(edit, SetActivation):
        return f"layer {edit.layer + 1} activation {edit.activation}"
    return "architecture edit"


def describe_resize(old: ExperimentSpec, new: ExperimentSpec) -> str:
    """The difference between two specs' networks and inputs, as the side panel makes it."""
    parts = []
    on = [f for f in new.features if f not in old.features]
    off = [f for f in old.features if f not in new.features]
    parts += [f"+input {FEATURE_LABELS.get(f, f)}" for f in on] + [f"−input {FEATURE_LABELS.get(f, f)}" for f in off]
    a, b = old.network.hidden, new.network.hidden
    for i in range(min(len(a), len(b))):
        if b[i] != a[i]:
            sign = "+" if b[i] > a[i] else "−"
            parts.append(f"{sign}{_neurons(abs(b[i] - a[i]))} in layer {i + 1}")
    if len(b) > len(a):
        parts.append(f"+{len(b) - len(a)} layer{'s' if len(b) - len(a) > 1 else ''}")
    elif len(b) < len(a):
        parts.append(f"−{len(a) - len(b)} layer{'s' if len(a) - len(b) > 1 else ''}")
    for i, (x, y) in enumerate(zip(old.network.activations, new.network.activations, strict=False)):
        if x != y:
            parts.append(f"layer {i + 1} activation {y}")
    return ", ".join(parts) or "architecture changed"
