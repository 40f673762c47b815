"""Seeded dataset generators and :func:`make_dataset`.

The six TensorFlow Playground sets (circle, xor, gauss, spiral, plane,
multi_gauss) follow its maths exactly (see ``tf-playground-facts.md``); moons,
checkerboard, blobs and spirals are ours. Every generator has the signature
``fn(n, noise, rng, classes) -> (points, labels)`` with ``points`` of shape
(n, 2) float64 and ``labels`` of shape (n,): int64 class indices for
classification (for TensorFlow's ±1 sets class 0 is −1 and class 1 is +1),
float64 targets for regression. Binary generators ignore ``classes``.

Random numbers are drawn with numpy in whole arrays, so the points are not the
same as the web page's for a given seed, but they follow the same distributions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from playground.core.dataset import DataError, Dataset
from playground.core.spec import DataSpec

GeneratorFn = Callable[[int, float, np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def _halves(n: int) -> tuple[int, int]:
    """Sizes of the positive and the negative half (TF fills the positive half first)."""
    return n - n // 2, n // 2


def _per_class(n: int, k: int) -> np.ndarray:
    """(k,) point counts as equal as possible, summing to n."""
    return np.array([n // k + (1 if c < n % k else 0) for c in range(k)], dtype=np.int64)


def _stack(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.column_stack([x, y]).astype(np.float64, copy=False)


# --------------------------------------------------------------------------- TF's six


def circle(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Inner disc (r < 2.5, class 1) and outer ring (3.5 < r < 5, class 0); labels from a shifted point."""
    n_in, n_out = _halves(n)
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n_out)])
    a = rng.uniform(0.0, 2.0 * np.pi, n)
    x, y = r * np.sin(a), r * np.cos(a)
    # The label comes from a jittered copy of the point; the drawn point is not moved.
    sx = x + rng.uniform(-5.0, 5.0, n) * noise
    sy = y + rng.uniform(-5.0, 5.0, n) * noise
    labels = (np.hypot(sx, sy) < 2.5).astype(np.int64)
    return _stack(x, y), labels


