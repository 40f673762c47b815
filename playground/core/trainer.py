"""The trainer: owns the network, optimizer, data and random state; runs epochs; records metrics.

One epoch is one pass over the training set in mini-batches of ``batch_size``
rows (the last one smaller when the size does not divide the set); every
batch's update uses the mean gradient over its rows. With ``shuffle`` the rows
are put in a new random order at the start of every epoch, otherwise they are
visited in their stored order. After every epoch the train and test loss and
accuracy are computed on the whole sets and appended to the history.

The whole epoch is compiled into one list of numpy calls bound to preallocated buffers
(``epoch_compile``), rebuilt only when a setting changes; a big epoch runs in short pieces
(``epoch_pieces``). The trainer knows nothing of threads: long runs take a ``keep_going``
callback, asked between pieces.
With the compiled engine (``engine="kernel"``, see ``engines``) whole epochs and single
batches run in ``kernel_epochs`` instead, on the same buffers; the engine is chosen once per run.

TensorFlow Playground: with ``loss="mse"`` (tanh output), ``init="playground"``, plain SGD and
``shuffle=False`` an epoch makes that page's per-batch mean-gradient updates in its order; an
experiment from one of its links (``data.page_seed``) also follows its two quirks (``page_quirks``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from playground.core import epoch_pieces as pieces
from playground.core import trainer_gradients
from playground.core.blas import limit_blas_threads_once
from playground.core.dataset import Dataset
from playground.core.datasets import make_dataset
from playground.core.divergence import Divergence
from playground.core.engines import use_engine
from playground.core.epoch_compile import compile_epoch
from playground.core.epoch_metrics import N_SET_COLUMNS
from playground.core.features import expand_features
from playground.core.history import MetricHistory
from playground.core.input_scaling import fit_scaling
from playground.core.losses import OutputHead, output_head
from playground.core.malloc import keep_freed_memory_once
from playground.core.network import Network, Workspace, run_calls
from playground.core.optimizers import Optimizer, make_optimizer
from playground.core.page_quirks import PageMode, backup_calls, end_epoch, is_page_mode, roll_back
from playground.core.snapshot import GridOutput, Snapshot
from playground.core.spec import ExperimentSpec, TrainingSpec
from playground.core.tfpg_data import page_reset_weights
from playground.core.trainer_metrics import TrainerMetrics
from playground.core.trainer_pictures import evaluate_grid, snapshot
from playground.core.training_errors import TrainerError, TrainingDiverged, check_trainable, divergence_message

__all__ = ["EPOCHS_PER_RUN", "HISTORY_POINTS_IN_SNAPSHOT", "Trainer", "TrainerError", "TrainingDiverged"]

HISTORY_POINTS_IN_SNAPSHOT = 4000
EPOCHS_PER_RUN = 16  # epochs one step of train_for asks for (the compiled engine runs them in one call)


class Trainer(TrainerMetrics):
    """Trains one experiment.

    Parameters
    ----------
    spec : the experiment
    dataset : the points; by default generated from ``spec.data``
    dtype : float64 (default) or float32
    engine : ``numpy`` (default), ``kernel`` or ``auto`` (``engines.choose``); kept for the whole run
    """

    def __init__(self, spec: ExperimentSpec, dataset: Dataset | None = None, dtype: type = np.float64,
                 engine: str = "numpy") -> None:
        limit_blas_threads_once()
        keep_freed_memory_once()
        self.dtype = np.dtype(dtype)
        self._spec = spec
        self.dataset = dataset if dataset is not None else make_dataset(spec.data)
        self._check_compatible(spec, self.dataset)
        self.shuffle_rng = np.random.default_rng([spec.seed, 1])
        self.init_count = 0  # how many times weights were drawn; Reset draws fresh ones
        self._build_model()
        use_engine(self, engine)  # sets engine (its name) and _kernel (None for numpy)
        self.reset_weights(fresh=False)

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _check_compatible(spec: ExperimentSpec, data: Dataset) -> None:
        check_trainable(spec, data)  # loss and problem, and the work budget for these points

    @property
    def spec(self) -> ExperimentSpec:
        return self._spec

    @property
    def head(self) -> OutputHead:
        return self.network.head

    def _build_model(self) -> None:
        spec, data = self._spec, self.dataset
        head = output_head(data.problem, spec.training.loss, data.classes)
        n_in = len(spec.features)
        self.network = Network((n_in, *spec.network.hidden, head.n_outputs), spec.network.activations, head,
                               dtype=self.dtype)
        self.network.set_switched_off(spec.network.switched_off)  # before the optimizer takes weight_mask
        self.grad = np.zeros_like(self.network.params)
        self.grad_blocks = self.network.block_views(self.grad)
        self._backup = np.empty_like(self.network.params)
        self._reg_tmp = np.empty_like(self.network.params)
        self.scaling = fit_scaling(spec.data.scale, data.x_train)  # fixed until the data changes
        self.page = PageMode(self.network.n_params, self.dtype) if is_page_mode(spec) else None

        def prepared(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # Stored sample-major, (n, n_in + 1) with a column of ones and targets (n, k), so that a
            # batch of rows is contiguous and its transpose is the network's feature-major input.
            xe = np.ones((len(x), n_in + 1), dtype=self.dtype)
            expand_features(self.scaling.apply(x), spec.features, out=xe[:, :-1])
            return xe, head.encode(y, self.dtype)

        self.x_train, self.t_train = prepared(data.x_train, data.y_train)
        self.x_test, self.t_test = prepared(data.x_test, data.y_test)
        # Both sets side by side, feature-major (training columns first): the metrics evaluate
        # them in one forward pass.
        self._x_eval = np.ascontiguousarray(np.concatenate([self.x_train, self.x_test]).T)
        self._t_eval = np.ascontiguousarray(np.concatenate([self.t_train, self.t_test]).T)
        labelled = head.is_classification
        self._labels_eval = np.concatenate([data.y_train, data.y_test]) if labelled else None
        self._xs = np.empty_like(self.x_train)  # this epoch's row order
        self._ts = np.empty_like(self.t_train)
        self._order = np.arange(self.dataset.n_train)
        self._grid = None  # the GridEvaluator of the last picture (see trainer_pictures)
        self._workspaces: dict[int | str, Workspace] = {}
        self.history = MetricHistory(self.network.n_layers)

    def reset_weights(self, fresh: bool = True) -> None:
        """Draw new initial weights (``fresh``: a new draw, as TensorFlow Playground's reset; a link
        experiment draws the page's own), clear the optimizer, the epoch counter and the history."""
        if fresh:
            self.init_count += 1
        rng = np.random.default_rng([self._spec.seed, 0, self.init_count])
        self.network.initialize(self._spec.network.init, rng)
        page_weights = page_reset_weights(self._spec, self.init_count) if self.page is not None else None
        if page_weights is not None:  # a link experiment: the weights the page's Reset would draw
            self.network.load_state_dict(page_weights)
        self.optimizer: Optimizer = make_optimizer(self._spec.training.optimizer, self.network.weight_mask)
        self.epoch = 0
        self.batches = 0
        self.batch_index = 0  # next batch within the current epoch
        self.grad.fill(0.0)  # after a batch: its mean gradient (with the regulariser's)
        # The last mini-batch's mean weight gradients (out, in) per layer as restored from a saved
        # state (``set_state``): shown until this trainer runs a batch of its own.
        self.restored_gradients: list[np.ndarray] | None = None
        self._restored_at = 0
        # The last divergence, saved with the state while no batch has run since (``_diverged_at``).
        self.divergence: Divergence | None = None
        self._diverged_at = 0
        self.history = MetricHistory(self.network.n_layers)
        if self.page is not None:
            self.page.clear()
        self._compile()
        self._evaluate()

    def _workspace(self, key: int | str) -> Workspace:
        """The trainer's own buffers: training batches are keyed by their number of rows, the
        evaluation of both sets by ``"eval"`` (by the training set's rows when there is no test
        set, so that a full batch shares them)."""
        if key == "eval" and not self.dataset.n_test:
            key = self.dataset.n_train
        ws = self._workspaces.get(key)
        if ws is None:
            rows = self.dataset.n_train + self.dataset.n_test if key == "eval" else int(key)
            ws = self._workspaces[key] = Workspace(self.network, rows)
        return ws

    def _compile(self) -> None:
        """Bind the epoch's calls (see ``epoch_compile``)."""
        compile_epoch(self)

    # ------------------------------------------------------------------ live changes

    def set_training(self, training: TrainingSpec) -> None:
        """Apply new training settings without losing the weights.

        Learning rate, optimizer settings, regularisation, batch size and
        shuffling apply at once; a different optimizer starts with fresh
        state. A different loss changes the output layer, so it re-initialises.
        """
        old = self._spec.training
        self._spec = self._spec.replace(training=training)
        if training.loss != old.loss:
            self._check_compatible(self._spec, self.dataset)
            self._build_model()
            self.reset_weights(fresh=False)
            return
        pieces.finish_epoch(self)
        if training.optimizer.name != old.optimizer.name:
            self.optimizer = make_optimizer(training.optimizer, self.network.weight_mask)
        else:
            self.optimizer.spec = training.optimizer
        if (training.batch_size, training.shuffle) != (old.batch_size, old.shuffle):
            # The epoch's batches are laid out anew: a half-done epoch starts over.
            self.batch_index = 0
        current = self.metrics_calc.row[:N_SET_COLUMNS].copy()
        self._compile()
        self.metrics_calc.row[:N_SET_COLUMNS] = current  # same weights, same metrics

    # ------------------------------------------------------------------ training

    def _start_epoch(self) -> None:
        self._epoch_open = True
        run_calls(backup_calls(self))
        self._reshuffle()

    def _reshuffle(self) -> None:
        if self._shuffled:
            self._order = self.shuffle_rng.permutation(self.dataset.n_train)
            self._apply_order()

    def _apply_order(self) -> None:
        if self.page is not None:
            return self.page.batches.refill(self.x_train, self.t_train, self._order)
        np.take(self.x_train, self._order, axis=0, out=self._xs)
        np.take(self.t_train, self._order, axis=0, out=self._ts)

    def step_epoch(self, keep_going: pieces.KeepGoing | None = None) -> bool:
        """Finish the current epoch (a whole one when at its start) and record its metrics; True
        when it did. A big epoch (``epoch_pieces``) stops when ``keep_going()``, asked between its
        pieces, says so, and goes on from there next time.

        Raises :class:`TrainingDiverged` (weights rolled back) when the loss is not finite.
        """
        with np.errstate(all="ignore"):  # overflow is detected and reported by _check_finite
            return self._step_epoch(keep_going)

    def _step_epoch(self, keep_going: pieces.KeepGoing | None = None) -> bool:
        """:meth:`step_epoch` inside the caller's ``np.errstate(all="ignore")``."""
        if self._pieces is not None:
            return pieces.advance(self, keep_going or pieces.always)
        if self._kernel is not None:
            return self._kernel.epochs(self, 1) > 0
        n_batches = len(self.batch_calls)
        if self.batch_index == 0:
            if self._shuffled:
                self._reshuffle()  # the compiled epoch starts with the backup copy
            run_calls(self._whole_epoch_after_forward if self._forward_is_fresh else self._whole_epoch)
        else:
            for k in range(self.batch_index, n_batches):
                run_calls(self.batch_calls[k])
            run_calls(self.metrics_calc.calls)
        self.batches += n_batches - self.batch_index
        self._forward_is_fresh = self._single_batch
        self.batch_index = 0
        self._record_epoch()
        return True

    def step_batch(self, keep_going: pieces.KeepGoing | None = None) -> None:
        """One mini-batch update; completes the epoch (and records it) after its last batch.

        A big epoch's batch asks ``keep_going()`` between its pieces: stopped before its update it
        has changed nothing; stopped in the metrics pass after it, the metrics are not yet updated.
        """
        pieces.finish_epoch(self)
        if self.batch_index == 0 and not self._epoch_open:
            self._start_epoch()
        with np.errstate(all="ignore"):
            if self._kernel is not None and self._pieces is None:
                self._kernel.batch(self)
            elif self._pieces is None:
                run_calls(self.batch_calls[self.batch_index])
            elif self._pieces.run_batch(self.batch_index, keep_going or pieces.always) == self.batch_index:
                return
        self._forward_is_fresh = False
        self.batches += 1
        self.batch_index += 1
        if self._pieces is not None:  # its metrics pass in pieces too
            return pieces.after_batch(self, keep_going or pieces.always)
        self._evaluate()
        if self.batch_index == len(self.batch_calls):
            self.batch_index = 0
            self._record_epoch()
        else:
            self._check_finite()

    def _record_epoch(self) -> None:
        """Count the finished epoch and append the metrics row that its calls just wrote."""
        self.epoch += 1
        self._epoch_open = False
        self._check_finite()
        self.history.append_row(self.epoch, self.metrics_calc.row)
        if self.page is not None:
            end_epoch(self)

    def _check_finite(self) -> None:
        if not self.metrics_calc.finite(self.network.params):
            self._diverged(self.train_loss)

    def _diverged(self, loss: float) -> None:
        """Roll back to ``_backup``, start the optimizer afresh and raise :class:`TrainingDiverged`."""
        roll_back(self)
        self.optimizer = make_optimizer(self._spec.training.optimizer, self.network.weight_mask)
        epoch = self.epoch
        self.epoch = max(0, self.epoch - 1) if self.batch_index == 0 else self.epoch
        self.batch_index = 0
        self._compile()
        self._evaluate()
        message = divergence_message(loss, epoch, self._spec)
        self.divergence, self._diverged_at = Divergence(epoch, message), self.batches
        raise TrainingDiverged(message, epoch)

    def _step_epochs(self, most: int, keep_going: pieces.KeepGoing | None = None) -> int:
        """One epoch, or (the compiled engine) up to ``most`` in one call, inside the caller's
        ``np.errstate``; returns epochs done (0: a pieced epoch that ``keep_going`` stopped)."""
        if self._pieces is not None:
            return int(pieces.advance(self, keep_going or pieces.always))
        if self._kernel is not None:
            return self._kernel.epochs(self, most)
        self._step_epoch()
        return 1

    def train(self, epochs: int, keep_going: Callable[[], bool] | None = None) -> int:
        """Run up to ``epochs`` epochs while ``keep_going()`` says so; returns epochs done.

        ``keep_going`` is asked before every epoch (the compiled engine's calls of up to
        ``EPOCHS_PER_RUN`` epochs), or between the pieces of a big epoch (which then goes on
        from there next time).
        """
        done = 0
        with np.errstate(all="ignore"):  # overflow is detected and reported by _check_finite
            while done < epochs and (keep_going is None or keep_going()):
                done += self._step_epochs(epochs - done, keep_going)
        return done

    def train_for(self, seconds: float, max_epochs: int | None = None) -> int:
        """Train whole epochs for about ``seconds``; returns epochs done (at least one: the
        time goes over for an epoch longer than ``seconds``)."""
        deadline = time.perf_counter() + seconds
        done = 0
        with np.errstate(all="ignore"):
            while True:
                done += self._step_epochs(EPOCHS_PER_RUN if max_epochs is None else max_epochs - done)
                if time.perf_counter() >= deadline or (max_epochs is not None and done >= max_epochs):
                    return done

    # ------------------------------------------------------------------ metrics

    def _evaluate(self) -> None:
        """Run the metric calls on the current weights (their row is what :attr:`train_loss` etc. read)."""
        with np.errstate(all="ignore"):
            run_calls(self.metrics_calc.calls)
        self._forward_is_fresh = self._single_batch


    def grad_norms(self) -> np.ndarray:
        """(n_layers,) L2 norm of each layer's mean weight gradient in the last mini-batch."""
        return trainer_gradients.grad_norms(self)

    def weight_gradients(self) -> list[np.ndarray]:
        """(out, in) per layer: the mean weight gradient of the last mini-batch (new arrays)."""
        return trainer_gradients.weight_gradients(self)

    # ------------------------------------------------------------------ saving and restoring

    def get_state(self) -> dict:
        """Everything that, with the spec and dataset, continues this run bit for bit (see ``trainer_state``)."""
        from playground.core.trainer_state import get_state
        pieces.finish_epoch(self)  # a state is between batches, never inside a metrics pass
        return get_state(self)

    def set_state(self, state: dict) -> None:
        """Restore :meth:`get_state`'s output; ``ValueError`` names what does not fit, and nothing changes then."""
        from playground.core.trainer_state import set_state
        set_state(self, state)

    def load_weights(self, state: dict[str, np.ndarray]) -> None:
        """Start from the given weights (``layers.{i}.weight``/``bias``); the optimizer starts fresh."""
        pieces.finish_epoch(self)
        self.network.load_state_dict(state)
        if self.page is not None:
            self.page.clear()
        self.restored_gradients = self.divergence = None  # they were of another set of weights
        self.optimizer = make_optimizer(self._spec.training.optimizer, self.network.weight_mask)
        self._compile()
        self._evaluate()

    # ------------------------------------------------------------------ pictures

    def evaluate_grid(self, resolution: int = 100, with_neurons: bool = True,
                      keep_going: pieces.KeepGoing | None = None) -> GridOutput | None:
        """Output and every neuron on a grid over the data domain (see ``trainer_pictures``)."""
        return evaluate_grid(self, resolution, with_neurons, keep_going)

    def snapshot(self, generation: int = 0, grid_resolution: int | None = 100, with_neurons: bool = True,
                 keep_going: pieces.KeepGoing | None = None) -> Snapshot | None:
        """An immutable picture of the current state (copies only; see ``trainer_pictures``)."""
        return snapshot(self, generation, grid_resolution, with_neurons, keep_going)
