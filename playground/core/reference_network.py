"""The textbook network: backpropagation written out plainly, one layer at a time.

This is the network a learner reads, and the oracle the training engine (``network.py``,
which computes the same things in preallocated buffers) is tested against.

Notation, for a batch of ``n`` examples (one row each) and layer ``l`` with weights
``W`` (out, in) and biases ``b`` (out,), as PyTorch's ``nn.Linear`` stores them::

    forward    z_l = a_{l-1} Wᵀ + b           (n, out)    a_0 = x, the input features
               a_l = f_l(z_l)                  (n, out)    f_l: the layer's activation
    loss       L   = mean over the n rows of the loss of (a_last, t)
    backward   δ_l = ∂L/∂z_l                   (n, out)
               δ_last = from the loss and output activation together (o − t for the
                        matched pairs mse+linear, bce+sigmoid, cross_entropy+softmax;
                        (o − t)(1 − o²) for mse+tanh), divided by n for the mean
               ∂L/∂W_l = δ_lᵀ a_{l-1}          (out, in)
               ∂L/∂b_l = Σ over rows of δ_l    (out,)
               δ_{l-1} = (δ_l W_l) ⊙ f'_{l-1}(z_{l-1})
    update     the regulariser's gradient is added to the weights' (not the biases'),
               then the optimizer moves every parameter (SGD: p ← p − lr · ∂L/∂p).

Activations come from ``activations.ACTIVATIONS`` (plus ``softmax`` for the output), the
loss and the output delta from the problem's ``losses.OutputHead``, the regulariser and the
optimizers from ``optimizers``: every formula is defined once, there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.activations import ACTIVATIONS
from playground.core.losses import OutputHead, softmax_into
from playground.core.optimizers import make_optimizer, regularization_calls
from playground.core.spec import TrainingSpec

Array = np.ndarray


def activate(name: str, z: Array) -> Array:
    """f(z) (n, k) for activation ``name``: one of ``ACTIVATIONS``, or ``softmax`` over each row."""
    if name == "softmax":
        out = np.empty_like(z)
        softmax_into(z.T, out.T)  # the table's softmax works on columns (one per example)
        return out
    return ACTIVATIONS[name](z)


def derivative(name: str, z: Array) -> Array:
    """f'(z) (n, k) for a hidden layer's activation ``name``."""
    return ACTIVATIONS[name].derivative(z)


@dataclass(frozen=True)
class LayerPass:
    """What one layer computed in a forward pass: its input a_in (n, in), z (n, out) and a = f(z) (n, out)."""

    a_in: Array
    z: Array
    a: Array


@dataclass(frozen=True)
class Layer:
    """One fully connected layer: ``weight`` (out, in), ``bias`` (out,) and its activation's name."""

    weight: Array
    bias: Array
    activation: str

    def forward(self, a_in: Array) -> tuple[Array, Array]:
        """z = a_in Wᵀ + b and a = f(z), both (n, out), for the input a_in (n, in)."""
        z = a_in @ self.weight.T + self.bias
        return z, activate(self.activation, z)

    def backward(self, delta: Array, a_in: Array, f_prime_in: Array | None) -> tuple[Array, Array, Array | None]:
        """From δ = ∂L/∂z (n, out): ∂L/∂W (out, in), ∂L/∂b (out,) and the δ of the layer below.

        ``f_prime_in`` is f'(z) (n, in) of the layer below, whose output a_in is; the first layer
        has none (its input is the data) and gives no δ below.
        """
        grad_w = delta.T @ a_in
        grad_b = delta.sum(axis=0)
        if f_prime_in is None:
            return grad_w, grad_b, None
        # ∂L/∂a_in = δ W: every input feeds every neuron, weighted by its link
        return grad_w, grad_b, (delta @ self.weight) * f_prime_in


@dataclass(frozen=True)
class Gradients:
    """One forward and backward pass over a batch.

    Attributes
    ----------
    loss : the mean loss over the batch (the data term; the regulariser is not part of it)
    passes : per layer, its :class:`LayerPass`
    deltas : per layer, δ = ∂L/∂z (n, out)
    weights, biases : per layer, ∂L/∂W (out, in) and ∂L/∂b (out,)
    """

    loss: float
    passes: tuple[LayerPass, ...]
    deltas: tuple[Array, ...]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]


