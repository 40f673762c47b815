"""The network — and every neuron in it — evaluated on an N × N grid over the data domain.

This is what the decision-boundary heatmap and the neuron thumbnails draw.
The grid is evaluated in float32 (a picture needs no more, and float32 tanh is
several times faster) through a mirror network whose buffers are reused
between calls. Measured gain (CPU time of a 100 × 100 grid, a float64 mirror
instead): 6 × 8 2.6–2.8 ms instead of 10.6–11.5 ms, 10 × 64 35–48 ms instead
of 167–178 ms.
A big network's grid runs in pieces of cells (see ``epoch_pieces``), and whoever
asked may stop it between them; its resolution is kept within the work budget
by the caller (``spec_limits.picture_resolution``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from playground.core.epoch_pieces import KeepGoing, chunk_rows
from playground.core.features import expand_features
from playground.core.input_scaling import InputScaling
from playground.core.network import Network, Workspace, run_calls
from playground.core.neuron_images import NeuronRequest, detail_image, requested_images
from playground.core.snapshot import GridOutput, frozen_copy

MIN_RESOLUTION = 2
MAX_RESOLUTION = 400
#: Neuron images are thumbnails (drawn at 24 px, zoomed at 96): a finer grid is sampled at a
#: stride down to at most this many cells a side (a 400² grid of 4,096 neurons would be 2.6 GB).
NEURON_RESOLUTION = 100


def neuron_stride(resolution: int) -> int:
    """The stride that samples a ``resolution``² grid down to at most :data:`NEURON_RESOLUTION`² cells."""
    return -(-resolution // NEURON_RESOLUTION)


def grid_points(domain: tuple[float, float, float, float], n: int) -> np.ndarray:
    """Cell centres (n·n, 2), row-major with row i at y = ymin + (i + ½)·dy, bottom row first."""
    x0, x1, y0, y1 = domain
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


class GridEvaluator:
    """Evaluates a network on a fixed grid; create once, call :meth:`evaluate` per frame.

    Parameters
    ----------
    network : the trained network (float64); only its parameters are read
    features : the input feature names, in the network's input order
    domain : (xmin, xmax, ymin, ymax)
    resolution : N, from 2 to 400
    scaling : the input scaling the network was trained with (none by default)
    """

    def __init__(self, network: Network, features: Sequence[str],
                 domain: tuple[float, float, float, float], resolution: int,
                 scaling: InputScaling | None = None) -> None:
        if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
            raise ValueError(f"grid resolution must be from {MIN_RESOLUTION} to {MAX_RESOLUTION}, got {resolution}")
        self.source = network
        self.features = tuple(features)
        self.domain = tuple(float(v) for v in domain)
        self.resolution = resolution
        self.mirror = Network(network.sizes, [a.name for a in network.hidden_activations], network.head,
                              dtype=np.float32)
        self.mirror.set_switched_off(network.switched_off)  # a new evaluator when they change
        rows = resolution * resolution
        self.workspace = self.mirror.workspace(rows)
        pts = grid_points(self.domain, resolution)
        # The inputs never change for a fixed grid: expand the features once.
        if scaling is not None:  # the grid is in raw coordinates, the network sees scaled ones
            pts = scaling.apply(pts)
        self.workspace.inputs[:-1] = expand_features(pts, self.features).T
        chunk = chunk_rows(self.mirror.n_params, training=False)
        if chunk >= rows:
            self._pieces = [self.workspace.forward_calls()]
        else:  # by chunks of cells, each copying every layer's activations into the full buffer
            self._pieces = []
            for lo in range(0, rows, chunk):
                inputs = np.ascontiguousarray(self.workspace.inputs[:, lo:lo + chunk])
                ws = Workspace(self.mirror, inputs.shape[1])
                self._pieces.append(ws.forward_calls(inputs) + [
                    partial(np.copyto, self.workspace.all_acts[:, lo:lo + chunk], ws.all_acts)])
        # The input features are the same picture every frame: one frozen copy, shared by all outputs.
        self._stride = neuron_stride(resolution)
        self._input_images = self._thumbnails(self.workspace.inputs[:-1])

    def _thumbnails(self, a: np.ndarray) -> np.ndarray:
        """Feature-major rows (k, n·n) as k images sampled at the neuron stride (frozen copies)."""
        n, step = self.resolution, self._stride
        return frozen_copy(a.reshape(a.shape[0], n, n)[:, ::step, ::step])

    def evaluate(self, with_neurons: bool | NeuronRequest = True,
                 keep_going: KeepGoing | None = None) -> GridOutput | None:
        """Run the mirror network on the grid with the source's current parameters; None when
        ``keep_going()``, asked between pieces, said to stop.

        ``with_neurons``: every neuron's image at up to :data:`NEURON_RESOLUTION` cells a side
        (True), none (False), or the images a view asked for (those it draws, at its size).
        """
        np.copyto(self.mirror.params, self.source.params, casting="same_kind")
        for i, piece in enumerate(self._pieces):
            if i and keep_going is not None and not keep_going():
                return None
            run_calls(piece)
        n = self.resolution
        head = self.mirror.head
        out = self.workspace.output.T  # sample-major (n·n, k) view
        score = head.score(out).reshape(n, n)
        predicted = head.predict(out).reshape(n, n) if head.is_classification else None
        neurons: tuple[np.ndarray, ...] = ()
        ids: tuple[np.ndarray, ...] = ()
        detail = None
        if isinstance(with_neurons, NeuronRequest):
            units = [self.workspace.inputs[:-1], *self.workspace.acts]
            neurons, ids = requested_images(units, n, with_neurons)
            detail = detail_image(units, n, with_neurons)
        elif with_neurons:
            # Feature-major buffers (k, n·n) are k images already: a plain copy, no transpose.
            neurons = (self._input_images, *(self._thumbnails(a) for a in self.workspace.acts))
        return GridOutput(
            domain=self.domain,  # type: ignore[arg-type]
            resolution=n,
            output=frozen_copy(score),
            predicted=None if predicted is None else frozen_copy(predicted),
            neurons=neurons,
            neuron_ids=ids,
            detail=detail,
        )
