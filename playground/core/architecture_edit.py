"""Editing a network's architecture while keeping its trained weights.

An :data:`Edit` says what changes: a neuron added to or removed from a hidden
layer, a hidden layer inserted or removed, an input feature toggled, a layer's
activation changed. :func:`apply_edit` gives the edited spec and
:func:`carry_weights` the edited network's weights (``layers.{i}.weight`` (out,
in), ``layers.{i}.bias`` (out,), as ``Network.state_dict``), mapping every
neuron by identity through the edit (:func:`unit_map`):

- every neuron and link that remains keeps its weight, bit for bit; a removed
  neuron's row (its incoming weights and bias) and its column in the next layer's
  weight are gone;
- a new neuron's incoming weights and bias are drawn with the spec's initialiser
  (for the new layer's shape, so that fan-in and fan-out are the new ones), and its
  outgoing weights start at 0, so that the network's output does not change;
- a feature toggled on is a new neuron of the input column: its outgoing weights
  (its column of the first weight) start at 0 too, and learn from the first step
  (their gradient is δ₁ · x_f, not 0);
- an inserted layer is new links on both sides: its incoming *and* outgoing weights
  are drawn with the initialiser. Outgoing weights of 0 would keep nothing either
  (the links the layer replaces are gone, so the output changes anyway), and they
  would stop the gradient reaching the new layer's incoming weights at first; the
  neurons after it keep their biases;
- removing a layer joins its neighbours by new links, drawn with the initialiser;
  the neurons after it keep their biases.

The optimizer state is not carried: an architecture edit starts a new run with a
fresh optimizer from these weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from playground.core.initializers import INITIALIZERS
from playground.core.spec import FEATURES, ExperimentSpec, NetworkSpec, SpecError

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


@dataclass(frozen=True)
class AddNeuron:
    """A neuron added to hidden layer ``layer`` at position ``index`` (None: after the last)."""

    layer: int
    index: int | None = None


@dataclass(frozen=True)
class RemoveNeuron:
    """Neuron ``index`` of hidden layer ``layer`` removed."""

    layer: int
    index: int


@dataclass(frozen=True)
class AddLayer:
    """A hidden layer of ``neurons`` inserted at position ``index`` of the hidden layers (0: right
    after the inputs, the number of hidden layers: right before the output). ``activation`` None:
    that of the hidden layer before it, else of the one after it, else the default."""

    index: int
    neurons: int = 2  # as TensorFlow Playground's "+" adds
    activation: str | None = None


@dataclass(frozen=True)
class RemoveLayer:
    """Hidden layer ``index`` removed."""

    index: int


@dataclass(frozen=True)
class ToggleFeature:
    """Input feature ``feature`` switched on when off, off when on."""

    feature: str


@dataclass(frozen=True)
class SetActivation:
    """Hidden layer ``layer``'s activation changed (every weight kept)."""

    layer: int
    activation: str


Edit = AddNeuron | RemoveNeuron | AddLayer | RemoveLayer | ToggleFeature | SetActivation

Units = tuple[int | None, ...]


@dataclass(frozen=True)
class UnitMap:
    """Where the units of an edited network come from.

    Attributes
    ----------
    layers : per unit layer of the new network (inputs, hidden layers, outputs), the old
        network's unit layer it is, or None for a new layer
    units : per unit layer of the new network, per unit, the old unit's index in that old
        layer, or None for a new unit
    """

    layers: tuple[int | None, ...]
    units: tuple[Units, ...]


def _sizes(spec: ExperimentSpec) -> tuple[int, ...]:
    """Units per layer: (inputs, *hidden, outputs)."""
    return (len(spec.features), *spec.network.hidden, spec.n_outputs)


def _hidden_layer(spec: ExperimentSpec, layer: int, extra: int = 0) -> None:
    """Check that ``layer`` names a hidden layer (``extra``: positions past the last allowed)."""
    n = len(spec.network.hidden)
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < n + extra:
        raise SpecError(f"network.hidden: there is no hidden layer {layer!r} "
                        f"(the network has {n} hidden layer{'s' if n != 1 else ''})")


def _neuron(spec: ExperimentSpec, layer: int, index: int, extra: int = 0) -> None:
    n = spec.network.hidden[layer]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n + extra:
        raise SpecError(f"network.hidden[{layer}]: there is no neuron {index!r} (the layer has {n})")


