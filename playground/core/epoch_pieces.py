"""A big epoch as short pieces of work, so that whoever runs it can stop between them.

An epoch of a small network is a fraction of a millisecond and runs as one
compiled list of calls. A big one (a million parameters, or 100,000 points at
batch size 1) takes seconds: split into pieces of about :data:`PIECE_WORK`
(parameter·rows of forward pass, a few milliseconds), the trainer asks its
``keep_going`` callback between them, and a thread that owns it can pause,
save or quit within one piece. Pieces are groups of whole batches, a chunk of
rows of a big batch (see ``batch_plan``), or a chunk of rows of the metrics
pass (:func:`chunked_evaluation`). The algorithm knows nothing of threads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from playground.core.network import Call, Workspace, run_calls

if TYPE_CHECKING:
    from playground.core.trainer import Trainer

#: The work of one piece, in parameter·rows of a forward pass (about 4·10⁷ multiply-adds:
#: a few milliseconds, some tens on a loaded machine).
PIECE_WORK = 20_000_000
#: A training row costs a forward and a backward pass, about three forward passes.
TRAINING_ROW_WORK = 3
#: An update touches every parameter several times (Adam about ten): as much as this many rows.
UPDATE_WORK = 32
#: More batches than this share one call list per batch size (see ``batch_plan``, ``staged``).
MANY_BATCHES = 512

KeepGoing = Callable[[], bool]


def always() -> bool:
    """A ``keep_going`` that never stops."""
    return True


def needs_pieces(n_params: int, n_train: int, n_eval: int, n_batches: int) -> bool:
    """Whether an epoch (its batches, updates and metrics pass) is more than one piece of work."""
    return n_params * (TRAINING_ROW_WORK * n_train + UPDATE_WORK * n_batches + n_eval) > PIECE_WORK


def chunk_rows(n_params: int, training: bool = False) -> int:
    """Rows per piece for a forward pass (``training``: forward and backward)."""
    per_row = n_params * (TRAINING_ROW_WORK if training else 1)
    return max(1, PIECE_WORK // per_row)


def chunked_evaluation(x: np.ndarray, workspace: Callable[[int], Workspace], rows: int
                       ) -> tuple[list[list[Call]], np.ndarray, np.ndarray]:
    """A forward pass over the columns of ``x`` (n_in + 1, n) by chunks of ``rows`` columns.

    Each chunk runs in the workspace for its number of rows and copies its output
    pre-activations and activations into full-width buffers, so that only the output
    layer is ever held for all n columns. Returns the chunks' calls and those buffers
    z, o (n_out, n).
    """
    n = x.shape[1]
    pieces: list[list[Call]] = []
    z = o = np.empty(0)
    for lo in range(0, n, rows):
        xc = np.ascontiguousarray(x[:, lo:lo + rows])  # np.dot copies a strided input on every call
        ws = workspace(xc.shape[1])
        if not pieces:
            z = np.empty((ws.z[-1].shape[0], n), dtype=ws.z[-1].dtype)
            o = np.empty_like(z)
        cols = slice(lo, lo + xc.shape[1])
        pieces.append(ws.forward_calls(xc) + [partial(np.copyto, z[:, cols], ws.z[-1]),
                                              partial(np.copyto, o[:, cols], ws.acts[-1])])
    return pieces, z, o


class PiecedEpoch:
    """An epoch's batches and metrics pass as pieces.

    Parameters
    ----------
    batch_chunks : per batch, its calls in pieces (``BatchPlan.chunks``)
    batch_size : rows per batch (the last one has the rest)
    metric_pieces : the metrics pass in pieces (its last one writes the metrics row)
    n_params : the network's parameters
    """

    def __init__(self, batch_chunks: list[list[list[Call]]], batch_size: int,
                 metric_pieces: list[list[Call]], n_params: int) -> None:
        self.batch_chunks = batch_chunks
        self.metric_pieces = metric_pieces
        self.chunk_next = 0  # the next chunk of a split batch that was stopped between its chunks
        # Whole batches grouped into pieces of about PIECE_WORK: start -> (end, calls)
        self.groups: dict[int, tuple[int, list[Call]]] = {}
        k, n = 0, len(batch_chunks)
        while k < n:
            if len(batch_chunks[k]) > 1:  # a split batch runs chunk by chunk
                k += 1
                continue
            start, work, calls = k, 0, []
            while k < n and len(batch_chunks[k]) == 1 and (work < PIECE_WORK or k == start):
                calls += batch_chunks[k][0]
                work += n_params * (TRAINING_ROW_WORK * batch_size + UPDATE_WORK)
                k += 1
            self.groups[start] = (k, calls)

    @property
    def n_batches(self) -> int:
        return len(self.batch_chunks)

    def run_batches(self, start: int, keep_going: KeepGoing) -> int:
        """Run the batches from ``start``, asking ``keep_going()`` before every piece but the
        first; returns the next batch to run (``n_batches`` when all ran)."""
        k, n = start, len(self.batch_chunks)
        while k < n:
            if k > start and not keep_going():
                return k
            group = self.groups.get(k)
            if group is None:  # a split batch, or a lone one after a batch step
                if self.run_batch(k, keep_going) == k:
                    return k
                k += 1
            else:
                run_calls(group[1])
                k = group[0]
        return k

    def run_batch(self, k: int, keep_going: KeepGoing) -> int:
        """Run batch ``k``'s chunks from where it was stopped, asking ``keep_going()`` between
        them; returns ``k + 1`` when it ran, ``k`` when stopped (its chunks so far changed only
        the gradient accumulator: neither the gradient nor the weights)."""
        chunks = self.batch_chunks[k]
        for i in range(self.chunk_next, len(chunks)):
            if i > self.chunk_next and not keep_going():
                self.chunk_next = i
                return k
            run_calls(chunks[i])
        self.chunk_next = 0
        return k + 1

    def run_metrics(self, start: int, keep_going: KeepGoing, ask_first: bool = False) -> int:
        """Run the metrics pass's pieces from ``start``, asking ``keep_going()`` before each one
        (but the first unless ``ask_first``); returns the next piece to run
        (``len(metric_pieces)`` when the row is written)."""
        j = start
        while j < len(self.metric_pieces):
            if (j > start or ask_first) and not keep_going():
                return j
            run_calls(self.metric_pieces[j])
            j += 1
        return j


def advance(trainer: Trainer, keep_going: KeepGoing) -> bool:
    """Go on with ``trainer``'s pieced epoch from where it stands: its batches, then its metrics
    pass, then its record; True when it finished. The first piece runs unasked, so that every
    call makes progress (a deadline that has passed cannot stall an epoch)."""
    pieces, ask_first = trainer._pieces, False
    assert pieces is not None
    if trainer._metrics_next is None:
        start = trainer.batch_index
        if start == 0 and not trainer._epoch_open:
            trainer._start_epoch()
        k = pieces.run_batches(start, keep_going)
        trainer.batches += k - start
        if k < pieces.n_batches:
            trainer.batch_index = k
            return False
        # Every batch ran: between batches counts from 0 again, and the metrics pass is due.
        trainer.batch_index, trainer._metrics_next, ask_first = 0, 0, True
    trainer._metrics_next = pieces.run_metrics(trainer._metrics_next, keep_going, ask_first)
    if trainer._metrics_next < len(pieces.metric_pieces):
        return False
    trainer._metrics_next = None
    trainer._record_epoch()
    return True


def finish_epoch(trainer: Trainer) -> None:
    """Complete ``trainer``'s pieced epoch if it was stopped in its metrics pass (its weights are
    trained already): a state or a change of settings is taken between whole batches."""
    if trainer._metrics_next is not None:
        with np.errstate(all="ignore"):
            advance(trainer, always)


def after_batch(trainer: Trainer, keep_going: KeepGoing) -> None:
    """After a single batch of ``trainer``'s pieced epoch (a batch step): its metrics pass, which
    ``keep_going()`` may stop (the metrics then stay those of before); after the epoch's last
    batch, the rest of the epoch as :func:`advance` does it (metrics, check, record)."""
    pieces = trainer._pieces
    assert pieces is not None
    if trainer.batch_index == pieces.n_batches:
        trainer.batch_index, trainer._metrics_next = 0, 0
        advance(trainer, keep_going)
    elif pieces.run_metrics(0, keep_going) == len(pieces.metric_pieces):
        trainer._check_finite()
