"""Saving and restoring a trainer's state: everything that, with its spec and dataset, continues a run.

``set_state`` checks everything first and changes the trainer only when all of
it fits, so a bad file can never leave a live trainer half-restored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from playground.core.divergence import Divergence
from playground.core.engines import ENGINES, use_engine
from playground.core.history import MetricHistory
from playground.core.network import run_calls
from playground.core.optimizers import make_optimizer
from playground.core.page_quirks import PageMode, backup_calls

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


#: The largest epoch, batch or draw count a state may hold: far beyond any run, and counting on
#: from it never leaves int64 (a history's epochs) nor float64's exact whole numbers.
MAX_COUNT = 2**53


def get_state(trainer: Trainer) -> dict[str, Any]:
    """Copies of the weights, optimizer state, shuffle RNG state, counters, history, the last
    divergence and the last mini-batch's mean weight gradients (``gradients``: ``layers.{i}.weight``
    (out, in), so that a reopened run shows them before its next step).

    Arrays are copies; the rest is JSON-able (``shuffle_rng`` is numpy's bit-generator state).
    Whatever the last batch left non-finite is not kept, so a diverged run can always be saved:
    its gradients become None (none shown), its optimizer state a fresh one (as after a rollback).
    """
    gradients = trainer.weight_gradients()
    optimizer = trainer.optimizer.get_state()
    if not all(np.isfinite(v).all() for v in optimizer.values()):
        optimizer = make_optimizer(trainer.spec.training.optimizer, trainer.network.weight_mask).get_state()
    diverged = trainer.divergence if trainer.batches == trainer._diverged_at else None
    return {
        "gradients": ({f"layers.{i}.weight": g for i, g in enumerate(gradients)}
                      if all(np.isfinite(g).all() for g in gradients) else None),
        "diverged": None if diverged is None else diverged.to_dict(),
        "epoch": trainer.epoch,
        "batches": trainer.batches,
        "batch_index": trainer.batch_index,
        "init_count": trainer.init_count,
        "weights": trainer.network.state_dict(),
        "optimizer": optimizer,
        "shuffle_rng": trainer.shuffle_rng.bit_generator.state,
        "epoch_order": trainer._order.copy() if trainer.batch_index else None,
        "history": trainer.history.to_dict(),
        # For readers of the file: the same numbers follow from the saved training rows on opening.
        "input_scaling": trainer.scaling.to_dict(),
        # TensorFlow Playground's quirks (an experiment from one of its links): the rows carried into
        # the next epoch's first batch, and the flat indices of the dead links
        "page_carried": None if trainer.page is None else trainer.page.batches.carried.copy(),
        "page_dead": None if trainer.page is None else trainer.page.dead.dead(),
        "engine": trainer.engine,  # a resumed run goes on with the engine it started with
    }


def _whole(state: dict, key: str, lo: int, hi: int = MAX_COUNT) -> int:
    value = state.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"training state's {key} must be a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"training state's {key} is out of range: {value}")
    return int(value)


def _gradients(value: Any, net) -> list[np.ndarray]:
    """Saved mean weight gradients, checked: one finite (out, in) array per layer."""
    if not isinstance(value, dict):
        raise ValueError("training state's gradients must be a mapping")
    out = []
    for i, blk in enumerate(net.blocks):
        key = f"layers.{i}.weight"
        if key not in value:
            raise ValueError(f"training state's gradients: {key} is missing")
        g = np.asarray(value[key], dtype=np.float64)
        if g.shape != blk[:, :-1].shape:
            raise ValueError(f"training state's gradients: {key} has shape {g.shape}, "
                             f"the network needs {blk[:, :-1].shape}")
        if not np.isfinite(g).all():
            raise ValueError(f"training state's gradients: {key} contains NaN or infinity")
        out.append(g.copy())
    return out


def _saved_rows(state: dict[str, Any], key: str) -> np.ndarray:
    """Whole numbers saved under ``key`` (none when absent)."""
    value = state.get(key)
    return np.empty(0, dtype=np.int64) if value is None else np.asarray(value)


def set_state(trainer: Trainer, state: dict[str, Any]) -> None:
    """Restore :func:`get_state`'s output into ``trainer`` (same spec and dataset), all or nothing."""
    if not isinstance(state, dict):
        raise ValueError("training state must be a mapping")
    for key in ("weights", "optimizer"):
        if key not in state:
            raise ValueError(f"training state is incomplete: {key} is missing")
    net = trainer.network
    # --- check everything on scratch objects
    epoch = _whole(state, "epoch", 0)
    batches = _whole(state, "batches", 0)
    init_count = _whole(state, "init_count", 0)
    batch_index = _whole(state, "batch_index", 0, len(trainer.batch_calls) - 1)
    try:
        history = MetricHistory.from_dict(state.get("history") or {}, net.n_layers)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"training state's history does not fit: {exc}") from None
    if len(history) and history.column("epochs")[-1] > epoch:
        raise ValueError(f"training state's history goes past its epoch {epoch}")
    optimizer = make_optimizer(trainer.spec.training.optimizer, net.weight_mask)
    optimizer.set_state(state["optimizer"])
    scratch = net.params.copy()
    net.load_state_dict(state["weights"])  # validates names, shapes and finiteness before writing
    weights = net.params.copy()
    np.copyto(net.params, scratch)
    rng = np.random.default_rng()
    if state.get("shuffle_rng") is not None:
        try:
            rng.bit_generator.state = state["shuffle_rng"]
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"training state's shuffle_rng is not a valid generator state ({exc})") from None
    diverged = state.get("diverged")
    if diverged is not None:
        diverged = Divergence.from_dict(diverged, "training state's diverged", MAX_COUNT)
    gradients = None
    if state.get("gradients") is not None:
        gradients = _gradients(state["gradients"], net)
    order = None
    if batch_index and trainer.spec.training.shuffle and state.get("epoch_order") is not None:
        order = np.asarray(state["epoch_order"])
        if order.dtype.kind not in "iu" or not np.array_equal(np.sort(order), np.arange(trainer.dataset.n_train)):
            raise ValueError("training state's epoch_order is not a permutation of the training rows")
    page = None
    if trainer.page is not None:  # older files and other experiments: nothing carried, nothing dead
        page = PageMode(net.n_params, net.params.dtype)
        page.batches.set_carried(_saved_rows(state, "page_carried"), trainer.dataset.n_train)
        page.dead.set_dead(_saved_rows(state, "page_dead"))
    engine = state.get("engine")
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"training state's engine must be one of {', '.join(ENGINES)}, got {str(engine)[:40]!r}")
    # --- commit
    if engine is not None and engine != trainer.engine:
        use_engine(trainer, engine)  # numpy when the saved engine is not available here
    np.copyto(net.params, weights)
    if state.get("shuffle_rng") is not None:
        trainer.shuffle_rng.bit_generator.state = rng.bit_generator.state
    trainer.optimizer = optimizer
    trainer.epoch, trainer.batches, trainer.batch_index, trainer.init_count = epoch, batches, batch_index, init_count
    trainer.history = history
    trainer.restored_gradients, trainer._restored_at = gradients, batches
    trainer.divergence, trainer._diverged_at = diverged, batches
    if page is not None:
        trainer.page.batches.carried = page.batches.carried
        np.copyto(trainer.page.dead.alive, page.dead.alive)
    if order is not None:
        trainer._order = order.astype(np.int64)
        trainer._apply_order()
    # What a divergence rolls back to, kept otherwise when an epoch starts: a state restored in the
    # middle of one would roll back to another run's weights (or unset memory) before the next.
    run_calls(backup_calls(trainer))
    trainer._compile()
    trainer._evaluate()
