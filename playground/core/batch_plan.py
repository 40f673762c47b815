"""An epoch's mini-batches as bound numpy calls: forward, backward, regulariser and update per batch.

Two layouts keep big epochs cheap to build and to interrupt (see ``epoch_pieces``):

- a batch of more than ``chunk_rows`` rows is split by rows: each chunk's forward and backward
  pass adds its summed gradient into an accumulator, which becomes the gradient only with the
  batch's last chunk, so a batch stopped between chunks leaves the trainer as it was;
- with many batches (``staged``), each batch copies its rows into its workspace's own input
  and target buffers and runs one call list shared by every batch of its size, instead of a
  list of its own. Measured gain: building a trainer of 100,000 points at batch 1 (6 × 8)
  takes 0.8 s of CPU instead of 4.1 s, and so does every change of a training setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from playground.core.network import Call, Workspace, run_calls
from playground.core.optimizers import Optimizer


@dataclass(frozen=True)
class BatchPlan:
    """One epoch's batches.

    Attributes
    ----------
    calls : per batch, its forward pass, backward pass and update
    chunks : per batch, the same calls in pieces that may be run one at a time (one piece
        unless the batch is split by rows; its update ends the last piece)
    after_forward : the last batch's calls after its forward pass (a full batch whose forward
        pass is already done starts here; empty when that batch is split)
    """

    calls: list[list[Call]]
    chunks: list[list[list[Call]]]
    after_forward: list[Call]


def plan_batches(x: np.ndarray, t: np.ndarray, batch_size: int, workspace: Callable[[int], Workspace],
                 params: np.ndarray, grad: np.ndarray, grad_blocks: list[np.ndarray], optimizer: Optimizer,
                 regularization: list[Call], chunk_rows: int | None = None, staged: bool = False,
                 sizes: list[int] | None = None, after_update: list[Call] | None = None) -> BatchPlan:
    """Bind the calls of every batch of ``batch_size`` rows (the last one smaller when it does not divide).

    Parameters
    ----------
    x, t : the training inputs (n, n_in + 1) and targets (n, k) in this epoch's row order
        (the buffers themselves: a new order is copied into them)
    workspace : the buffers for batches of a given number of rows
    params, grad, grad_blocks : the flat parameters and gradient, and the gradient's per-layer views
    regularization : calls adding the regulariser's gradient to the mean gradient (empty for none)
    chunk_rows : split batches of more rows than this by rows (None: never)
    staged : copy each batch's rows into its workspace and share one call list per batch size
    sizes : the batches' numbers of rows instead, in order (rows after them are in no batch)
    after_update : calls that end every update (TensorFlow Playground's dead links, ``page_quirks``)
    """
    n = len(x)
    starts = np.cumsum([0] + sizes)[:-1].tolist() if sizes is not None else range(0, n, batch_size)
    ends = np.cumsum(sizes).tolist() if sizes is not None else [s + batch_size for s in starts]
    updates: dict[int, list[Call]] = {}  # per batch size: the update's calls
    shared: dict[int, list[Call]] = {}  # staged: per batch size, the calls after the copies
    chunk_buffers: list[np.ndarray] = []  # accumulator and one chunk's gradient, made when needed
    calls: list[list[Call]] = []
    chunks: list[list[list[Call]]] = []
    after_forward: list[Call] = []
    for start, end in zip(starts, ends, strict=True):
        xb, tb = x[start:end].T, t[start:end].T
        rows = xb.shape[1]
        if rows not in updates:
            # The backward pass gives the summed gradient: first its mean (what ``grad`` holds
            # after the update), then the regulariser's gradient, the optimizer's step.
            mean = [partial(np.multiply, grad, 1.0 / rows, grad)]
            updates[rows] = mean + regularization + optimizer.update_calls(params, grad) + (after_update or [])
        update = updates[rows]
        if chunk_rows is not None and rows > chunk_rows:
            if not chunk_buffers:
                chunk_buffers += [np.empty_like(grad), np.empty_like(grad)]
            pieces = _split_batch(xb, tb, chunk_rows, workspace, grad, chunk_buffers, grad_blocks)
            pieces[-1] += update
            after_forward = []
        elif staged:
            ws = workspace(rows)
            if rows not in shared:
                shared[rows] = ws.forward_calls() + ws.backward_calls(grad_blocks) + update
            pieces = [[partial(np.copyto, ws.inputs, xb), partial(np.copyto, ws.targets, tb),
                       partial(run_calls, shared[rows])]]
            after_forward = []
        else:
            ws = workspace(rows)
            after_forward = ws.backward_calls(grad_blocks, xb, tb) + update
            pieces = [ws.forward_calls(xb) + after_forward]
        chunks.append(pieces)
        calls.append(pieces[0] if len(pieces) == 1 else [c for p in pieces for c in p])
    return BatchPlan(calls, chunks, after_forward)


def _split_batch(xb: np.ndarray, tb: np.ndarray, chunk_rows: int, workspace: Callable[[int], Workspace],
                 grad: np.ndarray, buffers: list[np.ndarray], grad_blocks: list[np.ndarray]) -> list[list[Call]]:
    """One batch's forward and backward passes by chunks of rows: the summed gradient is
    accumulated in ``buffers[0]`` (the chunks after the first compute theirs in ``buffers[1]``)
    and copied into ``grad`` by the last chunk (before the update, which the caller appends)."""
    acc, part = buffers
    acc_blocks, part_blocks = _like_blocks(acc, grad_blocks), _like_blocks(part, grad_blocks)
    rows = xb.shape[1]
    pieces: list[list[Call]] = []
    for lo in range(0, rows, chunk_rows):
        xc, tc = xb[:, lo:lo + chunk_rows], tb[:, lo:lo + chunk_rows]
        ws = workspace(xc.shape[1])
        first = lo == 0
        piece = ws.forward_calls(xc) + ws.backward_calls(acc_blocks if first else part_blocks, xc, tc)
        if not first:
            piece.append(partial(np.add, acc, part, acc))
        pieces.append(piece)
    pieces[-1].append(partial(np.copyto, grad, acc))
    return pieces



def _like_blocks(flat: np.ndarray, blocks: list[np.ndarray]) -> list[np.ndarray]:
    """Views of ``flat`` laid out as ``blocks`` (consecutive per-layer views of one flat buffer)."""
    out, start = [], 0
    for b in blocks:
        out.append(flat[start:start + b.size].reshape(b.shape))
        start += b.size
    return out
