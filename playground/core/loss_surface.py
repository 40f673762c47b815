"""The training loss on a 2-D slice of weight space, and the optimizer's path projected onto it.

A plane through weights θ₀ (P,) along directions d₁, d₂ (P,) holds the weights θ₀ + α·d₁ + β·d₂;
the surface is the training loss (the data term, as the loss plot shows it) on a grid of (α, β).
The directions are either

- two random directions, *filter-normalised* (Li et al., "Visualizing the Loss Landscape of Neural
  Nets", 2018): each neuron's incoming weights in a direction are scaled to the norm of that neuron's
  weights, so that α = 1 is a step the size of the weights themselves whatever the layer's scale;
  the biases' part is zero; or
- the top two principal components of a weight trajectory (the run's path, or several runs'
  joined paths), through its last point or a common start, where a path is best seen.

Grid points are evaluated many at once (one batched forward pass per piece of the grid) with the
activation and loss tables the engine uses; :func:`evaluate_rows` does a piece, so a caller can keep
every unit of work short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from playground.core.dataset import frozen_copy
from playground.core.losses import OutputHead
from playground.core.reference_network import activate, flatten

if TYPE_CHECKING:
    from playground.core.network import Network
    from playground.core.trainer import Trainer

Array = np.ndarray
#: The grid's resolution up to a 6 × 8 network (6 hidden layers of 8) on 250 training points (work ≈
#: REFERENCE_WORK); bigger networks and data get a coarser grid, down to MIN_RESOLUTION.
MAX_RESOLUTION = 41
MIN_RESOLUTION = 11
REFERENCE_WORK = 410 * 250  # parameters × training rows of 6 × 8 tanh layers on 4 features, 250 points
#: At most this many parameters × training rows for one grid point's loss (more rows: a fixed sample).
MAX_POINT_WORK = 1_000_000
#: Grid points evaluated together: big enough that numpy's per-call cost is shared, small enough for cache.
BATCH_POINTS = 64


@dataclass(frozen=True, eq=False)
class Plane:
    """A plane in weight space: ``origin`` (P,) and directions ``d1``, ``d2`` (P,), laid out as
    ``reference_network.flatten`` (per layer, each row of W followed by its bias).

    ``kind`` is ``"random"`` or ``"pca"``; ``explained`` the share of the path's variance along each
    principal component (``(0, 0)`` for random directions)."""

    origin: Array
    d1: Array
    d2: Array
    kind: str
    explained: tuple[float, float] = (0.0, 0.0)

    def point(self, alpha: float, beta: float) -> Array:
        """The weights θ₀ + α·d₁ + β·d₂ (P,)."""
        return self.origin + alpha * self.d1 + beta * self.d2

    def project(self, thetas: Array) -> Array:
        """(m, 2) coordinates (α, β) of weights ``thetas`` (m, P): least squares on the plane."""
        basis = np.column_stack([self.d1, self.d2])
        coords, *_ = np.linalg.lstsq(basis, (np.atleast_2d(thetas) - self.origin).T, rcond=None)
        return coords.T


def random_plane(weights: Sequence[Array], biases: Sequence[Array], seed: int = 0) -> Plane:
    """Through the weights (per layer W (out, in), b (out,)) along two filter-normalised random directions."""
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        parts = []
        for w in weights:
            d = rng.standard_normal(w.shape)
            # each neuron's incoming weights (a row of W) scaled to that row's norm
            scale = np.linalg.norm(w, axis=1, keepdims=True) / np.maximum(np.linalg.norm(d, axis=1, keepdims=True),
                                                                          1e-12)
            parts.append(d * scale)
        directions.append(flatten(parts, [np.zeros_like(b) for b in biases]))
    origin = flatten(list(weights), list(biases))
    return Plane(frozen_copy(origin), frozen_copy(directions[0]), frozen_copy(directions[1]), "random")


def pca_plane(trajectory: Array, origin: Array) -> Plane:
    """Through ``origin`` (P,) along the top two principal components of ``trajectory`` (m, P) − origin.

    With fewer than two independent moves, the missing directions are filled with orthogonal unit
    vectors, so the plane always exists."""
    moves = np.atleast_2d(np.asarray(trajectory, dtype=np.float64)) - origin
    p = moves.shape[1]
    _, s, vt = np.linalg.svd(moves, full_matrices=False) if moves.size else (None, np.zeros(0), np.zeros((0, p)))
    directions = [vt[k] for k in range(min(2, len(s))) if s[k] > 1e-12 * max(s[0], 1e-300)]
    basis = np.eye(p)
    k = 0
    while len(directions) < 2:  # an unmoved path: complete the plane with axes orthogonal to what there is
        v = basis[k % p].copy()
        for d in directions:
            v -= (v @ d) * d
        if np.linalg.norm(v) > 1e-6:
            directions.append(v / np.linalg.norm(v))
        k += 1
    total = float(np.sum(s * s))
    explained = tuple(float(s[i] ** 2 / total) if total > 0 and i < len(s) else 0.0 for i in range(2))
    return Plane(frozen_copy(np.asarray(origin, dtype=np.float64)), frozen_copy(directions[0]),
                 frozen_copy(directions[1]), "pca", (explained[0], explained[1]))


def resolution_for(n_params: int, n_rows: int) -> int:
    """The grid's points a side: 41 for a 6 × 8 network, coarser as parameters × rows grow."""
    work = max(n_params * max(n_rows, 1), 1)
    return int(np.clip(round(MAX_RESOLUTION * math.sqrt(REFERENCE_WORK / work)), MIN_RESOLUTION, MAX_RESOLUTION))