def unit_map(spec: ExperimentSpec, edit: Edit) -> UnitMap:
    """How ``edit`` maps the units of ``spec``'s network; :class:`SpecError` for an edit that does
    not fit it (a layer or neuron that is not there)."""
    sizes = _sizes(spec)
    layers: list[int | None] = list(range(len(sizes)))
    units: list[Units] = [tuple(range(n)) for n in sizes]
    if isinstance(edit, AddNeuron):
        _hidden_layer(spec, edit.layer)
        k = spec.network.hidden[edit.layer] if edit.index is None else edit.index
        _neuron(spec, edit.layer, k, extra=1)
        old = units[edit.layer + 1]
        units[edit.layer + 1] = (*old[:k], None, *old[k:])
    elif isinstance(edit, RemoveNeuron):
        _hidden_layer(spec, edit.layer)
        _neuron(spec, edit.layer, edit.index)
        if spec.network.hidden[edit.layer] == 1:
            raise SpecError(f"network.hidden[{edit.layer}]: a layer keeps at least 1 neuron; remove the layer instead")
        old = units[edit.layer + 1]
        units[edit.layer + 1] = old[:edit.index] + old[edit.index + 1:]
    elif isinstance(edit, AddLayer):
        _hidden_layer(spec, edit.index, extra=1)
        if isinstance(edit.neurons, bool) or not isinstance(edit.neurons, int) or edit.neurons < 1:
            raise SpecError(f"network.hidden: a new layer needs at least 1 neuron, got {edit.neurons!r}")
        layers.insert(edit.index + 1, None)
        units.insert(edit.index + 1, (None,) * edit.neurons)
    elif isinstance(edit, RemoveLayer):
        _hidden_layer(spec, edit.index)
        del layers[edit.index + 1], units[edit.index + 1]
    elif isinstance(edit, ToggleFeature):
        if edit.feature not in FEATURES:
            raise SpecError(f"features: there is no feature {edit.feature!r}; choose from {', '.join(FEATURES)}")
        old_features = spec.features
        units[0] = tuple(old_features.index(f) if f in old_features else None for f in _toggled(spec, edit.feature))
    elif isinstance(edit, SetActivation):
        _hidden_layer(spec, edit.layer)
    else:
        raise TypeError(f"not an architecture edit: {edit!r}")
    return UnitMap(tuple(layers), tuple(units))


def _toggled(spec: ExperimentSpec, feature: str) -> tuple[str, ...]:
    """``spec``'s features with ``feature`` switched, in the canonical order."""
    chosen = set(spec.features) ^ {feature}
    return tuple(f for f in FEATURES if f in chosen)


def _new_activation(spec: ExperimentSpec, edit: AddLayer) -> str:
    if edit.activation is not None:
        return edit.activation
    acts = spec.network.activations
    if edit.index > 0:
        return acts[edit.index - 1]
    return acts[0] if acts else NetworkSpec().activations[0]


def apply_edit(spec: ExperimentSpec, edit: Edit) -> ExperimentSpec:
    """The spec after ``edit`` (validated: :class:`SpecError` names what does not fit, such as a
    layer over the size limit or the last feature switched off). Switched-off neurons that remain
    stay switched off, at their new positions."""
    mapping = unit_map(spec, edit)
    net = spec.network
    hidden, acts, features = list(net.hidden), list(net.activations), spec.features
    if isinstance(edit, AddNeuron):
        hidden[edit.layer] += 1
    elif isinstance(edit, RemoveNeuron):
        hidden[edit.layer] -= 1
    elif isinstance(edit, AddLayer):
        hidden.insert(edit.index, edit.neurons)
        acts.insert(edit.index, _new_activation(spec, edit))
    elif isinstance(edit, RemoveLayer):
        del hidden[edit.index], acts[edit.index]
    elif isinstance(edit, ToggleFeature):
        features = _toggled(spec, edit.feature)
    elif isinstance(edit, SetActivation):
        acts[edit.layer] = edit.activation
    off = _moved_switched_off(net.switched_off, mapping)
    network = NetworkSpec(tuple(hidden), tuple(acts), net.init, off)
    return spec.replace(network=network, features=features)


