"""Reading a trainer's last mini-batch gradient: per-layer norms and weight gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from playground.core.trainer import Trainer


def restored(trainer: Trainer) -> list[np.ndarray] | None:
    """The restored gradients while no batch has run since ``set_state``, else None."""
    if trainer.restored_gradients is not None and trainer.batches != trainer._restored_at:
        trainer.restored_gradients = None
    return trainer.restored_gradients


def grad_norms(trainer: Trainer) -> np.ndarray:
    """(n_layers,) L2 norm of each layer's mean weight gradient in the last mini-batch."""
    saved = restored(trainer)
    if saved is not None:
        return np.array([np.sqrt(np.sum(g * g)) for g in saved])
    g = trainer.grad * trainer.network.weight_mask
    return np.sqrt(np.add.reduceat(g * g, trainer.network.offsets[:-1]))


def weight_gradients(trainer: Trainer) -> list[np.ndarray]:
    """(out, in) per layer: the mean weight gradient of the last mini-batch (new arrays)."""
    saved = restored(trainer)
    if saved is not None:
        return [g.copy() for g in saved]
    return [b[:, :-1].copy() for b in trainer.network.block_views(trainer.grad)]
