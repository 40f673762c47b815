"""The backprop inspector's numbers: one training update of one example (or one mini-batch), stage by stage.

Every number comes from the textbook network (``reference_network``) run on the trainer's
current weights and data, and the update from its ``step`` on a copy of the optimizer's
state, so that an inspection changes nothing. The stages a learner steps through:

1. forward: per layer z (n, out) and a = f(z) (n, out);
2. error: output o, target t, the loss and ∂L/∂o, and δ at the output;
3. backward: per layer δ = ∂L/∂z (n, out) and per link ∂L/∂w = δ × its input (out, in);
4. update: per weight its old value, the optimizer's step (with its moment estimates) and the new one.

For a batch of n rows the values shown are means over its rows (∂L/∂w is the gradient of the mean
loss, as the trainer uses); per-row values give each example's own equations (``inspector_text``).
:func:`apply_step` performs the inspected update on the live trainer, exactly as previewed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from playground.core import epoch_pieces as pieces
from playground.core.dataset import frozen_copy
from playground.core.features import expand_features
from playground.core.grid import grid_points
from playground.core.network import run_calls
from playground.core.page_quirks import backup_calls
from playground.core.reference_network import ReferenceNetwork, flatten, step, unflatten
from playground.core.snapshot import GridOutput

if TYPE_CHECKING:
    from playground.core.trainer import Trainer

Array = np.ndarray
#: At most this many rows × parameters in one inspection (a forward and backward pass the UI waits on).
MAX_INSPECT_WORK = 20_000_000
#: The stages of one update, in the order the inspector steps through them.
STAGES = ("forward", "error", "backward", "update")


class InspectError(ValueError):
    """An inspection or an inspected step that cannot be made; the message is one line for the user."""


@dataclass(frozen=True, eq=False)
class Update:
    """The optimizer's step, per layer (weights (out, in), biases (out,)).

    Attributes
    ----------
    old_w, old_b : the values before the step
    grad_w, grad_b : the gradient the optimizer was given (the weights' with the regulariser's)
    step_w, step_b : new − old
    new_w, new_b : the values after the step
    moments : per optimizer buffer after the step (``m``, ``v``, ``velocity``, ``square_avg``):
        (weights per layer, biases per layer)
    optimizer : the optimizer's name;  t : its update count after the step
    state : the optimizer's whole state after the step (what :func:`apply_step` installs)
    """

    old_w: tuple[Array, ...]
    old_b: tuple[Array, ...]
    grad_w: tuple[Array, ...]
    grad_b: tuple[Array, ...]
    step_w: tuple[Array, ...]
    step_b: tuple[Array, ...]
    new_w: tuple[Array, ...]
    new_b: tuple[Array, ...]
    moments: dict[str, tuple[tuple[Array, ...], tuple[Array, ...]]]
    optimizer: str
    t: int
    state: dict[str, Any]


@dataclass(frozen=True, eq=False)
class Inspection:
    """One update of the trainer's current weights on the training rows ``rows``, every stage of it.

    Attributes
    ----------
    rows : (n,) indices into the training set;  points : (n, 2) their raw (x1, x2)
    batch : (k, n_batches) when the rows are the trainer's next mini-batch (k counts from 1), else None
    batches : the trainer's update count when this was made (an update since makes it stale)
    activations : per layer its activation's name (the output's last);  loss_name : the loss
    x : (n, n_in) the input features;  target : (n, k) the encoded targets
    z, a : per layer (n, out)
    loss : the batch's mean loss;  output_gradient : (n, k) ∂L_row/∂o per row
    deltas : per layer (n, out) ∂L_row/∂z per row (each row's own loss, not divided by n)
    grad_w, grad_b : per layer ∂L/∂W (out, in) and ∂L/∂b (out,) of the mean loss
    update : the optimizer's step
    """

    rows: Array
    points: Array
    batch: tuple[int, int] | None
    batches: int
    activations: tuple[str, ...]
    loss_name: str
    x: Array
    target: Array
    z: tuple[Array, ...]
    a: tuple[Array, ...]
    loss: float
    output_gradient: Array
    deltas: tuple[Array, ...]
    grad_w: tuple[Array, ...]
    grad_b: tuple[Array, ...]
    update: Update

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_layers(self) -> int:
        return len(self.z)

    def layer_input(self, layer: int) -> Array:
        """(n, in): what layer ``layer`` takes in (the features for the first)."""
        return self.x if layer == 0 else self.a[layer - 1]

    # Means over the rows: what the inspector shows for a batch (for one example, its values).
    def mean_z(self, layer: int) -> Array:
        """(out,) z of layer ``layer``, mean over the rows."""
        return self.z[layer].mean(axis=0)

    def mean_a(self, layer: int) -> Array:
        """(out,) a of layer ``layer``, mean over the rows."""
        return self.a[layer].mean(axis=0)

    def mean_delta(self, layer: int) -> Array:
        """(out,) δ = ∂L/∂z of layer ``layer``: each row's δ, mean over the rows (= ∂L/∂b)."""
        return self.deltas[layer].mean(axis=0)

    @property
    def output(self) -> Array:
        """(k,) the output o, mean over the rows."""
        return self.mean_a(self.n_layers - 1)

    @property
    def mean_target(self) -> Array:
        """(k,) the target t, mean over the rows."""
        return self.target.mean(axis=0)

    @property
    def mean_output_gradient(self) -> Array:
        """(k,) ∂L/∂o, mean over the rows."""
        return self.output_gradient.mean(axis=0)

    @property
    def finite(self) -> bool:
        """Whether the step's new weights are all finite (an infinite step is not applied)."""
        return all(np.isfinite(w).all() for w in (*self.update.new_w, *self.update.new_b))


def reference_of(trainer: Trainer) -> ReferenceNetwork:
    """The trainer's current weights as a :class:`ReferenceNetwork` (copies)."""
    return ReferenceNetwork.from_state(trainer.network.state_dict(), trainer.spec.network.activations, trainer.head)


def next_batch(trainer: Trainer) -> tuple[int, int, Array]:
    """(k, n_batches, rows): the mini-batch the trainer's next Step batch runs, k counting from 1.

    At an epoch's start with shuffling on, its order is the permutation the shuffle will draw, read
    from a copy of the trainer's random state: looking changes nothing.
    """
    n = trainer.dataset.n_train
    size = min(trainer.spec.training.batch_size, n)
    n_batches = -(-n // size)
    if not trainer._shuffled:
        order = np.arange(n)
    elif trainer._epoch_open or trainer.batch_index > 0:
        order = trainer._order
    else:
        rng = np.random.Generator(type(trainer.shuffle_rng.bit_generator)())
        rng.bit_generator.state = trainer.shuffle_rng.bit_generator.state
        order = rng.permutation(n)
    k = trainer.batch_index
    return k + 1, n_batches, order[k * size:(k + 1) * size].copy()


def last_batch(trainer: Trainer) -> tuple[int, int, Array] | None:
    """(k, n_batches, rows) of the mini-batch the trainer ran last in its current order, None before any."""
    if trainer.batches == 0:
        return None
    n = trainer.dataset.n_train
    size = min(trainer.spec.training.batch_size, n)
    n_batches = -(-n // size)
    k = (trainer.batch_index - 1) % n_batches
    order = trainer._order if trainer._shuffled else np.arange(n)
    return k + 1, n_batches, order[k * size:(k + 1) * size].copy()


def inspect(trainer: Trainer, rows: Array | list[int], batch: tuple[int, int] | None = None) -> Inspection:
    """Every stage of one update of the trainer's current weights on training rows ``rows`` (n,).

    Nothing of the trainer changes: the optimizer steps a copy of its state.
    Raises :class:`InspectError` for rows outside the training set or switched-off neurons.
    """
    pieces.finish_epoch(trainer)  # the weights of whole batches
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    n_train = trainer.dataset.n_train
    if len(rows) == 0 or rows.min() < 0 or rows.max() >= n_train:
        raise InspectError(f"inspector: the examples must be training points 0 to {n_train - 1}")
    if len(rows) * trainer.network.n_params > MAX_INSPECT_WORK:
        raise InspectError(f"inspector: {len(rows):,} examples are too many to follow at once in this network; "
                           "inspect one example, or use a smaller batch size")
    if trainer.spec.network.switched_off:
        raise InspectError("inspector: switch every neuron on to follow an update (the textbook network has them all)")
    spec = trainer.spec
    x = np.asarray(trainer.x_train[rows, :-1], dtype=np.float64)
    t = np.asarray(trainer.t_train[rows], dtype=np.float64)
    network = reference_of(trainer)
    with np.errstate(all="ignore"):
        result = step(network, x, t, spec.training, trainer.optimizer.get_state())
    grads = result.gradients
    n = len(rows)
    out = grads.passes[-1]
    shapes = [layer.weight.shape for layer in network.layers]
    state = result.optimizer_state
    moments = {name: unflatten(np.asarray(buf), shapes) for name, buf in state.items() if name != "t"}
    new = result.network.layers
    update = Update(
        old_w=tuple(layer.weight for layer in network.layers), old_b=tuple(layer.bias for layer in network.layers),
        grad_w=result.applied_weights, grad_b=result.applied_biases,
        step_w=tuple(b.weight - a.weight for a, b in zip(network.layers, new, strict=True)),
        step_b=tuple(b.bias - a.bias for a, b in zip(network.layers, new, strict=True)),
        new_w=tuple(layer.weight for layer in new), new_b=tuple(layer.bias for layer in new),
        moments=moments, optimizer=spec.training.optimizer.name, t=int(state["t"]), state=state)
    frozen = _freeze(update)
    return Inspection(
        rows=frozen_copy(rows), points=frozen_copy(trainer.dataset.x_train[rows]), batch=batch,
        batches=int(trainer.batches), activations=tuple(layer.activation for layer in network.layers),
        loss_name=trainer.head.loss, x=frozen_copy(x), target=frozen_copy(t),
        z=tuple(frozen_copy(p.z) for p in grads.passes), a=tuple(frozen_copy(p.a) for p in grads.passes),
        loss=grads.loss, output_gradient=frozen_copy(trainer.head.output_gradient(out.a, t)),
        # the reference's δ is of the mean loss (each row counts 1/n); a row's own δ is n times it
        deltas=tuple(frozen_copy(d * n) for d in grads.deltas),
        grad_w=tuple(frozen_copy(g) for g in grads.weights), grad_b=tuple(frozen_copy(g) for g in grads.biases),
        update=frozen)


def inspect_next_batch(trainer: Trainer) -> Inspection:
    """:func:`inspect` of the mini-batch the trainer's next Step batch runs (batch mode)."""
    k, n_batches, rows = next_batch(trainer)
    return inspect(trainer, rows, (k, n_batches))


def _freeze(update: Update) -> Update:
    """The same update with every array a read-only copy (it crosses threads)."""
    def tup(arrays: tuple[Array, ...]) -> tuple[Array, ...]:
        return tuple(frozen_copy(a) for a in arrays)

    moments = {k: (tup(w), tup(b)) for k, (w, b) in update.moments.items()}
    state = {k: (v if k == "t" else frozen_copy(v)) for k, v in update.state.items()}
    return Update(tup(update.old_w), tup(update.old_b), tup(update.grad_w), tup(update.grad_b), tup(update.step_w),
                  tup(update.step_b), tup(update.new_w), tup(update.new_b), moments, update.optimizer, update.t,
                  state)


def apply_step(trainer: Trainer, inspection: Inspection) -> None:
    """Perform the inspected update on the live trainer: one counted update, optimizer state advanced.

    A batch-mode inspection runs the trainer's own next mini-batch (``step_batch``, which the
    preview equals); a single example's update installs the previewed weights and optimizer state.
    Raises :class:`InspectError` when the run has moved on since the inspection, or the step is not
    finite; ``TrainingDiverged`` as a training step would.
    """
    pieces.finish_epoch(trainer)
    if trainer.batches != inspection.batches:
        raise InspectError("inspector: the run has moved on since this example was inspected; inspect it again")
    if not inspection.finite:
        raise InspectError("inspector: this step would make the weights infinite; lower the learning rate")
    if inspection.batch is not None:
        k, n_batches, rows = next_batch(trainer)
        if (k, n_batches) != inspection.batch or not np.array_equal(rows, inspection.rows):
            raise InspectError("inspector: the next mini-batch is no longer the inspected one; inspect it again")
        trainer.step_batch()
        return
    update = inspection.update
    net = trainer.network
    if not trainer._epoch_open:
        run_calls(backup_calls(trainer))  # what a divergence rolls back to
    net.params[...] = flatten(update.new_w, update.new_b)
    trainer.optimizer.set_state(dict(update.state))
    # The gradient views show this update's gradient, as after any batch.
    trainer.grad[...] = flatten(update.grad_w, update.grad_b)
    trainer.restored_gradients = None
    trainer.batches += 1
    trainer._evaluate()
    trainer._check_finite()


def boundary_before_after(inspection: Inspection, features: tuple[str, ...], head: Any,
                          domain: tuple[float, float, float, float], resolution: int) -> tuple[GridOutput, GridOutput]:
    """The decision boundary before and after the inspected update, as the boundary view draws it
    (``GridOutput`` without neuron images), from the old and the new weights on ``features``."""
    x = expand_features(grid_points(domain, resolution), features)
    pictures = []
    for weights, biases in ((inspection.update.old_w, inspection.update.old_b),
                            (inspection.update.new_w, inspection.update.new_b)):
        state = {}
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            state[f"layers.{i}.weight"], state[f"layers.{i}.bias"] = w, b
        network = ReferenceNetwork.from_state(state, inspection.activations[:-1], head)
        with np.errstate(all="ignore"):
            o = network.predict(x)
        shape = (resolution, resolution)
        predicted = frozen_copy(head.predict(o).reshape(shape)) if head.is_classification else None
        pictures.append(GridOutput(domain, resolution, frozen_copy(head.score(o).reshape(shape)), predicted, ()))
    return pictures[0], pictures[1]


def fmt(value: float) -> str:
    """A number as the inspector prints it: 4 significant digits, a true minus sign."""
    if not math.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "NaN")
    text = f"{value:.4g}"
    return text.replace("-", "−")
