"""TensorFlow Playground's two training quirks, which an experiment opened from one of its links follows.

The page's epoch (``oneStep``) runs every training row forward and backward, adding up each
parameter's gradient, and updates the weights when ``(i + 1) % batchSize == 0`` for the row's
index ``i`` within the epoch, with the mean over the rows added up since the last update:

- **The partial batch is carried.** The ``r = n mod b`` rows after the epoch's last full batch
  are not applied at its end: their gradients wait and join the next epoch's first batch, which
  so has ``r + b`` rows (its mean is over all of them). No update happens in between, so that is
  one batch of ``r + b`` rows at the current weights: :class:`PageBatches` lays each epoch out as
  the carried rows then the epoch's order, in batches of ``[r + b, b, …, b]``, and keeps the rows
  the epoch leaves over for the next one. (A batch larger than the training set is the whole set,
  as everywhere in this app: the page would never update then.)
- **L1 kills links.** With L1 the page takes the data step ``w₁ = w − lr·g``, then the L1 step
  ``w₂ = w₁ − lr·ρ·sign(w)``; when that step takes the weight across 0 (``w₁·w₂ < 0``) it sets it
  to 0 and the link is dead: it is never updated again, until the network is rebuilt (a reset).
  :class:`DeadLinks` keeps the dead set as a mask every update ends with.

Any engine that trains a link experiment uses these two: the rows and batch sizes of an epoch
(:meth:`PageBatches.layout`) and the dead-link rule (:func:`kill_crossed`, :attr:`DeadLinks.alive`).
The dead-link rule needs the page's plain SGD (its L1 step is the learning rate times ρ·sign(w));
with another optimizer L1 is its usual gradient term, and links that died stay dead.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from playground.core.network import Call
from playground.core.spec import ExperimentSpec, TrainingSpec

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


def is_page_mode(spec: ExperimentSpec) -> bool:
    """True for an experiment whose points come from the page's own generator (opened from a link)."""
    return spec.data.page_seed is not None


