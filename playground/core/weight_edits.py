"""Edits of a live trainer that continue its run: a weight typed in, neurons switched off and on.

Both keep the weights (with the edit) and the optimizer state, and the run goes on
from there: nothing is re-initialised and the history is kept. They are taken between
whole batches, like a change of training settings (``Trainer.set_training``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from playground.core import epoch_pieces as pieces

if TYPE_CHECKING:
    from playground.core.trainer import Trainer

#: The largest weight that may be typed in: far beyond what any trained network holds, and
#: small enough that a forward pass with it cannot overflow float64.
MAX_TYPED_WEIGHT = 1e6


def _index(name: str, value: object, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{name}: must be a whole number from 0 to {size - 1}, got {value!r}")
    return int(value)


def set_weight(trainer: Trainer, layer: int, out: int, inp: int | None, value: float) -> None:
    """Set the weight from unit ``inp`` to unit ``out`` of weight layer ``layer`` (``inp`` None:
    that unit's bias) to ``value``; ``ValueError`` names what does not fit, and nothing changes then.

    The metrics are those of the new weights at once; the optimizer state is kept.
    """
    net = trainer.network
    layer = _index("layer", layer, net.n_layers)
    out = _index("weight row (unit)", out, net.sizes[layer + 1])
    column = net.sizes[layer] if inp is None else _index("weight column (input)", inp, net.sizes[layer])
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not math.isfinite(value) or abs(value) > MAX_TYPED_WEIGHT:
        raise ValueError(f"weight: must be a number from {-MAX_TYPED_WEIGHT:g} to {MAX_TYPED_WEIGHT:g}, got {value!r}")
    pieces.finish_epoch(trainer)  # a stopped metrics pass belongs to the weights before the edit
    net.blocks[layer][out, column] = value  # the bias is the block's last column
    trainer._evaluate()


def set_switched_off(trainer: Trainer, neurons: Iterable[tuple[int, int]]) -> None:
    """Switch the hidden neurons ``neurons`` (hidden layer, neuron) off and every other one on.

    A switched-off neuron outputs exactly 0 and its weights receive no update (see
    ``Network.set_switched_off``); its weights are kept, so switching it on again brings it
    back as it was. The trainer's spec records the choice (``network.switched_off``);
    :class:`~playground.core.spec.SpecError` names a neuron that is not in the network, and
    nothing changes then.

    The optimizer state is kept, except for the switched-off neurons' own parameters: their
    momentum and moment estimates are set to 0, because with a gradient of 0 an optimizer
    that still holds a velocity would move them. They start from 0 when switched on again.
    """
    spec = trainer.spec
    network = dataclasses.replace(spec.network, switched_off=tuple(tuple(p) for p in neurons))
    new_spec = spec.replace(network=network)  # validates the neurons
    pieces.finish_epoch(trainer)
    net = trainer.network
    net.set_switched_off(network.switched_off)
    frozen = net.frozen()
    for buffer in trainer.optimizer.state.values():
        buffer[frozen] = 0.0
    trainer._spec = new_spec
    trainer._compile()  # the passes are bound with the layers' masks
    trainer._evaluate()