@dataclass(frozen=True)
class ReferenceNetwork:
    """A multi-layer perceptron: its layers and the problem's output layer and loss (``head``)."""

    layers: tuple[Layer, ...]
    head: OutputHead

    @classmethod
    def from_state(cls, state: dict[str, Array], hidden_activations: Sequence[str],
                   head: OutputHead) -> ReferenceNetwork:
        """From weights named like ``Network.state_dict``: ``layers.{i}.weight`` (out, in), ``layers.{i}.bias``."""
        names = [*hidden_activations, head.activation]
        layers = tuple(Layer(np.array(state[f"layers.{i}.weight"], dtype=np.float64),
                             np.array(state[f"layers.{i}.bias"], dtype=np.float64), name)
                       for i, name in enumerate(names))
        return cls(layers, head)

    def state_dict(self) -> dict[str, Array]:
        """Copies of the weights under ``Network.state_dict``'s names."""
        out: dict[str, Array] = {}
        for i, layer in enumerate(self.layers):
            out[f"layers.{i}.weight"] = layer.weight.copy()
            out[f"layers.{i}.bias"] = layer.bias.copy()
        return out

    def forward(self, x: Array) -> tuple[LayerPass, ...]:
        """Every layer's input, z and a for inputs ``x`` (n, n_inputs); the last a is the output."""
        passes = []
        a = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            z, a_out = layer.forward(a)
            passes.append(LayerPass(a, z, a_out))
            a = a_out
        return tuple(passes)

    def predict(self, x: Array) -> Array:
        """The outputs (n, n_outputs) after the output activation."""
        return self.forward(x)[-1].a

    def loss(self, x: Array, t: Array) -> float:
        """The mean loss over the rows of ``x`` (n, n_inputs) against targets ``t`` (n, n_outputs)."""
        out = self.forward(x)[-1]
        return self.head.loss_value(out.z.T, out.a.T, np.asarray(t, dtype=np.float64).T)

    def gradients(self, x: Array, t: Array) -> Gradients:
        """Forward, loss and backward pass for inputs ``x`` (n, n_inputs) and targets ``t`` (n, n_outputs).

        Targets are the encoded labels: ``head.encode(labels)`` (±1 for tanh, 0/1, one-hot, or values).
        """
        t = np.asarray(t, dtype=np.float64)
        passes = self.forward(x)
        out = passes[-1]
        loss = self.head.loss_value(out.z.T, out.a.T, t.T)
        delta = output_delta(self.head, out.z, out.a, t) / len(t)  # the mean loss: each row counts 1/n
        deltas, grads_w, grads_b = [], [], []
        for i in range(len(self.layers) - 1, -1, -1):
            below = self.layers[i - 1] if i > 0 else None
            f_prime_in = derivative(below.activation, passes[i - 1].z) if below else None
            grad_w, grad_b, delta_below = self.layers[i].backward(delta, passes[i].a_in, f_prime_in)
            deltas.append(delta)
            grads_w.append(grad_w)
            grads_b.append(grad_b)
            delta = delta_below
        return Gradients(loss, passes, tuple(deltas[::-1]), tuple(grads_w[::-1]), tuple(grads_b[::-1]))


def output_delta(head: OutputHead, z: Array, o: Array, t: Array) -> Array:
    """∂(loss of each row)/∂z at the output (n, k), from the head's own definition (``delta_calls``)."""
    out = np.empty_like(z.T)  # the head works on columns (one per example)
    for call in head.delta_calls(z.T, o.T, t.T, out, np.empty_like(out)):
        call()
    return out.T


# ---------------------------------------------------------------- one training step


@dataclass(frozen=True)
class StepResult:
    """One training step (forward, backward, regulariser, update).

    Attributes
    ----------
    network : the network after the update
    gradients : the forward and backward pass before it (the data loss's gradients)
    applied_weights, applied_biases : per layer, the gradient the optimizer was given: the
        weights' with the regulariser's added, (out, in); the biases' as they were, (out,)
    optimizer_state : the optimizer's state after the update (``Optimizer.get_state``, laid out
        like ``Network.params``)
    """

    network: ReferenceNetwork
    gradients: Gradients
    applied_weights: tuple[Array, ...]
    applied_biases: tuple[Array, ...]
    optimizer_state: dict[str, Any]


