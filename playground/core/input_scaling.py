"""Input scaling: what the network sees of ``(x1, x2)`` before the feature expansion.

``none`` passes the points through; ``standard`` subtracts the training rows' mean and divides
by their standard deviation; ``minmax`` maps the training rows' range to [−1, 1]. Either way the
map is ``x' = (x − offset) · factor`` per coordinate, its numbers computed once from the training
rows when the data is loaded or changed, never during training. A coordinate that does not vary
keeps factor 1 (only its centre moves), so nothing ever divides by zero.

Exports take raw inputs: they apply the same map inside the model (``onnx_export``,
``code_snippet``) or carry its numbers in their metadata (weight files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The scalings offered (the spec's ``data.scale``).
SCALINGS = ("none", "standard", "minmax")
SCALING_LABELS = {"none": "None", "standard": "Standardise", "minmax": "Min–max to [−1, 1]"}
#: Coordinates beyond this (or spreads below ``TOO_NARROW``) are far from where tanh, sigmoid and
#: friends change: their useful input range is a few units around 0.
TOO_WIDE = 20.0
TOO_NARROW = 0.05


@dataclass(frozen=True)
class InputScaling:
    """``x' = (x − offset) · factor`` per coordinate.

    Attributes
    ----------
    method : one of :data:`SCALINGS`
    offset : (x1, x2) subtracted first
    factor : (x1, x2) multiplied after
    """

    method: str = "none"
    offset: tuple[float, float] = (0.0, 0.0)
    factor: tuple[float, float] = (1.0, 1.0)

    @property
    def is_identity(self) -> bool:
        return self.offset == (0.0, 0.0) and self.factor == (1.0, 1.0)

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Scaled copy of ``points`` (n, 2); the points themselves when the map is the identity."""
        points = np.asarray(points, dtype=np.float64)
        if self.is_identity:
            return points
        return (points - np.asarray(self.offset)) * np.asarray(self.factor)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: ``{"method": ..., "offset": [a, b], "factor": [c, d]}``."""
        return {"method": self.method, "offset": list(self.offset), "factor": list(self.factor)}

    @classmethod
    def from_dict(cls, d: Any, path: str = "input_scaling") -> InputScaling:
        """Build from :meth:`to_dict`'s output; ``ValueError`` names what is wrong."""
        if not isinstance(d, dict) or set(d) != {"method", "offset", "factor"}:
            raise ValueError(f"{path} must be an object with method, offset and factor")
        if d["method"] not in SCALINGS:
            raise ValueError(f"{path}.method must be one of {', '.join(SCALINGS)}, got {d['method']!r}")
        pairs = []
        for key in ("offset", "factor"):
            v = d[key]
            if (not isinstance(v, list) or len(v) != 2
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                               for x in v)):
                raise ValueError(f"{path}.{key} must be two finite numbers, got {v!r}")
            pairs.append((float(v[0]), float(v[1])))
        if 0.0 in pairs[1]:
            raise ValueError(f"{path}.factor must not be 0")
        return cls(d["method"], pairs[0], pairs[1])


def fit_scaling(method: str, x_train: np.ndarray) -> InputScaling:
    """The scaling ``method`` with its numbers taken from the training rows ``x_train`` (n, 2)."""
    if method not in SCALINGS:
        raise ValueError(f"scaling must be one of {', '.join(SCALINGS)}, got {method!r}")
    x = np.asarray(x_train, dtype=np.float64)
    if method == "none" or len(x) == 0:
        return InputScaling(method)
    if method == "standard":
        offset, spread = x.mean(axis=0), x.std(axis=0)
        factor = [1.0 / s if s > 0 else 1.0 for s in spread]
    else:
        lo, hi = x.min(axis=0), x.max(axis=0)
        offset = (lo + hi) / 2
        factor = [2.0 / (b - a) if b > a else 1.0 for a, b in zip(lo, hi, strict=True)]
    return InputScaling(method, (float(offset[0]), float(offset[1])), (float(factor[0]), float(factor[1])))


def scaling_advice(x_train: np.ndarray, method: str) -> str | None:
    """One line proposing a scaling when the raw training rows (n, 2) lie far from the activations'
    useful range (a few units around 0) and no scaling is chosen; None otherwise."""
    x = np.asarray(x_train, dtype=np.float64)
    if method != "none" or len(x) < 2:
        return None
    widest = float(np.abs(x).max())
    spread = float(x.std(axis=0).max())
    if widest > TOO_WIDE:
        return (f"The inputs reach {widest:.4g}, far beyond where the activations change (a few units "
                f"around 0): choose Scale: Standardise in the Data panel.")
    if spread < TOO_NARROW:
        return (f"The inputs vary by only {spread:.2g}, too little for the activations to tell points "
                f"apart: choose Scale: Standardise in the Data panel.")
    return None
