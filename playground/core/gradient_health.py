"""Vanishing and exploding gradients: which layers' weight gradients are far off the output layer's.

Backpropagation multiplies the gradient by each layer's weights and activation slope on its way
back from the output, so in a deep stack of sigmoid layers (slope at most 1/4) the first layers'
gradients shrink by decades and those layers hardly learn; with large weights or a high learning
rate they can grow instead. A layer is flagged when its weight-gradient norm, as a median over the
last :data:`WINDOW` epochs (one batch's norm jumps by a decade from batch to batch), is below
:data:`VANISHING` or above :data:`EXPLODING` times the output layer's, or when its last norm is
not finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 20  # epochs the median is taken over
VANISHING = 1e-3  # a layer's median norm below this share of the output layer's: vanishing
EXPLODING = 1e3  # above this many times the output layer's: exploding

_ADVICE = {
    "vanishing": "it barely learns. Try ReLU, another initialisation (He or Xavier) or fewer layers",
    "exploding": "its steps are huge and training may jump or diverge. Try a lower learning rate, "
                 "another initialisation or fewer layers",
    "not finite": "it overflowed. Try a lower learning rate, another initialisation or fewer layers",
}


@dataclass(frozen=True)
class LayerWarning:
    """One layer's gradient problem.

    Attributes
    ----------
    layer : the weight layer's index (0: the first, from the inputs)
    kind : ``"vanishing"``, ``"exploding"`` or ``"not finite"``
    ratio : its median norm over the output layer's (NaN when not finite)
    message : one line saying what it means and what to try
    """

    layer: int
    kind: str
    ratio: float
    message: str


def layer_name(layer: int, n_layers: int) -> str:
    """``Layer 1`` … for hidden layers' weights, ``Output layer`` for the last."""
    return "Output layer" if layer == n_layers - 1 else f"Layer {layer + 1}"


def gradient_warnings(grad_norms: np.ndarray, window: int = WINDOW) -> list[LayerWarning]:
    """The layers whose gradient vanishes, explodes or is not finite, first layer first.

    Parameters
    ----------
    grad_norms : (m, n_layers) each epoch's weight-gradient norm per layer (the history's
        ``grad_norms``; the last column is the output layer's)
    window : how many of the last epochs the medians are taken over
    """
    g = np.asarray(grad_norms, dtype=np.float64)
    if g.ndim != 2 or len(g) == 0:
        return []
    n = g.shape[1]
    recent = g[-window:]
    out: list[LayerWarning] = []
    finite = np.isfinite(recent[-1])
    for i in np.flatnonzero(~finite):
        out.append(_warning(int(i), n, "not finite", float("nan")))
    if not finite[-1] or n < 2:
        return out  # no output norm to compare with
    med = np.array([np.median(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan for c in recent.T])
    output = med[-1]
    if not (np.isfinite(output) and output > 0):
        return out
    for i in range(n - 1):
        if not finite[i] or not np.isfinite(med[i]):
            continue
        ratio = float(med[i] / output)
        if ratio < VANISHING:
            out.append(_warning(i, n, "vanishing", ratio))
        elif ratio > EXPLODING:
            out.append(_warning(i, n, "exploding", ratio))
    return sorted(out, key=lambda w: w.layer)


def _warning(layer: int, n_layers: int, kind: str, ratio: float) -> LayerWarning:
    name = layer_name(layer, n_layers)
    if kind == "not finite":
        what = f"{name}: its gradient is no longer finite"
    else:
        what = f"{name}: {kind} gradient, {ratio:.1e} × the output layer's"
    return LayerWarning(layer, kind, ratio, f"{what}: {_ADVICE[kind]}.")
