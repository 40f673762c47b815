"""A whole training state as one immutable value, and the states that edits of a run lead to.

Undo needs to put a run back exactly as it was (spec, points, weights, optimizer
state, counters, history) and redo to reuse the weights an edit first drew. A
:class:`Checkpoint` holds that: the trainer's ``get_state`` copies, made read-only,
with its spec and points. :func:`build_trainer` makes a trainer from one.

A state may leave out its optimizer (``"optimizer": None``): the trainer starts
that one fresh. A state of weights alone is a new run from those weights (epoch 0,
no history, fresh optimizer), as an architecture edit or a restored run starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.architecture_edit import UnitMap, _moved_switched_off, _sizes, carry_mapped
from playground.core.dataset import Dataset
from playground.core.initializers import INITIALIZERS
from playground.core.spec import ExperimentSpec, NetworkSpec
from playground.core.trainer import Trainer


def _frozen(value: Any) -> Any:
    """``value`` with every array in it (nested in dicts, lists, tuples) a read-only copy."""
    if isinstance(value, np.ndarray):
        out = value.copy()
        out.flags.writeable = False
        return out
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_frozen(v) for v in value)
    return value


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    return 0


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """A run at one moment, enough to continue it bit for bit.

    Attributes
    ----------
    spec : the experiment
    dataset : its points; None: generated from ``spec.data``
    state : ``Trainer.get_state`` (read-only arrays), a part of it (missing counters are 0,
        a missing or None ``optimizer`` starts fresh), or None: new weights drawn from the seed
    """

    spec: ExperimentSpec
    dataset: Dataset | None
    state: Mapping[str, Any] | None = None

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays the state holds (the points are shared, not counted)."""
        return _nbytes(self.state)

    @property
    def weights(self) -> dict[str, np.ndarray]:
        """``layers.{i}.weight`` (out, in) and ``layers.{i}.bias`` (out,); empty when the state has none."""
        return dict((self.state or {}).get("weights") or {})


def take_checkpoint(trainer: Trainer) -> Checkpoint:
    """The trainer's state now (copies; the trainer goes on independently)."""
    return Checkpoint(trainer.spec, trainer.dataset, _frozen(trainer.get_state()))


def build_trainer(checkpoint: Checkpoint, dtype: type = np.float64) -> Trainer:
    """A trainer in ``checkpoint``'s state; ``SpecError``/``ValueError`` name what does not fit."""
    trainer = Trainer(checkpoint.spec, checkpoint.dataset, dtype=dtype)
    state = checkpoint.state
    if state is not None:
        state = dict(state)
        if state.get("optimizer") is None:
            state["optimizer"] = trainer.optimizer.get_state()  # the fresh one
        trainer.set_state(state)
    return trainer


def weights_only(spec: ExperimentSpec, dataset: Dataset | None, weights: Mapping[str, np.ndarray]) -> Checkpoint:
    """A new run of ``spec`` from ``weights``: epoch 0, no history, a fresh optimizer."""
    return Checkpoint(spec, dataset, _frozen({"weights": dict(weights)}))


def with_fresh_optimizer(checkpoint: Checkpoint, spec: ExperimentSpec) -> Checkpoint:
    """The same run under ``spec`` (a new loss): weights, counters and history kept, the optimizer
    fresh. When the loss changes the output layer's shape, that layer is drawn anew."""
    state = dict(checkpoint.state or {})
    state["optimizer"] = None
    state["gradients"] = None  # of the old loss
    state["diverged"] = None
    weights = dict(state.get("weights") or {})
    sizes = _sizes(spec)
    last = len(sizes) - 2  # the output layer's weight block
    key = f"layers.{last}.weight"
    if key in weights and np.shape(weights[key]) != (sizes[-1], sizes[-2]):
        w, b = np.zeros((sizes[-1], sizes[-2])), np.zeros(sizes[-1])
        INITIALIZERS[spec.network.init](w, b, np.random.default_rng([spec.seed, 0]))
        weights[key], weights[f"layers.{last}.bias"] = w, b
    state["weights"] = weights
    return Checkpoint(spec, checkpoint.dataset, _frozen(state))


def with_dataset(checkpoint: Checkpoint, dataset: Dataset | None) -> Checkpoint:
    """The same run on other points: weights, optimizer, counters and history kept; the epoch
    under way starts over (its row order was of the old points)."""
    state = dict(checkpoint.state or {})
    state["batch_index"] = 0
    state["epoch_order"] = None
    return Checkpoint(checkpoint.spec, dataset, state)


def resized(spec: ExperimentSpec, network: NetworkSpec, features: tuple[str, ...]) -> tuple[ExperimentSpec, UnitMap]:
    """``spec`` with ``network`` and ``features`` as a side panel sets them: a layer count change
    adds or removes layers at the end, a neuron count change neurons at the end of that layer.

    Returns the new spec (switched-off neurons that remain stay off) and how its units map
    onto ``spec``'s (see ``architecture_edit.UnitMap``).
    """
    old_sizes = _sizes(spec)
    old_hidden, new_hidden = spec.network.hidden, network.hidden
    layers: list[int | None] = [0]
    units: list[tuple[int | None, ...]] = [tuple(spec.features.index(f) if f in spec.features else None
                                                 for f in features)]
    for i, n in enumerate(new_hidden):
        if i < len(old_hidden):
            layers.append(i + 1)
            units.append(tuple(k if k < old_hidden[i] else None for k in range(n)))
        else:
            layers.append(None)
            units.append((None,) * n)
    layers.append(len(old_sizes) - 1)
    units.append(tuple(range(old_sizes[-1])))
    mapping = UnitMap(tuple(layers), tuple(units))
    off = _moved_switched_off(spec.network.switched_off, mapping)
    new_spec = spec.replace(network=dataclasses.replace(network, switched_off=off), features=features)
    return new_spec, mapping


def carry_resized(checkpoint: Checkpoint, network: NetworkSpec, features: tuple[str, ...],
                  rng: np.random.Generator) -> Checkpoint:
    """A new run of the resized network (see :func:`resized`) from ``checkpoint``'s weights:
    every neuron and link that remains keeps its weight, new ones are drawn as an
    architecture edit draws them (``architecture_edit.carry_weights``)."""
    new_spec, mapping = resized(checkpoint.spec, network, features)
    weights = carry_mapped(checkpoint.spec, new_spec, mapping, checkpoint.weights, rng)
    return weights_only(new_spec, checkpoint.dataset, weights)