class PageBatches:
    """An epoch's rows and batch sizes as the page forms them, and the rows carried between epochs.

    Attributes
    ----------
    carried : (r,) int64, the training rows (indices) the last epoch left over, in its order;
        empty at the start of a run
    xs, ts : (m, n_in + 1) and (m, k) the epoch's rows, laid out by :meth:`fill` (an engine's
        compiled calls are bound to them; a new order is copied into them)
    """

    def __init__(self) -> None:
        self.carried = np.empty(0, dtype=np.int64)
        self.batch = 1  # the batch size :meth:`fill` laid out
        self.xs: np.ndarray | None = None
        self.ts: np.ndarray | None = None

    def clear(self) -> None:
        """A new run (weights drawn or loaded): nothing is carried."""
        self.carried = np.empty(0, dtype=np.int64)

    def layout(self, order: np.ndarray, batch: int) -> tuple[np.ndarray, list[int]]:
        """The rows (m,) of an epoch visiting the training rows in ``order`` (n,), and its batch sizes.

        The carried rows come first and join the first batch; the ``n mod batch`` rows after the
        last full batch are not in any batch (:meth:`end_epoch` carries them). ``batch`` ≤ n.
        """
        full = len(order) // batch * batch
        rows = np.concatenate([self.carried, order[:full]])
        sizes = [len(self.carried) + batch] + [batch] * (full // batch - 1)
        return rows, sizes

    def fill(self, x: np.ndarray, t: np.ndarray, order: np.ndarray, batch: int) -> list[int]:
        """Copy the epoch's rows of ``x`` (n, n_in + 1) and ``t`` (n, k) into :attr:`xs`, :attr:`ts`
        (new buffers when their number of rows changes); returns the batch sizes."""
        rows, sizes = self.layout(order, batch)
        self.batch = batch
        if self.xs is None or self.ts is None or len(self.xs) != len(rows) or self.xs.shape[1:] != x.shape[1:] \
                or self.ts.shape[1:] != t.shape[1:] or self.xs.dtype != x.dtype:
            self.xs, self.ts = x[rows], t[rows]
        else:
            np.take(x, rows, axis=0, out=self.xs)
            np.take(t, rows, axis=0, out=self.ts)
        return sizes

    def refill(self, x: np.ndarray, t: np.ndarray, order: np.ndarray) -> None:
        """A new order (shuffled rows) laid out with the same batch size (into the same buffers, unless
        restored carried rows changed their size: the caller lays the epoch out again then)."""
        self.fill(x, t, order, self.batch)

    def end_epoch(self, order: np.ndarray) -> bool:
        """Carry the rows the finished epoch (in ``order``) left over; True when the layout changes
        size (the first epoch of a run, or a new batch size), so the epoch must be laid out again."""
        left = order[len(order) // self.batch * self.batch:].astype(np.int64)
        changed = len(left) != len(self.carried)
        self.carried = left
        return changed

    def set_carried(self, rows: np.ndarray, n_train: int) -> None:
        """Restore saved carried rows; ``ValueError`` unless they are distinct training rows."""
        rows = np.asarray(rows)
        if rows.ndim != 1 or (rows.size and (rows.dtype.kind not in "iu" or rows.min() < 0 or rows.max() >= n_train
                                             or len(np.unique(rows)) != len(rows))):
            raise ValueError("training state's page_carried must list distinct training rows")
        self.carried = rows.astype(np.int64)


def kill_crossed(params: np.ndarray, before_l1: np.ndarray, alive: np.ndarray) -> None:
    """The page's dead-link rule after an update, in place: a weight whose L1 step took it across 0
    (``before_l1`` (n_params,), its value after the data step, and ``params`` of opposite signs) is
    set to 0 and marked dead in ``alive`` (1 alive, 0 dead); every dead weight is held at 0."""
    crossed = before_l1 * params < 0
    if crossed.any():
        alive[crossed] = 0.0
    np.multiply(params, alive, out=params)


class DeadLinks:
    """The page's dead links: a mask over the flat parameters, 1 alive, 0 dead (biases never die).

    Parameters
    ----------
    n_params : the length of the flat parameter buffer
    dtype : the parameters' dtype
    """

    def __init__(self, n_params: int, dtype: np.dtype) -> None:
        self.alive = np.ones(n_params, dtype=dtype)
        self.kept = np.ones(n_params, dtype=dtype)  # the mask a divergence rolls back to (see backup_calls)
        self._before = np.empty(n_params, dtype=dtype)

    def clear(self) -> None:
        """A new run: every link alive."""
        self.alive.fill(1.0)

    def dead(self) -> np.ndarray:
        """(d,) int64: the flat indices of the dead weights (for saving)."""
        return np.flatnonzero(self.alive == 0.0).astype(np.int64)

    def set_dead(self, indices: np.ndarray) -> None:
        """Restore :meth:`dead`'s output; ``ValueError`` unless they are distinct weight indices."""
        indices = np.asarray(indices)
        if indices.ndim != 1 or (indices.size and (indices.dtype.kind not in "iu" or indices.min() < 0
                                                   or indices.max() >= len(self.alive)
                                                   or len(np.unique(indices)) != len(indices))):
            raise ValueError("training state's page_dead must list distinct parameter positions")
        alive = np.ones_like(self.alive)
        alive[indices.astype(np.int64)] = 0.0
        np.copyto(self.alive, alive)

    def update_calls(self, params: np.ndarray, l1_step: np.ndarray | None, learning_rate: float) -> list[Call]:
        """Calls that end every update: with ``l1_step`` (the buffer holding ρ·sign(w) of the weights
        before the update, as the L1 regulariser left it; SGD only), the value before the L1 step is
        ``w₂ + lr·ρ·sign(w)`` and :func:`kill_crossed` applies; without, dead weights are held at 0."""
        if l1_step is None:
            return [] if self.alive.all() else [partial(np.multiply, params, self.alive, params)]
        return [partial(np.multiply, l1_step, learning_rate, self._before),
                partial(np.add, self._before, params, self._before),
                partial(kill_crossed, params, self._before, self.alive)]


class PageMode:
    """Both quirks for one trainer: :attr:`batches` (:class:`PageBatches`) and :attr:`dead`
    (:class:`DeadLinks`), cleared together whenever a run starts from new weights."""

    def __init__(self, n_params: int, dtype: np.dtype) -> None:
        self.batches = PageBatches()
        self.dead = DeadLinks(n_params, dtype)

    def clear(self) -> None:
        self.batches.clear()
        self.dead.clear()

    def update_calls(self, params: np.ndarray, training: TrainingSpec, reg_tmp: np.ndarray) -> list[Call]:
        """The calls ending every update (``reg_tmp``: the buffer the regulariser's calls write ρ·sign(w) to)."""
        kills = (training.regularization == "l1" and training.regularization_rate > 0
                 and training.optimizer.name == "sgd")
        return self.dead.update_calls(params, reg_tmp if kills else None, training.optimizer.learning_rate)


def backup_calls(trainer: Trainer) -> list[Call]:
    """Calls that keep what a divergence rolls back to, made before every epoch (or inspected step):
    the weights and, for a link experiment, the dead-link mask (links that die in an epoch that is
    rolled back live again)."""
    calls = [partial(np.copyto, trainer._backup, trainer.network.params)]
    if trainer.page is not None:
        calls.append(partial(np.copyto, trainer.page.dead.kept, trainer.page.dead.alive))
    return calls


def roll_back(trainer: Trainer) -> None:
    """Put back what :func:`backup_calls` kept."""
    np.copyto(trainer.network.params, trainer._backup)
    if trainer.page is not None:
        np.copyto(trainer.page.dead.alive, trainer.page.dead.kept)


def end_epoch(trainer: Trainer) -> None:
    """After ``trainer`` recorded an epoch in page mode: carry its left-over rows, and lay the epoch
    out again when that changes its batches (the metrics just recorded are kept)."""
    assert trainer.page is not None
    if trainer.page.batches.end_epoch(trainer._order):
        row = trainer.metrics_calc.row.copy()
        trainer._compile()
        trainer.metrics_calc.row[:] = row