def _moved_switched_off(off: tuple[tuple[int, int], ...], mapping: UnitMap) -> tuple[tuple[int, int], ...]:
    """The switched-off (hidden layer, neuron) pairs at their positions in the edited network;
    those of removed neurons and layers are gone."""
    if not off:  # the usual case: no map of every neuron of a big network needed
        return ()
    where: dict[tuple[int, int], tuple[int, int]] = {}
    for new_layer, (old_layer, units) in enumerate(zip(mapping.layers, mapping.units, strict=True)):
        if old_layer is None:
            continue
        for new_k, old_k in enumerate(units):
            if old_k is not None:
                where[(old_layer - 1, old_k)] = (new_layer - 1, new_k)
    return tuple(where[p] for p in off if p in where)


def check_state(sizes: tuple[int, ...], state: dict[str, np.ndarray]) -> None:
    """``ValueError`` naming the first entry of ``state`` missing or misshapen for layer ``sizes``."""
    for i in range(len(sizes) - 1):
        for key, shape in ((f"layers.{i}.weight", (sizes[i + 1], sizes[i])), (f"layers.{i}.bias", (sizes[i + 1],))):
            if key not in state:
                raise ValueError(f"{key} is missing")
            if np.shape(state[key]) != shape:
                raise ValueError(f"{key} has shape {np.shape(state[key])}, this network needs {shape}")


def carry_weights(spec: ExperimentSpec, state: dict[str, np.ndarray], edit: Edit,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The weights of the network :func:`apply_edit` makes, from ``spec``'s weights ``state``.

    What is kept, drawn (from ``rng``, with the spec's initialiser) or set to 0 is said in the
    module's docstring. ``state``: ``layers.{i}.weight`` (out, in) and ``layers.{i}.bias`` (out,)
    of ``spec``'s network; the result has new float64 arrays of the edited network's shapes.
    """
    return carry_mapped(spec, apply_edit(spec, edit), unit_map(spec, edit), state, rng)


def carry_mapped(spec: ExperimentSpec, new_spec: ExperimentSpec, mapping: UnitMap, state: dict[str, np.ndarray],
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    """:func:`carry_weights` for any ``mapping`` of ``spec``'s units onto ``new_spec``'s (several edits at once)."""
    check_state(_sizes(spec), state)
    init = INITIALIZERS[new_spec.network.init]
    sizes = _sizes(new_spec)
    out: dict[str, np.ndarray] = {}
    for j in range(len(sizes) - 1):
        src_in, src_out = mapping.layers[j], mapping.layers[j + 1]
        rows, cols = mapping.units[j + 1], mapping.units[j]
        kept_rows = [r for r, o in enumerate(rows) if o is not None]
        old_rows = [rows[r] for r in kept_rows]
        # A block whose two unit layers were next to each other keeps its links.
        linked = src_in is not None and src_out is not None and src_out == src_in + 1
        w = np.zeros((sizes[j + 1], sizes[j]))
        b = np.zeros(sizes[j + 1])
        if not linked or len(kept_rows) < len(rows):
            init(w, b, rng)
        if src_out is not None:  # neurons that remain keep their biases (layer u's are in block u - 1)
            b[kept_rows] = np.asarray(state[f"layers.{src_out - 1}.bias"], dtype=np.float64)[old_rows]
        if linked:
            old_w = np.asarray(state[f"layers.{src_in}.weight"], dtype=np.float64)
            kept_cols = [c for c, o in enumerate(cols) if o is not None]
            old_cols = [cols[c] for c in kept_cols]
            new_cols = [c for c, o in enumerate(cols) if o is None]
            w[np.ix_(kept_rows, kept_cols)] = old_w[np.ix_(old_rows, old_cols)]
            w[np.ix_(kept_rows, new_cols)] = 0.0  # a new unit's links into remaining neurons: no jump
        out[f"layers.{j}.weight"] = w
        out[f"layers.{j}.bias"] = b
    return out


def edited_trainer(trainer: Trainer, edit: Edit, rng: np.random.Generator) -> Trainer:
    """A new run of the edited architecture on ``trainer``'s points, starting from the weights
    :func:`carry_weights` gives (drawn from ``rng``) with a fresh optimizer, at epoch 0, with the
    switched-off neurons that remain switched off. ``trainer`` itself is not changed.

    Raises :class:`SpecError` for an edit that does not fit, ``TrainerError`` for an edited
    network these points cannot train (the work budget).
    """
    from playground.core.trainer import Trainer

    spec = apply_edit(trainer.spec, edit)
    weights = carry_weights(trainer.spec, trainer.network.state_dict(), edit, rng)
    new = Trainer(spec, dataset=trainer.dataset, dtype=trainer.dtype)  # switched-off neurons included
    new.load_weights(weights)
    return new
