"""The points a network trains and is tested on, as an immutable value.

Labels are stored the same way for every source:

- classification: ``int64`` class index ``0 .. K-1``. For two classes, class 0
  is TensorFlow Playground's −1 (orange) and class 1 its +1 (blue).
- regression: ``float64`` target (TensorFlow Playground's targets lie in [−1, 1]).

Arrays are read-only copies, so a ``Dataset`` can be shared between threads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: TensorFlow Playground draws and samples its heatmaps over [−6, 6]².
DEFAULT_DOMAIN = (-6.0, 6.0)
#: Coordinates and regression targets must lie within ±MAX_ABS_VALUE. Far beyond it the squared
#: features and losses overflow or lose all precision, the drawn domain means nothing, and exported
#: files would hold infinities (±1.7e308 passes ``isfinite`` but its domain does not).
MAX_ABS_VALUE = 1e6


class DataError(ValueError):
    """Unusable data; the message says what is wrong and where."""


def frozen_copy(a: np.ndarray, dtype: type | None = None) -> np.ndarray:
    """A read-only copy of ``a`` (converted to ``dtype`` when given): safe to share between threads."""
    out = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def shared_or_frozen_copy(a: np.ndarray) -> np.ndarray:
    """``a`` itself when nobody can write its memory (a read-only array over read-only arrays, as a
    :func:`frozen_copy` or a view of one), else a read-only copy: the weights of a snapshot are
    shared, not copied again (a million of them take milliseconds)."""
    base = a
    while isinstance(base, np.ndarray) and not base.flags.writeable:
        if base.base is None:
            return a
        base = base.base
    return frozen_copy(a)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test points.

    Attributes
    ----------
    x_train : (n_train, 2) float64
    y_train : (n_train,) int64 class index, or float64 target for regression
    x_test : (n_test, 2) float64
    y_test : (n_test,) like ``y_train``
    problem : ``"classification"`` or ``"regression"``
    classes : number of classes K (>= 2) for classification, 0 for regression
    name : where the points came from (dataset name or file name)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    problem: str
    classes: int
    name: str = "custom"

    def __post_init__(self) -> None:
        ydtype = np.int64 if self.problem == "classification" else np.float64
        for attr, dtype in (("x_train", np.float64), ("x_test", np.float64),
                            ("y_train", ydtype), ("y_test", ydtype)):
            value = getattr(self, attr)
            try:
                arr = frozen_copy(value, dtype)
            except (TypeError, ValueError) as exc:
                raise DataError(f"{attr}: cannot be read as numbers ({exc})") from None
            object.__setattr__(self, attr, arr)
        if self.problem not in ("classification", "regression"):
            raise DataError(f"problem must be classification or regression, got {self.problem!r}")
        for xs, ys, which in ((self.x_train, self.y_train, "train"), (self.x_test, self.y_test, "test")):
            if xs.ndim != 2 or xs.shape[1] != 2:
                raise DataError(f"x_{which}: needs shape (n, 2), got {xs.shape}")
            if ys.shape != (xs.shape[0],):
                raise DataError(f"y_{which}: needs shape ({xs.shape[0]},), got {ys.shape}")
            if not np.isfinite(xs).all():
                raise DataError(f"x_{which}: contains NaN or infinity")
            if self.problem == "regression" and not np.isfinite(ys).all():
                raise DataError(f"y_{which}: contains NaN or infinity")
            for values, name in ((xs, f"x_{which}"), (ys, f"y_{which}")):
                if values.size and np.abs(values).max() > MAX_ABS_VALUE:
                    worst = values.flat[int(np.abs(values).argmax())]
                    raise DataError(f"{name}: values must lie within ±{MAX_ABS_VALUE:,.0f}, got {worst:g}")
        if len(self.x_train) == 0:
            raise DataError("the training set is empty")
        if self.problem == "classification":
            if not 2 <= self.classes <= 8:
                raise DataError(f"classes must be from 2 to 8, got {self.classes}")
            ys = np.concatenate([self.y_train, self.y_test])
            if ys.size and (ys.min() < 0 or ys.max() >= self.classes):
                raise DataError(f"labels must be class indices 0..{self.classes - 1}")
        elif self.classes != 0:
            object.__setattr__(self, "classes", 0)

    @property
    def n_train(self) -> int:
        return len(self.x_train)

    @property
    def n_test(self) -> int:
        return len(self.x_test)

    @property
    def is_classification(self) -> bool:
        return self.problem == "classification"

    def domain(self) -> tuple[float, float, float, float]:
        """``(xmin, xmax, ymin, ymax)`` to draw and sample over.

        [−6, 6]² like TensorFlow Playground, widened (with a margin) to hold every point.
        """
        pts = np.concatenate([self.x_train, self.x_test])
        lo, hi = DEFAULT_DOMAIN
        xmin, ymin = pts.min(axis=0)
        xmax, ymax = pts.max(axis=0)
        pad = 0.05
        def widen(a: float, b: float) -> tuple[float, float]:
            if a >= lo and b <= hi:
                return lo, hi
            span = (max(b, hi) - min(a, lo))
            return min(a, lo) - pad * span, max(b, hi) + pad * span
        x0, x1 = widen(float(xmin), float(xmax))
        y0, y1 = widen(float(ymin), float(ymax))
        return x0, x1, y0, y1

    def same_points(self, other: Dataset) -> bool:
        """True when both hold exactly the same points, labels and split."""
        return (
            self.problem == other.problem and self.classes == other.classes
            and all(np.array_equal(getattr(self, a), getattr(other, a))
                    for a in ("x_train", "y_train", "x_test", "y_test"))
        )