def step(network: ReferenceNetwork, x: Array, t: Array, training: TrainingSpec,
         optimizer_state: dict[str, Any] | None = None) -> StepResult:
    """One training step on the batch ``x`` (n, n_inputs), targets ``t`` (n, n_outputs).

    ``optimizer_state`` is what the previous step returned (``None``: a fresh optimizer). The
    regulariser and the update are the project's own (``optimizers``), run on copies laid out
    like ``Network.params`` (per layer, each row of W followed by its bias).
    """
    grads = network.gradients(x, t)
    params = flatten([layer.weight for layer in network.layers], [layer.bias for layer in network.layers])
    grad = flatten(grads.weights, grads.biases)
    mask = flatten([np.ones_like(g) for g in grads.weights], [np.zeros_like(g) for g in grads.biases])
    # L2 adds rate · W, L1 adds rate · sign(W), to the weights' gradient only
    for call in regularization_calls(training.regularization, training.regularization_rate, params, grad, mask,
                                     np.empty_like(params)):
        call()
    applied_w, applied_b = unflatten(grad, [layer.weight.shape for layer in network.layers])
    optimizer = make_optimizer(training.optimizer, mask)
    if optimizer_state is not None:
        optimizer.set_state(optimizer_state)
    optimizer.step(params, grad.copy())
    new_w, new_b = unflatten(params, [layer.weight.shape for layer in network.layers])
    layers = tuple(Layer(w, b, layer.activation) for w, b, layer in zip(new_w, new_b, network.layers, strict=True))
    return StepResult(ReferenceNetwork(layers, network.head), grads, applied_w, applied_b, optimizer.get_state())


def flatten(weights: list[Array] | tuple[Array, ...], biases: list[Array] | tuple[Array, ...]) -> Array:
    """One flat vector laid out like ``Network.params``: per layer the (out, in + 1) block [W | b], row by row."""
    return np.concatenate([np.column_stack([w, b]).ravel() for w, b in zip(weights, biases, strict=True)])


def unflatten(flat: Array, shapes: list[tuple[int, int]]) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
    """The weights (out, in) and biases (out,) per layer of a vector laid out as :func:`flatten` lays it out."""
    weights, biases, start = [], [], 0
    for n_out, n_in in shapes:
        block = flat[start:start + n_out * (n_in + 1)].reshape(n_out, n_in + 1)
        weights.append(block[:, :-1].copy())
        biases.append(block[:, -1].copy())
        start += block.size
    return tuple(weights), tuple(biases)


def page_step(network: ReferenceNetwork, x: Array, t: Array, training: TrainingSpec,
              alive: tuple[Array, ...]) -> tuple[ReferenceNetwork, tuple[Array, ...]]:
    """One update as TensorFlow Playground's ``updateWeights`` makes it (plain SGD), on the batch
    ``x`` (n, n_inputs), ``t`` (n, n_outputs), with its dead links: ``alive`` per layer (out, in),
    True for a live link. Returns the network after the update and the links alive after it.

    Per weight: the data step ``w₁ = w − lr·∂L/∂w``, then the regulariser's step from the weight
    before (``w₂ = w₁ − lr·ρ·sign(w)`` for L1, ``− lr·ρ·w`` for L2); an L1 step that takes the
    weight across 0 (``w₁·w₂ < 0``) sets it to 0 and the link dies. Dead links never move; biases
    take the data step only.
    """
    grads = network.gradients(x, t)
    lr, rate, kind = training.optimizer.learning_rate, training.regularization_rate, training.regularization
    layers, still = [], []
    for layer, gw, gb, live in zip(network.layers, grads.weights, grads.biases, alive, strict=True):
        w = layer.weight
        w1 = w - lr * gw
        reg = {"l1": np.sign(w), "l2": w}.get(kind, np.zeros_like(w))
        w2 = w1 - lr * rate * reg
        died = (w1 * w2 < 0) if kind == "l1" else np.zeros(w.shape, dtype=bool)
        live = live & ~died
        layers.append(Layer(np.where(live, w2, np.where(died, 0.0, w)), layer.bias - lr * gb, layer.activation))
        still.append(live)
    return ReferenceNetwork(tuple(layers), network.head), tuple(still)
