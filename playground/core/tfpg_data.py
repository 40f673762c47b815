"""TensorFlow Playground's own points and initial weights for a string seed, bit for bit.

The page seeds one :class:`~playground.core.seedrandom.SeedRandom` stream with the link's seed and
draws, in this order: the dataset point by point (its ``dataset.ts``), an in-place Fisher–Yates
shuffle of all points, then — after the split at ⌊n·percTrainData/100⌋, which draws nothing — the
network's weights as its ``buildNetwork`` creates them (layer by layer, neuron by neuron, one
``Math.random() − 0.5`` per incoming link; biases 0.1; with ``initZero`` the draws still happen
but weights and biases are 0).

The geometry is the one of ``datasets.py``; only the draw order (one point at a time, noise drawn
with its point) and the page's exact arithmetic (its d3 linear scales, its polar normal sampler, the
browser's sin, cos and log from ``page_math``) differ, because every bit must match.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from playground.core import page_math
from playground.core.dataset import Dataset
from playground.core.datasets import multi_gauss_value, spiral_polar
from playground.core.seedrandom import SeedRandom
from playground.core.spec import DataSpec, ExperimentSpec, dataset_problem, default_points

Rand = Callable[[], float]
_CIRCLE_RADIUS = 5.0
_XOR_PADDING = 0.3
_PLANE_RADIUS = 6.0


def _uniform(rand: Rand, a: float, b: float) -> float:
    """The page's ``randUniform(a, b)``: ``Math.random() * (b − a) + a``."""
    return rand() * (b - a) + a


def _normal(rand: Rand, mean: float, variance: float) -> float:
    """The page's ``normalRandom``: Marsaglia's polar method, two draws per try."""
    while True:
        v1 = 2 * rand() - 1
        v2 = 2 * rand() - 1
        s = v1 * v1 + v2 * v2
        if s <= 1:
            break
    # s == 0 has probability 2^-104; the page would give NaN there too.
    return mean + math.sqrt(variance) * (math.sqrt(-2 * page_math.log(s) / s) * v1)


def _linear(x: float, d0: float, d1: float, r0: float, r1: float) -> float:
    """d3 3.x ``scale.linear().domain([d0, d1]).range([r0, r1])(x)`` with d3's own rounding."""
    t = (x - d0) / (d1 - d0)
    return r0 * (1 - t) + r1 * t