def axes_for(path: Array | None, resolution: int, half_width: float = 1.0) -> tuple[Array, Array]:
    """The grid's α and β values (resolution,): at least ±``half_width``, widened to hold the projected
    ``path`` (m, 2) with a margin, so that the path is always on the map. Evenly spaced with 0 on the
    grid (the current weights are a grid point)."""
    lo = np.array([-half_width, -half_width], dtype=float)
    hi = -lo
    if path is not None and len(path):
        finite = np.asarray(path)[np.isfinite(path).all(axis=1)]
        if len(finite):
            p_lo, p_hi = finite.min(axis=0), finite.max(axis=0)
            span = np.maximum(p_hi - p_lo, 1e-3)
            lo = np.minimum(lo, np.minimum(p_lo - 0.35 * span, -0.05 * span))  # the origin stays inside
            hi = np.maximum(hi, np.maximum(p_hi + 0.35 * span, 0.05 * span))
    hi, lo = np.maximum(hi, 1e-6), np.minimum(lo, -1e-6)
    axes = []
    for a, b in zip(lo, hi, strict=True):
        step = (b - a) / max(resolution - 2, 1)  # one step to spare, so the snapped range still holds [a, b]
        axes.append(step * (np.arange(resolution) + np.floor(a / step)))  # whole multiples of step: 0 is one
    return axes[0], axes[1]


def losses_at(thetas: Array, x: Array, t: Array, shapes: Sequence[tuple[int, int]], activations: Sequence[str],
              head: OutputHead) -> Array:
    """The mean training loss (K,) of K weight vectors ``thetas`` (K, P) on inputs ``x`` (n, in), targets
    ``t`` (n, k): one forward pass for all K (``activations``: each layer's, the output's last)."""
    k_count = len(thetas)
    a = np.broadcast_to(np.asarray(x, dtype=np.float64), (k_count, *np.shape(x)))
    start = 0
    z = a
    for (n_out, n_in), name in zip(shapes, activations, strict=True):
        block = thetas[:, start:start + n_out * (n_in + 1)].reshape(k_count, n_out, n_in + 1)
        start += n_out * (n_in + 1)
        z = a @ block[:, :, :-1].transpose(0, 2, 1) + block[:, None, :, -1]
        a = activate(name, z.reshape(-1, n_out)).reshape(z.shape)
    tt = np.asarray(t, dtype=np.float64).T
    return np.array([head.loss_value(z[k].T, a[k].T, tt) for k in range(k_count)])


@dataclass(frozen=True, eq=False)
class SurfaceJob:
    """What a grid needs: the plane, its α (R,) and β (R,) values, and the network's layout.

    ``shapes`` are the weight layers' (out, in); ``activations`` each layer's (the output's last);
    ``rows`` the training rows the loss is taken over (None: all of them; a big network on many
    points uses a fixed sample, so that one grid point costs at most :data:`MAX_POINT_WORK`)."""

    plane: Plane
    alphas: Array
    betas: Array
    shapes: tuple[tuple[int, int], ...]
    activations: tuple[str, ...]
    rows: Array | None = None

    @property
    def resolution(self) -> int:
        return len(self.betas)


def evaluate_rows(job: SurfaceJob, x: Array, t: Array, head: OutputHead, start: int, stop: int) -> Array:
    """The loss on grid rows ``start``…``stop`` (β index) × every α: (stop − start, R), over the training
    inputs ``x`` (n, in) and targets ``t`` (n, k) (the job's sample of them, if it has one)."""
    if job.rows is not None:
        x, t = x[job.rows], t[job.rows]
    alphas, betas = job.alphas, job.betas[start:stop]
    aa, bb = np.meshgrid(alphas, betas)
    thetas = (job.plane.origin + aa.reshape(-1, 1) * job.plane.d1 + bb.reshape(-1, 1) * job.plane.d2)
    out = np.empty(len(thetas))
    with np.errstate(all="ignore"):
        for lo in range(0, len(thetas), BATCH_POINTS):
            out[lo:lo + BATCH_POINTS] = losses_at(thetas[lo:lo + BATCH_POINTS], x, t, job.shapes, job.activations,
                                                  head)
    return out.reshape(len(betas), len(alphas))


def layer_shapes(network: Network) -> tuple[tuple[int, int], ...]:
    """(out, in) of each weight layer of ``network``."""
    return tuple((network.sizes[i + 1], network.sizes[i]) for i in range(network.n_layers))


def trainer_job(trainer: Trainer, plane: Plane, path: Array | None, resolution: int | None = None,
                half_width: float = 1.0) -> SurfaceJob:
    """The grid on ``plane`` for ``trainer``'s network, wide enough for the projected ``path`` (m, 2); its
    resolution from the network's size unless given; at least ±``half_width`` (see :func:`axes_for`);
    the loss over a fixed sample of the training
    points when all of them would cost more than :data:`MAX_POINT_WORK` a grid point."""
    net = trainer.network
    n = trainer.dataset.n_train
    most = max(64, MAX_POINT_WORK // max(net.n_params, 1))
    rows = frozen_copy(np.sort(np.random.default_rng(0).choice(n, most, replace=False))) if n > most else None
    count = n if rows is None else len(rows)
    size = resolution or resolution_for(net.n_params, count)
    alphas, betas = axes_for(path, size, half_width)
    return SurfaceJob(plane, frozen_copy(alphas), frozen_copy(betas), layer_shapes(net),
                      (*trainer.spec.network.activations, trainer.head.activation), rows)
