"""Points drawn by hand: an immutable, editable set of points that may not be trainable yet.

A :class:`Dataset` must hold at least one training point; a plane being painted may hold none,
or one class only. :class:`PaintedPoints` holds whatever is drawn, says what is missing before it
can be trained on (:meth:`PaintedPoints.missing`) and becomes a ``Dataset`` when it can.

New points follow the training ratio: each goes to the training set while the training share is
below the ratio, else to the test set, so any run of strokes keeps the split within one point of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.dataset import Dataset, frozen_copy
from playground.core.datasets import split_count
from playground.core.spec import MAX_CLASSES, MAX_POINTS

#: What a painted set needs before it can be trained on.
MIN_POINTS_PER_CLASS = 2
MIN_CLASSES = 2
MIN_REGRESSION_POINTS = 4


@dataclass(frozen=True, eq=False)
class PaintedPoints:
    """Drawn points.

    Attributes
    ----------
    x : (n, 2) float64 coordinates
    y : (n,) int64 class index (classification) or float64 value (regression)
    train : (n,) bool, True for training points
    problem : ``"classification"`` or ``"regression"``
    classes : K (2 .. 8) for classification, 0 for regression
    """

    x: np.ndarray
    y: np.ndarray
    train: np.ndarray
    problem: str = "classification"
    classes: int = 2

    def __post_init__(self) -> None:
        ydtype = np.int64 if self.problem == "classification" else np.float64
        object.__setattr__(self, "x", frozen_copy(np.reshape(self.x, (-1, 2)), np.float64))
        object.__setattr__(self, "y", frozen_copy(self.y, ydtype))
        object.__setattr__(self, "train", frozen_copy(self.train, bool))

    # ------------------------------------------------------------------ making

    @classmethod
    def blank(cls, problem: str = "classification", classes: int = 2) -> PaintedPoints:
        """An empty plane."""
        ydtype = np.int64 if problem == "classification" else np.float64
        return cls(np.empty((0, 2)), np.empty(0, ydtype), np.empty(0, bool), problem,
                   classes if problem == "classification" else 0)

    @classmethod
    def from_dataset(cls, d: Dataset) -> PaintedPoints:
        """The points of ``d``: training points first, then test points."""
        return cls(np.concatenate([d.x_train, d.x_test]), np.concatenate([d.y_train, d.y_test]),
                   np.r_[np.ones(d.n_train, bool), np.zeros(d.n_test, bool)], d.problem, d.classes)

    def to_dataset(self, name: str = "custom") -> Dataset:
        """The points as a :class:`Dataset` (raises ``DataError`` when not trainable: see :meth:`missing`)."""
        return Dataset(self.x[self.train], self.y[self.train], self.x[~self.train], self.y[~self.train],
                       self.problem, self.classes, name)

    # ------------------------------------------------------------------ facts

    def __len__(self) -> int:
        return len(self.x)

    @property
    def is_classification(self) -> bool:
        return self.problem == "classification"

    def missing(self) -> str | None:
        """What must still be drawn before these points can be trained on, or None."""
        if self.is_classification:
            counts = np.bincount(self.y, minlength=self.classes) if len(self) else np.zeros(self.classes, int)
            enough = int(np.sum(counts >= MIN_POINTS_PER_CLASS))
            if enough < MIN_CLASSES:
                now = ", ".join(f"class {k}: {int(c)}" for k, c in enumerate(counts))
                return (f"Draw at least {MIN_POINTS_PER_CLASS} points in each of {MIN_CLASSES} classes "
                        f"before training (now {now})")
        elif len(self) < MIN_REGRESSION_POINTS:
            return f"Draw at least {MIN_REGRESSION_POINTS} points before training (now {len(self)})"
        if not self.train.any():
            return "Draw a training point: every point is a test point"
        return None

    def same_as(self, other: PaintedPoints) -> bool:
        return (self.problem == other.problem and self.classes == other.classes
                and all(np.array_equal(getattr(self, a), getattr(other, a)) for a in ("x", "y", "train")))

    # ------------------------------------------------------------------ edits (each returns a new set)

    def added(self, points: np.ndarray, value: float, train_ratio: float) -> PaintedPoints:
        """``points`` (m, 2) added with class or value ``value``; a class beyond K makes K grow.
        The set never grows past ``MAX_POINTS``."""
        pts = np.reshape(np.asarray(points, dtype=np.float64), (-1, 2))[:max(0, MAX_POINTS - len(self))]
        m = len(pts)
        classes = self.classes
        if self.is_classification:
            label = int(value)
            if not 0 <= label < MAX_CLASSES:
                raise ValueError(f"class must be from 0 to {MAX_CLASSES - 1}, got {label}")
            classes = max(classes, label + 1)
        n_train = int(self.train.sum())
        train = np.empty(m, bool)
        for i in range(m):  # each new point goes where the split is furthest behind the ratio
            total = len(self) + i + 1
            train[i] = n_train < train_ratio * total - 1e-9 or n_train == 0
            n_train += int(train[i])
        return PaintedPoints(np.concatenate([self.x, pts]), np.concatenate([self.y, np.full(m, value)]),
                             np.concatenate([self.train, train]), self.problem, classes)

    def erased(self, centre: tuple[float, float], radius: float) -> PaintedPoints:
        """Without the points within ``radius`` of ``centre``."""
        keep = np.hypot(self.x[:, 0] - centre[0], self.x[:, 1] - centre[1]) > radius
        return PaintedPoints(self.x[keep], self.y[keep], self.train[keep], self.problem, self.classes)

    def cleared(self) -> PaintedPoints:
        """No points (K stays)."""
        return PaintedPoints.blank(self.problem, max(self.classes, 2))

    def resplit(self, train_ratio: float, rng: np.random.Generator) -> PaintedPoints:
        """A new random split with ⌊ratio·n⌋ training points (as generated data is split)."""
        n = len(self)
        train = np.zeros(n, bool)
        if n:
            train[rng.permutation(n)[:split_count(n, train_ratio)]] = True
        return PaintedPoints(self.x, self.y, train, self.problem, self.classes)


def spray(centre: tuple[float, float], radius: float, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points (count, 2) spread uniformly over the disc of ``radius`` around ``centre``."""
    r = radius * np.sqrt(rng.random(count))
    a = 2 * np.pi * rng.random(count)
    return np.column_stack([centre[0] + r * np.cos(a), centre[1] + r * np.sin(a)])