def xor(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [−5, 5]² pushed 0.3 off the axes; class 1 where the (shifted) x·y >= 0."""
    x = rng.uniform(-5.0, 5.0, n)
    y = rng.uniform(-5.0, 5.0, n)
    x += np.where(x > 0, 0.3, -0.3)
    y += np.where(y > 0, 0.3, -0.3)
    sx = x + rng.uniform(-5.0, 5.0, n) * noise
    sy = y + rng.uniform(-5.0, 5.0, n) * noise
    return _stack(x, y), (sx * sy >= 0).astype(np.int64)


def gauss(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussians around (2, 2) (class 1) and (−2, −2) (class 0), variance 0.5 + 7·noise."""
    n_pos, n_neg = _halves(n)
    std = np.sqrt(0.5 + 7.0 * noise)  # TF's d3 scale [0, .5] -> [0.5, 4] is a variance
    centre = np.concatenate([np.full(n_pos, 2.0), np.full(n_neg, -2.0)])
    x = rng.normal(centre, std)
    y = rng.normal(centre, std)
    labels = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _stack(x, y), labels


def spiral_polar(count: int, per_arm: float, delta: float) -> tuple[np.ndarray, np.ndarray]:
    """The (count,) radii and angles of one spiral arm of TF's formula: r = 5i/m, t = 1.75·2π·i/m + δ."""
    i = np.arange(count, dtype=np.float64)
    return i / per_arm * 5.0, 1.75 * i / per_arm * 2.0 * np.pi + delta


def _arm(count: int, per_arm: float, delta: float, noise: float,
         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One spiral arm (:func:`spiral_polar`) with jitter U(−1, 1)·noise."""
    r, t = spiral_polar(count, per_arm, delta)
    x = r * np.sin(t) + rng.uniform(-1.0, 1.0, count) * noise
    y = r * np.cos(t) + rng.uniform(-1.0, 1.0, count) * noise
    return x, y


def spiral(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms: δ = 0 is class 1 (+1), δ = π class 0 (−1)."""
    n_pos, n_neg = _halves(n)
    xp, yp = _arm(n_pos, n / 2, 0.0, noise, rng)
    xn, yn = _arm(n_neg, n / 2, np.pi, noise, rng)
    labels = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _stack(np.concatenate([xp, xn]), np.concatenate([yp, yn])), labels


def plane(n: int, noise: float, rng: np.random.Generator, classes: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [−6, 6]²; target (x' + y')/10 of the noise-shifted point (not clipped)."""
    x = rng.uniform(-6.0, 6.0, n)
    y = rng.uniform(-6.0, 6.0, n)
    sx = x + rng.uniform(-6.0, 6.0, n) * noise
    sy = y + rng.uniform(-6.0, 6.0, n) * noise
    return _stack(x, y), (sx + sy) / 10.0


_MULTI_GAUSS = np.array([
    [-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
    [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0],
])


def multi_gauss_value(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """TF's target at (x, y), shape like ``x``: the largest-magnitude sign·clamp(1 − d/2, 0, 1)."""
    cx, cy, sign = (_MULTI_GAUSS[:, j, None] for j in range(3))
    dx, dy = x[None, :] - cx, y[None, :] - cy
    d = np.sqrt(dx * dx + dy * dy)  # (6, n); TF's own distance (not hypot), so link mode matches it bit for bit
    values = sign * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    # argmax keeps the first of equal magnitudes, as TF's strict ">" does.
    best = np.argmax(np.abs(values), axis=0)
    return values[best, np.arange(x.shape[0])]


def multi_gauss(n: int, noise: float, rng: np.random.Generator,
                classes: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [−6, 6]²; six signed bumps of radius 2, target in [−1, 1]."""
    x = rng.uniform(-6.0, 6.0, n)
    y = rng.uniform(-6.0, 6.0, n)
    sx = x + rng.uniform(-6.0, 6.0, n) * noise
    sy = y + rng.uniform(-6.0, 6.0, n) * noise
    return _stack(x, y), multi_gauss_value(sx, sy)


# --------------------------------------------------------------------------- ours


def moons(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-moons (scikit-learn's shape) scaled into about [−5, 5]², Gaussian jitter."""
    n_up, n_down = _halves(n)
    t_up = rng.uniform(0.0, np.pi, n_up)
    t_down = rng.uniform(0.0, np.pi, n_down)
    # Unit moons span x in [−1, 2], y in [−0.5, 1]: centre them, then scale by 3.3.
    x = np.concatenate([np.cos(t_up), 1.0 - np.cos(t_down)]) - 0.5
    y = np.concatenate([np.sin(t_up), 0.5 - np.sin(t_down)]) - 0.25
    # Jitter std is `noise` in unit-moon coordinates (0.5 makes the moons overlap).
    x = (x + rng.normal(0.0, 1.0, n) * noise) * 3.3
    y = (y + rng.normal(0.0, 1.0, n) * noise) * 3.3
    labels = np.concatenate([np.zeros(n_up, np.int64), np.ones(n_down, np.int64)])
    return _stack(x, y), labels


def checkerboard(n: int, noise: float, rng: np.random.Generator,
                 classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """4 × 4 cells of 2.5 over [−5, 5]²; class 1 where the (shifted) cell's row + column is even."""
    x = rng.uniform(-5.0, 5.0, n)
    y = rng.uniform(-5.0, 5.0, n)
    # Like TF's xor the label is read at a shifted copy; floor() extends the board past the edges.
    sx = x + rng.uniform(-5.0, 5.0, n) * noise
    sy = y + rng.uniform(-5.0, 5.0, n) * noise
    cells = np.floor((sx + 5.0) / 2.5) + np.floor((sy + 5.0) / 2.5)
    return _stack(x, y), (np.mod(cells, 2) == 0).astype(np.int64)


def blobs(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """K Gaussian blobs centred on a circle of radius 3.5; std 0.5 + 2·noise."""
    _check_classes(classes)
    counts = _per_class(n, classes)
    labels = np.repeat(np.arange(classes, dtype=np.int64), counts)
    angle = np.pi / 2 + 2.0 * np.pi * labels / classes  # class 0 at the top
    std = 0.5 + 2.0 * noise
    x = 3.5 * np.cos(angle) + rng.normal(0.0, std, n)
    y = 3.5 * np.sin(angle) + rng.normal(0.0, std, n)
    return _stack(x, y), labels


def spirals(n: int, noise: float, rng: np.random.Generator,
            classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """K spiral arms of TF's spiral formula; arm (class) k is turned by 2π(k + 1)/K, so that with
    K = 2 class 1 is the unturned arm, as in :func:`spiral`."""
    _check_classes(classes)
    counts = _per_class(n, classes)
    xs, ys = [], []
    for k in range(classes):
        x, y = _arm(int(counts[k]), n / classes, 2.0 * np.pi * (k + 1) / classes, noise, rng)
        xs.append(x)
        ys.append(y)
    labels = np.repeat(np.arange(classes, dtype=np.int64), counts)
    return _stack(np.concatenate(xs), np.concatenate(ys)), labels


def _check_classes(classes: int) -> None:
    if not 2 <= classes <= 8:
        raise DataError(f"classes must be from 2 to 8, got {classes}")


#: name -> generator, keyed by ``spec.CLASSIFICATION_DATASETS + spec.REGRESSION_DATASETS``.
GENERATORS: dict[str, GeneratorFn] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "checkerboard": checkerboard,
    "blobs": blobs,
    "spirals": spirals,
    "plane": plane,
    "multi_gauss": multi_gauss,
}

#: Names of the generators that take a number of classes.
MULTICLASS_DATASETS = ("blobs", "spirals")

#: One sentence per dataset for tooltips (``custom`` included).
DATASET_DESCRIPTIONS: dict[str, str] = {
    "circle": "A blue disc inside an orange ring: needs a closed boundary.",
    "xor": "Four quadrants, blue where x and y share a sign: the classic XOR problem.",
    "gauss": "Two Gaussian clouds, one per class: separable by a straight line.",
    "spiral": "Two interleaved spiral arms: the hardest of TensorFlow Playground's sets.",
    "moons": "Two interleaving half-moons: needs a gently curved boundary.",
    "checkerboard": "A 4 × 4 board of alternating cells: many small regions to carve out.",
    "blobs": "K Gaussian clouds around a circle, one per class.",
    "spirals": "K interleaved spiral arms, one per class.",
    "plane": "Regression: the target rises linearly from the bottom-left to the top-right.",
    "multi_gauss": "Regression: six positive and negative bumps in two rows.",
    "custom": "Points loaded from a CSV file or a project file.",
}


def split_count(n: int, train_ratio: float) -> int:
    """Training-set size: ⌊ratio·n⌋ as TensorFlow Playground takes it, at least 1 and, with 2+
    points, at most n − 1.

    The page computes n·percent/100, exact for whole percents; ratio·n in floating point can land
    just below a whole number (0.29·500 = 144.999…), hence the tolerance.
    """
    k = math.floor(train_ratio * n + 1e-9)
    if n >= 2:
        k = min(k, n - 1)  # keep one test point so test metrics are defined
    return max(1, min(k, n))


def make_dataset(data: DataSpec) -> Dataset:
    """Generate, shuffle once and split the points a :class:`~spec.DataSpec` describes.

    With ``data.page_seed`` the points are TensorFlow Playground's own (``tfpg_data``).
    The same spec (seed included) always gives bit-identical arrays.

    Raises
    ------
    DataError
        for ``custom`` data, which has no generator.
    """
    if data.name not in GENERATORS:
        raise DataError(f"custom data comes from a file or a project, not from a generator "
                        f"(dataset {data.name!r})")
    if data.page_seed is not None:
        from playground.core.tfpg_data import page_dataset  # it builds on this module's geometry
        return page_dataset(data)
    problem = data.problem_type
    if problem == "regression":
        classes = 0
    elif data.name in MULTICLASS_DATASETS:
        classes = data.classes
    else:
        classes = 2
    rng = np.random.default_rng(data.seed)
    n = data.n_points
    points, labels = GENERATORS[data.name](n, float(data.noise), rng, classes)
    order = rng.permutation(n)  # TF shuffles once; training then keeps this order
    points, labels = points[order], labels[order]
    k = split_count(n, data.train_ratio)
    return Dataset(points[:k], labels[:k], points[k:], labels[k:], problem, classes, data.name)


def labels_to_tf(y: np.ndarray, classes: int) -> np.ndarray:
    """Binary class indices (n,) int to TensorFlow Playground's targets (n,) float64: 0 -> −1, 1 -> +1."""
    if classes != 2:
        raise ValueError(f"±1 targets exist only for 2 classes, got {classes}")
    return 2.0 * np.asarray(y, dtype=np.float64) - 1.0
