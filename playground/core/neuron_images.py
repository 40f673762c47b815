"""The neuron images a view draws: only the neurons it has on screen, at the size it draws them.

A diagram of a big network (16 hidden layers of 256 neurons) shows a few dozen neurons at a time,
each as a thumbnail some device pixels a side. The grid picture's forward pass computes every
neuron on the output's grid anyway (the output needs them all); a :class:`NeuronRequest` says
which of those activations become images and how many cells a side each has, so that nobody
copies, sends, colours or scales an image that is not drawn, or is drawn smaller than it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.core.snapshot import frozen_copy


@dataclass(frozen=True)
class NeuronRequest:
    """Which neurons get an image, and its side.

    Attributes
    ----------
    neurons : per unit layer (the inputs, each hidden layer, the outputs) the indices of the
        neurons to draw, ascending
    size : the side of an image in cells (the thumbnail's side in device pixels); never more
        than the grid's resolution
    detail : (unit layer, neuron) of one neuron whose image is also made at ``detail_size``
        cells a side (the one under the mouse, shown enlarged), or None
    """

    neurons: tuple[tuple[int, ...], ...]
    size: int
    detail: tuple[int, int] | None = None
    detail_size: int = 96

    @classmethod
    def of(cls, neurons: Sequence[Sequence[int]], size: int, detail: tuple[int, int] | None = None,
           detail_size: int = 96) -> NeuronRequest:
        """A request with every layer's indices made unique, ascending plain ints, and sides of at least 1."""
        return cls(tuple(tuple(sorted({int(j) for j in layer})) for layer in neurons), max(1, int(size)),
                   None if detail is None else (int(detail[0]), int(detail[1])), max(1, int(detail_size)))

    def fits(self, sizes: Sequence[int]) -> bool:
        """Whether this request is for a network of unit layer ``sizes`` (inputs, hidden, outputs)."""
        return len(self.neurons) == len(sizes) and all(
            not layer or layer[-1] < n for layer, n in zip(self.neurons, sizes, strict=True))


def sample_cells(resolution: int, size: int) -> np.ndarray:
    """Grid rows (and columns) that sample an N-cell side down to ``m = min(size, N)`` cells: the cell
    under the centre of each of the m pixels, so an image of m² cells covers the whole domain."""
    m = max(1, min(size, resolution))
    return ((np.arange(m) + 0.5) * resolution / m).astype(np.intp)


def sampled_image(values: np.ndarray, resolution: int, size: int) -> np.ndarray:
    """One neuron's values on the grid (N·N,) as an image (m, m), m = min(size, N) (a read-only copy)."""
    rows = sample_cells(resolution, size)
    return frozen_copy(values.reshape(resolution, resolution)[np.ix_(rows, rows)])


def detail_image(units: Sequence[np.ndarray], resolution: int, request: NeuronRequest
                 ) -> tuple[int, int, np.ndarray] | None:
    """(layer, neuron, image) of the request's detail neuron at its detail size; None when it has none
    (or names no neuron of these layers)."""
    if request.detail is None:
        return None
    layer, neuron = request.detail
    if not (0 <= layer < len(units) and 0 <= neuron < units[layer].shape[0]):
        return None
    return layer, neuron, sampled_image(units[layer][neuron], resolution, request.detail_size)


def requested_images(units: Sequence[np.ndarray], resolution: int, request: NeuronRequest
                     ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The requested neurons' images, sampled from their values on the grid.

    Parameters
    ----------
    units : per unit layer its values on the grid, feature-major (n_l, N·N), row-major cells
    resolution : N
    request : which neurons, at what side m; a request for another network (see
        :meth:`NeuronRequest.fits`) gets every neuron at side m

    Returns
    -------
    images : per unit layer (k_l, m, m) read-only arrays, one per requested neuron
    ids : per unit layer (k_l,) read-only int arrays, which neuron each image is
    """
    rows = sample_cells(resolution, request.size)
    cells = (rows[:, None] * resolution + rows[None, :]).ravel()  # (m·m,) flat cell of each pixel
    wanted = request.neurons if request.fits([a.shape[0] for a in units]) else [range(a.shape[0]) for a in units]
    images, ids = [], []
    for a, layer in zip(units, wanted, strict=True):
        which = np.asarray(layer, dtype=np.intp)
        images.append(frozen_copy(a[np.ix_(which, cells)].reshape(len(which), len(rows), len(rows))))
        ids.append(frozen_copy(which))
    return tuple(images), tuple(ids)