def _circle(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    radius = _CIRCLE_RADIUS
    for r_lo, r_hi in ((0.0, radius * 0.5), (radius * 0.7, radius)):  # blue disc, then orange ring
        for _ in range(math.ceil(n / 2)):
            r = _uniform(rand, r_lo, r_hi)
            angle = _uniform(rand, 0.0, 2 * math.pi)
            x, y = r * page_math.sin(angle), r * page_math.cos(angle)
            sx = x + _uniform(rand, -radius, radius) * noise
            sy = y + _uniform(rand, -radius, radius) * noise
            xs.append(x)
            ys.append(y)
            labels.append(1.0 if math.sqrt(sx * sx + sy * sy) < radius * 0.5 else -1.0)
    return xs, ys, labels


def _xor(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    for _ in range(n):
        x = _uniform(rand, -5.0, 5.0)
        x += _XOR_PADDING if x > 0 else -_XOR_PADDING
        y = _uniform(rand, -5.0, 5.0)
        y += _XOR_PADDING if y > 0 else -_XOR_PADDING
        sx = x + _uniform(rand, -5.0, 5.0) * noise
        sy = y + _uniform(rand, -5.0, 5.0) * noise
        xs.append(x)
        ys.append(y)
        labels.append(1.0 if sx * sy >= 0 else -1.0)
    return xs, ys, labels


def _gauss(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    variance = _linear(noise, 0.0, 0.5, 0.5, 4.0)
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    for centre, label in ((2.0, 1.0), (-2.0, -1.0)):
        for _ in range(math.ceil(n / 2)):
            xs.append(_normal(rand, centre, variance))
            ys.append(_normal(rand, centre, variance))
            labels.append(label)
    return xs, ys, labels


def _spiral(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    per_arm = n / 2
    count = math.ceil(per_arm)
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    for delta, label in ((0.0, 1.0), (math.pi, -1.0)):
        radii, angles = spiral_polar(count, per_arm, delta)
        for r, t in zip(radii.tolist(), angles.tolist(), strict=True):
            xs.append(r * page_math.sin(t) + _uniform(rand, -1.0, 1.0) * noise)
            ys.append(r * page_math.cos(t) + _uniform(rand, -1.0, 1.0) * noise)
            labels.append(label)
    return xs, ys, labels


def _shifted_uniform(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], np.ndarray, np.ndarray]:
    """The regression sets' draws: a point in [−6, 6]² and its noise shift, point by point."""
    xs: list[float] = []
    ys: list[float] = []
    sx: list[float] = []
    sy: list[float] = []
    radius = _PLANE_RADIUS
    for _ in range(n):
        x = _uniform(rand, -radius, radius)
        y = _uniform(rand, -radius, radius)
        nx = _uniform(rand, -radius, radius) * noise
        ny = _uniform(rand, -radius, radius) * noise
        xs.append(x)
        ys.append(y)
        sx.append(x + nx)
        sy.append(y + ny)
    return xs, ys, np.array(sx), np.array(sy)


def _plane(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    xs, ys, sx, sy = _shifted_uniform(n, noise, rand)
    # The page's label scale maps x + y from [−10, 10] to [−1, 1]: (x + y)/10 with d3's rounding.
    return xs, ys, [_linear(float(a + b), -10.0, 10.0, -1.0, 1.0) for a, b in zip(sx, sy, strict=True)]


def _multi_gauss(n: int, noise: float, rand: Rand) -> tuple[list[float], list[float], list[float]]:
    xs, ys, sx, sy = _shifted_uniform(n, noise, rand)
    return xs, ys, [float(v) for v in multi_gauss_value(sx, sy)]


_GENERATORS = {
    "circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
    "plane": _plane, "multi_gauss": _multi_gauss,
}


def page_shuffle(items: list, rand: Rand) -> None:
    """The page's in-place Fisher–Yates shuffle (``dataset.ts`` ``shuffle``)."""
    counter = len(items)
    while counter > 0:
        index = math.floor(rand() * counter)
        counter -= 1
        items[counter], items[index] = items[index], items[counter]


def page_points(dataset: str, noise: float, rng: SeedRandom) -> tuple[np.ndarray, np.ndarray]:
    """Draw and shuffle the page's points from ``rng`` (freshly seeded), as its ``generateData`` does.

    Parameters
    ----------
    dataset : one of ``spec.PAGE_DATASETS`` (this project's names)
    noise : the fraction the page's generators take (the link's ``noise`` / 100, 0–0.5)

    Returns
    -------
    points : (n, 2) float64 in the page's shuffled order
    labels : (n,) float64: ±1 for classification, the target for regression
    """
    n = default_points(dataset_problem(dataset) or "classification")
    xs, ys, labels = _GENERATORS[dataset](n, noise, rng.random)
    rows = list(zip(xs, ys, labels, strict=True))
    page_shuffle(rows, rng.random)
    arr = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
    return arr[:, :2].copy(), arr[:, 2].copy()


def _draw_dataset(data: DataSpec, rng: SeedRandom) -> Dataset:
    points, labels = page_points(data.name, float(data.noise), rng)
    # The page splits at ⌊n·percTrainData/100⌋ in its own rounding (n·64.6/100 gives 322, not 323): the
    # link's percent is recovered from the ratio (percent/100) by rounding to 9 decimals.
    k = math.floor(len(points) * round(data.train_ratio * 100, 9) / 100)
    if data.problem_type == "regression":
        y, classes = labels, 0
    else:
        y, classes = (labels > 0).astype(np.int64), 2  # the page's +1 is class 1, −1 class 0
    return Dataset(points[:k], y[:k], points[k:], y[k:], data.problem_type, classes, data.name)


def page_dataset(data: DataSpec) -> Dataset:
    """The page's points for ``data`` (which has a ``page_seed``) as a :class:`Dataset`."""
    if data.page_seed is None:
        raise ValueError("data.page_seed: needed for TensorFlow Playground's points")
    return _draw_dataset(data, SeedRandom(data.page_seed))


def page_experiment(spec: ExperimentSpec) -> tuple[Dataset, dict[str, np.ndarray]]:
    """The page's points and its initial weights for ``spec`` (``spec.data.page_seed`` set).

    The weights continue the stream after the data and the shuffle, as the page's ``reset`` does
    right after ``generateData``; ``network.init == "zeros"`` is the page's ``initZero``.
    """
    if spec.data.page_seed is None:
        raise ValueError("data.page_seed: needed for TensorFlow Playground's points and weights")
    rng = SeedRandom(spec.data.page_seed)
    dataset = _draw_dataset(spec.data, rng)
    sizes = (len(spec.features), *spec.network.hidden, 1)
    return dataset, page_initial_weights(sizes, rng, init_zero=spec.network.init == "zeros")


def page_reset_weights(spec: ExperimentSpec, draw: int) -> dict[str, np.ndarray] | None:
    """The page's weights after ``draw`` presses of its Reset (0: as the link opens), or None when
    ``spec`` is not a link experiment with the page's initialiser (``playground``, or ``zeros``).

    The page never seeds again after its data: each Reset builds the network from where its
    random stream stands, so the ``draw``-th one follows the data and ``draw`` earlier networks.
    """
    if spec.data.page_seed is None or spec.network.init not in ("playground", "zeros"):
        return None
    rng = SeedRandom(spec.data.page_seed)
    _draw_dataset(spec.data, rng)
    sizes = (len(spec.features), *spec.network.hidden, 1)
    for _ in range(draw):
        page_initial_weights(sizes, rng)
    return page_initial_weights(sizes, rng, init_zero=spec.network.init == "zeros")


def page_initial_weights(sizes: Sequence[int], rng: SeedRandom, init_zero: bool = False) -> dict[str, np.ndarray]:
    """The page's ``buildNetwork`` weights, drawn from ``rng`` after the data.

    Parameters
    ----------
    sizes : (n_inputs, *hidden, 1)

    Returns
    -------
    ``{"layers.{i}.weight": (out, in), "layers.{i}.bias": (out,)}``
    """
    state: dict[str, np.ndarray] = {}
    for i in range(len(sizes) - 1):
        n_in, n_out = int(sizes[i]), int(sizes[i + 1])
        # One draw per link, in the order the page creates them: neuron by neuron, then its inputs.
        w = np.array([[rng.random() - 0.5 for _ in range(n_in)] for _ in range(n_out)],
                     dtype=np.float64).reshape(n_out, n_in)
        bias = np.full(n_out, 0.1)
        if init_zero:
            w[...] = 0.0
            bias[...] = 0.0
        state[f"layers.{i}.weight"] = w
        state[f"layers.{i}.bias"] = bias
    return state


def page_start(spec: ExperimentSpec) -> tuple[Dataset, dict]:
    """The page's points and a trainer state (``Trainer.get_state``) holding its initial weights, in float64.

    What the app loads to open a link exactly where the page starts.
    """
    from playground.core.trainer import Trainer  # the trainer builds on the datasets, which build on this

    dataset, weights = page_experiment(spec)
    trainer = Trainer(spec, dataset)
    trainer.load_weights(weights)
    return dataset, trainer.get_state()
