"""Input features: what the network sees of a point ``(x1, x2)``.

A name -> function table like TensorFlow Playground's ``INPUTS`` (X1, X2, X1²,
X2², X1X2, sin X1, sin X2), plus cos X1 and cos X2. Names are ``spec.FEATURES``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from playground.core.spec import FEATURES

FeatureFn = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: name -> ``f(x1, x2)`` with ``x1, x2`` of shape (n,), returning shape (n,).
FEATURE_FUNCTIONS: dict[str, FeatureFn] = {
    "x1": lambda x1, x2: x1.copy(),
    "x2": lambda x1, x2: x2.copy(),
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
    "cos_x1": lambda x1, x2: np.cos(x1),
    "cos_x2": lambda x1, x2: np.cos(x2),
}

# The same maths writing straight into a column of a caller's buffer, so that
# evaluating a 100 x 100 (or larger) grid every frame allocates nothing.
_WRITERS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], object]] = {
    "x1": lambda x1, x2, out: np.copyto(out, x1),
    "x2": lambda x1, x2, out: np.copyto(out, x2),
    "x1_sq": lambda x1, x2, out: np.multiply(x1, x1, out=out),
    "x2_sq": lambda x1, x2, out: np.multiply(x2, x2, out=out),
    "x1x2": lambda x1, x2, out: np.multiply(x1, x2, out=out),
    "sin_x1": lambda x1, x2, out: np.sin(x1, out=out),
    "sin_x2": lambda x1, x2, out: np.sin(x2, out=out),
    "cos_x1": lambda x1, x2, out: np.cos(x1, out=out),
    "cos_x2": lambda x1, x2, out: np.cos(x2, out=out),
}

#: Labels drawn beside the input neurons.
FEATURE_LABELS: dict[str, str] = {
    "x1": "X₁",
    "x2": "X₂",
    "x1_sq": "X₁²",
    "x2_sq": "X₂²",
    "x1x2": "X₁X₂",
    "sin_x1": "sin(X₁)",
    "sin_x2": "sin(X₂)",
    "cos_x1": "cos(X₁)",
    "cos_x2": "cos(X₂)",
}

#: One sentence per feature for tooltips.
FEATURE_TOOLTIPS: dict[str, str] = {
    "x1": "The horizontal coordinate of the point.",
    "x2": "The vertical coordinate of the point.",
    "x1_sq": "The horizontal coordinate squared: large on the left and right edges.",
    "x2_sq": "The vertical coordinate squared: large on the top and bottom edges.",
    "x1x2": "The product of both coordinates: positive in two opposite quadrants.",
    "sin_x1": "The sine of the horizontal coordinate: vertical waves.",
    "sin_x2": "The sine of the vertical coordinate: horizontal waves.",
    "cos_x1": "The cosine of the horizontal coordinate: vertical waves shifted by a quarter period.",
    "cos_x2": "The cosine of the vertical coordinate: horizontal waves shifted by a quarter period.",
}

def expand_features(
    points: np.ndarray, names: Sequence[str], out: np.ndarray | None = None
) -> np.ndarray:
    """Compute the chosen features of every point.

    Parameters
    ----------
    points : (n, 2) array of ``(x1, x2)``
    names : feature names from ``spec.FEATURES``; columns come in this order
    out : optional (n, len(names)) buffer to write into (reused for grid evaluation)

    Returns
    -------
    (n, len(names)) array; ``out`` itself when given, else a new float64 array.
    """
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points: needs shape (n, 2), got {points.shape}")
    unknown = [n for n in names if n not in _WRITERS]
    if unknown:
        raise ValueError(f"unknown feature(s) {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(FEATURES)}")
    shape = (points.shape[0], len(names))
    if out is None:
        out = np.empty(shape, dtype=np.float64)
    elif out.shape != shape:
        raise ValueError(f"out: needs shape {shape}, got {out.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    for j, name in enumerate(names):
        _WRITERS[name](x1, x2, out[:, j])
    return out
