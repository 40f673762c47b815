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
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec
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
    #: ``(xmin, xmax, ymin, ymax)`` the pictures cover when drawing grew it past the points' own domain
    picture_domain: tuple[float, float, float, float] | None = None

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
    return Checkpoint(trainer.spec, trainer.dataset, _frozen(trainer.get_state()),
                      getattr(trainer, "picture_domain", None))


def build_trainer(checkpoint: Checkpoint, dtype: type = np.float64, engine: str = "numpy") -> Trainer:
    """A trainer in ``checkpoint``'s state; ``SpecError``/``ValueError`` name what does not fit.
    ``engine`` (``engines.REQUESTS``) trains a new run; a state that names its engine keeps it."""
    trainer = Trainer(checkpoint.spec, checkpoint.dataset, dtype=dtype, engine=engine)
    state = checkpoint.state
    if state is not None:
        state = dict(state)
        if state.get("optimizer") is None:
            state["optimizer"] = trainer.optimizer.get_state()  # the fresh one
        trainer.set_state(state)
    trainer.picture_domain = checkpoint.picture_domain
    return trainer


def weights_only(spec: ExperimentSpec, dataset: Dataset | None, weights: Mapping[str, np.ndarray],
                 picture_domain: tuple[float, float, float, float] | None = None) -> Checkpoint:
    """A new run of ``spec`` from ``weights``: epoch 0, no history, a fresh optimizer; its pictures
    cover ``picture_domain`` (None: the points' own domain)."""
    return Checkpoint(spec, dataset, _frozen({"weights": dict(weights)}), picture_domain)


def with_fresh_optimizer(checkpoint: Checkpoint, spec: ExperimentSpec) -> Checkpoint:
    """The same run under ``spec`` (a new loss): weights, counters and history kept, the optimizer
    fresh. When the loss changes the output layer's shape, that layer is drawn anew."""
    state = dict(checkpoint.state or {})
    state["optimizer"] = None
    state["gradients"] = None  # of the old loss
    state["diverged"] = None
    weights = dict(state.get("weights") or {})
    if _output_key(spec) in weights and _output_shape(spec) != np.shape(weights[_output_key(spec)]):
        weights = _new_output_layer(spec, weights)
    state["weights"] = weights
    return Checkpoint(spec, checkpoint.dataset, _frozen(state), checkpoint.picture_domain)


def _output_key(spec: ExperimentSpec) -> str:
    return f"layers.{len(_sizes(spec)) - 2}.weight"


def _output_shape(spec: ExperimentSpec) -> tuple[int, int]:
    sizes = _sizes(spec)
    return sizes[-1], sizes[-2]


def _new_output_layer(spec: ExperimentSpec, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``weights`` with the output layer drawn anew for ``spec`` (from its seed), the rest kept."""
    out = dict(weights)
    w, b = np.zeros(_output_shape(spec)), np.zeros(_output_shape(spec)[0])
    INITIALIZERS[spec.network.init](w, b, np.random.default_rng([spec.seed, 0]))
    key = _output_key(spec)
    out[key], out[key.replace(".weight", ".bias")] = w, b
    return out


def changes_outputs(old: ExperimentSpec, new: ExperimentSpec) -> bool:
    """Whether data settings ``new`` give the network other outputs than ``old`` (K changed)."""
    return new.n_outputs != old.n_outputs or new.data.classes != old.data.classes


def with_dataset(checkpoint: Checkpoint, dataset: Dataset | None, data: DataSpec | None = None) -> Checkpoint:
    """Set data, keep weights: the run on other points (``dataset``; None: generated from ``data``),
    under ``data`` as its data settings (None: unchanged).

    Weights, optimizer, counters and history are kept and the epoch under way starts over (its
    row order was of the old points). When K changes (:func:`changes_outputs`) only the output
    layer is drawn anew and a new run starts from these weights (fresh optimizer, epoch 0).
    The pictures' domain grows to hold the new points but never shrinks here, so the view
    stays put while drawing (``data_swap.fit_domain`` fits it again).
    """
    spec = checkpoint.spec if data is None else checkpoint.spec.replace(data=data)
    domain = _grown_domain(checkpoint, dataset)
    if changes_outputs(checkpoint.spec, spec):
        return weights_only(spec, dataset, _new_output_layer(spec, checkpoint.weights), domain)
    state = dict(checkpoint.state or {})
    state.update(batch_index=0, epoch_order=None, page_carried=None)  # row indices of the old points
    return Checkpoint(spec, dataset, state, domain)


def _grown_domain(checkpoint: Checkpoint, dataset: Dataset | None) -> tuple[float, float, float, float] | None:
    """The pictures' domain after ``checkpoint``'s points become ``dataset``: the one shown, grown to
    hold the new points; None when that is just the new points' own domain."""
    shown = checkpoint.picture_domain or (checkpoint.dataset.domain() if checkpoint.dataset is not None else None)
    if shown is None or dataset is None:
        return None  # generated points start from their own domain
    fitted = dataset.domain()
    grown = (min(shown[0], fitted[0]), max(shown[1], fitted[1]), min(shown[2], fitted[2]), max(shown[3], fitted[3]))
    return None if grown == fitted else grown


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
    architecture edit draws them (``architecture_edit.carry_weights``). The pictures' domain stays:
    it shrinks only when fitted to the points again."""
    new_spec, mapping = resized(checkpoint.spec, network, features)
    weights = carry_mapped(checkpoint.spec, new_spec, mapping, checkpoint.weights, rng)
    return weights_only(new_spec, checkpoint.dataset, weights, checkpoint.picture_domain)
