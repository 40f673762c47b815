"""The multilayer perceptron: forward pass, hand-written backpropagation, one flat parameter buffer.

Layer ``i`` maps ``sizes[i]`` inputs to ``sizes[i+1]`` outputs. Its weight
(out, in) and bias (out,) are views into a single flat ``params`` buffer — the
bias is stored as the last column of an (out, in + 1) block, so one matmul
against inputs carrying a column of ones does ``x @ W.T + b`` in a single call,
and an optimizer updates every parameter with a few numpy calls on the flat
buffer. Names and shapes follow PyTorch's ``nn.Linear`` (``layers.{i}.weight``,
``layers.{i}.bias``).

Backpropagation, for a batch of n rows (``a_0`` the inputs, ``z_i`` the
pre-activations, ``a_i = f_i(z_i)``, ``δ_i = ∂L/∂z_i``)::

    δ_L       = head.delta(z_L, a_L, t)                 # closed form per loss, already / n
    ∂L/∂W_i   = δ_iᵀ · a_{i−1}        ∂L/∂b_i = Σ_rows δ_i   (one matmul with the ones column)
    δ_{i−1}   = (δ_i · W_i) ⊙ f'_{i−1}(z_{i−1})

A :class:`Workspace` owns the buffers for one batch size and turns a pass into
a list of numpy calls bound to those buffers (``functools.partial``), so that
the training loop is ``for call in calls: call()`` and allocates nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from playground.core.activations import ACTIVATIONS, Activation
from playground.core.initializers import INITIALIZERS
from playground.core.losses import OutputHead

Call = Callable[[], object]


class Network:
    """A fully connected network with per-layer activations.

    Parameters
    ----------
    sizes : (n_inputs, *hidden, n_outputs)
    hidden_activations : one activation name per hidden layer
    head : the output layer's activation and loss (``losses.output_head``)
    dtype : float64 (default) or float32
    """

    def __init__(self, sizes: Sequence[int], hidden_activations: Sequence[str], head: OutputHead,
                 dtype: type = np.float64) -> None:
        self.sizes = tuple(int(s) for s in sizes)
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"layer sizes must be >= 1, got {self.sizes}")
        if len(hidden_activations) != len(self.sizes) - 2:
            raise ValueError("need one activation per hidden layer")
        if head.n_outputs != self.sizes[-1]:
            raise ValueError(f"output layer has {self.sizes[-1]} units, head needs {head.n_outputs}")
        self.hidden_activations: tuple[Activation, ...] = tuple(ACTIVATIONS[a] for a in hidden_activations)
        self.head = head
        self.dtype = np.dtype(dtype)
        self.n_layers = len(self.sizes) - 1
        shapes = [(self.sizes[i + 1], self.sizes[i] + 1) for i in range(self.n_layers)]
        self.offsets = np.cumsum([0] + [o * i for o, i in shapes])
        self.n_params = int(self.offsets[-1])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.blocks = self.block_views(self.params)
        # 1 for weights, 0 for biases: regularisation and weight decay touch weights only.
        mask = np.zeros(self.n_params, dtype=self.dtype)
        for blk in self.block_views(mask):
            blk[:, :-1] = 1.0
        self.weight_mask = mask
        self._workspaces: dict[int, Workspace] = {}

    # ---- views

    def block_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-layer (out, in + 1) views of a flat buffer laid out like ``params``."""
        return [flat[self.offsets[i]:self.offsets[i + 1]].reshape(self.sizes[i + 1], self.sizes[i] + 1)
                for i in range(self.n_layers)]

    @property
    def weights(self) -> list[np.ndarray]:
        """Weight views (out, in) per layer."""
        return [b[:, :-1] for b in self.blocks]

    @property
    def biases(self) -> list[np.ndarray]:
        """Bias views (out,) per layer."""
        return [b[:, -1] for b in self.blocks]

    @property
    def activation_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.hidden_activations) + (self.head.activation,)

    # ---- parameters

    def initialize(self, method: str, rng: np.random.Generator) -> None:
        """Fill weights and biases with initialiser ``method`` drawing from ``rng``."""
        init = INITIALIZERS[method]
        for blk in self.blocks:
            w = np.empty(blk[:, :-1].shape)
            b = np.empty(blk.shape[0])
            init(w, b, rng)
            blk[:, :-1] = w
            blk[:, -1] = b

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies named like PyTorch's ``nn.Sequential`` of ``nn.Linear``: ``layers.{i}.weight`` (out, in)."""
        out: dict[str, np.ndarray] = {}
        for i, blk in enumerate(self.blocks):
            out[f"layers.{i}.weight"] = blk[:, :-1].copy()
            out[f"layers.{i}.bias"] = blk[:, -1].copy()
        return out

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Set every weight and bias; ``ValueError`` names the first missing or misshapen entry."""
        for i, blk in enumerate(self.blocks):
            for key, view in ((f"layers.{i}.weight", blk[:, :-1]), (f"layers.{i}.bias", blk[:, -1])):
                if key not in state:
                    raise ValueError(f"{key} is missing")
                value = np.asarray(state[key], dtype=np.float64)
                if value.shape != view.shape:
                    raise ValueError(f"{key} has shape {value.shape}, this network needs {view.shape}")
                if not np.isfinite(value).all():
                    raise ValueError(f"{key} contains NaN or infinity")
        for i, blk in enumerate(self.blocks):
            blk[:, :-1] = state[f"layers.{i}.weight"]
            blk[:, -1] = state[f"layers.{i}.bias"]

    # ---- passes (allocating conveniences; training uses Workspace directly)

    def workspace(self, rows: int) -> Workspace:
        """A cached :class:`Workspace` for batches of ``rows`` rows."""
        ws = self._workspaces.get(rows)
        if ws is None:
            if len(self._workspaces) > 8:  # bounded: eval sizes vary with the data
                self._workspaces.clear()
            ws = self._workspaces[rows] = Workspace(self, rows)
        return ws

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Outputs (n, n_outputs) for inputs ``x`` (n, n_inputs); a fresh array."""
        ws = self.workspace(len(x))
        ws.load_inputs(x)
        ws.run_forward()
        return ws.output.copy()

    def forward_all(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations: ``[x, a_1, …, a_L]``, each (n, sizes[i]), fresh arrays."""
        ws = self.workspace(len(x))
        ws.load_inputs(x)
        ws.run_forward()
        return [np.asarray(x, dtype=self.dtype).copy()] + [a.copy() for a in ws.acts]

    def loss_and_gradient(self, x: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss and its gradient (flat, like ``params``) on inputs ``x`` (n, in), targets (n, out)."""
        ws = self.workspace(len(x))
        ws.load_inputs(x)
        ws.load_targets(targets)
        grad = np.zeros_like(self.params)
        for call in ws.forward_calls() + ws.backward_calls(self.block_views(grad)):
            call()
        return ws.loss(), grad


class Workspace:
    """Buffers for passes over ``rows`` rows, and the numpy calls bound to them.

    ``inputs`` (rows, n_in + 1) ends in a column of ones (the bias input);
    ``targets`` (rows, n_out). Hidden activations live in (rows, n + 1) buffers
    whose last column is also ones, for the next layer's bias.
    """

    def __init__(self, net: Network, rows: int) -> None:
        self.net = net
        self.rows = rows
        dt = net.dtype
        sizes = net.sizes
        self.inputs = np.ones((rows, sizes[0] + 1), dtype=dt)
        self.targets = np.zeros((rows, sizes[-1]), dtype=dt)
        self.z = [np.empty((rows, n), dtype=dt) for n in sizes[1:]]
        self.acts_ext = [np.ones((rows, n + 1), dtype=dt) for n in sizes[1:-1]]
        self.acts = [a[:, :-1] for a in self.acts_ext] + [np.empty((rows, sizes[-1]), dtype=dt)]
        self.delta = [np.empty((rows, n), dtype=dt) for n in sizes[1:]]
        self.d_act = [np.empty((rows, n), dtype=dt) for n in sizes[1:-1]]
        self.tmp = [np.empty((rows, n), dtype=dt) for n in sizes[1:-1]]

    @property
    def output(self) -> np.ndarray:
        return self.acts[-1]

    def load_inputs(self, x: np.ndarray) -> None:
        self.inputs[:, :-1] = x

    def load_targets(self, t: np.ndarray) -> None:
        self.targets[...] = t

    def forward_calls(self, inputs: np.ndarray | None = None) -> list[Call]:
        """The forward pass as bound calls; ``inputs`` (rows, n_in + 1) defaults to ``self.inputs``."""
        net = self.net
        prev = self.inputs if inputs is None else inputs
        calls: list[Call] = []
        for i, blk in enumerate(net.blocks):
            calls.append(partial(np.matmul, prev, blk.T, out=self.z[i]))
            if i < net.n_layers - 1:
                calls.append(partial(net.hidden_activations[i].forward, self.z[i], self.acts[i]))
                prev = self.acts_ext[i]
            else:
                calls.append(partial(net.head.activate_into, self.z[i], self.acts[i]))
        return calls

    def backward_calls(self, grad_blocks: list[np.ndarray], inputs: np.ndarray | None = None,
                       targets: np.ndarray | None = None) -> list[Call]:
        """Backpropagation as bound calls writing the gradient into ``grad_blocks``.

        Must run after the forward calls on the same inputs.
        """
        net = self.net
        x = self.inputs if inputs is None else inputs
        t = self.targets if targets is None else targets
        last = net.n_layers - 1
        calls: list[Call] = [partial(net.head.delta_into, self.z[last], self.acts[last], t, self.delta[last])]
        for i in range(last, -1, -1):
            prev = x if i == 0 else self.acts_ext[i - 1]
            calls.append(partial(np.matmul, self.delta[i].T, prev, out=grad_blocks[i]))
            if i > 0:
                calls.append(partial(np.matmul, self.delta[i], net.blocks[i][:, :-1], out=self.d_act[i - 1]))
                calls.append(partial(net.hidden_activations[i - 1].grad_into, self.d_act[i - 1],
                                     self.z[i - 1], self.acts[i - 1], self.delta[i - 1], self.tmp[i - 1]))
        return calls

    def run_forward(self) -> np.ndarray:
        for call in self.forward_calls():
            call()
        return self.output

    def loss(self, targets: np.ndarray | None = None) -> float:
        """Mean loss of the last forward pass against ``targets`` (default ``self.targets``)."""
        t = self.targets if targets is None else targets
        return self.net.head.loss_value(self.z[-1], self.acts[-1], t)
