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

    δ_L       = head.delta(z_L, a_L, t)                 # closed form per loss
    ∂L/∂W_i   = δ_iᵀ · a_{i−1}        ∂L/∂b_i = Σ_rows δ_i   (one matmul with the ones column)
    δ_{i−1}   = (δ_i · W_i) ⊙ f'_{i−1}(z_{i−1})

A :class:`Workspace` owns the buffers for one batch size and turns a pass into
a list of numpy calls bound to those buffers (``functools.partial``), so that
the training loop is ``run_calls(calls)`` and allocates nothing. Buffers are
feature-major (one column per sample) so that every elementwise step runs on
contiguous memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from playground.core.activations import ACTIVATIONS, DERIVATIVE_FROM_OUTPUT, Activation, derivative_from_output_calls
from playground.core.initializers import INITIALIZERS
from playground.core.losses import OutputHead

Call = Callable[[], object]
# np.dot has a fraction of np.matmul's per-call cost on tiny matrices. Measured gain (CPU time,
# np.matmul instead): 6 × 8 at batch 10 1.19–1.24 ×, float32 1.3 ×, page mode [4, 2] 1.24 ×;
# 10 × 64 1 %.
_dot = np.dot


def run_calls(calls: list[Call]) -> None:
    """Run bound calls in order."""
    for call in calls:
        call()


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
        # 1 for weights, 0 for biases (and for switched-off neurons' weights, see set_switched_off):
        # regularisation and weight decay touch these only.
        mask = np.zeros(self.n_params, dtype=self.dtype)
        for blk in self.block_views(mask):
            blk[:, :-1] = 1.0
        self.weight_mask = mask
        #: Switched-off hidden neurons (layer, neuron), and per hidden layer its (n, 1) mask of
        #: 1 (on) and 0 (off), None when all its neurons are on (see set_switched_off).
        self.switched_off: tuple[tuple[int, int], ...] = ()
        self.neuron_masks: list[np.ndarray | None] = [None] * (self.n_layers - 1)
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

    # ---- switched-off neurons

    def set_switched_off(self, neurons: Sequence[tuple[int, int]]) -> None:
        """Switch hidden neurons (layer, neuron) off, all others on.

        A switched-off neuron's output is held at exactly 0 (its activations are multiplied by
        its layer's mask, and so is its δ, the derivative of that product), so it contributes
        nothing to the output, and the loss gives its incoming weights, bias and outgoing
        weights a gradient of exactly 0. Those are also taken out of ``weight_mask`` (changed
        in place: optimizers hold it), so that no regulariser or weight decay moves them;
        :meth:`frozen` says which they are. The weights themselves are kept.

        Passes bound before (``Workspace.forward_calls``/``backward_calls``) keep the masks
        they were bound with: bind them again.
        """
        pairs = tuple(sorted({(int(layer), int(k)) for layer, k in neurons}))
        masks: list[np.ndarray | None] = [None] * (self.n_layers - 1)
        for layer, k in pairs:
            if not 0 <= layer < self.n_layers - 1 or not 0 <= k < self.sizes[layer + 1]:
                raise ValueError(f"there is no hidden neuron {k} in hidden layer {layer} of a network "
                                 f"of layer sizes {self.sizes}")
            mask = masks[layer]
            if mask is None:
                mask = masks[layer] = np.ones((self.sizes[layer + 1], 1), dtype=self.dtype)
            mask[k] = 0.0
        self.switched_off, self.neuron_masks = pairs, masks
        frozen = self.frozen()
        for blk, off in zip(self.block_views(self.weight_mask), self.block_views(frozen), strict=True):
            blk[:, :-1] = ~off[:, :-1]
            blk[:, -1] = 0.0

    def frozen(self) -> np.ndarray:
        """(n_params,) bool, laid out like ``params``: True for the parameters of switched-off
        neurons (incoming weights, bias, and their column of the next layer's weight)."""
        frozen = np.zeros(self.n_params, dtype=bool)
        blocks = self.block_views(frozen)
        for layer, k in self.switched_off:
            blocks[layer][k, :] = True
            blocks[layer + 1][:, k] = True
        return frozen

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

    def effective_state_dict(self) -> dict[str, np.ndarray]:
        """:meth:`state_dict` with the switched-off neurons' outgoing weights at 0: the same
        function without masks, for whatever uses the weights alone (exported files)."""
        out = self.state_dict()
        for layer, k in self.switched_off:
            out[f"layers.{layer + 1}.weight"][:, k] = 0.0
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
        """A cached :class:`Workspace` for batches of ``rows`` samples."""
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
        run_calls(ws.forward_calls())
        return ws.output.T.copy()

    def loss_and_gradient(self, x: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss and its gradient (flat, like ``params``) on inputs ``x`` (n, in), targets (n, out)."""
        ws = self.workspace(len(x))
        ws.load_inputs(x)
        ws.load_targets(targets)
        grad = np.zeros_like(self.params)
        run_calls(ws.forward_calls() + ws.backward_calls(self.block_views(grad)))
        grad *= 1.0 / len(x)  # the backward pass gives the gradient of the summed loss
        return ws.loss(), grad


class Workspace:
    """Buffers for passes over ``rows`` samples, and the numpy calls bound to them.

    Feature-major: every buffer holds one column per sample, so a layer's
    activations are contiguous rows and ``z = P · a_ext`` is one ``np.dot``
    with the parameter block ``P`` (out, in + 1). ``inputs`` (n_in + 1, rows)
    ends in a row of ones (the bias input), as do the hidden activation buffers.
    The backward pass's buffers are made by its first ``backward_calls``.
    """

    def __init__(self, net: Network, rows: int) -> None:
        self.net = net
        self.rows = rows
        dt = net.dtype
        sizes = net.sizes
        self.inputs = np.ones((sizes[0] + 1, rows), dtype=dt)
        self.targets = np.zeros((sizes[-1], rows), dtype=dt)
        # Every layer's activations share one buffer (hidden layers each followed by a row of
        # ones, then the output), so that f'(z) of all layers is one or two ufunc calls after
        # the forward pass instead of two or three per layer (see backward_calls). Measured
        # gain (CPU time, per-layer derivatives instead): 6 × 8 tanh at batch 10 1.14 ×,
        # float32 1.3 ×, page mode [4, 2] 1.25 ×; 10 × 64 within noise.
        starts = np.cumsum([0] + [n + 1 for n in sizes[1:-1]])
        self._starts = starts
        self.all_acts = np.ones((int(starts[-1]) + sizes[-1], rows), dtype=dt)
        self.acts_ext = [self.all_acts[starts[i]:starts[i + 1]] for i in range(len(sizes) - 2)]
        self.acts = [a[:-1] for a in self.acts_ext] + [self.all_acts[int(starts[-1]):]]
        # Pre-activations. A hidden layer whose activation is in DERIVATIVE_FROM_OUTPUT does not
        # keep its z: the product goes straight into its activation buffer and f runs there in
        # place (one buffer less for every pass to stream through the cache), so its z *is* that
        # buffer and holds f(z) after the pass. Measured gain (a z buffer of its own instead):
        # 10 × 64 1.05 ×, full-batch 6 × 8 1.09 ×, float32 6 × 8 1.08 ×.
        in_place = [a.name in DERIVATIVE_FROM_OUTPUT for a in net.hidden_activations] + [False]
        self.z = [self.acts[i] if in_place[i] else np.empty((n, rows), dtype=dt)
                  for i, n in enumerate(sizes[1:])]
        self._backward_buffers_made = False  # made by the first backward_calls (see there)

    def _make_backward_buffers(self, batched: str | None) -> None:
        """The buffers only the backward pass uses; workspaces that only go forward (the grid,
        the evaluation of both sets) never allocate them. ``batched``: see backward_calls."""
        dt, rows, sizes, starts = self.net.dtype, self.rows, self.net.sizes, self._starts
        self.output_delta = np.empty((sizes[-1], rows), dtype=dt)
        self.hidden_delta = [] if batched else [np.empty((n, rows), dtype=dt) for n in sizes[1:-1]]
        if batched:
            self.all_derivs = np.empty_like(self.all_acts)
            self.derivs = [self.all_derivs[starts[i]:starts[i + 1] - 1] for i in range(len(sizes) - 2)] \
                + [self.all_derivs[int(starts[-1]):]]
        # (n + 1, rows): the backward product runs over the whole block including the bias
        # column (its row is ignored), because a strided weight view would be copied by np.dot.
        self.d_act_ext = [np.empty((n + 1, rows), dtype=dt) for n in sizes[1:-1]]
        self.d_act = [d[:-1] for d in self.d_act_ext]
        self.output_tmp = np.empty((sizes[-1], rows), dtype=dt)
        self.hidden_tmp = [] if batched else [np.empty((n, rows), dtype=dt) for n in sizes[1:-1]]
        self._backward_buffers_made = True

    @property
    def output(self) -> np.ndarray:
        """Output activations (n_out, rows)."""
        return self.acts[-1]

    @property
    def forward_state(self) -> list[np.ndarray]:
        """The buffers a forward pass leaves for the backward pass: every activation (with the
        ones rows), and each hidden pre-activation that is not kept in its activation buffer
        (the output layer's delta needs only its activations, see ``OutputHead.delta_calls``)."""
        hidden = zip(self.z[:-1], self.acts[:-1], strict=True)
        return [self.all_acts] + [z for z, a in hidden if z is not a]

    def load_inputs(self, x: np.ndarray) -> None:
        """Copy sample-major inputs ``x`` (rows, n_in)."""
        self.inputs[:-1] = np.asarray(x).T

    def load_targets(self, t: np.ndarray) -> None:
        """Copy sample-major targets ``t`` (rows, n_out)."""
        self.targets[...] = np.asarray(t).T

    def forward_calls(self, inputs: np.ndarray | None = None) -> list[Call]:
        """The forward pass as bound calls; ``inputs`` (n_in + 1, rows) defaults to ``self.inputs``.

        ``inputs`` must be C- or F-contiguous (np.dot copies any other layout on every call).
        """
        net = self.net
        prev = self.inputs if inputs is None else inputs
        calls: list[Call] = []
        for i, blk in enumerate(net.blocks):
            # np.dot has a fraction of np.matmul's per-call overhead on tiny matrices
            calls.append(partial(_dot, blk, prev, self.z[i]))
            if i < net.n_layers - 1:
                calls += net.hidden_activations[i].forward_calls(self.z[i], self.acts[i])
                if net.neuron_masks[i] is not None:  # switched-off neurons output exactly 0
                    calls.append(partial(np.multiply, self.acts[i], net.neuron_masks[i], self.acts[i]))
                prev = self.acts_ext[i]
            else:
                calls += net.head.activation_calls(self.z[i], self.acts[i])
        return calls

    def backward_calls(self, grad_blocks: list[np.ndarray], inputs: np.ndarray | None = None,
                       targets: np.ndarray | None = None) -> list[Call]:
        """Backpropagation as bound calls writing the gradient of the *summed* loss into ``grad_blocks``.

        Must run after the forward calls on the same inputs.
        """
        net = self.net
        x = self.inputs if inputs is None else inputs
        t = self.targets if targets is None else targets
        last = net.n_layers - 1
        batched = self._batched_activation()
        if not self._backward_buffers_made:
            self._make_backward_buffers(batched)
        calls = self._batched_derivative_calls(batched)
        out = self.output_delta
        if batched == "tanh" and net.head.loss == "mse" and net.head.activation == "tanh":
            # (o − t)·(1 − o²) with 1 − o² already in the batched derivatives. Measured gain (the
            # head's own four calls instead): page mode [4, 2] 1.08 ×; under 3 % elsewhere.
            calls += [partial(np.subtract, self.acts[last], t, out),
                      partial(np.multiply, out, self.derivs[last], out)]
        else:
            calls += net.head.delta_calls(self.z[last], self.acts[last], t, out, self.output_tmp)
        # With batched derivatives a hidden layer's δ is made in place in its backward product's
        # buffer (δ = (Pᵀδ_next) ⊙ f'), which the cache has just seen; other activations'
        # gradient calls write δ into a buffer of its own.
        delta = [*(self.d_act if batched else self.hidden_delta), self.output_delta]
        for i in range(last, -1, -1):
            prev = x if i == 0 else self.acts_ext[i - 1]
            # ∂L/∂P_i = δ_i · a_extᵀ: weights and (through the ones row) biases in one product
            calls.append(partial(_dot, delta[i], prev.T, grad_blocks[i]))
            if i > 0:
                calls.append(partial(_dot, net.blocks[i].T, delta[i], self.d_act_ext[i - 1]))
                if batched:
                    calls.append(partial(np.multiply, self.d_act[i - 1], self.derivs[i - 1], self.d_act[i - 1]))
                else:
                    calls += net.hidden_activations[i - 1].grad_calls(
                        self.d_act[i - 1], self.z[i - 1], self.acts[i - 1], delta[i - 1], self.hidden_tmp[i - 1])
                if net.neuron_masks[i - 1] is not None:  # a = m ⊙ f(z), so δ = (Pᵀδ_next) ⊙ f'(z) ⊙ m
                    calls.append(partial(np.multiply, delta[i - 1], net.neuron_masks[i - 1], delta[i - 1]))
        return calls

    def _batched_activation(self) -> str | None:
        """The hidden layers' shared activation when its derivative is a function of its output
        (tanh: 1 − a², sigmoid: a(1 − a)), so that f' of every layer is computed at once."""
        names = {a.name for a in self.net.hidden_activations}
        if len(names) != 1 or (name := names.pop()) not in DERIVATIVE_FROM_OUTPUT:
            return None
        return name

    def _batched_derivative_calls(self, name: str | None) -> list[Call]:
        """f'(z) of every hidden layer at once for ``name`` (none when None); the output rows
        are included (tanh output: used by mse)."""
        if name is None:
            return []
        return derivative_from_output_calls(name, self.all_acts, self.all_derivs)

    def loss(self, targets: np.ndarray | None = None) -> float:
        """Mean loss of the last forward pass against ``targets`` (default ``self.targets``)."""
        t = self.targets if targets is None else targets
        return self.net.head.loss_value(self.z[-1], self.acts[-1], t)
