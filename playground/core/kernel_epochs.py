"""A trainer's epochs and batches run by the compiled kernel, on the trainer's own buffers.

The kernel (``kernel.train_epochs``) updates the trainer's parameters, gradient and optimizer
state in place, so everything else the trainer does (pictures, saving, edits, metrics of a
single batch) reads the same objects as with the numpy engine. Shuffled epochs take their
row orders from the trainer's generator in the same sequence as the numpy engine, so both
engines follow the same trajectory (to rounding). An epoch whose work passes the pieces
threshold (``epoch_pieces``) still runs in the numpy engine's pieces, which can be stopped
between them; a kernel call is kept to about :data:`CALL_WORK` (a few milliseconds).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np
from numba.core import event

from playground.core import kernel as k
from playground.core.kernel_maths import ACTIVATION_CODES

if TYPE_CHECKING:
    from playground.core.trainer import Trainer

#: Work of one kernel call in parameter·rows of forward pass (about 2 ms here): the epochs of
#: one call are many for a tiny network (up to MOST_EPOCHS), one for a bigger one.
CALL_WORK = 2_000_000
#: The most epochs one call runs (each has a preallocated row of metrics).
MOST_EPOCHS = 16


class _Args:
    """The kernel's arguments for one compiled trainer layout (rebuilt when the trainer recompiles)."""

    def __init__(self, tr: Trainer) -> None:
        net, spec, opt = tr.network, tr.spec.training, tr.optimizer
        self.key = (tr.batch_calls, opt, net)
        n = tr.dataset.n_train
        self.sizes = np.array(net.sizes, dtype=np.int64)
        self.offsets = np.asarray(net.offsets, dtype=np.int64)
        names = [a.name for a in net.hidden_activations] + [net.head.activation]
        self.codes = np.array([ACTIVATION_CODES[name] for name in names], dtype=np.int64)
        masks = [np.ones(s) if m is None else m[:, 0] for s, m in zip(net.sizes[1:-1], net.neuron_masks, strict=True)]
        self.mask = np.concatenate([*masks, np.ones(net.sizes[-1])]).astype(np.float64)
        state = list(opt.state.values())
        spare = np.zeros(0)
        self.state1 = state[0] if state else spare
        self.state2 = state[1] if len(state) > 1 else spare
        regularized = spec.regularization != "none" and spec.regularization_rate != 0.0
        o = spec.optimizer
        self.ints = np.zeros(k.N_INTS, dtype=np.int64)
        self.ints[[k.I_LOSS, k.I_OPTIMIZER, k.I_REGULARIZATION, k.I_BATCH, k.I_CLASSES]] = [
            k.LOSS_CODES[spec.loss], k.OPTIMIZER_CODES[o.name],
            k.REGULARIZATION_CODES[spec.regularization] if regularized else k.NO_REGULARIZATION,
            min(spec.batch_size, n), net.head.classes]
        self.reals = np.array([o.learning_rate, o.momentum, o.rho, o.epsilon, o.beta1, o.beta2, o.weight_decay,
                               spec.regularization_rate, net.head.threshold], dtype=np.float64)
        assert len(self.reals) == k.N_REALS
        labelled = net.head.is_classification
        self.labels = tr.dataset.y_train.astype(np.int64) if labelled else np.zeros(n, dtype=np.int64)
        self.labels_test = (tr.dataset.y_test.astype(np.int64) if labelled
                            else np.zeros(tr.dataset.n_test, dtype=np.int64))
        self.in_order = np.tile(np.arange(n, dtype=np.int64), (MOST_EPOCHS, 1))
        self.rows = np.empty((MOST_EPOCHS, 4 + net.n_layers))
        work = net.n_params * (3 * n + tr.dataset.n_test + n)
        self.epochs_per_call = int(min(MOST_EPOCHS, max(1, CALL_WORK // max(work, 1))))

    def run(self, tr: Trainer, order: np.ndarray, first: int, stop: int, epochs: int) -> int:
        self.ints[k.I_STEPS] = tr.optimizer.t
        done = k.train_epochs(self.sizes, self.offsets, self.codes, self.mask, tr.network.params, tr.grad,
                              tr.network.weight_mask, self.state1, self.state2, self.ints, self.reals,
                              tr.x_train, tr.t_train, tr.x_test, tr.t_test, self.labels, self.labels_test,
                              order, first, stop, epochs, self.rows[:max(epochs, 1)], tr._backup)
        tr.optimizer.t = int(self.ints[k.I_STEPS])
        tr._forward_is_fresh = False  # the numpy engine's evaluation buffers are stale now
        return int(done)


class KernelEpochs:
    """Runs a :class:`Trainer`'s unpieced epochs and single batches with the kernel."""

    def __init__(self) -> None:
        self._args: _Args | None = None

    def _current(self, tr: Trainer) -> _Args:
        args = self._args
        if args is None or any(a is not b for a, b in zip(args.key, (tr.batch_calls, tr.optimizer, tr.network),
                                                            strict=True)):
            args = self._args = _Args(tr)
        return args

    def _orders(self, tr: Trainer, args: _Args, epochs: int) -> np.ndarray:
        """(epochs, n) row orders: the current epoch's (when started) then one fresh per epoch, drawn
        from the trainer's generator exactly as its numpy engine draws them."""
        if not tr._shuffled:
            return args.in_order[:epochs]
        orders = np.empty((epochs, tr.dataset.n_train), dtype=np.int64)
        for e in range(epochs):
            orders[e] = tr._order if e == 0 and tr.batch_index else tr.shuffle_rng.permutation(tr.dataset.n_train)
        tr._order = orders[-1].copy()
        return orders

    def epochs(self, tr: Trainer, most: int) -> int:
        """Finish the current epoch and run more, up to ``most`` in all (inside the caller's
        ``np.errstate``); records each epoch's metrics like the numpy engine. Raises
        ``TrainingDiverged`` (weights rolled back to the diverged epoch's start) as it does."""
        args = self._current(tr)
        epochs = max(1, min(most, args.epochs_per_call))
        first = tr.batch_index
        done = args.run(tr, self._orders(tr, args, epochs), first, 0, epochs)
        n_batches = len(tr.batch_calls)
        ran = min(done + 1, epochs)  # epochs whose batches ran (a diverged one too)
        tr.history.append_rows(tr.epoch + 1, args.rows[:done])
        tr.epoch += done
        tr.batches += ran * n_batches - first
        tr.batch_index = 0
        tr._epoch_open = False
        if done:
            tr.metrics_calc.row[:] = args.rows[done - 1]
            tr.metrics_calc.raw[-1] = 0.0  # the kernel checked the weights: finite
        if done < epochs:
            tr.epoch += 1  # counted, then taken back, as the numpy engine's check does
            tr._diverged(float(args.rows[done, 0]))
        return done

    def batch(self, tr: Trainer) -> None:
        """The trainer's next mini-batch (forward, backward, regulariser, update); no metrics."""
        args = self._current(tr)
        order = tr._order[None, :] if tr._shuffled else args.in_order[:1]
        args.run(tr, np.ascontiguousarray(order, dtype=np.int64), tr.batch_index, tr.batch_index + 1, 0)


def warm_up(compile: bool = True) -> None:
    """Compile the kernel (or load it from numba's cache) by training a tiny network for one epoch.

    ``compile=False``: only load it from the cache; raises ``engines.KernelNotCached`` (before any
    compiling starts) when the cache does not have it, so that it can be compiled elsewhere."""
    from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec
    from playground.core.trainer import Trainer

    spec = ExperimentSpec(data=DataSpec(name="xor", points=8), network=NetworkSpec((2,), ("tanh",)))
    trainer = Trainer(spec, engine="numpy")
    if compile:
        KernelEpochs().epochs(trainer, 1)
        return
    with event.install_listener("numba:compile", _RefuseCompiling(threading.get_ident())):
        KernelEpochs().epochs(trainer, 1)


class _RefuseCompiling(event.Listener):
    """Stops a compile that numba starts in one thread (it starts one only when its cache missed)."""

    def __init__(self, thread: int) -> None:
        self._thread = thread

    def on_start(self, ev: event.Event) -> None:
        if threading.get_ident() == self._thread:
            from playground.core.engines import KernelNotCached
            raise KernelNotCached("the compiled engine is not in numba's cache")

    def on_end(self, ev: event.Event) -> None:
        pass
