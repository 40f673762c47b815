"""A run's path through weight space: the weights of its snapshots, thinned to a bounded size.

A point is kept as the snapshot's own arrays (read-only copies, so they are shared, never
copied) and flattened only when the path is read: the largest network has a million weights,
and flattening them for every snapshot took a UI turn's worth of time whether or not anyone
looked at the path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.core.reference_network import flatten

Arrays = tuple[np.ndarray, ...]


def _same(a: Arrays, b: Arrays) -> bool:
    return len(a) == len(b) and all(x is y or np.array_equal(x, y) for x, y in zip(a, b, strict=True))


class WeightPath:
    """The weights (out, in) and biases (out,) per layer of every ``stride``-th snapshot offered.

    At most ``max_points`` points and ``max_floats`` floats in all (never under 10 points): when
    full, every other point is dropped and the stride doubles, so the path keeps its shape.
    """

    def __init__(self, max_floats: int, max_points: int) -> None:
        self.max_floats, self.max_points = max_floats, max_points
        self._points: list[tuple[Arrays, Arrays]] = []
        self._stride = 1
        self._seen = 0

    def __len__(self) -> int:
        return len(self._points)

    def add(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> bool:
        """Offer one snapshot's read-only weights and biases; True when kept as a new point (not the
        stride's turn, or the same weights as the last point: not kept)."""
        self._seen += 1
        if self._seen % self._stride:
            return False
        point = (tuple(weights), tuple(biases))
        if self._points and _same(self._points[-1][0], point[0]) and _same(self._points[-1][1], point[1]):
            return False
        self._points.append(point)
        size = sum(a.size for a in (*point[0], *point[1]))
        most = max(10, min(self.max_points, self.max_floats // max(size, 1)))
        if len(self._points) > most:
            self._points = self._points[::2]
            self._stride *= 2
        return True

    def last(self) -> np.ndarray:
        """The newest point, flat (P,), laid out as ``reference_network.flatten``."""
        return flatten(*self._points[-1])

    def array(self) -> np.ndarray | None:
        """Every point, flat (k, P), oldest first; None when the path is empty."""
        if not self._points:
            return None
        return np.stack([flatten(w, b) for w, b in self._points])
